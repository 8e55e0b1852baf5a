import Errors
import Foundation

/// A problem with a manifest or workspace file, located where the user can fix it.
public struct ManifestError: ReportableError, Equatable, Sendable {
    /// The file's path as given (relative paths stay relative), or a name such as `<input>`.
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file (e.g. it cannot be read).
    public var line: Int
    /// 1-based; 0 when the problem concerns the whole file or line.
    public var column: Int
    public var message: String
    public var hint: String?

    public init(file: String, line: Int = 0, column: Int = 0, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    public var problem: Problem {
        Problem(message, hint: hint, at: file.isEmpty ? nil : TextLocation(file: file, line: line, column: column))
    }
}

/// An edit or a lookup named a stage the pipeline does not have: one error, wherever it is found.
public struct NoSuchStage: ReportableError, Equatable, Sendable {
    public var name: String
    /// The pipeline's stages, for the suggestion.
    public var stages: [String]

    public init(name: String, stages: [String]) {
        self.name = name
        self.stages = stages
    }

    public var problem: Problem {
        Problem("no stage \(name) in the pipeline", hint: Suggestions.hint(for: name, among: stages)
            ?? (stages.isEmpty ? "`stage add \(name)` adds it" : "stages are: \(stages.joined(separator: ", "))"))
    }
}

/// A 1-based position in a file's text.
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

// The one error model of sluice. Every module's errors say what went wrong as a `Problem`:
// one message, an optional hint (what to do), an optional location. None formats itself; the
// shell prints every problem in one place (`Output.report`), the same shape in scripts, at the
// prompt and as JSON.

/// Where a problem is: a file (or `-c`, `<prompt>`, `<stdin>`) and, when known, a 1-based line
/// and column (0 when the problem concerns the whole file or line).
public struct TextLocation: Equatable, Hashable, Sendable, Encodable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    private enum CodingKeys: String, CodingKey { case file, line, column }

    /// JSON leaves out the parts not known, as the text form does.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        if line > 0 { try container.encode(line, forKey: .line) }
        if line > 0, column > 0 { try container.encode(column, forKey: .column) }
    }

    /// `FILE:LINE:COL` (the parts known), the form compilers use so editors can jump to it.
    public var description: String {
        guard line > 0 else { return file }
        return column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
    }
}

/// What an error says to a person.
public struct Problem: Equatable, Sendable, Encodable {
    /// One sentence: what went wrong.
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// Where, when the problem is in a file or a script.
    public var location: TextLocation?

    public init(_ message: String, hint: String? = nil, at location: TextLocation? = nil) {
        self.message = message
        self.hint = hint
        self.location = location
    }

    /// The report as lines: `LOCATION: SEVERITY: MESSAGE`, then `  hint: HINT`; `label` styles
    /// the labels (`error:`, `warning:`, `hint:`) where the shell colours them.
    public func lines(severity: String = "error", label: (String) -> String = { $0 }) -> [String] {
        let head = location.map { "\($0): " } ?? ""
        return ["\(head)\(label(severity + ":")) \(message)"] + (hint.map { ["  \(label("hint:")) \($0)"] } ?? [])
    }

    /// The report on one line, for a run's action summary or a log: `LOCATION: MESSAGE; hint: HINT`.
    public var oneLine: String {
        (location.map { "\($0): " } ?? "") + message + (hint.map { "; hint: \($0)" } ?? "")
    }
}

/// An error that says what went wrong as a `Problem`. Its `description` is the problem on one
/// line, for a message or log that quotes it; the shell reports the problem itself.
public protocol ReportableError: Error, CustomStringConvertible {
    var problem: Problem { get }
}

extension ReportableError {
    public var description: String { problem.oneLine }
}

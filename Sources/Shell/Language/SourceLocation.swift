/// Where a piece of script text came from: a file (or `-c`, `<stdin>`, `<prompt>`) and a
/// 1-based line and column. Every token, word and error carries one.
public struct ScriptLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL`, the form compilers use so editors can jump to it.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A failure the shell reports as `FILE:LINE:COL: error: MESSAGE` with an optional hint line.
public struct ShellError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Usage errors (syntax, unknown command, wrong arguments) exit 2; failures exit 1.
    public enum Kind: Equatable, Sendable {
        case usage
        case failure
    }

    public var kind: Kind
    public var message: String
    public var hint: String?
    /// Filled in by the interpreter when the thrower did not know it.
    public var location: ScriptLocation?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, at location: ScriptLocation? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.location = location
    }

    public static func usage(_ message: String, hint: String? = nil, at location: ScriptLocation? = nil) -> ShellError {
        ShellError(.usage, message, hint: hint, at: location)
    }

    public static func failure(_ message: String, hint: String? = nil, at location: ScriptLocation? = nil) -> ShellError {
        ShellError(.failure, message, hint: hint, at: location)
    }

    /// The exit status a script ends with when this error stops it.
    public var exitStatus: Int32 { kind == .usage ? 2 : 1 }

    /// The located report: `FILE:LINE:COL: error: MESSAGE` and, when known, `  hint: …`.
    public var description: String {
        var text = location.map { "\($0): error: \(message)" } ?? "error: \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

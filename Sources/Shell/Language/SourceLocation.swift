import Errors

/// Where a piece of script text came from: a file (or `<command line>`, `<stdin>`, `<prompt>`)
/// and a 1-based line and column. Every token, word and error carries one.
public typealias ScriptLocation = TextLocation

extension TextLocation {
    /// The name of text given on sluice's command line: `-c COMMANDS` and the words of one command
    /// (`sluice stage add test`) alike, so an error there reads the same either way.
    public static let commandLine = "<command line>"
    /// The name of an entry typed at the prompt (where an error points at the word with a caret instead).
    public static let prompt = "<prompt>"
    /// The name of a script read from standard input.
    public static let standardInput = "<stdin>"
}

/// A failure of the shell, a script or a command: the error model's problem (message, hint,
/// location) and whether it is a usage error.
public struct ShellError: ReportableError, Equatable, Sendable {
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

    /// Another module's problem with an argument, as a usage error at the argument.
    public static func usage(_ problem: Problem, at location: ScriptLocation) -> ShellError {
        ShellError(.usage, problem.message, hint: problem.hint, at: location)
    }

    /// Another module's error as a failure of the command at `location`. The other error's own
    /// location (a manifest's FILE:LINE:COL) leads its message, the script's leads the report.
    public static func failure(_ error: Error, at location: ScriptLocation? = nil,
                               relativePath: (String) -> String = { $0 }) -> ShellError {
        if let shellError = error as? ShellError {
            var located = shellError
            if located.location == nil { located.location = location }
            return located
        }
        guard let problem = (error as? any ReportableError)?.problem else { return .failure("\(error)", at: location) }
        var message = problem.message
        if var inner = problem.location {
            inner.file = relativePath(inner.file)
            if !(inner.line == 0 && message.contains(inner.file)) { message = "\(inner): \(message)" }
        }
        return .failure(message, hint: problem.hint, at: location)
    }

    public var problem: Problem { Problem(message, hint: hint, at: location) }

    /// The exit status a script ends with when this error stops it.
    public var exitStatus: Int32 { kind == .usage ? 2 : 1 }
}

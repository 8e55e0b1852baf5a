// The one error model of sluice. Every module's errors say what went wrong as a `Problem`:
// one message, an optional hint (what to do), an optional location. None formats itself; the
// shell prints every problem in one place (`Output.report`), the same shape in scripts, at the
// prompt and as JSON.

/// Where a problem is: a file (or `<command line>`, `<prompt>`, `<stdin>`) and, when known, a 1-based line
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

    /// The report as lines of at most `width` columns: `LOCATION: SEVERITY: MESSAGE` (the lines the
    /// message wraps onto indented two), then the hint on its own line, `  hint: HINT` (wrapped under
    /// its first word); `label` styles the labels (`error:`, `warning:`, `hint:`) where the shell
    /// colours them.
    public func lines(severity: String = "error", width: Int = .max, label: (String) -> String = { $0 }) -> [String] {
        let parts = layout(severity: severity, width: width, label: label)
        return parts.message + parts.hint
    }

    /// The lines of `lines(…)` in their two parts: the message's, and the hint's (none without a hint).
    public func layout(severity: String = "error", width: Int = .max,
                       label: (String) -> String = { $0 }) -> (message: [String], hint: [String]) {
        let place = location.map { "\($0): " } ?? ""
        let message = Self.wrap(message, width: width, head: place + severity + ": ", styledHead: place + label(severity + ":") + " ",
                                hanging: "  ")
        let hint = hint.map {
            Self.wrap($0, width: width, head: "  hint: ", styledHead: "  " + label("hint:") + " ", hanging: String(repeating: " ", count: 8))
        }
        return (message, hint ?? [])
    }

    /// `text` wrapped after `head`, which is then written styled.
    private static func wrap(_ text: String, width: Int, head: String, styledHead: String, hanging: String) -> [String] {
        var lines = TextLayout.wrap(text, width: width, indent: head, hanging: hanging)
        lines[0] = styledHead + lines[0].dropFirst(head.count)
        return lines
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

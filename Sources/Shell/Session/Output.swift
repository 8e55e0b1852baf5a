import Errors
import Manifest
import Targets
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the shell prints goes through one of these: results to stdout, diagnostics
/// to stderr, token-like words masked in both (a secret typed into a command is never
/// printed back, whichever message would quote it). Colour only when the stream is a terminal, NO_COLOR is unset and TERM
/// is not dumb, in the chosen theme (`ColorTheme`); stdout is buffered (a script of echo lines must not pay a syscall per line) and flushed after
/// every entry, before stderr writes, and before anything that waits.
///
/// Two kinds of text: data (`line`, `write`: a manifest, a log, JSON, a table), printed as it is,
/// and messages (`message`, `diagnostic`, `report`, `finding`), laid out by `TextLayout`: wrapped
/// between words to the terminal's width (`$COLUMNS`, else 80, when the stream is no terminal),
/// the lines a message wraps onto indented, an error's hint on its own line.
public final class Output: @unchecked Sendable {
    /// How a line is styled when colour is on; the theme says in which colours.
    public enum Style: Sendable {
        case plain
        case bold
        case dim
        case red
        case green
        case yellow
        case cyan

        var tone: ColorTheme.Tone? {
            switch self {
            case .plain: return nil
            case .bold: return .strong
            case .dim: return .quiet
            case .red: return .failure
            case .green: return .success
            case .yellow: return .attention
            case .cyan: return .info
            }
        }
    }

    private let stdoutLive: Bool
    /// The colours of stdout and of stderr; nil where there is no colour.
    public let theme: ColorTheme?
    private let stderrTheme: ColorTheme?
    private let stdoutIsTerminal: Bool
    private let stderrIsTerminal: Bool
    /// The width messages wrap to where a stream is no terminal: `$COLUMNS` (a `set COLUMNS N`
    /// changes it), else 80.
    public var fallbackColumns: Int
    private var buffer: [UInt8] = []
    /// `--json` was given: commands that can print JSON do.
    public let json: Bool

    /// Decides colour from the real file descriptors and the environment.
    public init(environment: [String: String], json: Bool = false) {
        stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
        stderrIsTerminal = isatty(STDERR_FILENO) == 1
        stdoutLive = stdoutIsTerminal && environment["TERM"] != "dumb"
        theme = ColorTheme.forOutput(STDOUT_FILENO, environment: environment)
        stderrTheme = ColorTheme.forOutput(STDERR_FILENO, environment: environment)
        fallbackColumns = Self.columns(environment["COLUMNS"]) ?? 80
        self.json = json
        buffer.reserveCapacity(1 << 16)
    }

    /// Nothing reaches stdout while set (the tour replays its earlier steps quietly); stderr still does.
    public var isMuted = false

    /// True when stdout is a terminal that can redraw in place (TERM is not dumb).
    public var isLiveTerminal: Bool { stdoutLive }

    /// The columns messages on stdout wrap to: the terminal's (asked each time: it may have been
    /// resized), else `fallbackColumns`.
    public var columns: Int {
        stdoutIsTerminal ? Terminal.columns(of: STDOUT_FILENO) ?? fallbackColumns : fallbackColumns
    }

    /// The same for stderr.
    public var errorColumns: Int {
        stderrIsTerminal ? Terminal.columns(of: STDERR_FILENO) ?? fallbackColumns : fallbackColumns
    }

    /// A positive number of columns, or nil.
    static func columns(_ text: String?) -> Int? {
        text.flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The terminal's rows, else 24 (the height a recorded cast gives).
    var rows: Int { Terminal.size(of: STDOUT_FILENO).rows }

    /// `record --cast` and `record --transcript`: each sees what is shown and typed while it records.
    var recordings: [any PresenterRecording] = []

    /// Tells the recordings (what a muted output does not show, nobody saw), token-like words
    /// masked: a recording is a file, and a secret never reaches one. The event is made only when
    /// something records: a script's every command shows its prompt, and the prompt's `*` compares
    /// the manifest with the file (half a script's CPU when it was made for nobody).
    func show(_ event: @autoclosure () -> ShownEvent) {
        guard !isMuted, !recordings.isEmpty else { return }
        let masked: ShownEvent
        switch event() {
        case .output(let text): masked = .output(Secrets.redacted(text))
        case .narration(let text): masked = .narration(Secrets.redacted(text))
        case .echo(let text): masked = .echo(Secrets.redacted(text))
        case .prompt(let text, let entry): masked = .prompt(Secrets.redacted(text), entry: entry)
        case .typed(let text): masked = .typed(text.map(Secrets.redacted))
        case .command(let text): masked = .command(Secrets.redacted(text))
        }
        for recording in recordings { recording.record(masked) }
    }

    /// While capturing, a copy of everything written to stdout and stderr (`--step` shows a
    /// command's output again).
    private var captured: String?

    /// Writes `text` and a newline to stdout.
    public func line(_ text: String, style: Style = .plain) {
        guard !isMuted else { return }
        emit(painted(Secrets.redacted(text), style) + "\n", as: ShownEvent.output)
    }

    /// Writes `text` (no newline added) to stdout.
    public func write(_ text: String) {
        guard !isMuted else { return }
        emit(Secrets.redacted(text), as: ShownEvent.output)
    }

    /// Narration (a script's comment, `say`): a paragraph wrapped to the width, quiet, and told to the
    /// recordings as narration.
    func narration(_ text: String) {
        guard !isMuted else { return }
        for line in wrapped(Secrets.redacted(text), width: columns, hanging: "") {
            emit(painted(line, .dim) + "\n", as: ShownEvent.narration)
        }
    }

    /// A command shown as `--echo` shows it, or a piece of it as `--type` types it (no newline added).
    func echo(_ text: String) {
        guard !isMuted else { return }
        emit(Secrets.redacted(text), as: ShownEvent.echo)
    }

    /// Writes the message `text` to stdout, wrapped to the width (each line of `text` on its own):
    /// the lines it wraps onto start with `hanging`, by default its own indentation and two blanks.
    public func message(_ text: String, style: Style = .plain, hanging: String? = nil) {
        for line in wrapped(Secrets.redacted(text), width: columns, hanging: hanging) { self.line(line, style: style) }
    }

    /// Writes a row of a listing whose columns are set apart by two or more blanks (`region   us-east-1`):
    /// a row too wide for the terminal goes on under its second column.
    public func row(_ text: String) {
        let indent = text.prefix { $0 == " " }
        var column = indent.count
        if let gap = text.dropFirst(indent.count).range(of: "  ") {
            column = text.distance(from: text.startIndex, to: gap.lowerBound)
            column += text[gap.lowerBound...].prefix { $0 == " " }.count
        }
        message(text, hanging: String(repeating: " ", count: column))
    }

    private func wrapped(_ text: String, width: Int, hanging: String?) -> [String] {
        let indent = String(text.prefix { $0 == " " })
        return TextLayout.wrap(text, width: width, indent: "", hanging: hanging ?? indent + "  ")
    }

    private func emit(_ text: String, as event: (String) -> ShownEvent) {
        captured?.append(text)
        show(event(text))
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes the message `text` to stderr, wrapped as `message` does (after flushing stdout, so the
    /// two interleave in order).
    public func diagnostic(_ text: String, style: Style = .plain) {
        for line in wrapped(Secrets.redacted(text), width: errorColumns, hanging: nil) {
            writeDiagnostic(styled(line, style, theme: stderrTheme))
        }
    }

    /// One line to stderr as it is (already laid out), after flushing stdout so the two interleave in order.
    private func writeDiagnostic(_ text: String) {
        flush()
        let text = Secrets.redacted(text) + "\n"
        captured?.append(text)
        show(.output(text))
        writeAll(Array(text.utf8), to: STDERR_FILENO)
    }

    /// `text` in `style` as stdout shows it (plain without colour).
    func painted(_ text: String, _ style: Style) -> String {
        styled(text, style, theme: theme)
    }

    /// Starts keeping a copy of what is written, after `shown` (already written), until `endCapture`.
    func beginCapture(_ shown: String = "") { captured = shown }

    /// What was written since `beginCapture`; stops capturing.
    func endCapture() -> String {
        defer { captured = nil }
        return captured ?? ""
    }

    /// Every error sluice reports is printed here, on stderr: `LOCATION: error: MESSAGE` and
    /// `  hint: HINT` (the compiler form), or with `--json` one line
    /// `{"error":{"message":…,"hint":…,"location":{"file":…,"line":…,"column":…}}}`.
    /// An error in an entry typed at the prompt (`excerpt` is its text) is shown as psql does:
    /// the message, the line it is on with a caret under the word, then the hint.
    public func report(_ error: any ReportableError, excerpt: String? = nil) {
        var problem = error.problem
        if json, let text = try? JSONText.encode(["error": problem]) {
            writeDiagnostic(text)
            return
        }
        var pointer: [String] = []
        if let excerpt, let location = problem.location,
           let lines = SourceExcerpt.lines(excerpt, at: location, width: errorColumns - 2) {
            pointer = lines.map { "  " + $0 }
            problem.location = nil
        }
        let parts = problem.layout(severity: "error", width: errorColumns) { styledLabel($0, theme: stderrTheme) }
        for line in parts.message + pointer + parts.hint { writeDiagnostic(line) }
    }

    /// A finding that is a command's result (`validate`'s errors and warnings), on stdout in the
    /// same form as `report`.
    public func finding(_ problem: Problem, severity: String) {
        for line in problem.lines(severity: severity, width: columns, label: { styledLabel($0, theme: theme) }) {
            self.line(line)
        }
    }

    private func styledLabel(_ label: String, theme: ColorTheme?) -> String {
        styled(label, label == "hint:" ? .cyan : label == "warning:" ? .yellow : .red, theme: theme)
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        writeAll(buffer, to: STDOUT_FILENO)
        buffer.removeAll(keepingCapacity: true)
    }

    private func styled(_ text: String, _ style: Style, theme: ColorTheme?) -> String {
        guard let theme, let tone = style.tone else { return text }
        return theme.paint(text, tone)
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc_write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

/// `write(2)` under a name that does not collide with `Output.write`.
@inline(__always)
private func Glibc_write(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, pointer, count)
    #else
    return Darwin.write(descriptor, pointer, count)
    #endif
}

extension Output {
    /// The console `watch`, `status` and the targets draw on: this output's stdout, flushed
    /// per write so live redraws and ordinary lines stay in order.
    public var console: WatchConsole {
        WatchConsole(live: isLiveTerminal, theme: theme, columns: columns) { [self] text in
            write(text)
            flush()
        }
    }
}

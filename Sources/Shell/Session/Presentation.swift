import Foundation
import Manifest

/// How a script is shown as it runs, for teaching and live demos: `--echo` shows each command as
/// written and its comments as narration; `--pace`, `--step` and `--type` give the audience time.
public struct Presentation: Sendable {
    /// Show each command (tokens masked) before its output, and the script's comments as narration.
    public var echo = false
    /// A pause between commands.
    public var pace: Duration?
    /// Show each command, then wait for a key before running it: b shows the previous command's output again, q stops.
    public var step = false
    /// Type each command out at human speed.
    public var typing = false

    public init(echo: Bool = false, pace: Duration? = nil, step: Bool = false, typing: Bool = false) {
        // Pacing a replay whose commands cannot be seen would show nothing worth waiting for.
        self.echo = echo || pace != nil || step || typing
        self.pace = pace
        self.step = step
        self.typing = typing
    }

    /// `2s`, `1.5s`, `500ms`, `1m` or a plain number of seconds; nil when `text` is none of these.
    public static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        let unit = units.first { text.hasSuffix($0.suffix) && Double(text.dropLast($0.suffix.count)) != nil }
        let number = Double(unit.map { String(text.dropLast($0.suffix.count)) } ?? text)
        guard let number, number >= 0, number.isFinite, number <= 3600 else { return nil }
        return .milliseconds(Int((number * (unit?.seconds ?? 1) * 1000).rounded()))
    }

    /// How long one character takes to appear under `--type`, and the most a whole command takes.
    static let keystroke = Duration.milliseconds(45)
    static let longestTyping = Duration.seconds(3)
}

/// What a session remembers while presenting: each command's output so far, for `b`.
struct PresentationState {
    /// Commands presented so far.
    var presented = 0
    /// The output of each command run so far (its echo and narration included), newest last.
    var outputs: [String] = []
}

extension Session {
    /// Shows `command` before it runs: its narration, the pause (`--pace`), the command as written
    /// (typed out under `--type`), at full strength — only the narration is quiet —, then under
    /// `--step` the key. Returns false when the presenter pressed q.
    func present(_ command: CommandSyntax, echoed: Bool) async throws -> Bool {
        guard presentation.echo else { return true }
        // A paragraph of narration stands apart from the output before it.
        if !command.narration.isEmpty, presentationState.presented > 0 { output.line("") }
        for paragraph in Self.paragraphs(command.narration) { narrate(paragraph) }
        defer { presentationState.presented += 1 }
        if !presentation.step, let pace = presentation.pace, presentationState.presented > 0 {
            output.flush()
            try await Task.sleep(for: pace)
        }
        let text = command.source.isEmpty ? command.words.map(\.displayText).joined(separator: " ") : command.source
        let shown = echoed ? "> " + text : nil
        if let shown {
            if presentation.typing { try await type(shown) } else { output.echo(shown + "\n") }
        }
        guard presentation.step else { return true }
        // The audience reads the next command while the presenter talks; the key runs it.
        guard try await awaitStepKey(before: command, next: shown) else { return false }
        // What `b` shows again later: the command, then its output.
        output.beginCapture(shown.map { $0 + "\n" } ?? "")
        return true
    }

    /// After a command ran (or failed): keeps its output for `b`.
    func presented(_ command: CommandSyntax) {
        if presentation.step { presentationState.outputs.append(output.endCapture()) }
    }

    /// After the script's last command succeeded: the comments that close the script.
    func narrateClosing(_ command: CommandSyntax) {
        guard presentation.echo else { return }
        for paragraph in Self.paragraphs(command.closingNarration) { narrate(paragraph) }
    }

    /// A comment or `say`: dimmed, without the `>` of a command (plain under NO_COLOR), wrapped to the
    /// screen as a paragraph.
    func narrate(_ text: String) {
        output.narration(text)
    }

    /// A script's comment lines as the paragraphs they write: a line that goes on with the sentence
    /// of the line before is joined to it, so the narration wraps to the screen, not to the width
    /// the script was written in. An empty line, an indented one or a list item starts anew.
    static func paragraphs(_ lines: [String]) -> [String] {
        var paragraphs: [String] = []
        var joinable = false
        for line in lines {
            let numbered = line.first?.isNumber == true && line.drop { $0.isNumber }.hasPrefix(". ")
            let startsAnew = line.isEmpty || line.first?.isWhitespace == true || numbered
                || ["- ", "* ", "• "].contains { line.hasPrefix($0) }
            if joinable, !startsAnew {
                paragraphs[paragraphs.count - 1] += " " + line
            } else {
                paragraphs.append(line)
            }
            joinable = !line.isEmpty
        }
        return paragraphs
    }

    /// Waits at the terminal for a key; true to go on. `b` shows earlier commands' output again,
    /// then the `next` command once more.
    private func awaitStepKey(before command: CommandSyntax, next: String?) async throws -> Bool {
        var back = 0
        while true {
            switch try await readKey("[step] Enter runs the next command · b shows the previous output again · q stops") {
            case UInt8(ascii: "q"), UInt8(ascii: "Q"):
                output.message("stopped (q) before \(command.location)", style: .dim)
                return false
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                let outputs = presentationState.outputs
                guard back < outputs.count else {
                    output.line("(no earlier output)", style: .dim)
                    continue
                }
                back += 1
                output.line("── again, \(back) command\(back == 1 ? "" : "s") back ──", style: .dim)
                output.write(outputs[outputs.count - back])
                if let next {
                    output.line("── next ──", style: .dim)
                    output.echo(next + "\n")
                }
            default:
                return true
            }
        }
    }

    /// Reads one key for `--step` and `pause`; Ctrl-C cancels the script as it does anywhere.
    func readKey(_ prompt: String) async throws -> UInt8 {
        output.flush()
        guard let key = await TerminalLineReader.readKey(output.painted(prompt, .dim), escapes: output.isLiveTerminal) else {
            try Task.checkCancellation()
            throw ShellError.failure("no terminal to read a key from", hint: "--step and `pause` wait for a key at a terminal; "
                                     + "use --pace DURATION (or `pause DURATION`) elsewhere")
        }
        if key == 0x03 { throw CancellationError() }
        return key
    }

    /// Writes `text` one character at a time, at typing speed, then a newline.
    private func type(_ text: String) async throws {
        let characters = Array(Secrets.redacted(text))
        let perCharacter = min(Presentation.keystroke, Presentation.longestTyping / max(characters.count, 1))
        for character in characters {
            output.echo(String(character))
            output.flush()
            try await Task.sleep(for: perCharacter)
        }
        output.echo("\n")
    }
}

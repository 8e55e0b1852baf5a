import Foundation
import Manifest

/// What a presenter's recording sees of a session, through `Output`: what the terminal showed and
/// what the person typed.
enum ShownEvent {
    /// Written to stdout or stderr, styled as shown.
    case output(String)
    /// A line of narration (a script's comment, `say`), styled as shown, its newline included.
    case narration(String)
    /// A command shown before it runs (`--echo`), or part of it as `--type` types it.
    case echo(String)
    /// Shown before the person types: the shell's prompt (`entry`) or a question of a command.
    case prompt(String, entry: Bool)
    /// The line typed after the last prompt; nil for a secret, which no recording keeps.
    case typed(String?)
    /// A command about to run: the prompt (plain) and the command as written.
    case command(String)
}

/// `record --cast FILE` and `record --transcript FILE`: a file written again, whole, after each
/// entry (through the session's one writer), so what was recorded survives a crash of the shell.
protocol PresenterRecording: AnyObject {
    var file: RecordingFile { get }
    /// What the recording is, for `record stop` and errors: "the cast", "the transcript".
    var kind: String { get }
    func record(_ event: ShownEvent)
    /// The file as it stands.
    var contents: String { get }
}

/// Where a recording goes.
struct RecordingFile {
    let url: URL
    /// How the file was named in the `record` command, for messages.
    let displayPath: String
    /// The session whose writer writes the file (the tour's scratch session shares its output).
    unowned let session: Session
}

extension PresenterRecording {
    var displayPath: String { file.displayPath }

    /// Writes the file by the rule for files the user names (``Session/writeNamedFile(_:as:_:what:at:byRecorder:)``);
    /// a refusal or failure is located at `location` when known (the `record` command's FILE).
    func save(at location: ScriptLocation? = nil) throws {
        try file.session.writeNamedFile(file.url, as: file.displayPath, Data(contents.utf8), what: "the recording", at: location,
                                        byRecorder: true)
    }
}

extension Session {
    /// After each entry: every presenter recording on this output written out. One that cannot be
    /// written is said, located at the command last run (`location`), and stopped, so that the
    /// session goes on.
    func saveRecordings(at location: ScriptLocation?) {
        for recording in output.recordings {
            do {
                try recording.save(at: location)
            } catch {
                output.recordings.removeAll { $0 === recording }
                output.report(shellError(from: error))
            }
        }
    }
}

/// An asciicast v2 recording (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line,
/// then one `[seconds, "o", text]` event per piece of output and `[seconds, "i", text]` per line
/// typed, times strictly increasing. `asciinema play FILE` plays it; the "i" events typed into a
/// fresh copy of the workspace replay the session.
final class CastRecording: PresenterRecording {
    let file: RecordingFile
    let kind = "the cast"
    private let header: String
    private let started = ContinuousClock.now
    private var lastTime = 0.0
    private var events: [String] = []

    init(_ file: RecordingFile, columns: Int, rows: Int, title: String) {
        self.file = file
        struct Header: Encodable {
            var version = 2
            var width: Int
            var height: Int
            var timestamp: Int
            var title: String
        }
        header = (try? JSONText.encode(Header(width: columns, height: rows, timestamp: Int(Date().timeIntervalSince1970), title: title))) ?? ""
    }

    func record(_ event: ShownEvent) {
        switch event {
        case .output(let text), .narration(let text), .echo(let text):
            add("o", Self.displayed(text))
        case .prompt(let text, _):
            add("o", Self.displayed(text))
        case .typed(let text):
            if let text { add("i", text + "\n") }
            // The terminal echoed the line (a secret's was not), then the Enter.
            add("o", (text ?? "") + "\r\n")
        case .command:
            break  // shown by its prompt and typed line, or by `--echo`
        }
    }

    var contents: String { ([header] + events).map { $0 + "\n" }.joined() }

    private func add(_ code: String, _ text: String) {
        guard !text.isEmpty, let encoded = try? JSONText.encode(text) else { return }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Strictly increasing, at the microsecond the file shows.
        lastTime = max((seconds * 1e6).rounded() / 1e6, lastTime + 1e-6)
        events.append("[\(String(format: "%.6f", lastTime)), \"\(code)\", \(encoded)]")
    }

    /// The bytes a terminal got: its line discipline turns each "\n" into "\r\n".
    static func displayed(_ text: String) -> String {
        var result = ""
        var previous: Character?
        for character in text.unicodeScalars.map(Character.init) {
            if character == "\n", previous != "\r" { result.append("\r") }
            result.append(character)
            previous = character
        }
        return result
    }
}

/// Course notes in Markdown: the narration as paragraphs, each command after its prompt with what
/// it printed in a `console` block, colour and redrawing resolved to the text a reader saw last
/// (a live `watch` leaves its final frame).
final class TranscriptRecording: PresenterRecording {
    let file: RecordingFile
    let kind = "the transcript"
    private let title: String
    private enum Block {
        case narration([String])
        case console(ScreenText)
    }
    private var blocks: [Block] = []
    /// The question a command asked, until its answer comes.
    private var question: String?

    init(_ file: RecordingFile, title: String) {
        self.file = file
        self.title = title
    }

    func record(_ event: ShownEvent) {
        switch event {
        case .output(let text):
            console { $0.feed(text) }
        case .echo:
            break  // the command itself comes as `.command`, after its prompt
        case .narration(let text):
            let line = ScreenText.plain(text).trimmingCharacters(in: .newlines)
            if case .narration(let lines)? = blocks.last {
                blocks[blocks.count - 1] = .narration(lines + [line])
            } else {
                blocks.append(.narration([line]))
            }
        case .prompt(let text, let entry):
            question = entry ? nil : ScreenText.plain(text)
        case .typed(let text):
            guard let asked = question else { return }
            question = nil
            console { $0.feed(asked + (text ?? "") + "\n") }
        case .command(let line):
            console { $0.feed(line + "\n") }
        }
    }

    private func console(_ change: (inout ScreenText) -> Void) {
        var screen: ScreenText
        if case .console(let last)? = blocks.last {
            screen = last
            blocks.removeLast()
        } else {
            screen = ScreenText()
        }
        change(&screen)
        blocks.append(.console(screen))
    }

    var contents: String {
        var text = "# \(title)\n\nRecorded by sluice (`record --transcript`). Each command follows its prompt, "
            + "with what it printed under it.\n"
        for block in blocks {
            switch block {
            case .narration(let lines):
                // A blank narration line (an empty comment) starts a new paragraph.
                text += "\n" + lines.joined(separator: "\n") + "\n"
            case .console(let screen):
                let lines = screen.lines
                guard !lines.isEmpty else { continue }
                let body = lines.joined(separator: "\n")
                let fence = String(repeating: "`", count: max(3, Self.longestBacktickRun(in: body) + 1))
                text += "\n\(fence)console\n\(body)\n\(fence)\n"
            }
        }
        return text
    }

    private static func longestBacktickRun(in text: String) -> Int {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}

/// Terminal output reduced to the lines a reader saw: colour dropped, a carriage return starting
/// its line again, and a live redraw (cursor up N lines, clear below) taking back the lines it redraws.
struct ScreenText {
    private(set) var finished: [String] = []
    private var current = ""

    /// The lines so far, the unfinished last one too.
    var lines: [String] { current.isEmpty ? finished : finished + [current] }

    mutating func feed(_ text: String) {
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\n":
                finished.append(current)
                current = ""
            case "\r":
                // A line's end written as \r\n keeps the line; a lone \r starts it again.
                if scalars.first != "\n" { current = "" }
            case "\u{1B}":
                // CSI: ESC [ parameters final byte.
                guard scalars.first == "[" else { continue }
                scalars.removeFirst()
                var parameters = ""
                while let next = scalars.first, (0x20...0x3F).contains(next.value) {
                    parameters.unicodeScalars.append(next)
                    scalars.removeFirst()
                }
                switch scalars.popFirst() {
                case "F"?:
                    finished.removeLast(min(finished.count, Int(parameters) ?? 1))
                    current = ""
                case "J"?, "K"?:
                    current = ""
                default:
                    break  // colour and other styling
                }
            default:
                current.unicodeScalars.append(scalar)
            }
        }
    }

    /// `text` without its escapes.
    static func plain(_ text: String) -> String {
        var screen = ScreenText()
        screen.feed(text)
        return screen.lines.joined(separator: "\n") + (text.hasSuffix("\n") ? "\n" : "")
    }
}

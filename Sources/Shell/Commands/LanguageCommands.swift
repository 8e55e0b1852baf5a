import Errors
import Foundation
import Manifest

/// help, set, echo, run, record, exit: the commands of the language itself.
enum LanguageCommands {
    /// The language in brief, under `help`'s list and in the manual page.
    static let scriptSyntax = [
        "Scripts: one command a line or `;` between; # comments; '…' and \"…\" quoting;",
        "\\ continues a line; $NAME and ${NAME} expand `set` variables and the environment.",
    ]

    static func help(_ invocation: Invocation, _ session: Session) async throws {
        let words = invocation.rest.map(\.text)
        let table = session.table
        let output = session.output
        if words.isEmpty {
            output.message("Commands (`help COMMAND` explains one):")
            let width = table.commands.map(\.name.count).max() ?? 0
            for command in table.commands {
                output.message("  " + command.name.padded(to: width) + "  " + command.summary,
                               hanging: String(repeating: " ", count: width + 4))
            }
            output.line("")
            for line in scriptSyntax { output.message(line) }
            return
        }
        if let command = table.command(named: words) {
            // Continued under the first argument; an argument's words (`[branch BRANCH]`) stay on one line.
            output.message(unbroken("usage: \(command.name)", command.arguments.map(\.usage)), style: .bold,
                           hanging: String(repeating: " ", count: "usage: \(command.name) ".count))
            output.line("")
            output.message(command.help, hanging: "")
            output.line("")
            output.message("example: \(command.example)", hanging: String(repeating: " ", count: "example: ".count))
            return
        }
        let group = table.commands(startingWith: words)
        if !group.isEmpty {
            let width = group.map(\.usage.count).max() ?? 0
            // Two columns while the usages leave room for the summaries; else each usage over its summary.
            let columns = output.columns
            for command in group {
                let usage = unbroken("  \(command.name)", command.arguments.map(\.usage))
                if width + 4 <= columns / 2 {
                    output.message(usage.padded(to: width + 2) + "  " + command.summary, hanging: String(repeating: " ", count: width + 4))
                } else {
                    output.message(usage, hanging: String(repeating: " ", count: command.name.count + 3))
                    output.message("      " + command.summary)
                }
            }
            return
        }
        let names = table.commands.map(\.name) + table.firstWords
        let asked = words.joined(separator: " ")
        throw ShellError.usage("no command '\(Secrets.redacted(asked))'",
                               hint: Suggestions.hint(for: asked, among: names) ?? "`help` lists the commands",
                               at: invocation.rest[0].location)
    }

    /// `head` and `parts` joined by blanks, each part's own blanks made unbreakable: wrapping then
    /// breaks only between parts (the blanks read the same).
    private static func unbroken(_ head: String, _ parts: [String]) -> String {
        ([head] + parts.map(TextLayout.unbroken)).joined(separator: " ")
    }

    static func set(_ invocation: Invocation, _ session: Session) async throws {
        let name = invocation.required("NAME")
        guard Variables.isValidName(name) else {
            throw ShellError.usage("'\(name)' cannot name a variable",
                                   hint: "use letters, digits and _, not starting with a digit",
                                   at: invocation.location(of: "NAME"))
        }
        session.variables.set(name, invocation.required("VALUE"))
        // What is drawn and wrapped where no terminal tells the width follows it.
        if name == "COLUMNS", let columns = Output.columns(invocation.required("VALUE")) { session.output.fallbackColumns = columns }
    }

    static func echo(_ invocation: Invocation, _ session: Session) async throws {
        session.output.line(Secrets.redacted(invocation.restText))
    }

    static func say(_ invocation: Invocation, _ session: Session) async throws {
        session.narrate(invocation.restText)
    }

    static func pause(_ invocation: Invocation, _ session: Session) async throws {
        if let text = invocation["DURATION"] {
            guard let duration = Presentation.duration(text) else {
                throw ShellError.usage("'\(text)' is not a duration", hint: "write 2s, 500ms, 1.5 (seconds) or 1m",
                                       at: invocation.location(of: "DURATION"))
            }
            session.output.flush()
            try await Task.sleep(for: duration)
        } else if session.output.isLiveTerminal {
            _ = try await session.readKey("[pause] press a key to go on")
        }
    }

    /// Deep enough for any sensible nesting, shallow enough to stop a script that runs itself.
    static let maximumRunDepth = 16

    static func runFile(_ invocation: Invocation, _ session: Session) async throws {
        let path = invocation.required("FILE")
        guard session.runDepth < maximumRunDepth else {
            throw ShellError.failure("`run` is nested \(maximumRunDepth) deep", hint: "does \(path) run itself?")
        }
        let text = try session.readTextFile(path, at: invocation.location(of: "FILE"))
        session.runDepth += 1
        defer { session.runDepth -= 1 }
        let outcome = await session.run(text: text, file: path)
        // Its commands were recorded as they ran; replaying `run FILE` as well would run them twice.
        session.recording.scriptEquivalent = []
        switch outcome {
        case .success: return
        case .cancelled: throw CancellationError()
        case .failed(let error): throw NestedScriptFailed(error: error)
        }
    }

    static func recordStart(_ invocation: Invocation, _ session: Session) async throws {
        let kinds = ["--all", "--cast", "--transcript"].filter(invocation.has)
        guard kinds.count <= 1 else {
            throw ShellError.usage("\(kinds.joined(separator: " and ")) record different things", hint: "start one `record` for each",
                                   at: invocation.location)
        }
        let path = invocation.required("FILE")
        let url = session.resolve(path)
        let output = session.output
        let recordings = [session.recording.recorder.map { ($0.url, $0.displayPath) }].compactMap { $0 } + output.recordings.map { ($0.file.url, $0.displayPath) }
        if let same = recordings.first(where: { $0.0.standardizedFileURL == url.standardizedFileURL }) {
            throw ShellError.failure("already recording to \(same.1)", hint: "`record stop` first", at: invocation.location(of: "FILE"))
        }
        try session.refuseNamedFile(url, as: path, what: "the recording", at: invocation.location(of: "FILE"))
        let place = [session.applicationName.map { "application \($0)" }, session.pipelineName.map { "pipeline \($0)" }].compactMap { $0 }
        let title = "sluice" + (place.isEmpty ? "" : ": " + place.joined(separator: ", "))
        let recording: any PresenterRecording
        switch kinds.first {
        case "--cast":
            recording = CastRecording(RecordingFile(url: url, displayPath: path, session: session),
                                      columns: output.columns, rows: output.rows, title: title)
        case "--transcript":
            recording = TranscriptRecording(RecordingFile(url: url, displayPath: path, session: session), title: title)
        default:
            if let recorder = session.recording.recorder {
                throw ShellError.failure("already recording a script to \(recorder.displayPath)", hint: "`record stop` first")
            }
            let recorder = Recorder(url: url, displayPath: path, keepsEverything: invocation.has("--all"), session: session)
            try recorder.start(session: session, at: invocation.location(of: "FILE"))
            session.recording.recorder = recorder
            output.message("recording to \(path)")
            return
        }
        if let other = output.recordings.first(where: { ObjectIdentifier(type(of: $0)) == ObjectIdentifier(type(of: recording)) }) {
            throw ShellError.failure("already recording \(other.kind) to \(other.displayPath)", hint: "`record stop` first")
        }
        try recording.save(at: invocation.location(of: "FILE"))
        // Said before the recording starts: it begins with the next prompt.
        output.message("recording \(recording.kind) to \(path)")
        output.recordings.append(recording)
    }

    static func recordStop(_ invocation: Invocation, _ session: Session) async throws {
        let output = session.output
        guard session.recording.recorder != nil || !output.recordings.isEmpty else {
            throw ShellError.failure("not recording", hint: "`record FILE` starts a recording")
        }
        let recordings = output.recordings
        output.recordings = []
        for recording in recordings {
            try recording.save(at: invocation.location)
            output.message("recorded \(recording.kind) \(recording.displayPath)")
        }
        if let recorder = session.recording.recorder {
            session.recording.recorder = nil
            output.message("recorded \(recorder.displayPath)")
        }
    }

    static func tour(_ invocation: Invocation, _ session: Session) async throws {
        guard session.mode == .interactive, session.targetUI.isInteractive else {
            throw ShellError.failure("the tour is a lesson at the prompt, and needs a terminal",
                                     hint: "run `sluice` with no arguments at a terminal, then `tour`")
        }
        session.tourRequest = invocation["FROM"] == "restart" ? .restart : .resume
    }

    static func exit(_ invocation: Invocation, _ session: Session) async throws {
        session.exitRequested = true
    }
}

/// A failure inside `run FILE`: already reported at its own location, so the outer
/// script stops without a second report (but with the same exit status).
struct NestedScriptFailed: Error {
    let error: ShellError
}

extension Session {
    /// `path` relative to the working directory (absolute paths as they are).
    func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path)
    }

    /// The UTF-8 text of a FILE argument, or a located error saying why not.
    func readTextFile(_ path: String, at location: ScriptLocation) throws -> String {
        do {
            guard let data = try TextFile.bytes(at: resolve(path), displayPath: path) else {
                throw ShellError.failure("no file \(path)", hint: "paths are relative to \(workingDirectory.path)", at: location)
            }
            return try TextFile.decode(data, file: path)
        } catch let error as ManifestError {
            throw shellError(from: error, at: location)
        }
    }
}

extension String {
    /// Left-aligned in a column of `width` characters.
    public func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

import Foundation

/// `record FILE`: every successful command that changes the workspace, written as a
/// replayable script (expanded and quoted, so it needs no variables). A command with a
/// token-like argument is left out, with a comment saying so: secrets never reach disk.
final class Recorder {
    let url: URL
    /// How the file was named in the `record` command, for messages.
    let displayPath: String
    private var text: String

    init(url: URL, displayPath: String) {
        self.url = url
        self.displayPath = displayPath
        text = "#!/usr/bin/env sluice\n# Recorded by sluice: replay with `sluice \(Quoting.quoted(displayPath))`.\n"
    }

    /// Writes the file now, so what is recorded survives a crash of the shell.
    func start(session: Session) throws {
        try write(session: session)
    }

    func append(_ invocation: Invocation, session: Session) throws {
        if invocation.arguments.contains(where: { Secrets.containsToken($0.text) }) {
            text += "# `\(invocation.spec.name)` not recorded: it had a secret-looking argument\n"
        } else {
            text += invocation.scriptLine + "\n"
        }
        try write(session: session)
    }

    private func write(session: Session) throws {
        session.willWrite(url)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw ShellError.failure("cannot write the recording \(displayPath): \(error.localizedDescription)",
                                     hint: "check the directory exists and is writable")
        }
    }
}

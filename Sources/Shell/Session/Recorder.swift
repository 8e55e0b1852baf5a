import Foundation
import Manifest

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
        do {
            try session.commit([session.overwrite(url, with: Data(text.utf8))])
        } catch {
            let manifestError = error as? ManifestError
            throw ShellError.failure("cannot write the recording \(displayPath): \(manifestError?.message ?? session.message(of: error))",
                                     hint: manifestError?.hint ?? "check the directory exists and is writable")
        }
    }
}

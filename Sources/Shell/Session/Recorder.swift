import Foundation
import Manifest

/// `record FILE`: every successful command that changes the workspace, written as a
/// replayable script (expanded and quoted, so it needs no variables).
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

    /// Tokens never get here: the session refuses a command that would write one, and
    /// `source set github … token-secret TOKEN` is recorded with the secret's name.
    func append(_ invocation: Invocation, session: Session) throws {
        text += invocation.scriptLine + "\n"
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

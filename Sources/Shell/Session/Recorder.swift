import Foundation
import Text
import Manifest

/// What `record` keeps of the session: the recording, if one runs, and what the running command
/// asks it to write.
struct CommandRecording {
    var recorder: Recorder?
    /// What a script would write for what the running command did at the terminal (`push --yes`
    /// after a confirmed push; `watch`, `approve prod`, `watch` for an approval given in watch);
    /// nil when the command's own line says it. `record --all` writes it.
    var scriptEquivalent: [String]?
    /// What the running command asks `record` to write instead of itself (a token replaced by
    /// its secret's name); taken once the command succeeds.
    var recordedInstead: Invocation?
}

/// `record FILE`: every successful command that changes the workspace (with `--all`, every
/// command of the session: push, watch, approve too), written as a replayable script
/// (expanded and quoted, so it needs no variables). A command with a token-like argument is left
/// out, with a comment saying so (the session already refuses one that changes the workspace, and
/// `source set github … token-secret TOKEN` is recorded with the secret's name): secrets never reach disk. An edit taken back by `undo` is left
/// out with its `undo` while its effect was never saved, so the script shows what was meant.
final class Recorder {
    let url: URL
    /// How the file was named in the `record` command, for messages.
    let displayPath: String
    /// `record --all`: the whole session, not only the edits.
    let keepsEverything: Bool
    private let header: String
    /// The recorded lines; nil where an undone edit was taken out.
    private var lines: [String?] = []
    /// One entry per edit on the session's undo stack: the index of its line in `lines` while
    /// `undo` may still take the line out (nil once it was saved, or never recorded).
    private var undoable: [Int?] = []
    /// One entry per edit on the session's redo stack: the line `undo` took out, which `redo` puts
    /// back (nil when the `undo` was recorded itself, so `redo` is too).
    private var redoable: [String?] = []

    init(url: URL, displayPath: String, keepsEverything: Bool, session: Session) {
        self.url = url
        self.displayPath = displayPath
        self.keepsEverything = keepsEverything
        let what = keepsEverything ? "the whole session (`record --all`)" : "the edits of a session"
        let place = [session.applicationName.map { "application \($0)" }, session.pipelineName.map { "pipeline \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        header = """
            #!/usr/bin/env sluice
            # Recorded by sluice: \(what)\(place.isEmpty ? "" : " in \(place)").
            # Replay it in a fresh copy of the workspace: `sluice \(ShellEscaping.quoted(displayPath))`
            # (`sluice --step \(ShellEscaping.quoted(displayPath))` presents it one command at a time).

            """
        // Where push, watch and approve acted: the replay must act there too.
        if keepsEverything { lines.append(TargetCommands.scriptLine(for: session.targets.choice)) }
    }

    /// Writes the file now, so what is recorded survives a crash of the shell; refusals at `location` (its FILE).
    func start(session: Session, at location: ScriptLocation?) throws {
        try write(session: session, at: location)
    }

    /// Records a command that succeeded. `answered` is what a script writes for what it did at the
    /// terminal (`push --yes` for a confirmed push), nil when its own line says it; `history` is the
    /// size of the session's undo and redo stacks before it ran.
    func append(_ invocation: Invocation, answered: [String]?, history: (undo: Int, redo: Int), session: Session) throws {
        let undo = session.history.undo.count, redo = session.history.redo.count
        // By name: a new edit after an undo also grows the undo stack by one and shrinks the redo stack.
        if invocation.spec.words == ["undo"], undo == history.undo - 1, redo == history.redo + 1 {
            // An undo: its edit leaves the script with it, unless the edit was saved meanwhile.
            if let index = undoable.popLast() ?? nil, let line = lines[index] {
                lines[index] = nil
                redoable.append(line)
            } else {
                lines.append(invocation.scriptLine)
                redoable.append(nil)
            }
        } else if invocation.spec.words == ["redo"], undo == history.undo + 1, redo == history.redo - 1 {
            let line = redoable.popLast() ?? nil
            lines.append(line ?? invocation.scriptLine)
            undoable.append(line == nil ? nil : lines.count - 1)
        } else {
            let recorded = keepsEverything ? invocation.spec.effect != .changesSession && invocation.spec.words != ["exit"]
                : invocation.spec.effect == .changesWorkspace
            var index: Int?
            if recorded {
                if invocation.arguments.contains(where: { Secrets.containsToken($0.text) }) {
                    lines.append("# `\(invocation.spec.name)` not recorded: it had a secret-looking argument")
                } else {
                    lines.append(contentsOf: answered ?? [invocation.scriptLine])
                }
                index = answered == nil ? lines.count - 1 : nil
            }
            if undo == history.undo + 1 { undoable.append(index) }
            if redo == 0 { redoable.removeAll() }
            if undoable.count > undo { undoable.removeAll() }  // the history was forgotten (reload, pipeline use)
        }
        // A saved edit is on disk: taking it back later is a real step of the script.
        if !session.hasUnsavedEdits { undoable = undoable.map { _ in nil } }
        try write(session: session, at: invocation.location)
    }

    /// Records what a failing command did at the terminal before it failed (an approval given in `watch`).
    func appendAnswers(_ answered: [String], session: Session, at location: ScriptLocation?) throws {
        guard keepsEverything, !answered.isEmpty else { return }
        lines.append(contentsOf: answered)
        try write(session: session, at: location)
    }

    /// Writes the whole recording again, by the rule for files the user names (a later edit may have
    /// made its path a file the pipeline reads); a failure is located at the command recorded.
    private func write(session: Session, at location: ScriptLocation?) throws {
        let text = header + lines.compactMap { $0.map { $0 + "\n" } }.joined()
        try session.writeNamedFile(url, as: displayPath, Data(text.utf8), what: "the recording", at: location, byRecorder: true)
    }
}

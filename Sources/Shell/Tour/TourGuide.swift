import Foundation
import Text
import Processes
import Manifest
import Targets
#if canImport(Glibc)
import Glibc
#endif

/// `tour`: a lesson at the prompt, as vimtutor is one in the editor. In a scratch copy of the example
/// workspace (a temporary git repository, never the learner's files) it builds the pipeline of
/// Copilot's pipelines guide, then runs it through a failing test, a rejection and an approval.
/// Each exercise says why and what to achieve; the learner uses any command (Tab and `help` work as
/// usual), and the tour looks at the resulting state — the pipeline, its validation, its runs — to
/// know when it is done, saying what is still missing. `again` shows the exercise again (after long
/// output), `hint` a way to do it, `skip` does it. Progress is kept in the state directory, so
/// `tour` again continues: the scratch copy is made afresh and the exercises done replayed, quietly.
final class TourGuide: @unchecked Sendable {
    static var exercises: [TourExercise] { TourExercise.all }

    let scratch: URL
    let session: Session
    private let output: Output
    private let progressFile: URL?
    private(set) var position = 0
    /// The newest run when the current exercise began.
    private var runAtStart: ExecutionSnapshot?
    /// The lesson ended (finished or left); the prompt goes back to the learner's workspace.
    private(set) var isOver = false

    /// The scratch copies are named after the sluice that made them, so a later tour can tell the
    /// copies of a sluice that is gone (killed outright) from those of one still running.
    static let scratchPrefix = "sluice-tour-"

    /// `restart` forgets earlier progress. The tour writes on `output`, the shell's, so that a
    /// recording (`record --cast`, `--transcript`) sees the lesson too.
    init(environment: [String: String], restart: Bool, output: Output) throws {
        progressFile = CommandHistory.defaultFile(environment: environment)?.deletingLastPathComponent().appendingPathComponent("tour")
        if restart, let progressFile { try? FileManager.default.removeItem(at: progressFile) }
        let temporary = FileManager.default.temporaryDirectory
        Self.sweepStaleCopies(in: temporary)
        scratch = temporary.appendingPathComponent("\(Self.scratchPrefix)\(getpid())-\(UUID().uuidString.prefix(8).lowercased())")
        try Self.makeWorkspace(at: scratch)
        self.output = output
        session = Session(mode: .interactive, workingDirectory: scratch, environment: environment, output: output)
        session.targetUI = TerminalTargetUI(output: output)
        if let progressFile, let text = try? String(contentsOf: progressFile, encoding: .utf8),
           let saved = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            position = min(max(0, saved), Self.exercises.count - 1)
        }
    }

    /// "tour 3/11 " before the prompt.
    var promptPrefix: String { "tour \(position + 1)/\(Self.exercises.count) " }

    /// Replays the exercises done before, quietly, then shows the current one. When the replay
    /// fails (said), the tour is over.
    func begin() async {
        say("The tour builds the pipeline of Copilot's pipelines guide with you, then runs it through a failing test, "
            + "a rejection and an approval, in a scratch copy of the example workspace (\(scratch.path)); your own "
            + "workspace is not touched.", style: .bold)
        say("Each step says what to achieve; use any command (Tab completes, `help` explains). The tour looks at what "
            + "you did and goes on when it is done. `again` shows the step again, `hint` a way to do it, `skip` does it "
            + "for you, `quit` leaves (`tour` again continues there).")
        if position > 0 {
            output.isMuted = true
            for (index, exercise) in Self.exercises[..<position].enumerated() {
                runAtStart = await latestRun()
                await runSetup(of: exercise)
                guard await solve(exercise), commitIfNeeded(exercise.commitsAfter) else {
                    output.isMuted = false
                    say("The tour could not replay step \(index + 1) (\(exercise.title)) in its scratch workspace; "
                        + "`tour restart` starts afresh.", style: .red)
                    isOver = true
                    return
                }
            }
            output.isMuted = false
            say("Continuing at step \(position + 1) of \(Self.exercises.count).")
        }
        await startExercise()
    }

    /// Handles one line typed at the tour's prompt.
    func handle(_ line: String) async {
        let exercise = Self.exercises[position]
        switch line.trimmingCharacters(in: .whitespaces) {
        case "quit", "exit":
            say("Left the tour at step \(position + 1); `tour` continues from here, `tour restart` starts again.")
            isOver = true
        case "again":
            showExercise()
        case "hint":
            say(exercise.hint ?? "One way:", style: .cyan)
            for command in exercise.solution { say(command, style: .cyan, indent: "  ") }
        case "skip":
            say("skip: the tour does it for you.", style: .dim)
            let before = files()
            let solved = await solve(exercise)
            showChanges(from: before, to: files())
            if solved {
                await advance()
            } else {
                say("skip could not finish this step: the lines above say why. `hint` shows what it takes.", style: .yellow)
            }
        default:
            let before = files()
            let runBefore = await latestRun()
            let succeeded = await session.run(entry: line, file: "<tour>")
            let after = files()
            showChanges(from: before, to: after)
            let state = await currentState()
            if let missing = exercise.check(state) {
                // Only after a change: a command that looks (`status`, `show graph`) is left to speak for itself.
                if succeeded, after != before || state.run != runBefore { say("Not yet: " + missing, style: .yellow) }
            } else {
                await advance()
            }
        }
    }

    /// Removes the scratch workspace; progress stays for the next `tour`.
    func leave() {
        try? FileManager.default.removeItem(at: scratch)
    }

    // MARK: Exercises

    /// Shows the exercise at `position` after its setup; one already done (the learner was ahead) is passed at once.
    private func startExercise() async {
        let exercise = Self.exercises[position]
        runAtStart = await latestRun()
        say("")
        say("Step \(position + 1) of \(Self.exercises.count) · \(exercise.title)", style: .bold)
        if let setup = exercise.setup {
            say(setup.says)
            await runSetup(of: exercise)
        }
        if exercise.check(await currentState()) == nil {
            say("Already done: " + exercise.task)
            await advance()
            return
        }
        showExercise(heading: false)
    }

    private func showExercise(heading: Bool = true) {
        let exercise = Self.exercises[position]
        if heading { say("Step \(position + 1) of \(Self.exercises.count) · \(exercise.title)", style: .bold) }
        say(exercise.explanation)
        say("Your task: " + exercise.task, style: .cyan)
    }

    /// Runs the exercise's setup (shown unless the output is muted), committing when it says so.
    private func runSetup(of exercise: TourExercise) async {
        guard let setup = exercise.setup else { return }
        for command in setup.commands { await type(command) }
        if setup.commits, !Self.commit(scratch, message: "A colleague's change") {
            say("The tour could not commit its scratch workspace (git); `quit` and try `tour` again.", style: .red)
        }
    }

    /// Runs the exercise's solution, every command (one may fail by design: a run whose test fails);
    /// true when the goal is then reached.
    private func solve(_ exercise: TourExercise) async -> Bool {
        for command in exercise.solution { await type(command) }
        return exercise.check(await currentState()) == nil
    }

    /// Runs `command` as if typed, shown first (the tour's own setup, `skip`); false when it failed.
    @discardableResult
    private func type(_ command: String) async -> Bool {
        say("> " + command)
        return await session.run(entry: command, file: "<tour>")
    }

    private func advance() async {
        guard commitIfNeeded(Self.exercises[position].commitsAfter) else {
            say("The tour could not commit its scratch workspace (git); `quit` and try `tour` again.", style: .red)
            return
        }
        say("Done.", style: .green)
        position += 1
        runAtStart = nil
        if position == Self.exercises.count {
            finish()
        } else {
            saveProgress()
            await startExercise()
        }
    }

    private func finish() {
        say("")
        say("That is the whole pipeline — source, build, test with its tests, an approval, prod — and a release through "
            + "a failing test, a rejection and an approval.", style: .bold)
        say("In your own workspace the same commands build your pipeline (`explain` annotates its manifest, `show graph` "
            + "draws it). The scratch copy is gone; `tour` starts again from the beginning.")
        if let progressFile { try? FileManager.default.removeItem(at: progressFile) }
        isOver = true
    }

    private func saveProgress() {
        guard let progressFile else { return }
        // sluice's own state, beside the history, through the one atomic writer.
        try? AtomicFile.write(Data("\(position)\n".utf8), to: progressFile,
                              directories: .created(within: progressFile.deletingLastPathComponent().deletingLastPathComponent()))
    }

    // MARK: What the learner did

    private func currentState() async -> TourState {
        let open = session.pipeline ?? (try? session.requirePipeline())
        let saved = open.map { !$0.isDirty && FileManager.default.fileExists(atPath: $0.files.manifest.path) } ?? false
        let errors = (try? session.validatePipeline(printing: false))?.errors.map(\.message) ?? []
        return TourState(manifest: open?.manifest, saved: saved, errors: errors, run: await latestRun(), runAtStart: runAtStart)
    }

    /// The newest run of the scratch pipeline; nil before the first (or without a pipeline).
    private func latestRun() async -> ExecutionSnapshot? {
        guard let workspace = session.workspace, session.pipeline != nil,
              let target = try? session.targets.target(workspaceRoot: workspace.root),
              let context = try? session.pipelineContext() else { return nil }
        return try? await target.latestExecution(context)
    }

    // MARK: The scratch workspace

    /// The example workspace in a new git repository, committed.
    private static func makeWorkspace(at root: URL) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false)
        for file in TourWorkspace.files {
            try AtomicFile.write(file.contents, to: root.appendingPathComponent(file.path), mode: file.executable ? 0o755 : 0o644,
                                 directories: .created(within: root))
        }
        guard git(["init", "-q", "-b", "main"], in: root), commit(root, message: "The example workspace") else {
            try? FileManager.default.removeItem(at: root)
            throw ShellError.failure("the tour could not make its scratch git repository",
                                     hint: "the tour needs git on PATH (the local target runs what is committed)")
        }
    }

    /// Removes the scratch copies of sluices that are gone (killed outright, or before cleaning up
    /// was done on signals), and those of older sluices that named no process, once a day old.
    private static func sweepStaleCopies(in directory: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(scratchPrefix) {
            let url = directory.appendingPathComponent(name)
            let parts = name.dropFirst(scratchPrefix.count).split(separator: "-")
            let stale: Bool
            if parts.count == 2, let pid = pid_t(parts[0]) {
                stale = kill(pid, 0) != 0 && errno == ESRCH
            } else {
                let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
                stale = modified.map { Date().timeIntervalSince($0) > 86_400 } ?? false
            }
            if stale { try? FileManager.default.removeItem(at: url) }
        }
    }

    private func commitIfNeeded(_ commits: Bool) -> Bool {
        guard commits else { return true }
        say("The tour commits the pipeline's files: git add -A && git commit -m \"Adding the pipeline\"", style: .dim)
        return Self.commit(scratch, message: "Adding the pipeline")
    }

    private static func commit(_ root: URL, message: String) -> Bool {
        git(["add", "-A"], in: root)
            && git(["-c", "user.name=sluice tour", "-c", "user.email=tour@sluice.invalid", "commit", "-q", "--allow-empty", "-m", message], in: root)
    }

    @discardableResult
    private static func git(_ arguments: [String], in directory: URL) -> Bool {
        let git = ChildProcess(program: "git", arguments: arguments, directory: directory,
                               environment: ProcessInfo.processInfo.environment, limits: ChildLimits(timeout: .seconds(60)))
        return (try? git.runBlocking())?.status == 0
    }

    // MARK: Showing changes

    /// The pipeline's files as the learner would see them now: the manifest as edited (unsaved
    /// edits included), and every file under copilot/ on disk.
    private func files() -> [String: String] {
        var files: [String: String] = [:]
        let copilot = scratch.appendingPathComponent("copilot")
        if let walker = FileManager.default.enumerator(at: copilot, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                files["copilot/" + url.path.dropFirst(copilot.path.count + 1)] = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            }
        }
        if let open = session.pipeline { files[open.files.manifestPathInWorkspace] = open.document.text }
        return files
    }

    private func showChanges(from before: [String: String], to after: [String: String]) {
        for path in Set(before.keys).union(after.keys).sorted() where before[path] != after[path] {
            let diff = UnifiedDiff.make(old: before[path] ?? "", new: after[path] ?? "",
                                        oldName: before[path] == nil ? "/dev/null" : "a/\(path)", newName: "b/\(path)")
            DocumentCommands.printDiff(diff, output)
        }
        output.flush()
    }

    private func say(_ text: String, style: Output.Style = .plain, indent: String = "") {
        output.message(indent + text, style: style, hanging: indent)
        output.flush()
    }
}

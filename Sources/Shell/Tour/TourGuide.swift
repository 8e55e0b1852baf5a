import Foundation
import Manifest

/// `tour`: a lesson at the prompt that builds the pipeline of Copilot's pipelines guide step by
/// step, in a scratch copy of the example workspace (a temporary git repository, never the
/// learner's files). Each step says what it is about to do and why; the learner types the
/// command (Tab and `help` work as usual; another command gets a hint, not a failure); the
/// change is shown as a diff. It ends with a local run through the approval. Progress is kept
/// in the state directory, so `tour` again continues: the scratch copy is made afresh and the
/// steps done so far replayed in it, quietly.
final class TourGuide: @unchecked Sendable {
    struct Step {
        /// What the step does and why, before the learner types.
        var explanation: String
        /// The command to type, as written.
        var command: String
        /// After this step the tour commits the workspace: the local target builds what is committed.
        var commitsAfter = false
    }

    static let steps: [Step] = [
        Step(explanation: "A pipeline starts from its source: CodePipeline starts a run whenever someone pushes to the tracked branch of this repository (main unless you name another). The first edit also creates the pipeline from Copilot's template, named after the repository and branch: api-main.",
             command: "source set github https://github.com/acme/api"),
        Step(explanation: "The Build stage runs a buildspec. Copilot's own downloads copilot and packages every service; this workspace's buildspec.yml tests the code and writes each environment's template with make, so the build also runs on this machine.",
             command: "build buildspec buildspec.yml"),
        Step(explanation: "Release order: the pipeline deploys to one environment at a time, in the order of its stages. First the test environment.",
             command: "stage add test"),
        Step(explanation: "After deploying to test, run the tests there. If a test command fails, the change goes no further.",
             command: "test add test \"make test\""),
        Step(explanation: "Then production, after test.",
             command: "stage add prod"),
        Step(explanation: "Nothing reaches production without a person's yes: a manual approval before prod, where the run waits.",
             command: "approval on prod"),
        Step(explanation: "Look at the whole pipeline as CodePipeline will run it: Source, Build, then one stage per environment with its actions.",
             command: "show graph"),
        Step(explanation: "Write the manifest and its buildspec into the workspace. The tour then commits them, as the guide's `git add … && git commit` does: a pipeline builds what is committed.",
             command: "save", commitsAfter: true),
        Step(explanation: "Deploy the pipeline to the target (the local one: this machine runs it) and start a run. It builds, deploys to test, runs the tests, and stops before prod to wait for your approval.",
             command: "push --yes"),
        Step(explanation: "You are the approver: let the release reach prod. The run goes on to its end.",
             command: "approve prod"),
    ]

    /// Commands that only look: the learner may use them at any step.
    static let lookingCommands: Set<String> = ["help", "show", "show graph", "explain", "diff", "validate", "stage ls", "test ls",
                                               "source show", "pipeline show", "pipeline ls", "status", "history", "logs", "echo", "target"]

    let scratch: URL
    let session: Session
    private let output: Output
    private let progressFile: URL?
    private(set) var position = 0
    /// The lesson ended (finished or left); the prompt goes back to the learner's workspace.
    private(set) var isOver = false

    /// `restart` forgets earlier progress.
    init(environment: [String: String], restart: Bool) throws {
        progressFile = CommandHistory.defaultFile(environment: environment)?.deletingLastPathComponent().appendingPathComponent("tour")
        if restart, let progressFile { try? FileManager.default.removeItem(at: progressFile) }
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-tour-\(UUID().uuidString.prefix(8))")
        try Self.makeWorkspace(at: scratch)
        output = Output(environment: environment)
        session = Session(mode: .interactive, workingDirectory: scratch, environment: environment, output: output)
        session.targetUI = TerminalTargetUI(output: output)
        if let progressFile, let text = try? String(contentsOf: progressFile, encoding: .utf8),
           let saved = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            position = min(max(0, saved), Self.steps.count - 1)
        }
    }

    /// "tour 3/10 " before the prompt.
    var promptPrefix: String { "tour \(position + 1)/\(Self.steps.count) " }

    /// Replays the steps done before, quietly, then shows the current one. When the replay
    /// fails (said), the tour is over.
    func begin() async {
        say("The tour builds the pipeline of Copilot's pipelines guide, step by step, in a scratch copy of the example workspace (\(scratch.path)); your own workspace is not touched.", style: .bold)
        say("At each step type the command shown (Tab completes, `help` explains); `skip` lets the tour type it, `quit` leaves (`tour` again continues here).")
        if position > 0 {
            output.isMuted = true
            for step in Self.steps[..<position] {
                guard await session.run(entry: step.command, file: "<tour>"), commitIfNeeded(step) else {
                    output.isMuted = false
                    say("The tour could not replay `\(step.command)` in its scratch workspace; `tour restart` starts afresh.", style: .red)
                    isOver = true
                    return
                }
            }
            output.isMuted = false
            say("Continuing at step \(position + 1) of \(Self.steps.count).")
        }
        showStep()
    }

    /// Handles one line typed at the tour's prompt.
    func handle(_ line: String) async {
        let typed = line.trimmingCharacters(in: .whitespaces)
        switch typed {
        case "quit", "exit":
            say("Left the tour at step \(position + 1); `tour` continues from here, `tour restart` starts again.")
            isOver = true
            return
        case "skip":
            say("> " + Self.steps[position].command, style: .dim)
            await perform(Self.steps[position])
            return
        default:
            break
        }
        let expected = Self.steps[position]
        switch matches(typed, expected.command) {
        case .same:
            await perform(expected)
        case .looking:
            await session.run(entry: line, file: "<tour>")
        case .other(let why):
            say("hint: \(why) This step is `\(expected.command)`: type it (Tab completes), or `skip`.", style: .yellow)
        }
    }

    /// Removes the scratch workspace; progress stays for the next `tour`.
    func leave() {
        try? FileManager.default.removeItem(at: scratch)
    }

    // MARK: Steps

    private func showStep() {
        let step = Self.steps[position]
        say("")
        say("Step \(position + 1) of \(Self.steps.count): " + step.explanation, style: .bold)
        say("  Type: \(step.command)", style: .cyan)
        output.flush()
    }

    private func perform(_ step: Step) async {
        let before = files()
        guard await session.run(entry: step.command, file: "<tour>") else {
            say("That did not work; the lines above say why. Try again, or `skip`.", style: .yellow)
            return
        }
        showChanges(from: before, to: files())
        guard commitIfNeeded(step) else {
            say("The tour could not commit its scratch workspace (git); `quit` and try `tour` again.", style: .red)
            return
        }
        position += 1
        if position == Self.steps.count {
            finish()
        } else {
            saveProgress()
            showStep()
        }
    }

    private func finish() {
        say("")
        say("That is the whole pipeline: source, build, test with its tests, an approval, prod. The run above went through the approval to its end.", style: .bold)
        say("In your own workspace the same commands build your pipeline (`explain` annotates its manifest, `show graph` draws it). The scratch copy is gone; `tour` starts again from the beginning.")
        if let progressFile { try? FileManager.default.removeItem(at: progressFile) }
        isOver = true
    }

    private func saveProgress() {
        guard let progressFile else { return }
        try? FileManager.default.createDirectory(at: progressFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data("\(position)\n".utf8).write(to: progressFile, options: .atomic)
    }

    private enum Match {
        case same
        case looking
        case other(String)
    }

    /// Whether `typed` is the step's command (same command and values; flags may differ, so
    /// `push` asks where `push --yes` would not), a command that only looks, or something else.
    private func matches(_ typed: String, _ expected: String) -> Match {
        do {
            let commands = try Lexer.commands(in: typed, file: "<tour>")
            guard commands.count == 1 else { return .other(commands.isEmpty ? "Nothing typed." : "One command at a time.") }
            let invocation = try session.table.bind(try commands[0].words.map { try $0.expanded(with: session.variables) })
            let wanted = try session.table.bind(try Lexer.commands(in: expected, file: "<tour>")[0].words
                .map { try $0.expanded(with: session.variables) })
            func words(_ invocation: Invocation) -> [String] { invocation.arguments.map(\.text).filter { !$0.hasPrefix("--") } }
            if invocation.spec.name == wanted.spec.name, words(invocation) == words(wanted) {
                return .same
            }
            if Self.lookingCommands.contains(invocation.spec.name) { return .looking }
            return .other("`\(invocation.spec.name)` is a command, but not this step's.")
        } catch let error as ShellError {
            return .other(error.message + ".")
        } catch {
            return .other(session.message(of: error) + ".")
        }
    }

    // MARK: The scratch workspace

    /// The example workspace in a new git repository, committed.
    private static func makeWorkspace(at root: URL) throws {
        for file in TourWorkspace.files {
            let url = root.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.contents.write(to: url)
            if file.executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        }
        guard git(["init", "-q", "-b", "main"], in: root), commit(root, message: "The example workspace") else {
            try? FileManager.default.removeItem(at: root)
            throw ShellError.failure("the tour could not make its scratch git repository",
                                     hint: "the tour needs git on PATH (the local target runs what is committed)")
        }
    }

    private func commitIfNeeded(_ step: Step) -> Bool {
        guard step.commitsAfter else { return true }
        say("The tour commits the pipeline's files: git add -A && git commit -m \"Adding the pipeline\"", style: .dim)
        return Self.commit(scratch, message: "Adding the pipeline")
    }

    private static func commit(_ root: URL, message: String) -> Bool {
        git(["add", "-A"], in: root)
            && git(["-c", "user.name=sluice tour", "-c", "user.email=tour@sluice.invalid", "commit", "-q", "--allow-empty", "-m", message], in: root)
    }

    @discardableResult
    private static func git(_ arguments: [String], in directory: URL) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
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

    private func say(_ text: String, style: Output.Style = .plain) {
        output.message(text, style: style)
        output.flush()
    }
}

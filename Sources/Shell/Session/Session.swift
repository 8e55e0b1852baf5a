import Errors
import Foundation
import Manifest
import Targets

/// The state of one shell — interactive or a script — and the entry point that runs text.
///
/// Holds the workspace, the pipeline being edited (with undo/redo and the unsaved-edits
/// flag), the target choice and the `set` variables. Use it from one task at a time:
/// the REPL runs one entry, awaits it, then reads the prompt properties.
public final class Session: @unchecked Sendable {
    /// How text reaches the session; decides what unsaved edits and `exit` mean.
    public enum Mode: Sendable {
        /// A person at the prompt: edits accumulate until `save`.
        case interactive
        /// A script (file, `-c`, stdin, one command): edits are written at `save` (and by
        /// `push`, which saves first) and when it ends successfully; a failure puts back only
        /// what it wrote since its last save.
        case script
    }

    public let mode: Mode
    public let table: CommandTable
    public let output: Output
    public var variables: Variables
    /// Print each command (secrets masked) before running it, its comments as narration, and
    /// the pace of a replay (`--echo`, `--pace`, `--step`, `--type`).
    public var presentation = Presentation()
    var presentationState = PresentationState()
    /// How targets ask questions: scripts never confirm and read no secrets; the REPL sets its own.
    public var targetUI: any TargetUI {
        didSet { targets.ui = targetUI }
    }
    /// The directory relative paths (FILE arguments) are read from.
    public let workingDirectory: URL

    /// The workspace, or nil with the reason when the shell was not started in one.
    public internal(set) var workspace: Workspace?
    let workspaceProblem: ShellError?
    /// The pipeline being edited.
    public internal(set) var pipeline: OpenPipeline?
    /// The edits of `pipeline` that `undo` and `redo` travel.
    var history = EditHistory()
    /// The chosen target and the one made for it.
    let targets: SessionTargets
    /// `record`'s recording and what the running command asks it to write.
    var recording = CommandRecording()
    /// Script mode only: puts files back when the script fails.
    let journal: FileJournal?
    /// `run FILE` nesting, bounded so a script that runs itself stops.
    var runDepth = 0

    /// How `tour` asks the interactive shell to start (or continue) the tour once the entry ends.
    public enum TourRequest: Sendable { case resume, restart }
    public var tourRequest: TourRequest?

    /// `exit` ran: the script runner stops; the REPL asks about unsaved edits first and,
    /// when the person stays, sets it back to false.
    public var exitRequested = false

    public init(mode: Mode, workingDirectory: URL, environment: [String: String], output: Output,
                table: CommandTable = .standard) {
        self.mode = mode
        self.table = table
        self.output = output
        self.workingDirectory = workingDirectory
        variables = Variables(environment: environment)
        let ui = ScriptTargetUI(output: output)
        targetUI = ui
        targets = SessionTargets(choice: .local, ui: ui, output: output)
        journal = mode == .script ? FileJournal() : nil
        do {
            var workspace = try Workspace.locate(from: workingDirectory)
            // Read again when tidying completed a write: it may have created or removed a pipeline.
            if Self.tidy(workspace.root, output: output, workingDirectory: workingDirectory) {
                workspace = try Workspace.load(root: workspace.root)
            }
            self.workspace = workspace
            workspaceProblem = nil
            targets.choice = TargetStore.load(workspaceRoot: workspace.root)
        } catch {
            workspace = nil
            let problem = (error as? any ReportableError)?.problem
            workspaceProblem = ShellError.failure(problem?.message ?? String(describing: error), hint: problem?.hint
                ?? "run sluice inside a Copilot workspace (a directory with copilot/.workspace)")
        }
    }

    /// Finishes what a killed sluice left half done in the workspace, and says so; returns
    /// whether there was anything to do.
    private static func tidy(_ root: URL, output: Output, workingDirectory: URL) -> Bool {
        // The working directory too: where `record FILE` usually writes.
        let said = WorkspaceFiles(root: root).recover(sweeping: [LocalTarget.temporaryDirectory(workspaceRoot: root), workingDirectory])
        for sentence in said { output.diagnostic("note: " + sentence) }
        return !said.isEmpty
    }

    // MARK: What the prompt shows

    /// The workspace's application, if any.
    public var applicationName: String? { workspace?.application }
    /// The pipeline being edited, if any.
    public var pipelineName: String? { pipeline?.name }
    /// "local" or "aws".
    public var targetKind: String { targets.choice.kind }
    /// Edits not yet written by `save`.
    public var hasUnsavedEdits: Bool { pipeline?.isDirty ?? false }

    /// What the prompt shows.
    var promptInfo: PromptInfo {
        PromptInfo(application: applicationName, pipeline: pipelineName, target: targetKind, hasUnsavedEdits: hasUnsavedEdits)
    }

    // MARK: Running text

    /// The outcome of running an entry or a script.
    public enum Outcome: Equatable, Sendable {
        case success
        /// Reported already (on stderr, located).
        case failed(ShellError)
        /// The task was cancelled (Ctrl-C).
        case cancelled

        /// 0, 1 (failure), 2 (usage) or 130 (interrupted), as the process exits.
        public var exitStatus: Int32 {
            switch self {
            case .success: return 0
            case .failed(let error): return error.exitStatus
            case .cancelled: return 130
            }
        }
    }

    /// Runs one entry (a line, possibly several commands separated by `;`, possibly
    /// continued over lines) and reports errors on stderr, an error in the entry itself shown
    /// under its line with a caret at the word. Cancelling the calling task stops the running
    /// command and the rest of the entry. Returns true on success.
    @discardableResult
    public func run(entry: String, file: String = ScriptLocation.prompt, firstLine: Int = 1) async -> Bool {
        await run(text: entry, file: file, firstLine: firstLine, typed: true) == .success
    }

    /// Runs `text` (an entry or a whole script) command by command, stopping at the first
    /// failure, which is reported on stderr with its location and hint.
    public func run(text: String, file: String, firstLine: Int = 1) async -> Outcome {
        await run(text: text, file: file, firstLine: firstLine, typed: false)
    }

    private func run(text: String, file: String, firstLine: Int, typed: Bool) async -> Outcome {
        let entry = typed && firstLine == 1 ? Entry(file: file, text: text) : nil
        let commands: [CommandSyntax]
        do {
            commands = try Lexer.commands(in: text, file: file, firstLine: firstLine)
        } catch {
            return failed(error, in: entry)
        }
        return await run(commands, typed: entry)
    }

    /// The text of an entry typed at a prompt, which its errors point into.
    struct Entry {
        var file: String
        var text: String
    }

    /// Runs `commands`; `typed` is the entry they came from when typed at a prompt.
    func run(_ commands: [CommandSyntax], typed: Entry? = nil) async -> Outcome {
        var last: ScriptLocation?
        defer {
            output.flush()
            saveRecordings(at: last)
        }
        do {
            for command in commands {
                try Task.checkCancellation()
                last = command.location
                try await execute(command)
                if exitRequested { break }
            }
            return .success
        } catch is CancellationError {
            if runDepth == 0 { output.diagnostic("cancelled") }
            return .cancelled
        } catch let nested as NestedScriptFailed {
            return .failed(nested.error)
        } catch {
            return failed(error, in: typed)
        }
    }

    /// Reports `error` (located when it is a ShellError; one in `entry`, typed at a prompt, shown
    /// under its line with a caret at its word) and returns it as the outcome.
    private func failed(_ error: Error, in entry: Entry? = nil) -> Outcome {
        let shellError = shellError(from: error)
        output.report(shellError, excerpt: entry.flatMap { shellError.location?.file == $0.file ? $0.text : nil })
        output.flush()
        return .failed(shellError)
    }

    /// Runs a whole script as its own transaction: on success pending edits are saved
    /// (or "unchanged" said); on failure every file the script wrote since its last save is
    /// put back, and each is named.
    public func runScript(_ text: String, file: String) async -> Outcome {
        await transaction(endingAt: Lexer.end(of: text, file: file)) { await self.run(text: text, file: file) }
    }

    /// Runs a script given as bytes (a file, `-c`, stdin), all decoded alike: a byte-order mark
    /// is dropped; bytes that are not UTF-8 are a usage error at their LINE:COL, nothing run.
    public func runScript(_ data: Data, file: String) async -> Outcome {
        do {
            return await runScript(try TextFile.decode(data, file: file), file: file)
        } catch let error as ManifestError {
            return failed(ShellError.usage(error.message, hint: error.hint, at: error.problem.location))
        } catch {
            return failed(error)
        }
    }

    /// Reads the script file at `path` (a FIFO such as `<(…)` too) and runs it as above; nil
    /// when there is no such file.
    public func runScript(path: String) async -> Outcome? {
        let data: Data?
        do {
            data = try TextFile.bytes(at: URL(fileURLWithPath: path), displayPath: path, pipes: true)
        } catch {
            return failed(error)
        }
        guard let data else { return nil }
        return await runScript(data, file: path)
    }

    func runScript(syntax: [CommandSyntax], endingAt end: ScriptLocation) async -> Outcome {
        await transaction(endingAt: end) { await self.run(syntax) }
    }

    /// Runs `body`, then saves what it left unsaved; a failing save is reported at `end`, where
    /// the script's implicit save happens.
    private func transaction(endingAt end: ScriptLocation, _ body: () async -> Outcome) async -> Outcome {
        var outcome = await body()
        if outcome == .success {
            do {
                try savePendingEdits()
            } catch {
                outcome = failed(shellError(from: error, at: end))
            }
        }
        if outcome == .success {
            journal?.forget()
        } else if let journal {
            // What `save` (or `push`) wrote is committed and stays; only later writes go back.
            for sentence in journal.rollback(workspaceFiles) { output.diagnostic(sentence) }
            if let open = pipeline, open.isDirty {
                output.diagnostic(open.pendingBuildspec != nil
                    ? "not saved: the new pipeline \(open.name) (\(open.files.manifestPathInWorkspace) was not written)"
                    : "not saved: the edits to \(open.files.manifestPathInWorkspace) after its last save")
            }
        }
        output.flush()
        return outcome
    }

    /// Lexes, expands, binds and runs one command.
    func execute(_ command: CommandSyntax) async throws {
        let invocation: Invocation
        do {
            invocation = try table.bind(try command.words.map { try $0.expanded(with: variables) })
            if output.json, !invocation.spec.printsJSON {
                throw ShellError.usage("`\(invocation.spec.name)` has no JSON form (sluice --json)",
                                       hint: table.jsonHint + "; run the others without --json", at: invocation.location)
            }
        } catch {
            _ = try await present(command, echoed: true)  // the command a usage error is about
            throw error
        }
        guard try await present(command, echoed: invocation.spec.isEchoed) else {
            exitRequested = true
            return
        }
        defer { presented(command) }
        // Course notes show each command after its prompt, as the student types it there.
        if runDepth == 0, invocation.spec.isEchoed, invocation.spec.words.first != "record" {
            output.show(.command(PromptStyle(theme: nil).prompt(promptInfo) + (command.source.isEmpty
                ? command.words.map(\.displayText).joined(separator: " ") : command.source)))
        }
        try refuseTokens(invocation)
        recording.recordedInstead = nil
        let before = (undo: history.undo.count, redo: history.redo.count)
        recording.scriptEquivalent = nil
        do {
            try await run(invocation)
        } catch {
            // What was answered at the terminal happened, even though the command then failed.
            if let answered = recording.scriptEquivalent {
                recording.scriptEquivalent = nil  // recorded once, not again by a `run` around this command
                try recording.recorder?.appendAnswers(answered, session: self, at: invocation.location)
            }
            throw error
        }
        try recording.recorder?.append(recording.recordedInstead ?? invocation, answered: recording.scriptEquivalent,
                                       history: before, session: self)
        narrateClosing(command)
    }

    /// Runs a bound command; errors without a location get the command's.
    private func run(_ invocation: Invocation) async throws {
        do {
            try await invocation.spec.run(invocation, self)
        } catch var error as ShellError {
            if error.location == nil { error.location = invocation.location }
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as NestedScriptFailed {
            throw error
        } catch let error as NoSuchStage {
            // At the word that named it, whichever command looked it up.
            throw shellError(from: error, at: invocation.location(ofArgument: error.name))
        } catch {
            throw shellError(from: error, at: invocation.location)
        }
    }

    /// The command prints JSON: `CMD --json`, or `sluice --json`.
    func printsJSON(_ invocation: Invocation) -> Bool {
        invocation.has(CommandSpec.jsonFlag) || output.json
    }

    /// A command that changes the workspace writes its arguments to files (the manifest, the
    /// target's state, a recording): one holding a token-like value is refused. The one place
    /// a token is taken, `source set github … token-secret`, keeps it in Secrets Manager.
    private func refuseTokens(_ invocation: Invocation) throws {
        guard invocation.spec.effect == .changesWorkspace else { return }
        let secret = invocation.argument("SECRET")
        guard let leak = invocation.arguments.first(where: { $0 != secret && Secrets.containsToken($0.text) }) else { return }
        throw ShellError.failure("'\(Secrets.redacted(leak.text))' holds what looks like a token, and sluice never writes a token to a file",
                                 hint: "keep it in Secrets Manager or Parameter Store and let the build read it by name "
                                    + "(a buildspec's env.secrets-manager or env.parameter-store)",
                                 at: leak.location)
    }

    /// How this session's writes reach the workspace: under the lock every sluice on it shares.
    var workspaceFiles: WorkspaceFiles { WorkspaceFiles(root: workspace?.root) }

    /// Commits `changes` as one unit through the workspace lock (a file changed meanwhile is
    /// an error, nothing written) and, in a script, the journal that puts them back if the
    /// script fails. Returns what each file held before.
    @discardableResult
    func commit(_ changes: [FileChange]) throws -> [Data?] {
        journal?.willCommit(changes)
        let before = try workspaceFiles.commit(changes)
        journal?.didCommit(changes, before: before)
        return before
    }

    /// A change to `url` that replaces whatever it holds (nil removes it).
    func overwrite(_ url: URL, with data: Data?) -> FileChange {
        FileChange(url: url, displayPath: relativePath(url), expected: .anything, replacement: data)
    }

    /// The one rule for a file the user names (`record FILE`, `export graph FILE`): it goes where
    /// the user says, but never over a file Copilot, a pipeline or sluice reads (the pipelines'
    /// manifests and the buildspecs they name, the environments' and workloads' files, `.sluice/`),
    /// never over the recording in progress (but by the recorder itself), and never into a directory
    /// that is not there (``AtomicFile``). Refused or failing at `location`, naming `what` it holds.
    func writeNamedFile(_ url: URL, as path: String, _ data: Data, what: String, at location: ScriptLocation?,
                        byRecorder: Bool = false) throws {
        try refuseNamedFile(url, as: path, what: what, at: location, byRecorder: byRecorder)
        do {
            try commit([FileChange(url: url, displayPath: path, expected: .anything, replacement: data, origin: .named)])
        } catch let error as ManifestError {
            throw ShellError.failure("cannot write \(what) \(path): \(error.message)", hint: error.hint, at: location)
        } catch {
            throw ShellError.failure("cannot write \(what) \(path): \(message(of: error))", at: location)
        }
    }

    /// ``writeNamedFile(_:as:_:what:at:byRecorder:)``'s refusals, before anything is written.
    func refuseNamedFile(_ url: URL, as path: String, what: String, at location: ScriptLocation?, byRecorder: Bool = false) throws {
        if let workspace, let owner = workspace.ownFile(url, extra: pipeline.map { [$0.files] } ?? [],
                                                      edited: pipeline.map { [$0.files.name: $0.manifest] } ?? [:]) {
            throw ShellError.failure("\(path) is \(owner): writing \(what) there would overwrite it",
                                     hint: "name a file of its own, outside copilot/ and .sluice/", at: location)
        }
        let recordings = [recording.recorder?.url].compactMap { $0 } + output.recordings.map(\.file.url)
        if !byRecorder, recordings.contains(where: { Self.samePath($0, url) }) {
            throw ShellError.failure("\(path) is a recording in progress: writing \(what) there would overwrite it",
                                     hint: "name another file, or `record stop` first", at: location)
        }
    }

    private static func samePath(_ a: URL, _ b: URL) -> Bool {
        a.standardizedFileURL.resolvingSymlinksInPath() == b.standardizedFileURL.resolvingSymlinksInPath()
    }

    // MARK: Errors from other modules

    /// Any error as the shell reports it: another module's problem keeps its message and hint,
    /// its file (made relative to the workspace) leading the message.
    func shellError(from error: Error, at location: ScriptLocation? = nil) -> ShellError {
        ShellError.failure(error, at: location) { self.relativePath(URL(fileURLWithPath: $0)) }
    }

    /// The sentence an error says (its file first), for a message that quotes it.
    func message(of error: Error) -> String {
        shellError(from: error).message
    }
}

/// The `TargetUI` of scripts: nobody to ask, so `confirm` says no and no secret is read.
struct ScriptTargetUI: TargetUI {
    let output: Output
    var isInteractive: Bool { false }
    func say(_ line: String) { output.message(line) }
    func show(diff: String) { DocumentCommands.printDiff(diff, output) }
    func confirm(_ question: String) async -> Bool { false }
    func readSecret(_ prompt: String) async -> String? { nil }
    func ask(_ question: String) async -> String? { nil }
}

extension Session {
    /// Runs one command given as separate words (`sluice stage add test`): no lexing, since
    /// the calling shell already split and expanded them. Transactional like a script.
    public func runCommand(words: [String]) async -> Outcome {
        var column = 1
        let syntax = words.map { word -> Word in
            defer { column += word.count + 1 }
            return Word(parts: [.literal(word)], location: ScriptLocation(file: ScriptLocation.commandLine, line: 1, column: column),
                        isQuoted: false)
        }
        return await runScript(syntax: [CommandSyntax(words: syntax, location: syntax[0].location)],
                               endingAt: ScriptLocation(file: ScriptLocation.commandLine, line: 1, column: column - 1))
    }
}

extension Session {
    /// Where targets and `watch` draw: this session's output.
    public var console: WatchConsole { output.console }
}

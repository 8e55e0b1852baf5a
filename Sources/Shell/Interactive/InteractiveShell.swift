import Foundation
import Targets
#if canImport(Glibc)
import Glibc
#endif

/// The read–run loop on a terminal: libedit for the line, the session for everything else.
/// Runs on one thread of its own; each entry runs in a task this loop can cancel.
public final class InteractiveShell {
    private let session: Session
    /// Where lines go: the session, or during `tour` the tour's scratch session.
    private var active: Session
    private let environment: [String: String]
    private let editor: LineEditor
    private let history: CommandHistory
    private let style: PromptStyle

    /// Takes over the terminal: signal handlers, libedit, the history file.
    public init(session: Session, environment: [String: String]) {
        self.session = session
        active = session
        self.environment = environment
        TerminalSignals.install(terminal: STDIN_FILENO)
        history = CommandHistory(file: CommandHistory.defaultFile(environment: environment))
        editor = LineEditor(programName: "sluice", history: history)
        style = PromptStyle.forTerminal(environment: environment)
        editor.complete = { [unowned self] text in Completer(session: self.active).complete(text) }
        session.targetUI = TerminalTargetUI(output: session.output)
        // The prompt names the pipeline from the start; a manifest that does not load is
        // reported by the first command that needs it.
        _ = try? session.requirePipeline()
        // Said at once, not at the first command that needs a workspace.
        if let problem = session.workspaceProblem {
            session.output.message("note: " + problem.message, style: .yellow, hanging: "      ")
            session.output.message("  hint: " + (problem.hint.map { $0 + "; " } ?? "") + "meanwhile `tour` works anywhere, and `help` lists the commands",
                                   hanging: "        ")
            session.output.flush()
        }
    }

    /// `sluice` with no arguments on a terminal: a session in the working directory until
    /// `exit` or Ctrl-D; returns the exit status.
    ///
    /// The loop gets a thread of its own: it blocks in libedit's reads, which must not hold
    /// up Swift's cooperative pool, and it must be a thread that takes signals (the main
    /// thread of an async program is parked by Dispatch and never runs it).
    /// `firstEntry` runs first, as if typed (`sluice tour` opens the prompt in the tour).
    public static func run(environment: [String: String], firstEntry: String? = nil) async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let session = Session(mode: .interactive,
                                      workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                      environment: environment, output: Output(environment: environment))
                continuation.resume(returning: InteractiveShell(session: session, environment: environment).run(firstEntry: firstEntry))
            }
            thread.name = "sluice-prompt"
            thread.start()
        }
    }

    /// Runs `firstEntry`, then reads and runs entries until `exit` or Ctrl-D; returns the exit status.
    public func run(firstEntry: String? = nil) -> Int32 {
        var given = firstEntry
        while let entry = given ?? readEntry() {
            if given == nil, let problem = history.record(entry) {
                warn("history not saved: \(problem)")
            }
            given = nil
            let session = self.session
            runCancellably { await session.run(entry: entry) }
            if let tour = session.tourRequest {
                session.tourRequest = nil
                runTour(restart: tour == .restart)
            }
            if session.exitRequested {
                if !session.hasUnsavedEdits || confirmLeavingUnsaved() { break }
                session.exitRequested = false
            }
        }
        return 0
    }

    /// `tour`: lines go to the tour until it ends, the person quits it, or Ctrl-D.
    private func runTour(restart: Bool) {
        let guide: TourGuide
        do {
            guide = try TourGuide(environment: environment, restart: restart, output: session.output)
        } catch {
            session.output.report((error as? ShellError) ?? ShellError.failure(session.message(of: error)))
            session.output.flush()
            return
        }
        // Ended by a signal (the terminal closed, SIGTERM), sluice still removes the scratch copy.
        TerminalSignals.beforeEnding { guide.leave() }
        defer {
            active = session
            TerminalSignals.beforeEnding(nil)
            guide.leave()
        }
        runCancellably { await guide.begin() }
        guard !guide.isOver else { return }
        active = guide.session
        while !guide.isOver, let entry = readEntry(prefix: guide.promptPrefix) {
            if let problem = history.record(entry) { warn("history not saved: \(problem)") }
            runCancellably { await guide.handle(entry) }
        }
        if !guide.isOver { write("Left the tour; `tour` continues where you were.\n") }
    }

    /// One whole entry (continuation lines included), or nil when the person leaves.
    private func readEntry(prefix: String = "") -> String? {
        var entry: String?
        while true {
            let info = active.promptInfo
            let prompt = prefix + (entry == nil ? style.prompt(info) : style.continuationPrompt(info))
            active.output.show(.prompt(PromptStyle.shown(prompt), entry: true))
            switch editor.readLine(prompt: prompt) {
            case .interrupted:
                // Ctrl-C drops the line (and any continuation) and starts afresh, as sh does.
                write("^C\n")
                entry = nil
            case .endOfInput:
                write("\n")
                if entry != nil { entry = nil; continue }
                // The tour's scratch edits are the tour's own: leaving it loses nothing of the person's.
                if active === session, session.hasUnsavedEdits, !confirmLeavingUnsaved() { continue }
                return nil
            case .line(let line):
                active.output.show(.typed(line))
                let text = entry.map { $0 + "\n" + line } ?? line
                if Lexer.needsContinuation(text) {
                    entry = text
                    continue
                }
                if text.allSatisfy(\.isWhitespace) {
                    entry = nil
                    continue
                }
                return text
            }
        }
    }

    private func confirmLeavingUnsaved() -> Bool {
        let question = "There are unsaved edits (`save` writes them). Exit anyway? [y/N] "
        guard case .line(let answer) = editor.readLine(prompt: question) else {
            write("\n")
            return false
        }
        return isYes(answer)
    }

    /// Runs `work` in a task and waits on this thread, cancelling the task on Ctrl-C — or on
    /// SIGTERM/SIGHUP/SIGQUIT, after which sluice ends by that signal.
    private func runCancellably(_ work: @escaping @Sendable () async -> Void) {
        let finished = DispatchSemaphore(value: 0)
        TerminalSignals.commandRunning.store(true, ordering: .relaxed)
        let task = Task.detached {
            await work()
            finished.signal()
        }
        var cancelled = false
        var termination: Int32?
        while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            if termination == nil, let signal = TerminalSignals.takeTermination() {
                termination = signal
                Interruption.record(signal)
                task.cancel()
            }
            if TerminalSignals.takeInterrupt() && !cancelled {
                cancelled = true
                task.cancel()
            }
        }
        TerminalSignals.commandRunning.store(false, ordering: .relaxed)
        _ = TerminalSignals.takeInterrupt()
        if let signal = termination ?? TerminalSignals.takeTermination() { TerminalSignals.end(by: signal) }
    }

    private func write(_ text: String) {
        active.output.write(text)
        active.output.flush()
    }

    private func warn(_ text: String) {
        FileHandle.standardError.write(Data("sluice: \(text)\n".utf8))
    }
}


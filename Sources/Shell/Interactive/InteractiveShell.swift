import Foundation
import Targets
#if canImport(Glibc)
import Glibc
#endif

/// The read–run loop on a terminal: libedit for the line, the session for everything else.
/// Runs on one thread of its own; each entry runs in a task this loop can cancel.
public final class InteractiveShell {
    private let session: Session
    private let editor: LineEditor
    private let history: CommandHistory
    private let style: PromptStyle

    /// Takes over the terminal: signal handlers, libedit, the history file.
    public init(session: Session, environment: [String: String]) {
        self.session = session
        TerminalSignals.install(terminal: STDIN_FILENO)
        history = CommandHistory(file: CommandHistory.defaultFile(environment: environment))
        editor = LineEditor(programName: "sluice", history: history)
        style = PromptStyle.forTerminal(isTerminal: Terminal.isTerminal(STDOUT_FILENO), environment: environment)
        let completer = Completer(session: session)
        editor.complete = { text in completer.complete(text) }
        session.targetUI = TerminalTargetUI(output: session.output)
        // The prompt names the pipeline from the start; a manifest that does not load is
        // reported by the first command that needs it.
        _ = try? session.requirePipeline()
    }

    /// `sluice` with no arguments on a terminal: a session in the working directory until
    /// `exit` or Ctrl-D; returns the exit status.
    ///
    /// The loop gets a thread of its own: it blocks in libedit's reads, which must not hold
    /// up Swift's cooperative pool, and it must be a thread that takes signals (the main
    /// thread of an async program is parked by Dispatch and never runs it).
    public static func run(environment: [String: String]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let session = Session(mode: .interactive,
                                      workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                      environment: environment, output: Output(environment: environment))
                continuation.resume(returning: InteractiveShell(session: session, environment: environment).run())
            }
            thread.name = "sluice-prompt"
            thread.start()
        }
    }

    private var promptInfo: PromptInfo {
        PromptInfo(application: session.applicationName, pipeline: session.pipelineName,
                   target: session.targetKind, hasUnsavedEdits: session.hasUnsavedEdits)
    }

    /// Reads and runs entries until `exit` or Ctrl-D; returns the exit status.
    public func run() -> Int32 {
        while let entry = readEntry() {
            if let problem = history.record(entry) {
                warn("history not saved: \(problem)")
            }
            runCancellably(entry)
            if session.exitRequested {
                if !session.hasUnsavedEdits || confirmLeavingUnsaved() { break }
                session.exitRequested = false
            }
        }
        return 0
    }

    /// One whole entry (continuation lines included), or nil when the person leaves.
    private func readEntry() -> String? {
        var entry: String?
        while true {
            let info = promptInfo
            let prompt = entry == nil ? style.prompt(info) : style.continuationPrompt(info)
            switch editor.readLine(prompt: prompt) {
            case .interrupted:
                // Ctrl-C drops the line (and any continuation) and starts afresh, as sh does.
                write("^C\n")
                entry = nil
            case .endOfInput:
                write("\n")
                if entry != nil { entry = nil; continue }
                if session.hasUnsavedEdits && !confirmLeavingUnsaved() { continue }
                return nil
            case .line(let line):
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

    /// Runs `entry` in a task and waits on this thread, cancelling the task on Ctrl-C — or on
    /// SIGTERM/SIGHUP/SIGQUIT, after which sluice ends by that signal.
    private func runCancellably(_ entry: String) {
        let finished = DispatchSemaphore(value: 0)
        let session = self.session
        TerminalSignals.commandRunning.store(true, ordering: .relaxed)
        let task = Task.detached {
            await session.run(entry: entry)
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
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func warn(_ text: String) {
        FileHandle.standardError.write(Data("sluice: \(text)\n".utf8))
    }
}


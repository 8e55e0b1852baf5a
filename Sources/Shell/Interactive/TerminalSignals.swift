#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The process-wide signal plumbing of the interactive shell.
///
/// SIGINT only raises a flag (and, having no SA_RESTART, interrupts a blocking read such
/// as libedit's): the loop looks at the flag after each line and while a command runs,
/// which is where Ctrl-C clears the line or cancels the command's task.
/// SIGWINCH raises another (SA_RESTART: the read goes on); the size is taken before the next line.
/// A crash (SIGSEGV, SIGILL, SIGABRT…) or SIGTERM/SIGHUP/SIGQUIT first puts the terminal back
/// the way it was found, then lets the previous handler (Swift's backtracer, or the default)
/// finish the job. While a command runs, SIGTERM/SIGHUP/SIGQUIT sent to sluice are first
/// taken by the loop, which stops the command (a local run is marked Stopped) and then ends
/// sluice by the same signal (`takeTermination`, `end(by:)`); a second one ends it at once.
enum TerminalSignals {
    /// Set by SIGINT; taken (and cleared) by `takeInterrupt()`.
    private static let interruptRaised = Atomic<Bool>(false)
    /// Set by SIGWINCH; taken before each line is read.
    private static let resized = Atomic<Bool>(false)

    /// True while an entry's command runs (set by the loop).
    static let commandRunning = Atomic<Bool>(false)
    /// A termination signal deferred while a command runs; 0 when none.
    private static let pendingTermination = Atomic<Int32>(0)

    /// The terminal settings at start-up, restored by the crash handler. Allocated once and
    /// never freed: a signal handler must not touch anything lazily initialised or freed.
    nonisolated(unsafe) private static let savedTerminal = UnsafeMutablePointer<termios>.allocate(capacity: 1)
    nonisolated(unsafe) private static var hasSavedTerminal = false
    /// The thread reading the terminal. A process-directed SIGINT may land on any thread that
    /// does not block it; only on this one does it interrupt libedit's read, so it is sent on.
    nonisolated(unsafe) private static var editorThread = pthread_self()
    /// The handlers found before ours, indexed by signal number, for chaining.
    nonisolated(unsafe) private static let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

    /// Signals that end the process: a crash, or SIGTERM/SIGHUP/SIGQUIT.
    private static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGTERM, SIGHUP, SIGQUIT]

    /// Installs the SIGINT flag handler and the crash handlers. Call once, on the thread that
    /// will read the terminal, before its first read.
    static func install(terminal fd: Int32) {
        editorThread = pthread_self()
        // This thread may have been started by one of Dispatch's workers, which block signals.
        var handled = sigset_t()
        sigemptyset(&handled)
        for signal in [SIGINT, SIGWINCH] + fatalSignals {
            sigaddset(&handled, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        _ = interruptRaised.load(ordering: .relaxed)
        _ = resized.load(ordering: .relaxed)
        if tcgetattr(fd, savedTerminal) == 0 { hasSavedTerminal = true }
        previousActions.initialize(repeating: sigaction(), count: 65)

        var interrupt = sigaction()
        interrupt.__sigaction_handler.sa_handler = { signal in
            if pthread_equal(pthread_self(), TerminalSignals.editorThread) == 0 {
                pthread_kill(TerminalSignals.editorThread, signal)
                return
            }
            TerminalSignals.interruptRaised.store(true, ordering: .relaxed)
        }
        sigemptyset(&interrupt.sa_mask)
        interrupt.sa_flags = 0 // no SA_RESTART: a blocked read returns EINTR
        sigaction(SIGINT, &interrupt, nil)

        var resize = sigaction()
        resize.__sigaction_handler.sa_handler = { _ in
            TerminalSignals.resized.store(true, ordering: .relaxed)
        }
        sigemptyset(&resize.sa_mask)
        resize.sa_flags = Int32(SA_RESTART)
        sigaction(SIGWINCH, &resize, nil)

        for signal in fatalSignals {
            var crash = sigaction()
            crash.__sigaction_handler.sa_sigaction = { signal, info, _ in
                let sentByKill = (info?.pointee.si_code ?? 0) <= 0
                if sentByKill, signal == SIGTERM || signal == SIGHUP || signal == SIGQUIT,
                   TerminalSignals.commandRunning.load(ordering: .relaxed) {
                    // SA_RESETHAND put the default back: a second one ends sluice at once.
                    TerminalSignals.pendingTermination.store(signal, ordering: .relaxed)
                    return
                }
                TerminalSignals.restoreTerminal(after: signal, sentByKill: sentByKill)
            }
            sigemptyset(&crash.sa_mask)
            crash.sa_flags = Int32(bitPattern: SA_RESETHAND) | SA_NODEFER | SA_SIGINFO
            sigaction(signal, &crash, previousActions + Int(signal))
        }
    }

    /// True once per Ctrl-C since the last call.
    static func takeInterrupt() -> Bool {
        interruptRaised.exchange(false, ordering: .relaxed)
    }

    /// The termination signal that arrived while a command ran, once.
    static func takeTermination() -> Int32? {
        let signal = pendingTermination.exchange(0, ordering: .relaxed)
        return signal == 0 ? nil : signal
    }

    /// Ends sluice by `signal` (deferred while a command ran), the terminal put back first.
    static func end(by signal: Int32) -> Never {
        restoreTerminal(after: signal, sentByKill: true)
        kill(getpid(), signal)
        while true { pause() }
    }

    /// True once per window size change since the last call.
    static func takeResize() -> Bool {
        resized.exchange(false, ordering: .relaxed)
    }

    /// Async-signal-safe: tcsetattr, sigaction and raise only. A fault is left to happen again
    /// on return, now under the previous handler, so a crash report shows where it really was;
    /// a signal sent with kill is sent again.
    private static func restoreTerminal(after signal: Int32, sentByKill: Bool) {
        if hasSavedTerminal { tcsetattr(STDIN_FILENO, TCSANOW, savedTerminal) }
        sigaction(signal, previousActions + Int(signal), nil)
        if sentByKill { raise(signal) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibEdit
import Foundation
import Synchronization

/// The process-wide signal plumbing of the interactive shell.
///
/// SIGINT only raises a flag (and, having no SA_RESTART, interrupts the line editor's wait for
/// a key, `waitForKey`): the loop looks at the flag after each line and while a command runs,
/// which is where Ctrl-C clears the line or cancels the command's task.
/// SIGWINCH raises another (SA_RESTART: the read goes on); the size is taken before the next line.
/// A crash (SIGSEGV, SIGILL, SIGABRT…) or SIGTERM/SIGHUP/SIGQUIT first puts the terminal back
/// the way it was found, then lets the previous handler (Swift's backtracer, or the default)
/// finish the job. While a command runs, SIGTERM/SIGHUP/SIGQUIT are first taken by the loop,
/// which stops the command (a local run is marked Stopped) and then ends sluice by the same
/// signal (`takeTermination`, `end(by:)`); while something must be cleaned up first (the tour's
/// scratch copy: `beforeEnding`), a thread of its own does that, then ends sluice. A second one
/// ends it at once.
enum TerminalSignals {
    /// Set by SIGINT; taken (and cleared) by `takeInterrupt()`.
    private static let interruptRaised = Atomic<Bool>(false)
    /// Set by SIGWINCH; taken before each line is read.
    private static let resized = Atomic<Bool>(false)

    /// True while an entry's command runs (set by the loop).
    static let commandRunning = Atomic<Bool>(false)
    /// A termination signal deferred while a command runs; 0 when none.
    private static let pendingTermination = Atomic<Int32>(0)
    /// Set while `beforeEnding` holds work: a termination signal then wakes the ending thread.
    private static let cleansUp = Atomic<Bool>(false)
    private static let cleanup = Mutex<(@Sendable () -> Void)?>(nil)
    /// The handler writes a deferred signal's number here (async-signal-safe); the ending thread reads it.
    nonisolated(unsafe) private static var wakeUp: [Int32] = [-1, -1]

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

        if pipe(&wakeUp) == 0 {
            for end in wakeUp { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            let ending = Thread {
                var number: Int32 = 0
                while true {
                    let count = read(wakeUp[0], &number, MemoryLayout<Int32>.size)
                    if count < 0, errno == EINTR { continue }
                    guard count == MemoryLayout<Int32>.size else { return }
                    // A command that started meanwhile is stopped first, by the loop; whichever takes it ends sluice.
                    pendingTermination.store(number, ordering: .relaxed)
                    if !commandRunning.load(ordering: .relaxed), let signal = takeTermination() { end(by: signal) }
                }
            }
            ending.name = "sluice-ending"
            ending.start()
        }
        for signal in fatalSignals {
            var crash = sigaction()
            crash.__sigaction_handler.sa_sigaction = { signal, info, _ in
                // A termination signal is the same whoever sent it: the kernel (the terminal closed) or kill.
                let terminates = signal == SIGTERM || signal == SIGHUP || signal == SIGQUIT
                let sentByKill = terminates || (info?.pointee.si_code ?? 0) <= 0
                // SA_RESETHAND put the default back: a second one ends sluice at once.
                if terminates, TerminalSignals.commandRunning.load(ordering: .relaxed) {
                    TerminalSignals.pendingTermination.store(signal, ordering: .relaxed)
                    return
                }
                if terminates, TerminalSignals.cleansUp.load(ordering: .relaxed), TerminalSignals.wakeUp[1] >= 0 {
                    var number = signal
                    _ = write(TerminalSignals.wakeUp[1], &number, MemoryLayout<Int32>.size)
                    return
                }
                TerminalSignals.restoreTerminal(after: signal, sentByKill: sentByKill)
            }
            sigemptyset(&crash.sa_mask)
            crash.sa_flags = Int32(bitPattern: SA_RESETHAND) | SA_NODEFER | SA_SIGINFO
            sigaction(signal, &crash, previousActions + Int(signal))
        }
    }

    /// Waits until `fd` has a key to read; false when a Ctrl-C came first (the flag stays raised
    /// for `takeInterrupt`). SIGINT is blocked from the flag's check until the wait starts,
    /// so one raised at any moment ends the wait instead of landing between the check and it.
    static func waitForKey(on fd: Int32) -> Bool {
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        var unblocked = sigset_t()
        pthread_sigmask(SIG_BLOCK, &interrupt, &unblocked)
        defer { pthread_sigmask(SIG_SETMASK, &unblocked, nil) }
        while !interruptRaised.load(ordering: .relaxed) {
            // EINTR: SIGINT (seen by the loop's check) or a resize; anything else, the read says.
            if sluice_wait_readable(fd, &unblocked) >= 0 || errno != EINTR { return true }
        }
        return false
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

    /// Work to do before a termination signal ends sluice (nil: none), run on an ordinary thread.
    static func beforeEnding(_ work: (@Sendable () -> Void)?) {
        cleanup.withLock { $0 = work }
        cleansUp.store(work != nil, ordering: .relaxed)
    }

    /// Ends sluice by `signal` (deferred while a command ran, or for `beforeEnding`'s work), the
    /// terminal put back first.
    static func end(by signal: Int32) -> Never {
        cleanup.withLock { work in
            work?()
            work = nil
        }
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

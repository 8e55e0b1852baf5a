import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Targets

/// How a script (or one command) ends when sluice is told to stop: SIGINT, SIGTERM, SIGHUP
/// and SIGQUIT cancel the running command — so a local run is stopped and marked Stopped,
/// its processes ended — and sluice then ends by that same signal, as its parent expects.
/// A second such signal ends sluice at once (the run's processes still end: see the local
/// target's process groups).
public enum ScriptSignals {
    static let handled = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// The handler's only work is writing the signal's number here (async-signal-safe); a
    /// thread reads it and cancels the script. A handler, not SIG_IGN: the programs sluice
    /// starts get the default dispositions back at exec.
    nonisolated(unsafe) private static var wakeUp: [Int32] = [-1, -1]

    /// Runs `body` (the script), cancelling it on the first of those signals; after it has
    /// unwound, re-raises the signal.
    public static func run<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        guard pipe(&wakeUp) == 0 else { return try await body() }
        for end in wakeUp { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // The handlers are in place before the script starts anything a signal should stop.
        for signal in handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var number = number
                _ = write(ScriptSignals.wakeUp[1], &number, MemoryLayout<Int32>.size)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(SA_RESTART)
            sigaction(signal, &action, nil)
        }
        let task = Task { try await body() }
        let reader = Thread {
            // A thread inherits its creator's mask, and Dispatch's workers block signals: this
            // one takes them, whichever other thread is left to.
            var signals = sigset_t()
            sigemptyset(&signals)
            for signal in handled { sigaddset(&signals, signal) }
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
            var number: Int32 = 0
            while read(wakeUp[0], &number, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size {
                Interruption.record(number)
                // The next one of these signals ends sluice at once.
                for signal in handled { Glibc.signal(signal, SIG_DFL) }
                task.cancel()
            }
        }
        reader.name = "sluice-signals"
        reader.start()
        let result = await task.result
        if let signal = Interruption.receivedSignal {
            Glibc.signal(signal, SIG_DFL)
            // To the process, not this thread: a Dispatch worker blocks signals.
            kill(getpid(), signal)
            pause()
        }
        return try result.get()
    }
}

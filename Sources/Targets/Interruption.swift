#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The signal that is stopping sluice, when one is (set by the shell before it cancels the
/// running command): a stopped execution then says which ended it, not "stopped by the user".
public enum Interruption {
    private static let received = Atomic<Int32>(0)

    /// Notes that `signal` is ending sluice; the running command is cancelled next.
    public static func record(_ signal: Int32) {
        received.store(signal, ordering: .relaxed)
    }

    /// The signal recorded, if any.
    public static var receivedSignal: Int32? {
        let signal = received.load(ordering: .relaxed)
        return signal == 0 ? nil : signal
    }

    /// Why a cancelled action stopped.
    static var reason: String {
        switch received.load(ordering: .relaxed) {
        case 0: return "stopped by the user"
        case SIGINT: return "stopped: sluice received SIGINT (Ctrl-C)"
        case SIGTERM: return "stopped: sluice received SIGTERM"
        case SIGHUP: return "stopped: sluice received SIGHUP (its terminal closed)"
        case SIGQUIT: return "stopped: sluice received SIGQUIT"
        case let other: return "stopped: sluice received signal \(other)"
        }
    }
}

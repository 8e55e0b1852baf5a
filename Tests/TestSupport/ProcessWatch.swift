import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watching processes a test does not own (a build's background child, started by the binary).
public enum ProcessWatch {
    /// The pid a process wrote to `file`, once it is there (nil after `timeout`).
    public static func pid(writtenTo file: URL, timeout: TimeInterval = 60) -> pid_t? {
        let deadline = Date() + timeout
        while Date() < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// Whether `pid` is gone within `timeout` (a generous bound: reparented children are reaped by init).
    public static func ends(_ pid: pid_t, within timeout: TimeInterval = 20) -> Bool {
        let deadline = Date() + timeout
        while kill(pid, 0) == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return kill(pid, 0) != 0
    }
}

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

    /// Sends `signal` to `process` and waits up to `timeout` for it to end; one that does not is
    /// killed. Whether it ended in time, by that very signal.
    public static func endsBySignal(_ process: Process, _ signal: Int32, within timeout: TimeInterval = 10) -> Bool {
        kill(process.processIdentifier, signal)
        let deadline = Date() + timeout
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let inTime = !process.isRunning
        if !inTime { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return inTime && process.terminationReason == .uncaughtSignal && process.terminationStatus == signal
    }

    /// Whether `pid` is gone within `timeout` (a generous bound: reparented children are reaped by init).
    public static func ends(_ pid: pid_t, within timeout: TimeInterval = 20) -> Bool {
        let deadline = Date() + timeout
        while kill(pid, 0) == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return kill(pid, 0) != 0
    }

    /// The processes of process group `group` whose command line contains `word` (from /proc),
    /// once there is one (none after `timeout`).
    public static func members(ofGroup group: pid_t, named word: String, timeout: TimeInterval = 10) -> [pid_t] {
        let deadline = Date() + timeout
        while true {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            let members = entries.compactMap(pid_t.init).filter { pid in
                guard getpgid(pid) == group, let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
                return String(decoding: line, as: UTF8.self).contains(word)
            }
            if !members.isEmpty || Date() >= deadline { return members }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The signals `pid` blocks (its SigBlk in /proc), nil when it is gone.
    public static func blockedSignals(_ pid: pid_t) -> Set<Int32>? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigBlk:") }),
              let mask = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
        return Set((1...64).filter { mask & (1 << UInt64($0 - 1)) != 0 }.map(Int32.init))
    }
}

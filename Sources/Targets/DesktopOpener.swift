import Foundation
import Processes
#if canImport(Glibc)
import Glibc
#endif

/// Hands an address to the desktop's opener, as `open` does: `$BROWSER` when set, else `open` on macOS
/// and `xdg-open` where a display is (`DISPLAY` or `WAYLAND_DISPLAY`). The opener runs in a process
/// group of its own, its output discarded; one still running after 10 seconds is ended with its group.
public enum DesktopOpener {
    public enum Outcome: Equatable, Sendable {
        case opened(by: String)
        /// Nothing here opens addresses (a server, CI): printing it is all there is to do.
        case noOpener
        case failed(program: String, reason: String)
    }

    public static func open(_ address: String, environment: [String: String]) -> Outcome {
        guard let program = opener(environment) else { return .noOpener }
        let null = Glibc.open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let pid: pid_t
        do {
            // A group of its own but no guard: what it starts (a browser) outlives it, as it should.
            pid = try ProcessGroup.spawn(program, [program, address], environment: environment, descriptors: [null, null, null], group: 0)
        } catch {
            return .failed(program: program, reason: "\(error)")
        }
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard Date() < deadline else {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                return .failed(program: program, reason: "it did not finish within 10 seconds")
            }
            usleep(20_000)
        }
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return exit == 0 ? .opened(by: program) : .failed(program: program, reason: "it exited with \(exit)")
    }

    /// The program that opens addresses here, if any: the first of `$BROWSER`'s, or the system's.
    static func opener(_ environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        func found(_ name: String) -> String? {
            if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
            return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        if let browsers = environment["BROWSER"], !browsers.isEmpty {
            return browsers.split(separator: ":").lazy.compactMap { found(String($0)) }.first
        }
        #if os(macOS)
        return found("open")
        #else
        guard !(environment["DISPLAY"] ?? "").isEmpty || !(environment["WAYLAND_DISPLAY"] ?? "").isEmpty else { return nil }
        return found("xdg-open")
        #endif
    }
}

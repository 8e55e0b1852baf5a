#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small facts about the terminal.
enum Terminal {
    /// Columns of the terminal on `fd`, 80 when unknown.
    static func width(of fd: Int32) -> Int {
        columns(of: fd) ?? 80
    }

    /// Columns of the terminal on `fd`, nil when it cannot be asked.
    static func columns(of fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

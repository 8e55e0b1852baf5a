#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small facts about the terminal.
enum Terminal {
    /// Columns of the terminal on `fd`, 80 when unknown.
    static func width(of fd: Int32) -> Int { columns(of: fd) ?? 80 }

    /// Columns of the terminal on `fd`, nil when it cannot be asked.
    static func columns(of fd: Int32) -> Int? {
        asked(fd).flatMap { $0.ws_col > 0 ? Int($0.ws_col) : nil }
    }

    /// Columns and rows of the terminal on `fd`, 80 and 24 when unknown.
    static func size(of fd: Int32) -> (columns: Int, rows: Int) {
        let rows = asked(fd).flatMap { $0.ws_row > 0 ? Int($0.ws_row) : nil }
        return (columns(of: fd) ?? 80, rows ?? 24)
    }

    private static func asked(_ fd: Int32) -> winsize? {
        var size = winsize()
        return ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 ? size : nil
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

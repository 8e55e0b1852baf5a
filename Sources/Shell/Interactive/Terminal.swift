#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small facts about the terminal.
enum Terminal {
    /// Columns of the terminal on `fd`, 80 when unknown.
    static func width(of fd: Int32) -> Int { size(of: fd).columns }

    /// Columns and rows of the terminal on `fd`, 80 and 24 when unknown.
    static func size(of fd: Int32) -> (columns: Int, rows: Int) {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 else { return (80, 24) }
        return (size.ws_col > 0 ? Int(size.ws_col) : 80, size.ws_row > 0 ? Int(size.ws_row) : 24)
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

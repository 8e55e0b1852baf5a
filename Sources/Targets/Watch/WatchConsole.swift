import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `watch`, `status` and the local target's progress are drawn.
public struct WatchConsole: Sendable {
    /// Redraw a tree in place (a terminal) rather than print one line per change.
    public var live: Bool
    /// ANSI colour.
    public var color: Bool
    /// Writes text exactly as given (lines carry their own newlines).
    public var write: @Sendable (String) -> Void

    public init(live: Bool, color: Bool, write: @escaping @Sendable (String) -> Void) {
        self.live = live
        self.color = color
        self.write = write
    }

    /// Standard output: live and coloured on a terminal, colour off with NO_COLOR or TERM=dumb.
    /// Writes go through stdio and are flushed, so they interleave correctly with `print`.
    public static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> WatchConsole {
        let terminal = isatty(STDOUT_FILENO) == 1 && environment["TERM"] != "dumb"
        let color = terminal && environment["NO_COLOR"].map(\.isEmpty) ?? true
        return WatchConsole(live: terminal, color: color) { text in
            fputs(text, stdout)
            fflush(stdout)
        }
    }

    /// Writes `line` and a newline.
    public func line(_ line: String) { write(line + "\n") }

    /// The terminal's size (columns, rows) when live and it can be asked, else nil.
    func terminalSize() -> (columns: Int, rows: Int)? {
        guard live else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}

import Errors
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
    /// The colours to draw with; nil for none.
    public var theme: ColorTheme?
    /// Writes text exactly as given (lines carry their own newlines).
    public var write: @Sendable (String) -> Void
    /// The width `message` wraps to.
    public var columns: Int

    public init(live: Bool, theme: ColorTheme?, columns: Int = 80, write: @escaping @Sendable (String) -> Void) {
        self.live = live
        self.theme = theme
        self.columns = columns
        self.write = write
    }

    /// Standard output: live on a terminal (not TERM=dumb), coloured as `ColorTheme.forOutput` says.
    /// Writes go through stdio and are flushed, so they interleave correctly with `print`.
    public static func standardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> WatchConsole {
        let terminal = isatty(STDOUT_FILENO) == 1 && environment["TERM"] != "dumb"
        return WatchConsole(live: terminal, theme: ColorTheme.forOutput(STDOUT_FILENO, environment: environment)) { text in
            fputs(text, stdout)
            fflush(stdout)
        }
    }

    /// Writes `line` and a newline.
    public func line(_ line: String) { write(line + "\n") }

    /// Writes a sentence about the run (a state that changed, an approval waiting), wrapped to
    /// `columns` as every message is, the lines it wraps onto indented.
    public func message(_ text: String) {
        write(TextLayout.wrap(text, width: columns, hanging: "  ").map { $0 + "\n" }.joined())
    }

    /// The terminal's size (columns, rows) when live and it can be asked, else nil.
    func terminalSize() -> (columns: Int, rows: Int)? {
        guard live else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}

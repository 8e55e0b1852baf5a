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
    /// ANSI colour.
    public var color: Bool
    /// Writes text exactly as given (lines carry their own newlines).
    public var write: @Sendable (String) -> Void
    /// The width `message` wraps to.
    public var columns: Int

    public init(live: Bool, color: Bool, columns: Int = 80, write: @escaping @Sendable (String) -> Void) {
        self.live = live
        self.color = color
        self.columns = columns
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

/// Colours for states, applied only when the console has colour.
struct Palette {
    let enabled: Bool

    func paint(_ text: String, _ state: RunState) -> String {
        enabled ? "\u{1B}[\(Self.code(state))m\(text)\u{1B}[0m" : text
    }

    /// The SGR code of a state's colour (the graph's cells use it too).
    static func code(_ state: RunState) -> String {
        switch state {
        case .succeeded: return "32"
        case .failed, .rejected, .abandoned: return "31"
        case .inProgress: return "36"
        case .waitingForApproval: return "33"
        case .pending, .stopped: return "2"
        }
    }

    func dim(_ text: String) -> String { enabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
}

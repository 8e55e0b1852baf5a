import CopilotRules
import Foundation

/// Shows an execution as it moves: on a live console a tree of stages and actions redrawn in
/// place, elsewhere one line per change of state (no timings, so logs and transcripts are stable).
/// `watch` feeds it polled snapshots; the local target feeds it each step it takes.
public final class ExecutionDisplay: @unchecked Sendable {
    private let console: WatchConsole
    private let palette: Palette
    private let lock = NSLock()
    /// Live mode: how many lines the last frame took, to move back over them.
    private var drawnLines = 0
    private var lastFrame: [String] = []
    /// Line mode: what was last said about each execution, stage and action.
    private var reported: [String: String] = [:]
    private var reportedExecution: String?

    /// `watch --graph`: live frames draw this picture with the execution's states, in `columns`
    /// when the terminal's width is unknown.
    private let graph: PipelineGraph?
    private let columns: Int

    public init(console: WatchConsole, graph: PipelineGraph? = nil, columns: Int = 80) {
        self.console = console
        self.palette = Palette(theme: console.theme)
        self.graph = graph
        self.columns = columns
    }

    /// Shows `snapshot` as of `now`.
    public func show(_ snapshot: ExecutionSnapshot, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        if console.live, let graph {
            let layout = GraphLayout(graph.with(snapshot), columns: console.terminalSize()?.columns ?? columns)
            redraw(picture(layout), focus: Self.focus(layout))
        } else if console.live {
            redraw(ExecutionTree(palette: palette).lines(snapshot, now: now))
        } else {
            reportChanges(snapshot)
        }
    }

    /// In line mode with a graph: the picture with `snapshot`'s states, once, when watching ends
    /// (a live frame already shows it).
    public func showFinalPicture(_ snapshot: ExecutionSnapshot) {
        lock.lock()
        defer { lock.unlock() }
        guard !console.live, let graph else { return }
        console.write(picture(GraphLayout(graph.with(snapshot), columns: columns)).map { $0 + "\n" }.joined())
    }

    private func picture(_ layout: GraphLayout) -> [String] {
        TerminalGraph.render(layout, theme: console.theme)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Shows a board of keyed lines (`watch all`): the whole board redrawn on a live console, elsewhere
    /// each line whose text changed since it was last said.
    public func showBoard(_ board: [(key: String, line: String)]) {
        lock.lock()
        defer { lock.unlock() }
        if console.live {
            redraw(board.map(\.line))
            return
        }
        for (key, line) in board where reported[key] != line {
            reported[key] = line
            console.line(line)
        }
    }

    /// The rows of the boxes of what is under way (running, or waiting for an answer), else of what
    /// failed: what a frame too tall for the terminal keeps in view.
    static func focus(_ layout: GraphLayout) -> ClosedRange<Int>? {
        let active = layout.boxes.filter { $0.node.state == .inProgress || $0.node.state == .waitingForApproval }
        let boxes = active.isEmpty ? layout.boxes.filter { $0.node.state == .failed } : active
        guard let top = boxes.map(\.y).min(), let bottom = boxes.map(\.bottom).max() else { return nil }
        return top...bottom
    }

    /// Takes `snapshot` as already said, so that only what changes after it is shown
    /// (line mode; a live tree draws whole frames anyway).
    public func prime(_ snapshot: ExecutionSnapshot) {
        lock.lock()
        defer { lock.unlock() }
        guard !console.live else { return }
        let silent = ExecutionDisplay(console: WatchConsole(live: false, theme: nil) { _ in })
        silent.reportChanges(snapshot)
        reported = silent.reported
        reportedExecution = silent.reportedExecution
    }

    /// Leaves the last frame on screen; the next `show` starts a new one.
    public func end() {
        lock.lock()
        defer { lock.unlock() }
        drawnLines = 0
        lastFrame = []
    }

    private func redraw(_ fullFrame: [String], focus: ClosedRange<Int>? = nil) {
        let frame = console.terminalSize().map { Self.fit(fullFrame, columns: $0.columns, rows: $0.rows, focus: focus) } ?? fullFrame
        guard frame != lastFrame else { return }
        // Back to the first line of the previous frame, clear to the end of the screen, draw.
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)F\u{1B}[J" : ""
        text += frame.map { $0 + "\n" }.joined()
        console.write(text)
        drawnLines = frame.count
        lastFrame = frame
    }

    /// A frame the cursor can move back over: no line wider than the terminal (it would wrap)
    /// and fewer lines than it has rows (the top would scroll away). A taller frame keeps the rows
    /// `focus` names in view (what is running) and says in a line above and below what it leaves out.
    static func fit(_ frame: [String], columns: Int, rows: Int, focus: ClosedRange<Int>? = nil) -> [String] {
        var lines = frame
        let room = rows - 1  // the cursor's line stays free
        if lines.count > room, room >= 2 {
            let wanted = room < 4 ? 0 : max(0, (focus?.lowerBound ?? 0) - 1)
            let start: Int, shown: Int
            if wanted == 0 {
                (start, shown) = (0, room - 1)  // the top, and a line saying what is below
            } else if lines.count - wanted <= room - 1 {
                (start, shown) = (lines.count - (room - 1), room - 1)  // the bottom, and a line saying what is above
            } else {
                (start, shown) = (wanted, room - 2)  // a line saying what is above, and one what is below
            }
            let below = lines.count - start - shown
            let said = { (count: Int, place: String) in "  \(place == "above" ? "↑" : "↓") \(count) more line\(count == 1 ? "" : "s") \(place)" }
            lines = (start > 0 ? [said(start, "above")] : []) + Array(lines[start..<(start + shown)])
                + (below > 0 ? [said(below, "below") + (focus == nil ? " (`status` shows them all)" : " (`show graph --run` draws it whole)")] : [])
        }
        return lines.map { $0.truncatedVisibly(to: columns) }
    }

    private func reportChanges(_ snapshot: ExecutionSnapshot) {
        if reportedExecution != snapshot.id {
            reportedExecution = snapshot.id
            reported = [:]
            var header = "Execution \(snapshot.id) of \(snapshot.pipeline)"
            if let revision = snapshot.sourceRevision { header += " at \(revision.prefix(7))" }
            console.line(palette.bold(header))
        }
        for stage in snapshot.stages {
            for action in stage.actions {
                note(key: "\(stage.name)/\(action.name)", state: action.state, summary: action.summary)
                // The failure's last log lines, once, when they are known (possibly a poll later).
                let tailKey = "log of \(stage.name)/\(action.name)"
                if action.state == .failed, let tail = action.logTail, !tail.isEmpty, reported[tailKey] == nil {
                    reported[tailKey] = "shown"
                    for line in ExecutionTree.tailLines(tail) { console.line(palette.dim(line)) }
                }
            }
            // A stage starting is already said by its first action; its end is news.
            if stage.state.isFinal { note(key: stage.name, state: stage.state, summary: nil) }
        }
        if snapshot.state.isFinal {
            note(key: "execution", state: snapshot.state, summary: snapshot.failureReason,
                 label: "Execution \(snapshot.id)")
        }
    }

    /// Says `key`'s state if it changed since last said; pending things are not news.
    private func note(key: String, state: RunState, summary: String?, label: String? = nil) {
        let said = state.rawValue + (summary.map { ": " + $0 } ?? "")
        guard reported[key] != said, state != .pending || reported[key] != nil else { return }
        reported[key] = said
        console.message("\(label ?? key) \(palette.paint(state.rawValue, state))" + (summary.map { ": " + $0 } ?? ""))
    }
}

/// The tree drawn by live `watch`: the execution, its stages, their actions beneath, each with
/// state, elapsed time and summary, in aligned columns.
struct ExecutionTree {
    let palette: Palette

    func lines(_ snapshot: ExecutionSnapshot, now: Date) -> [String] {
        struct Row { var name: String; var state: RunState; var time: String; var summary: String?; var tail: [String] = [] }
        var rows: [Row] = []
        for stage in snapshot.stages {
            rows.append(Row(name: stage.name, state: stage.state, time: stageTime(stage, now: now), summary: nil))
            for (index, action) in stage.actions.enumerated() {
                let branch = index == stage.actions.count - 1 ? "└─ " : "├─ "
                // How to answer a waiting approval goes on a line of its own, under it: beside it, it would not fit 80 columns.
                var tail = action.state == .failed ? Self.tailLines(action.logTail ?? []) : []
                if action.state == .waitingForApproval, let environment = StageName.environment(of: stage.name) {
                    tail = ["      ↳ `approve \(environment)` or `reject \(environment)`"]
                }
                rows.append(Row(name: branch + action.name, state: action.state,
                                time: elapsed(from: action.startedAt, to: action.finishedAt, now: now) ?? "",
                                summary: action.summary, tail: tail))
            }
        }
        let nameWidth = rows.map(\.name.count).max() ?? 0
        let stateWidth = rows.map(\.state.rawValue.count).max() ?? 0
        let timeWidth = rows.map(\.time.count).max() ?? 0

        var header = "\(palette.bold(snapshot.pipeline))  execution \(snapshot.id)  "
            + palette.paint(snapshot.state.rawValue, snapshot.state)
        if let time = elapsed(from: snapshot.startedAt, to: snapshot.finishedAt, now: now) { header += "  \(time)" }
        if let summary = snapshot.sourceSummary { header += "  " + palette.dim(summary) }
        if let variables = snapshot.variables, !variables.isEmpty { header += "  " + palette.dim(PipelineV2.describe(variables)) }
        return [header] + rows.flatMap { row in
            let symbol = row.state.symbol
            let name = row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let state = palette.paint(row.state.rawValue.padding(toLength: stateWidth, withPad: " ", startingAt: 0), row.state)
            let time = String(repeating: " ", count: timeWidth - row.time.count) + row.time
            var line = "  \(palette.paint(symbol, row.state)) \(name)  \(state)  \(time)"
            if let summary = row.summary { line += "  " + summary }
            return [line.trailingSpacesRemoved] + row.tail.map { palette.dim($0) }
        }
    }

    /// A failed action's last log lines as drawn under it.
    static func tailLines(_ tail: [String]) -> [String] {
        tail.map { "      │ " + $0 }
    }

    /// A stage runs from its first action's start to its last action's end.
    private func stageTime(_ stage: StageSnapshot, now: Date) -> String {
        stage.elapsed(now: now) ?? ""
    }

}

extension RunState {
    /// The mark the watch tree, `history` and `approvals` draw beside a state.
    public var symbol: String {
        switch self {
        case .succeeded: return "✓"
        case .failed, .rejected, .abandoned: return "✗"
        case .inProgress, .stopping: return "●"
        case .waitingForApproval: return "?"
        case .pending: return "○"
        case .stopped: return "■"
        }
    }
}

extension String {
    /// At most `width` visible characters, ending with "…" when cut; ANSI colour sequences
    /// do not count, and a cut line ends with a colour reset.
    func truncatedVisibly(to width: Int) -> String {
        var pieces: [(text: Substring, visible: Bool)] = []
        var index = startIndex
        while index < endIndex {
            if self[index] == "\u{1B}", let end = self[index...].firstIndex(of: "m") {
                pieces.append((self[index...end], false))
                index = self.index(after: end)
            } else {
                pieces.append((self[index...index], true))
                index = self.index(after: index)
            }
        }
        guard pieces.filter(\.visible).count > width, width > 0 else { return self }
        var result = ""
        var visible = 0
        for piece in pieces {
            if piece.visible {
                if visible == width - 1 { break }
                visible += 1
            }
            result += piece.text
        }
        return result + "…" + (contains("\u{1B}") ? "\u{1B}[0m" : "")
    }

    public var trailingSpacesRemoved: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

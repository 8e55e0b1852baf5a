import Text

// Where each part of a PipelineGraph goes, in character cells: one stage a column (its label
// over its action boxes, groups that run together stacked, an arrow to the next group),
// Source → Build → DeployTo stages left to right with arrows between them, wrapping onto a
// new band below when the next column would pass the width (an arrow leads back to the left).
// The terminal draws these cells as they are; the SVG scales them to pixels.

public struct GraphLayout: Equatable, Sendable {
    public struct Point: Hashable, Sendable {
        public var x: Int
        public var y: Int
    }

    /// A line of text inside a box, and what it says.
    public struct Line: Equatable, Sendable {
        public enum Role: Equatable, Sendable { case title, detail, state }
        public var text: String
        public var role: Role
    }

    public struct Box: Equatable, Sendable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int
        public var node: PipelineGraph.Node
        /// Inside the border, one a row from y + 1, starting at x + 2.
        public var lines: [Line]

        public var right: Int { x + width - 1 }
        public var bottom: Int { y + height - 1 }
    }

    public struct Label: Equatable, Sendable {
        public enum Role: Equatable, Sendable {
            /// The pipeline's name, on top.
            case title
            /// A stage's name, over its column.
            case stage(RunState?)
            /// How many actions of a group run at once, beside the arrow into it.
            case group
            /// A remark under the picture.
            case note
        }

        public var x: Int
        public var y: Int
        public var text: String
        public var role: Role
    }

    /// An orthogonal path: the first point on a box's border, the last the arrowhead's cell
    /// (beside the box it points at).
    public struct Arrow: Equatable, Sendable {
        public var points: [Point]
    }

    public var width: Int
    public var height: Int
    public var boxes: [Box] = []
    public var labels: [Label] = []
    public var arrows: [Arrow] = []

    /// Boxes are at most this wide (longer lines wrap), so several stages fit side by side.
    static let widestBox = 36
    static let narrowestBox = 14
    /// Between two columns: the arrow's line and head.
    static let gap = 3
    /// Left of every band: the path of the arrow that wraps from the band above.
    static let margin = 2

    /// Lays `graph` out within `columns` (never narrower than one box of the narrowest width).
    public init(_ graph: PipelineGraph, columns: Int) {
        let limit = max(columns, Self.margin + Self.narrowestBox)
        width = 0
        height = 0
        var y = 0
        for line in TerminalText.wrap("pipeline \(graph.title) · application \(graph.application)", width: limit) {
            labels.append(Label(x: 0, y: y, text: line, role: .title))
            y += 1
        }
        y += 1

        let stageColumns = graph.stages.map { Column($0, widest: Self.widest(limit)) }
        let bands = Self.bands(stageColumns.map(\.width), limit: limit).map { $0.map { stageColumns[$0] } }

        var wrapFrom: Point?
        for band in bands {
            let top = y
            let firstBoxTop = top + (band.map(\.label.count).max() ?? 0)
            var x = Self.margin
            var bottom = firstBoxTop
            var lastBox: Box?
            for (index, column) in band.enumerated() {
                for (row, text) in column.label.enumerated() {
                    labels.append(Label(x: x, y: top + row, text: text, role: .stage(column.stage.state)))
                }
                var boxTop = firstBoxTop
                for (groupIndex, group) in column.stage.groups.enumerated() {
                    // What leads into the group: the group above it, the stage beside it (from its last
                    // action), or the band above (from its last stage's last action).
                    var lead: [Point] = []
                    if groupIndex > 0, let above = lastBox {
                        lead = [Point(x: x + 2, y: above.bottom), Point(x: x + 2, y: above.bottom + 1)]
                        if group.count > 1 {
                            labels.append(Label(x: x + 4, y: above.bottom + 1, text: Self.together(group.count), role: .group))
                        }
                        boxTop = above.bottom + 2
                    } else if index > 0, let previous = lastBox {
                        lead = [Point(x: previous.right, y: previous.y + 1)]
                    } else if let from = wrapFrom {
                        // Down from the last box of the band above, under it to the left edge, down into this band.
                        lead = [from, Point(x: from.x, y: top - 1), Point(x: 0, y: top - 1)]
                    }
                    var entered: [Box] = []
                    for node in group {
                        let lines = Self.lines(node, inner: column.width - 4)
                        let box = Box(x: x, y: boxTop, width: column.width, height: lines.count + 2, node: node, lines: lines)
                        boxes.append(box)
                        entered.append(box)
                        lastBox = box
                        boxTop = box.bottom + 1
                    }
                    if !lead.isEmpty { arrows += Self.arrows(lead, into: entered, fromAbove: groupIndex > 0) }
                }
                bottom = max(bottom, (lastBox?.bottom ?? firstBoxTop))
                width = max(width, x + column.width)
                x += column.width + Self.gap
            }
            wrapFrom = lastBox.map { Point(x: $0.x + 2, y: $0.bottom) }
            // A row under the band for the arrow that wraps, then the next band's labels.
            y = bottom + 2
        }
        y -= 1
        if !graph.omittedStages.isEmpty {
            let stages = graph.omittedStages.joined(separator: ", ")
            let note = "Not in the pipeline: \(stages) (deploys nothing; Copilot leaves such stages out, with their approvals and tests)."
            y += 1
            for line in TerminalText.wrap(note, width: limit) {
                labels.append(Label(x: 0, y: y, text: line, role: .note))
                y += 1
            }
        }
        height = y
        width = max(width, labels.map { $0.x + TerminalText.width($0.text) }.max() ?? 0)
    }

    static func together(_ count: Int) -> String { "\(count) in parallel" }

    /// The stages of `graph` (their indexes) in the rows they are drawn in at `columns`: each row as
    /// many stages side by side as fit, the next stage starting a row below.
    public static func bands(of graph: PipelineGraph, columns: Int) -> [[Int]] {
        let limit = max(columns, margin + narrowestBox)
        return bands(graph.stages.map { Column($0, widest: widest(limit)).width }, limit: limit)
    }

    private static func widest(_ limit: Int) -> Int { min(widestBox, limit - margin) }

    private static func bands(_ widths: [Int], limit: Int) -> [[Int]] {
        var bands: [[Int]] = []
        var x = margin
        for (index, width) in widths.enumerated() {
            if let band = bands.last, !band.isEmpty, x + width > limit {
                bands.append([])
                x = margin
            }
            if bands.isEmpty { bands.append([]) }
            bands[bands.count - 1].append(index)
            x += width + gap
        }
        return bands
    }

    /// The arrows from the path `lead` (leaving a box) into each box of `group`, which all start
    /// together. One box under the group above is entered from the top; otherwise every box is
    /// entered from the left, off a trunk two columns left of the boxes, which a path from beside
    /// reaches along the column left of it (so it never runs down another arrow's trunk).
    static func arrows(_ lead: [Point], into group: [Box], fromAbove: Bool) -> [Arrow] {
        guard let end = lead.last, let first = group.first else { return [] }
        if fromAbove, group.count == 1 { return [Arrow(points: lead)] }
        let x = first.x
        let trunk = x - 2
        let firstRow = first.y + 1
        // From beside and not level with the first box: up (or down) the column before the trunk.
        let climb = !fromAbove && end.x != 0 && end.y != firstRow ? x - 3 : trunk
        return group.map { box in
            Arrow(points: normalized(lead + [Point(x: climb, y: end.y), Point(x: climb, y: firstRow), Point(x: trunk, y: firstRow),
                                             Point(x: trunk, y: box.y + 1), Point(x: x - 1, y: box.y + 1)]))
        }
    }

    /// `points` without repeats and without points in the middle of a straight run.
    private static func normalized(_ points: [Point]) -> [Point] {
        var result: [Point] = []
        for point in points where result.last != point {
            if result.count >= 2 {
                let a = result[result.count - 2], b = result[result.count - 1]
                if (a.x == b.x && b.x == point.x) || (a.y == b.y && b.y == point.y) { result.removeLast() }
            }
            result.append(point)
        }
        return result
    }

    /// A node's lines, wrapped to `inner` columns: its name, its details, its state if known.
    static func lines(_ node: PipelineGraph.Node, inner: Int) -> [Line] {
        var lines = TerminalText.wrap(node.name, width: inner).map { Line(text: $0, role: .title) }
        for detail in node.details {
            lines += TerminalText.wrap(detail, width: inner).map { Line(text: $0, role: .detail) }
        }
        if let state = node.state {
            lines.append(Line(text: "\(state.symbol) \(state.rawValue)", role: .state))
        }
        return lines
    }

    /// A stage's column: as wide as its widest line needs, up to `widest`.
    private struct Column {
        let stage: PipelineGraph.Stage
        let width: Int
        let label: [String]

        init(_ stage: PipelineGraph.Stage, widest: Int) {
            self.stage = stage
            var heading = stage.name
            if let state = stage.state { heading += " \(state.symbol) \(state.rawValue)" }
            if let first = stage.groups.first, first.count > 1 { heading += " · " + GraphLayout.together(first.count) }
            var natural = TerminalText.width(heading)
            for (index, group) in stage.groups.enumerated() {
                // The group label sits right of its arrow: 4 columns in.
                if index > 0, group.count > 1 { natural = max(natural, 4 + TerminalText.width(GraphLayout.together(group.count))) }
                for node in group {
                    let texts = [node.name] + node.details + (node.state.map { ["\($0.symbol) \($0.rawValue)"] } ?? [])
                    natural = max(natural, (texts.map(TerminalText.width).max() ?? 0) + 4)
                }
            }
            width = min(widest, max(GraphLayout.narrowestBox, natural))
            label = TerminalText.wrap(heading, width: width)
        }
    }
}

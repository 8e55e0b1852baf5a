import Text

// The layout drawn in a terminal: box-drawing characters in a grid of cells, colour by state
// when the console has colour (never needed to read it: every state is also written in words).
// Approvals have dashed borders.

public enum TerminalGraph {
    /// The picture, one line per row, trailing blanks removed, ending with a newline.
    public static func render(_ layout: GraphLayout, theme: ColorTheme?) -> String {
        var canvas = Canvas(width: layout.width, height: layout.height)
        for label in layout.labels {
            let style: Canvas.Style
            switch label.role {
            case .title: style = .bold
            case .stage(let state): style = state.map(Canvas.Style.state) ?? .bold
            case .group, .note: style = .dim
            }
            canvas.put(label.text, x: label.x, y: label.y, style: style)
        }
        for box in layout.boxes { draw(box, on: &canvas) }
        // Arrows that share cells (a trunk several boxes are entered from) join there: each cell
        // is drawn once, from every way a path leaves it.
        var joins: [GraphLayout.Point: Sides] = [:]
        for arrow in layout.arrows { draw(arrow, on: &canvas, joins: &joins) }
        for (point, sides) in joins { canvas.put(sides.glyph, x: point.x, y: point.y) }
        return canvas.text(theme: theme)
    }

    private static func draw(_ box: GraphLayout.Box, on canvas: inout Canvas) {
        let border = box.node.state.map(Canvas.Style.state) ?? .plain
        let dashed = box.node.kind == .approval
        let horizontal = dashed ? "╌" : "─", vertical = dashed ? "╎" : "│"
        canvas.put("┌" + String(repeating: horizontal, count: box.width - 2) + "┐", x: box.x, y: box.y, style: border)
        canvas.put("└" + String(repeating: horizontal, count: box.width - 2) + "┘", x: box.x, y: box.bottom, style: border)
        for (index, line) in box.lines.enumerated() {
            let y = box.y + 1 + index
            canvas.put(vertical, x: box.x, y: y, style: border)
            canvas.put(vertical, x: box.right, y: y, style: border)
            let style: Canvas.Style
            switch line.role {
            case .title: style = .bold
            case .detail: style = .plain
            case .state: style = box.node.state.map(Canvas.Style.state) ?? .plain
            }
            canvas.put(line.text, x: box.x + 2, y: y, style: style)
        }
    }

    /// The sides of a cell a line leaves by.
    struct Sides: OptionSet, Hashable {
        let rawValue: UInt8
        static let up = Sides(rawValue: 1), down = Sides(rawValue: 2), left = Sides(rawValue: 4), right = Sides(rawValue: 8)

        /// The side facing from `from` towards `to` (neighbouring cells).
        static func towards(_ to: GraphLayout.Point, from: GraphLayout.Point) -> Sides {
            to.x > from.x ? .right : to.x < from.x ? .left : to.y > from.y ? .down : .up
        }

        /// The line drawn in a cell left by these sides: straight, a rounded corner, or a junction.
        var glyph: String {
            switch self {
            case [.up, .down, .left, .right]: return "┼"
            case [.up, .down, .right]: return "├"
            case [.up, .down, .left]: return "┤"
            case [.left, .right, .down]: return "┬"
            case [.left, .right, .up]: return "┴"
            case [.down, .right]: return "╭"
            case [.down, .left]: return "╮"
            case [.up, .right]: return "╰"
            case [.up, .left]: return "╯"
            default: return isDisjoint(with: [.left, .right]) ? "│" : "─"
            }
        }
    }

    /// Draws the arrow's tee on the box it leaves and its head; notes in `joins` the sides each cell
    /// between them is left by.
    private static func draw(_ arrow: GraphLayout.Arrow, on canvas: inout Canvas, joins: inout [GraphLayout.Point: Sides]) {
        let points = arrow.points
        guard points.count >= 2 else { return }
        var cells = [points[0]]
        for (from, to) in zip(points, points.dropFirst()) {
            var point = from
            while point != to {
                point.x += to.x > point.x ? 1 : to.x < point.x ? -1 : 0
                point.y += to.y > point.y ? 1 : to.y < point.y ? -1 : 0
                cells.append(point)
            }
        }
        for index in cells.indices.dropFirst().dropLast() {
            joins[cells[index], default: []].formUnion([.towards(cells[index - 1], from: cells[index]),
                                                        .towards(cells[index + 1], from: cells[index])])
        }
        // Leaving a box: a tee in its border.
        let tees: [Sides: String] = [.right: "├", .down: "┬", .left: "┤", .up: "┴"]
        canvas.put(tees[.towards(cells[1], from: cells[0])] ?? "", x: cells[0].x, y: cells[0].y)
        let heads: [Sides: String] = [.right: "▶", .left: "◀", .down: "▼", .up: "▲"]
        let last = cells[cells.count - 1]
        canvas.put(heads[.towards(last, from: cells[cells.count - 2])] ?? "", x: last.x, y: last.y)
    }
}

/// A grid of terminal cells with a style each.
struct Canvas {
    enum Style: Equatable {
        case plain, bold, dim
        case state(RunState)
    }

    private var cells: [[(text: String, style: Style)]]

    init(width: Int, height: Int) {
        cells = Array(repeating: Array(repeating: (" ", .plain), count: max(0, width)), count: max(0, height))
    }

    /// Writes `text` from (x, y); a wide character takes two cells. What falls outside is dropped.
    mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain) {
        guard y >= 0, y < cells.count else { return }
        var column = x
        for character in text {
            let width = TerminalText.width(of: character)
            guard column >= 0, column + max(width, 1) <= cells[y].count else { break }
            if width == 0, column > x {
                cells[y][column - 1].text.append(character)
                continue
            }
            cells[y][column] = (String(character), style)
            if width == 2 { cells[y][column + 1] = ("", style) }
            column += max(width, 1)
        }
    }

    /// The rows as text, with ANSI styles in `theme`'s colours when there is one.
    func text(theme: ColorTheme?) -> String {
        var output = ""
        for row in cells {
            let end = (row.lastIndex { $0.text != " " } ?? -1) + 1
            var current = Style.plain
            for cell in row[..<end] {
                if let theme, cell.style != current {
                    if current != .plain { output += "\u{1B}[0m" }
                    if let tone = Self.tone(cell.style) { output += "\u{1B}[\(theme.code(tone))m" }
                    current = cell.style
                }
                output += cell.text
            }
            if theme != nil, current != .plain { output += "\u{1B}[0m" }
            output += "\n"
        }
        return output
    }

    private static func tone(_ style: Style) -> ColorTheme.Tone? {
        switch style {
        case .plain: return nil
        case .bold: return .strong
        case .dim: return .quiet
        case .state(let state): return Palette.tone(state)
        }
    }
}

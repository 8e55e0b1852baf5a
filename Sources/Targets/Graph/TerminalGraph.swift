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
        for arrow in layout.arrows { draw(arrow, on: &canvas) }
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

    private enum Direction { case up, down, left, right }

    private static func draw(_ arrow: GraphLayout.Arrow, on canvas: inout Canvas) {
        let points = arrow.points
        guard points.count >= 2 else { return }
        func direction(_ from: GraphLayout.Point, _ to: GraphLayout.Point) -> Direction {
            if to.x > from.x { return .right }
            if to.x < from.x { return .left }
            return to.y > from.y ? .down : .up
        }
        // Leaving a box: a tee in its border.
        switch direction(points[0], points[1]) {
        case .right: canvas.put("├", x: points[0].x, y: points[0].y)
        case .down: canvas.put("┬", x: points[0].x, y: points[0].y)
        case .left: canvas.put("┤", x: points[0].x, y: points[0].y)
        case .up: canvas.put("┴", x: points[0].x, y: points[0].y)
        }
        for index in 0..<(points.count - 1) {
            let from = points[index], to = points[index + 1]
            let heading = direction(from, to)
            let line = heading == .left || heading == .right ? "─" : "│"
            var point = from
            while point != to {
                switch heading {
                case .right: point.x += 1
                case .left: point.x -= 1
                case .down: point.y += 1
                case .up: point.y -= 1
                }
                if point == to { break }
                canvas.put(line, x: point.x, y: point.y)
            }
            if index + 2 < points.count {
                canvas.put(corner(from: heading, to: direction(to, points[index + 2])), x: to.x, y: to.y)
            }
        }
        let head: String
        switch direction(points[points.count - 2], points[points.count - 1]) {
        case .right: head = "▶"
        case .left: head = "◀"
        case .down: head = "▼"
        case .up: head = "▲"
        }
        canvas.put(head, x: points[points.count - 1].x, y: points[points.count - 1].y)
    }

    /// The rounded corner joining a path coming in `heading` with one going out `next`.
    private static func corner(from heading: Direction, to next: Direction) -> String {
        // The corner connects the side it came from (opposite its heading) and the side it leaves by.
        let cameFromAbove = heading == .down, cameFromLeft = heading == .right
        switch next {
        case .left: return cameFromAbove ? "╯" : "╮"
        case .right: return cameFromAbove ? "╰" : "╭"
        case .down: return cameFromLeft ? "╮" : "╭"
        case .up: return cameFromLeft ? "╯" : "╰"
        }
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

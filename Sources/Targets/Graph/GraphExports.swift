import Foundation
import Text

// The picture as files for slides and docs: SVG (the terminal layout, scaled to pixels),
// Mermaid and Graphviz DOT (the same stages, actions and arrows; their tools place them).

/// What `export graph FILE` writes, chosen by FILE's extension.
public enum GraphFormat: String, CaseIterable, Sendable {
    case svg
    case mermaid = "mmd"
    case dot

    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        self.init(rawValue: name[name.index(after: dot)...].lowercased())
    }

    /// The file's text.
    public func render(_ graph: PipelineGraph, columns: Int) -> String {
        switch self {
        case .svg: return SVGGraph.render(GraphLayout(graph, columns: columns))
        case .mermaid: return MermaidGraph.render(graph)
        case .dot: return DOTGraph.render(graph, columns: columns)
        }
    }
}

/// The layout's cells as pixels: boxes as rounded rectangles, text in a monospaced font
/// placed where the terminal puts it, arrows as paths ending in a head at the box they enter.
enum SVGGraph {
    static let cellWidth = 9.0
    static let cellHeight = 18.0

    static func render(_ layout: GraphLayout) -> String {
        let width = Double(layout.width) * cellWidth, height = Double(layout.height) * cellHeight
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(number(width + cellWidth))" height="\(number(height + cellHeight))" \
            viewBox="0 0 \(number(width + cellWidth)) \(number(height + cellHeight))" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">
            <title>\(XMLEscaping.escaped(layout.labels.first { $0.role == .title }?.text ?? "pipeline"))</title>
            <defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">\
            <path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
            <rect width="100%" height="100%" fill="#ffffff"/>

            """
        for box in layout.boxes {
            let colors = StateColors.of(box.node.state)
            svg += "<g class=\"action \(box.node.kind.rawValue)\">\n"
            svg += "<rect x=\"\(number(x(box.x) + cellWidth / 2))\" y=\"\(number(y(box.y) + cellHeight / 2))\" "
                + "width=\"\(number(Double(box.width - 1) * cellWidth))\" height=\"\(number(Double(box.height - 1) * cellHeight))\" "
                + "rx=\"5\" fill=\"\(colors.fill)\" stroke=\"\(colors.stroke)\" stroke-width=\"1.5\""
                + (box.node.kind == .approval ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
            for (index, line) in box.lines.enumerated() {
                let weight = line.role == .title ? " font-weight=\"bold\"" : ""
                let fill = line.role == .state ? colors.stroke : "#222222"
                svg += text(line.text, column: box.x + 2, row: box.y + 1 + index, attributes: weight + " fill=\"\(fill)\"")
            }
            svg += "</g>\n"
        }
        for label in layout.labels {
            let attributes: String
            switch label.role {
            case .title: attributes = " font-weight=\"bold\" font-size=\"15\" fill=\"#111111\""
            case .stage(let state): attributes = " font-weight=\"bold\" fill=\"\(state.map { StateColors.of($0).stroke } ?? "#111111")\""
            case .group, .note: attributes = " fill=\"#666666\""
            }
            svg += text(label.text, column: label.x, row: label.y, attributes: attributes)
        }
        for arrow in layout.arrows {
            var points = arrow.points.map { (x(  $0.x) + cellWidth / 2, y($0.y) + cellHeight / 2) }
            // The head's cell is beside the box it enters: end on that box's border.
            if points.count >= 2 {
                let last = points[points.count - 1], before = points[points.count - 2]
                let dx = last.0 == before.0 ? 0 : (last.0 > before.0 ? cellWidth / 2 : -cellWidth / 2)
                let dy = last.1 == before.1 ? 0 : (last.1 > before.1 ? cellHeight / 2 : -cellHeight / 2)
                points[points.count - 1] = (last.0 + dx, last.1 + dy)
            }
            let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(number($0.element.0)),\(number($0.element.1))" }
                .joined(separator: " ")
            svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1.5\" marker-end=\"url(#head)\"/>\n"
        }
        return svg + "</svg>\n"
    }

    private static func x(_ column: Int) -> Double { Double(column) * cellWidth }
    private static func y(_ row: Int) -> Double { Double(row) * cellHeight }

    private static func text(_ content: String, column: Int, row: Int, attributes: String) -> String {
        "<text x=\"\(number(x(column)))\" y=\"\(number(y(row) + cellHeight * 0.75))\" xml:space=\"preserve\"\(attributes)>"
            + XMLEscaping.escaped(content) + "</text>\n"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// The colours of a state in the exported pictures: a light fill and a darker stroke; an action
/// not running (no state) in neutral ones.
enum StateColors {
    static func of(_ state: RunState?) -> (fill: String, stroke: String) {
        switch state {
        case nil: return ("#f7f9fc", "#44546a")
        case .succeeded?: return ("#e6f4ea", "#1e7e34")
        case .failed?, .rejected?, .abandoned?: return ("#fdecea", "#c62828")
        case .inProgress?, .stopping?: return ("#e3f2fd", "#1565c0")
        case .waitingForApproval?: return ("#fff8e1", "#b26a00")
        case .pending?, .stopped?: return ("#f2f2f2", "#777777")
        }
    }
}

/// The arrows of a graph, shared by the renderers that leave placing to their tools: every
/// node of a group to every node of the group after it; stage to stage.
extension PipelineGraph {
    /// Stable identifiers for every node, `n0`, `n1`… in stage order.
    var nodeIdentifiers: [String] {
        stages.flatMap(\.nodes).indices.map { "n\($0)" }
    }

    /// For each stage, its groups as node identifiers.
    var identifiedGroups: [[[String]]] {
        var next = 0
        return stages.map { stage in
            stage.groups.map { group in
                group.map { _ in
                    defer { next += 1 }
                    return "n\(next)"
                }
            }
        }
    }

    /// (from, to) between groups inside each stage.
    var groupEdges: [(String, String)] {
        identifiedGroups.flatMap { groups in
            zip(groups, groups.dropFirst()).flatMap { from, to in from.flatMap { a in to.map { b in (a, b) } } }
        }
    }

    /// A node's label lines: name, details, state.
    func labelLines(_ node: Node) -> [String] {
        [node.name] + node.details + (node.state.map { ["\($0.symbol) \($0.rawValue)"] } ?? [])
    }
}

/// A Mermaid flowchart: one subgraph a stage, left to right; approvals dashed.
enum MermaidGraph {
    static func render(_ graph: PipelineGraph) -> String {
        // The front matter is YAML, whose double-quoted scalars read JSON's escapes.
        var lines = ["---", "title: \(JSONEscaping.quoted("pipeline \(graph.title) · application \(graph.application)"))", "---",
                     "flowchart LR"]
        let groups = graph.identifiedGroups
        // Class name → its members, and its style, in order of first use.
        var classes: [(name: String, style: String, members: [String])] = []
        func add(_ id: String, to name: String, style: String) {
            if let index = classes.firstIndex(where: { $0.name == name }) {
                classes[index].members.append(id)
            } else {
                classes.append((name, style, [id]))
            }
        }
        for (stageIndex, stage) in graph.stages.enumerated() {
            lines.append("  subgraph s\(stageIndex)[\"\(MermaidEscaping.label(lines: [stage.name] + (stage.state.map { ["\($0.symbol) \($0.rawValue)"] } ?? [])))\"]")
            lines.append("    direction TB")
            for (node, id) in zip(stage.nodes, groups[stageIndex].flatMap { $0 }) {
                lines.append("    \(id)[\"\(MermaidEscaping.label(lines: graph.labelLines(node)))\"]")
                if node.kind == .approval { add(id, to: "approval", style: "stroke-dasharray: 5 5") }
                if let state = node.state {
                    let colors = StateColors.of(state)
                    add(id, to: state.rawValue.lowercased(), style: "fill:\(colors.fill),stroke:\(colors.stroke)")
                }
            }
            lines.append("  end")
        }
        for (index, _) in graph.stages.enumerated().dropFirst() {
            lines.append("  s\(index - 1) --> s\(index)")
        }
        for (from, to) in graph.groupEdges {
            lines.append("  \(from) --> \(to)")
        }
        for (name, style, members) in classes {
            lines.append("  classDef \(name) \(style)")
            lines.append("  class \(members.joined(separator: ",")) \(name)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A Graphviz digraph: one cluster a stage, its actions top to bottom; the stages in the rows the
/// terminal draws them in at `columns` (side by side, each row under the one before), so a long
/// pipeline makes a picture about as wide as the terminal's, not one long strip. Approvals dashed,
/// states filled.
enum DOTGraph {
    static func render(_ graph: PipelineGraph, columns: Int) -> String {
        var lines = ["digraph pipeline {",
                     "  label=\(DOTEscaping.quoted("pipeline \(graph.title) · application \(graph.application)"));",
                     "  labelloc=t; rankdir=TB; compound=true; newrank=true;",
                     "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f7f9fc\", fontname=\"monospace\"];"]
        let groups = graph.identifiedGroups
        for (stageIndex, stage) in graph.stages.enumerated() {
            lines.append("  subgraph cluster_\(stageIndex) {")
            lines.append("    label=\(DOTEscaping.quoted(stage.name + (stage.state.map { " \($0.symbol) \($0.rawValue)" } ?? "")));")
            for (node, id) in zip(stage.nodes, groups[stageIndex].flatMap { $0 }) {
                var attributes = ["label=\(DOTEscaping.leftJustified(graph.labelLines(node)))"]
                if node.kind == .approval { attributes.append("style=\"rounded,filled,dashed\"") }
                if let state = node.state { attributes.append("fillcolor=\(DOTEscaping.quoted(StateColors.of(state).fill))") }
                lines.append("    \(id) [\(attributes.joined(separator: ", "))];")
            }
            lines.append("  }")
        }
        // A row's stages start level with each other.
        let rows = GraphLayout.bands(of: graph, columns: columns)
        for row in rows {
            lines.append("  { rank=same; " + row.compactMap { groups[$0].first?.first }.map { $0 + ";" }.joined(separator: " ") + " }")
        }
        // Stage to stage: from the last group's first node to the next stage's first node, clipped at the clusters;
        // beside each other within a row (no constraint, which would pull the next stage down), down to the next row.
        let rowOf = Dictionary(rows.enumerated().flatMap { row, stages in stages.map { ($0, row) } }) { first, _ in first }
        for index in groups.indices.dropFirst() {
            guard let from = groups[index - 1].last?.first, let to = groups[index].first?.first else { continue }
            let beside = rowOf[index - 1] == rowOf[index]
            lines.append("  \(from) -> \(to) [ltail=cluster_\(index - 1), lhead=cluster_\(index)\(beside ? ", constraint=false" : "")];")
        }
        // Each row below all of the row above, not only below its last stage.
        for (above, below) in zip(rows, rows.dropFirst()) {
            guard let to = below.first.flatMap({ groups[$0].first?.first }) else { continue }
            for stage in above.dropLast() {
                if let from = groups[stage].last?.first { lines.append("  \(from) -> \(to) [style=invis];") }
            }
        }
        for (from, to) in graph.groupEdges {
            lines.append("  \(from) -> \(to);")
        }
        return (lines + ["}"]).joined(separator: "\n") + "\n"
    }
}

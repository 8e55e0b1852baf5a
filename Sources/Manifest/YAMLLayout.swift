import Foundation
import Yams

// Where a composed node's text sits, in whole lines, and the primitive line edits built on that:
// set a scalar, insert or remove a mapping entry, insert or remove a sequence item. Every primitive
// returns splices against the current text; untouched lines stay byte-identical.

/// One step of a path into the YAML tree: a mapping's key or a list's index.
public enum PathStep: Equatable, Sendable {
    case key(String)
    case index(Int)
}

/// The text and tree of one document, read together: the whole tree, or that of the one part an edit
/// is confined to (``EditFocus``), whose lines map to the whole text's.
struct YAMLLayout {
    let lines: TextLines
    let root: Node?
    let file: String
    private let focus: EditFocus?

    init(lines: TextLines, root: Node?, file: String, focus: EditFocus? = nil) {
        self.lines = lines
        self.root = focus?.root ?? root
        self.file = file
        self.focus = focus
    }

    func node(at path: [PathStep]) -> Node? {
        guard let path = focus.map({ $0.path(path) }) ?? path else { return nil }
        var current = root
        for step in path {
            guard let node = current else { return nil }
            switch step {
            case .key(let key): current = entry(key, in: node)?.value
            case .index(let index):
                guard let items = node.sequence, index < items.count else { return nil }
                current = items[index]
            }
        }
        return current
    }

    func entry(_ key: String, in mapping: Node) -> (key: Node, value: Node)? {
        mapping.mapping?.first { $0.key.scalar?.string == key }
    }

    /// 0-based line of a node.
    func line(_ node: Node) -> Int { (node.mark?.line ?? 1) - 1 + (focus?.lineOffset ?? 0) }
    /// Spaces before a node's first character.
    func column(_ node: Node) -> Int { (node.mark?.column ?? 1) - 1 }

    /// Written as `[…]` or `{…}`. (Yams reports a collection's style from its end event, so the text decides.)
    func isFlow(_ node: Node) -> Bool {
        guard node.sequence != nil || node.mapping != nil, node.mark != nil, line(node) < lines.count else { return false }
        let text = lines[line(node)].unicodeScalars
        guard let at = text.index(text.startIndex, offsetBy: column(node), limitedBy: text.endIndex), at < text.endIndex else { return false }
        return text[at] == "[" || text[at] == "{"
    }

    static func spaces(_ count: Int) -> String { String(repeating: " ", count: count) }

    // MARK: - Extents

    /// The lines of the entry whose key is `key`: the key line and everything indented deeper.
    func entryLines(_ key: Node) -> ClosedRange<Int> {
        line(key)...lines.blockEnd(from: line(key), deeperThan: column(key))
    }

    /// A block mapping's lines from its first key to its last line, comments at its indentation included.
    func mappingLines(_ mapping: Node) -> ClosedRange<Int> {
        let start = line(firstKey(of: mapping))
        return start...lines.blockEnd(from: start, deeperThan: keyColumn(mapping) - 1)
    }

    /// The column a block mapping's keys stand at. The mapping's own mark is where a tag or anchor
    /// written before it stands (`!tag` on the line above the keys), not where its keys are.
    func keyColumn(_ mapping: Node) -> Int { column(firstKey(of: mapping)) }

    private func firstKey(of mapping: Node) -> Node { mapping.mapping?.first?.key ?? mapping }

    /// The line of the `-` that starts sequence item `item` (a comment may follow the dash: `- # note`).
    func dashLine(of item: Node) -> Int {
        var index = line(item)
        let column = self.column(item)
        // On the item's own line the dash stands before it; above, it is the nearest line that starts
        // with one to the item's left (the item itself may start with `-`: a key `-:` or `-x`).
        if lines[index].unicodeScalars.prefix(column).contains("-") { return index }
        while index > 0 {
            index -= 1
            if lines.content(index).hasPrefix("-"), lines.indent(index) < column { break }
        }
        return index
    }

    /// Item `index` of a block sequence: from its dash to its last line.
    func itemLines(_ items: Node.Sequence, _ index: Int) -> ClosedRange<Int> {
        let dash = dashLine(of: items[index])
        return dash...lines.blockEnd(from: dash, deeperThan: lines.indent(dash))
    }

    // MARK: - Primitives

    /// Splices that delete item `index` of a block sequence with the blank lines that separate it
    /// from its neighbour, so the remaining items keep their spacing.
    func removeItem(_ items: Node.Sequence, _ index: Int) -> LineSplice {
        let extent = itemLines(items, index)
        if index + 1 < items.count {
            // Up to the next item, leaving the comments written right above it (they are about it).
            var end = dashLine(of: items[index + 1])
            let dashIndent = lines.indent(extent.lowerBound)
            while end - 1 > extent.upperBound, lines.isComment(end - 1), lines.indent(end - 1) <= dashIndent { end -= 1 }
            return LineSplice(range: extent.lowerBound..<end, lines: [])
        }
        var start = extent.lowerBound
        let previousEnd = index > 0 ? itemLines(items, index - 1).upperBound : -1
        while start - 1 > previousEnd, lines.isBlank(start - 1) { start -= 1 }
        return LineSplice(range: start..<(extent.upperBound + 1), lines: [])
    }

    /// A splice inserting `text` (an item's lines, dash included) into a block sequence with at least one
    /// item, before item `position` or after the last one; blank-line separation follows the file's
    /// (`separated` says it when `items` are not all of the list's).
    func insertItem(_ text: [String], into items: Node.Sequence, at position: Int, separated: Bool? = nil) -> LineSplice {
        let separated = separated ?? (items.count >= 2 && lines.isBlank(dashLine(of: items[1]) - 1))
        if position < items.count {
            let at = dashLine(of: items[position])
            return LineSplice(range: at..<at, lines: text + (separated ? [""] : []))
        }
        let after = itemLines(items, items.count - 1).upperBound + 1
        return LineSplice(range: after..<after, lines: (separated ? [""] : []) + text)
    }

    /// Rewrites the single-line scalar value of `key`'s entry in place, keeping the key, spacing and any
    /// trailing comment; a value spanning lines (or a collection) is replaced with the entry `rendered`.
    func replaceValue(of key: Node, value: Node, with text: String, rendered: [String]) -> LineSplice {
        let index = line(key)
        // Comments indented under a value are not part of it.
        var last = entryLines(key).upperBound
        while last > index, lines.isComment(last) { last -= 1 }
        if last == index, case .scalar(let scalar) = value, scalar.style != .literal, scalar.style != .folded {
            var characters = Array(lines[index].unicodeScalars)
            if isNull(value) {
                // `key:` or `key: ~`, perhaps with a comment: the value goes right after the colon.
                let colon = colon(after: key, in: characters)
                var rest = String(String.UnicodeScalarView(characters[(colon + 1)...])).drop { $0 == " " }
                for spelling in ["~", "null", "Null", "NULL"] where rest.hasPrefix(spelling) {
                    rest = rest.dropFirst(spelling.count).drop { $0 == " " }
                }
                let head = String(String.UnicodeScalarView(characters[...colon]))
                return LineSplice(range: index..<(index + 1), lines: [head + " " + text + (rest.isEmpty ? "" : " " + rest)])
            }
            let start = column(value)
            characters.replaceSubrange(start..<scalarEnd(characters, from: start, style: scalar.style), with: text.unicodeScalars)
            return LineSplice(range: index..<(index + 1), lines: [String(String.UnicodeScalarView(characters))])
        }
        return LineSplice(range: replacedLines(of: key, value: value), lines: rendered)
    }

    /// The lines a new value for `key`'s entry replaces: the whole entry, except that a null value
    /// followed only by comments (`stages:` over commented-out examples) gives up just the key's line,
    /// and the user's comments stay below the new value.
    func replacedLines(of key: Node, value: Node) -> Range<Int> {
        let extent = entryLines(key)
        if isNull(value), extent.dropFirst().allSatisfy({ lines.isComment($0) || lines.isBlank($0) }) {
            return extent.lowerBound..<(extent.lowerBound + 1)
        }
        return extent.lowerBound..<(extent.upperBound + 1)
    }

    private func colon(after key: Node, in characters: [Unicode.Scalar]) -> Int {
        var index = column(key) + (key.scalar?.string.unicodeScalars.count ?? 0)
        if key.scalar?.style == .singleQuoted || key.scalar?.style == .doubleQuoted { index += 2 }
        while index < characters.count, characters[index] != ":" { index += 1 }
        return index
    }

    /// Where a one-line scalar starting at `start` ends (exclusive), before any comment.
    private func scalarEnd(_ characters: [Unicode.Scalar], from start: Int, style: Node.Scalar.Style) -> Int {
        switch style {
        case .singleQuoted:
            var index = start + 1
            while index < characters.count {
                if characters[index] == "'" {
                    if index + 1 < characters.count, characters[index + 1] == "'" { index += 2; continue }
                    return index + 1
                }
                index += 1
            }
            return characters.count
        case .doubleQuoted:
            var index = start + 1
            while index < characters.count {
                if characters[index] == "\\" { index += 2; continue }
                if characters[index] == "\"" { return index + 1 }
                index += 1
            }
            return characters.count
        default:
            var end = characters.count
            var index = start
            while index < characters.count {
                if characters[index] == "#", index > start, characters[index - 1] == " " || characters[index - 1] == "\t" {
                    end = index
                    break
                }
                index += 1
            }
            while end > start, [" ", "\t"].contains(characters[end - 1]) { end -= 1 }
            return end
        }
    }

    /// The splice that adds the entry `rendered` (lines at `indent`) to the block mapping `mapping`:
    /// in place of a commented-out `# KEY:` line at the mapping's indentation (Copilot's template
    /// writes optional settings that way), else before the entry `before`, else after the mapping's last line.
    func insertEntry(_ key: String, rendered: [String], into mapping: Node, before: String? = nil) -> LineSplice {
        let extent = mappingLines(mapping)
        let indent = keyColumn(mapping)
        for index in extent where lines.indent(index) == indent {
            let content = lines.content(index)
            // Not one that sits inside another entry's block: the key there would split that block.
            let next = ((index + 1)..<(extent.upperBound + 1)).first { !lines.isComment($0) && !lines.isBlank($0) }
            if content.hasPrefix("# \(key):") || content.hasPrefix("#\(key):"), next.map({ lines.indent($0) <= indent }) ?? true {
                return LineSplice(range: index..<(index + 1), lines: rendered)
            }
        }
        if let before, let next = entry(before, in: mapping)?.key {
            var at = line(next)
            while at > 0, lines.isComment(at - 1), lines.indent(at - 1) <= column(next) { at -= 1 }
            let spacing = at > 0 && lines.isBlank(at - 1) ? [""] : []
            return LineSplice(range: at..<at, lines: rendered + spacing)
        }
        return LineSplice(range: (extent.upperBound + 1)..<(extent.upperBound + 1), lines: rendered)
    }

    /// The lines of the entry `key: value` at `indent`, in block style.
    static func render(key: String, value: YAMLValue, indent: Int) -> [String] {
        let prefix = spaces(indent) + YAMLScalar.render(key) + ":"
        switch value {
        case .tagged(let tag, let tagged):
            // The tag after the key; a collection's entries follow on the lines below.
            var lines = render(key: key, value: tagged, indent: indent)
            lines[0] = prefix + " " + tag + lines[0].dropFirst(prefix.count)
            return lines
        case .scalar(let text): return [prefix + " " + YAMLScalar.render(text)]
        case .mapping(let entries):
            return [prefix] + entries.flatMap { render(key: $0.key, value: $0.value, indent: indent + 2) }
        case .sequence(let items):
            if items.isEmpty { return [prefix + " []"] }
            return [prefix] + items.flatMap { render(item: $0, indent: indent + 2) }
        }
    }

    /// The lines of one sequence item `- value` with its dash at `indent`.
    static func render(item: YAMLValue, indent: Int) -> [String] {
        switch item {
        case .tagged(let tag, .sequence(let items)) where !items.isEmpty:
            return [spaces(indent) + "- " + tag] + items.flatMap { render(item: $0, indent: indent + 2) }
        case .tagged(let tag, .mapping(let entries)) where !entries.isEmpty:
            return [spaces(indent) + "- " + tag] + entries.flatMap { render(key: $0.key, value: $0.value, indent: indent + 2) }
        case .tagged(let tag, let tagged):
            var lines = render(item: tagged, indent: indent)
            lines[0] = spaces(indent) + "- " + tag + " " + lines[0].dropFirst(indent + 2)
            return lines
        case .scalar(let text): return [spaces(indent) + "- " + YAMLScalar.render(text)]
        case .mapping(let entries) where entries.isEmpty: return [spaces(indent) + "- {}"]
        case .mapping(let entries):
            var lines = entries.flatMap { render(key: $0.key, value: $0.value, indent: indent + 2) }
            lines[0] = spaces(indent) + "- " + lines[0].dropFirst(indent + 2)
            return lines
        case .sequence(let items):
            if items.isEmpty { return [spaces(indent) + "- []"] }
            return [spaces(indent) + "-"] + items.flatMap { render(item: $0, indent: indent + 2) }
        }
    }
}

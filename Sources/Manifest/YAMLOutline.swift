import Foundation
import Yams

/// Every key and list item of a YAML document with the line it is written on: what `explain`
/// annotates, line by line.
public struct YAMLOutline: Sendable {
    public struct Entry: Equatable, Sendable {
        /// Keys and `[N]` items from the root: `["stages", "[0]", "test_commands", "[1]"]`.
        public var path: [String]
        /// 1-based.
        public var line: Int
        /// The keys written directly under it, when its value is a mapping.
        public var keys: [String]?
    }

    /// The document's lines, split where YAML readers break them (LF, CRLF, CR, NEL, LS, PS), so
    /// an entry's `line` is its index here plus one.
    public let lines: [String]
    /// In document order.
    public let entries: [Entry]
    /// The keys at the top, when the document is a mapping.
    public let topKeys: [String]?

    /// Reads `text`; a YAML error is a ManifestError at its line and column in `file`.
    public init(text: String, file: String) throws {
        lines = TextLines(text).all.map { String($0.text) }
        let root: Node?
        do { root = try composeAsText(text, aliases: .bounded, file: file) } catch { throw ManifestDocument.located(yamlError: error, file: file) }
        var entries: [Entry] = []
        func walk(_ node: Node, path: [String]) {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    let name = key.scalar?.string ?? ""
                    entries.append(Entry(path: path + [name], line: key.mark?.line ?? 1,
                                         keys: value.mapping.map { $0.compactMap { $0.key.scalar?.string } }))
                    walk(value, path: path + [name])
                }
            } else if let items = node.sequence {
                for (index, item) in items.enumerated() {
                    entries.append(Entry(path: path + ["[\(index)]"], line: item.mark?.line ?? 1,
                                         keys: item.mapping.map { $0.compactMap { $0.key.scalar?.string } }))
                    walk(item, path: path + ["[\(index)]"])
                }
            }
        }
        if let root { walk(root, path: []) }
        // Stable: a list item comes before its first key, on the same line.
        self.entries = entries.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        topKeys = root?.mapping.map { $0.compactMap { $0.key.scalar?.string } }
    }
}

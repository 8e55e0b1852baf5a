import CYaml
import Foundation

// YAML aliases (`*name`) stand for a whole node written elsewhere. Yams resolves them while it
// composes, into a tree that shares the node; every walk over that tree (reading the model,
// finding locations, comparing keys for duplicates) then visits each alias's node again, so ten
// aliases each naming the one before — "billion laughs" — make a few hundred bytes take
// gigabytes and hours. So before anything is composed, libyaml's events (what Yams composes
// from) are read once, where a text may hold an alias at all: where Copilot's schema has no use
// for aliases they are refused at the first one, elsewhere the nodes the text expands to are
// counted and a text expanding past ``YAMLAliases/expandedNodeLimit`` is refused.

/// What a file may do with aliases.
public enum YAMLAliases: Sendable, Equatable {
    /// None: the first is refused, located, saying what the file is (`a pipeline manifest`).
    case refused(in: String)
    /// Any, while the text expands to at most ``expandedNodeLimit`` nodes.
    case bounded

    /// A pipeline manifest's rule: sluice edits it surgically, and an alias would make one line stand for several.
    public static let manifest = YAMLAliases.refused(in: "a pipeline manifest")

    /// Far above any real buildspec or workload manifest (a 10,000-stage manifest has about
    /// 100,000 nodes), far below what exhausts memory.
    public static let expandedNodeLimit = 1_000_000

    /// Throws a ``ManifestError`` (located in `file`) when `text` breaks this rule. Text libyaml
    /// cannot parse is left to the composer, which says why.
    public func check(_ text: String, file: String) throws {
        // Without a `*` there is no alias, and nothing to expand.
        guard text.utf8.contains(UInt8(ascii: "*")) else { return }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            try walk(&parser, file: file)
        }
    }

    private func walk(_ parser: inout yaml_parser_t, file: String) throws {
        // The expanded size of each anchor's node, and of each collection being read (with its anchor).
        var sizes: [String: Int] = [:]
        var open: [(size: Int, anchor: String?)] = []
        var total = 0
        var event = yaml_event_t()
        func add(_ size: Int, anchor: String?) {
            if let anchor { sizes[anchor] = size }
            if !open.isEmpty { open[open.count - 1].size += size }
        }
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_DOCUMENT_START_EVENT:
                sizes.removeAll()
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                if case .refused(let what) = self {
                    throw ManifestError(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1,
                                        message: "aliases (*\(name)) are not supported in \(what)",
                                        hint: "write the value out where the alias stands")
                }
                let size = sizes[name] ?? 1
                total += size
                add(size, anchor: nil)
            case YAML_SCALAR_EVENT:
                total += 1
                add(1, anchor: Self.string(event.data.scalar.anchor))
            case YAML_SEQUENCE_START_EVENT:
                total += 1
                open.append((1, Self.string(event.data.sequence_start.anchor)))
            case YAML_MAPPING_START_EVENT:
                total += 1
                open.append((1, Self.string(event.data.mapping_start.anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let done = open.popLast() { add(done.size, anchor: done.anchor) }
            default:
                break
            }
            if total > Self.expandedNodeLimit {
                throw ManifestError(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1,
                                    message: "the aliases up to here expand the document to more than a million nodes, "
                                        + "more than sluice reads",
                                    hint: "aliases that name aliases multiply: write the values out, or use fewer levels")
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}

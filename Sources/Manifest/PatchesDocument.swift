import Foundation
import Yams

/// A pipeline's `cfn.patches.yml` as a file: its exact text and the patches read from it. Edits
/// rewrite only the patches they concern (set one property's patch, remove patches, change the
/// paths patches point at), so the user's own patches and comments stay byte for byte. Any setting
/// stored as a YAML patch (CodePipeline V2's, notifications') is edited through it; it knows patches,
/// not what they set.
public struct PatchesDocument {
    /// The text as lines: edits replace the lines they concern.
    private(set) var lines: TextLines
    public let url: URL
    /// The path shown in messages (relative to the workspace root).
    public let displayPath: String
    /// The patches, in file order, each located at its item.
    public private(set) var patches: [TemplatePatch]
    /// The composed tree of ``text``, for edits.
    private var root: Node?
    /// What the file held when loaded or last saved (nil: no such file).
    private var onDisk: Data?

    public var text: String { lines.joined() }

    /// What a new file starts with, before the first patch.
    public static let header = [
        "# YAML patches to this pipeline's CloudFormation template, applied in order by",
        "# `copilot pipeline deploy` (Copilot v1.34 reads this file) and by sluice's `push`.",
        "# sluice keeps its CodePipeline V2 settings here; patches of your own can sit beside them.",
    ]

    /// Reads `cfn.patches.yml` at `url`; a file that does not exist yet is an empty document that saving creates.
    public static func load(at url: URL, displayPath: String) throws -> PatchesDocument {
        guard let data = try TextFile.bytes(at: url, displayPath: displayPath) else {
            return try PatchesDocument(text: "", url: url, displayPath: displayPath, onDisk: nil)
        }
        return try PatchesDocument(text: TextFile.decode(data, file: displayPath, keepingByteOrderMark: true),
                                   url: url, displayPath: displayPath, onDisk: data)
    }

    /// A document of `text`, as if the file held `onDisk` (nil: a new file).
    public init(text: String, url: URL, displayPath: String, onDisk: Data?) throws {
        self.url = url
        self.displayPath = displayPath
        self.onDisk = onDisk
        lines = TextLines(text)
        patches = []
        try reread()
    }

    /// Whether the file exists (as loaded or last saved).
    public var exists: Bool { onDisk != nil }

    /// Whether ``text`` differs from the file as loaded or last saved (a new file with no patch is nothing to write).
    public var hasUnsavedChanges: Bool {
        guard let onDisk else { return !patches.isEmpty }
        return !text.utf8.elementsEqual(onDisk)
    }

    /// The change that saves ``text``, applying only while the file holds what was read: commit it through
    /// ``WorkspaceFiles``, then call ``didSave()``.
    public func saveChange() -> FileChange {
        FileChange(url: url, displayPath: displayPath, expected: onDisk.map { .contents($0) } ?? .absent, replacement: Data(text.utf8))
    }

    public mutating func didSave() {
        onDisk = Data(text.utf8)
    }

    // MARK: Edits

    /// Makes the patches under `pointer` (at it or inside it) come to one: `add` of `value` at `pointer`.
    /// A lone patch already at `pointer` keeps its place, operation and comments and gets the new value;
    /// otherwise the new patch takes the place of the first one it replaces (or goes last). Returns whether the text changed.
    @discardableResult
    public mutating func set(_ pointer: String, to value: YAMLValue) throws -> Bool {
        try editing {
            let concerned = $0.patchIndexes(under: pointer)
            if concerned.count == 1, let index = concerned.first, $0.patches[index].path == pointer,
               ["add", "replace"].contains($0.patches[index].operation) {
                return try $0.replaceValue(ofPatch: index, with: value)
            }
            let item = YAMLValue.mapping([.init(key: "op", value: .scalar("add")), .init(key: "path", value: .scalar(pointer)),
                                          .init(key: "value", value: value)])
            let position = concerned.first ?? $0.patches.count
            for index in concerned.reversed() { try $0.removePatch(index) }
            try $0.insertPatch(item, at: position)
            return true
        }
    }

    /// Removes every patch at `pointer` or inside it. Returns whether there was one.
    @discardableResult
    public mutating func remove(under pointer: String) throws -> Bool {
        try editing {
            let concerned = $0.patchIndexes(under: pointer)
            for index in concerned.reversed() { try $0.removePatch(index) }
            return !concerned.isEmpty
        }
    }

    /// Gives each patch the path `transform` makes of its own — nil keeps the patch as it is, `.some(nil)`
    /// removes it —: what keeps patches pointing at a stage when stages move. Returns whether the text changed.
    @discardableResult
    public mutating func rewritePaths(_ transform: (String) -> String??) throws -> Bool {
        try editing {
            var changed = false
            for index in $0.patches.indices.reversed() {
                guard let rewritten = transform($0.patches[index].path) else { continue }
                if let path = rewritten {
                    changed = try $0.replaceEntry("path", ofPatch: index, with: .scalar(path)) || changed
                } else {
                    try $0.removePatch(index)
                    changed = true
                }
            }
            return changed
        }
    }

    /// The indexes of the patches at `pointer` or inside it, in file order.
    public func patchIndexes(under pointer: String) -> [Int] {
        patches.indices.filter { patches[$0].path == pointer || patches[$0].path.hasPrefix(pointer + "/") }
    }

    // MARK: Changes, undo and redo

    /// What one change did to the lines: what ``undo(_:)`` takes back and ``redo(_:)`` makes again.
    public struct Change {
        fileprivate let edits: [LineEdit]
    }

    /// The edits made since the running change began (nil outside one).
    private var steps: [LineEdit]?

    /// Runs `body` as one change; nil when it changed nothing. When `body` throws, the document is as it was.
    /// A change made inside a running one is part of it too (what undoing the running one takes back).
    public mutating func change(_ body: (inout PatchesDocument) throws -> Bool) throws -> Change? {
        let outer = steps
        var made: [LineEdit] = []
        steps = []
        defer { steps = outer.map { $0 + made } }
        do {
            guard try body(&self) else {
                try takeBack()
                return nil
            }
        } catch {
            try? takeBack()
            throw error
        }
        made = steps ?? []
        return made.isEmpty ? nil : Change(edits: made)
    }

    public mutating func undo(_ change: Change) throws {
        for edit in change.edits.reversed() { lines.undo(edit) }
        try reread()
    }

    public mutating func redo(_ change: Change) throws {
        for edit in change.edits { lines.redo(edit) }
        try reread()
    }

    private mutating func takeBack() throws {
        for edit in (steps ?? []).reversed() { lines.undo(edit) }
        steps = []
        try reread()
    }

    /// An edit: inside a running change it joins it, else it is a change of its own.
    private mutating func editing(_ body: (inout PatchesDocument) throws -> Bool) throws -> Bool {
        if steps != nil { return try body(&self) }
        return try change(body) != nil
    }

    // MARK: Line edits

    private var layout: YAMLLayout { YAMLLayout(lines: lines, root: root, file: displayPath) }

    private var items: Node.Sequence? { root?.sequence }

    private func item(_ index: Int) throws -> Node {
        guard let items, index < items.count else {
            throw ManifestError(file: displayPath, message: "patch \(index) is not in the file", hint: "please report this")
        }
        return items[index]
    }

    private mutating func replaceValue(ofPatch index: Int, with value: YAMLValue) throws -> Bool {
        try replaceEntry("value", ofPatch: index, with: value)
    }

    /// Writes `value` as the entry `key` of patch `index` (added after its other entries when it has none).
    private mutating func replaceEntry(_ key: String, ofPatch index: Int, with value: YAMLValue) throws -> Bool {
        let patch = try item(index)
        let layout = self.layout
        guard patch.mapping != nil, !layout.isFlow(patch) else {
            throw ManifestError(file: displayPath, line: patch.mark?.line ?? 0, column: patch.mark?.column ?? 0,
                                message: "this patch is written as a flow mapping ({…}), which sluice does not edit",
                                hint: "write it as a block (`- op: …` with `path:` and `value:` below), or edit it by hand")
        }
        let indent = layout.keyColumn(patch)
        let rendered = YAMLLayout.render(key: key, value: value, indent: indent)
        let splice: LineSplice
        if let entry = layout.entry(key, in: patch) {
            if case .scalar(let text) = value, entry.value.scalar != nil {
                splice = layout.replaceValue(of: entry.key, value: entry.value, with: YAMLScalar.render(text), rendered: rendered)
            } else {
                splice = LineSplice(range: layout.replacedLines(of: entry.key, value: entry.value), lines: rendered)
            }
        } else {
            splice = layout.insertEntry(key, rendered: rendered, into: patch)
        }
        return try apply([splice])
    }

    private mutating func removePatch(_ index: Int) throws {
        guard let items else { return }
        _ = try apply([layout.removeItem(items, index)])
    }

    /// Inserts the patch `item` before patch `position` (or after the last).
    private mutating func insertPatch(_ item: YAMLValue, at position: Int) throws {
        if let items, !items.isEmpty {
            if layout.isFlow(root!) {
                throw ManifestError(file: displayPath, line: root?.mark?.line ?? 0, column: root?.mark?.column ?? 0,
                                    message: "the patches are written as a flow list ([…]), which sluice does not edit",
                                    hint: "write each patch as a block item (`- op: …`), or edit the file by hand")
            }
            let dash = layout.dashLine(of: items[min(position, items.count - 1)])
            let rendered = YAMLLayout.render(item: item, indent: lines.indent(dash))
            _ = try apply([layout.insertItem(rendered, into: items, at: position)])
            return
        }
        if let root, root.sequence == nil || layout.isFlow(root) {
            // `[]` (or a value that is no list, which reading refused already): the list is written anew in its place.
            let line = layout.line(root)
            guard line < lines.count, lines.content(line).trimmingCharacters(in: .whitespaces) == "[]" else {
                throw ManifestError(file: displayPath, line: root.mark?.line ?? 0, column: root.mark?.column ?? 0,
                                    message: "sluice adds patches only to a block list", hint: "write the list as `- op: …` items")
            }
            _ = try apply([LineSplice(range: line..<(line + 1), lines: YAMLLayout.render(item: item, indent: 0))])
            return
        }
        // No patch yet: after what the file holds (comments), a new file starting with the header.
        let rendered = YAMLLayout.render(item: item, indent: 0)
        let empty = lines.count == 1 && lines[0].isEmpty
        if empty {
            _ = try apply([LineSplice(range: 0..<1, lines: (onDisk == nil ? Self.header : []) + rendered + [""])])
            return
        }
        // Before the empty last line of a text that ends with a line break.
        let end = lines.count - (lines[lines.count - 1].isEmpty ? 1 : 0)
        _ = try apply([LineSplice(range: end..<end, lines: rendered)])
    }

    /// Replaces lines and reads the result; a text that no longer reads is sluice's bug, and the lines go back.
    private mutating func apply(_ splices: [LineSplice]) throws -> Bool {
        let edit = lines.splice(splices)
        if edit.changesNothing {
            lines.undo(edit)
            return false
        }
        do {
            try reread()
        } catch {
            lines.undo(edit)
            try? reread()
            throw ManifestError(file: displayPath, message: "sluice produced patches it cannot read back (\(error)); the file is unchanged",
                                hint: "please report this with the file attached")
        }
        steps?.append(edit)
        return true
    }

    private mutating func reread() throws {
        let text = lines.joined()
        root = try TaggedYAML.compose(text, file: displayPath, aliases: PipelineOverrides.patchAliases)
        patches = try PipelineOverrides.patches(text, file: displayPath)
    }
}

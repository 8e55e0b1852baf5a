import Yams

// Edits that concern one stage (approval, test commands, deployments, actions) or one top-level
// section (`source`, `build`) read and re-read only that part's lines, so an edit costs the size of
// what it changes, not of the file: a script of thousands of edits grows linearly. The part is
// composed on its own (a stage item under a `stages:` line of its own), and used only where that is
// provably the same as composing the whole file: the part's lines form a closed block and read to the
// very model the whole file gave. Otherwise, and for every other edit, the whole text is composed.

/// Which part of the manifest an edit is confined to.
enum EditScope {
    case whole
    /// The items of `stages` at these indexes (an edit may add items among them, or after the last).
    case stages(Range<Int>)
    /// A top-level entry (`source`, `build`).
    case entry(String)

    static func stage(_ index: Int) -> EditScope { .stages(index..<(index + 1)) }
}

/// Where the top-level entries and the stage items begin (0-based lines): found in the composed tree,
/// then moved along as focused edits add or remove lines, so a focus needs no tree of the whole file.
struct PartLines {
    var entries: [String: Int]
    /// nil when `stages` is not a block list (then stages are edited with the whole file).
    var stages: [Int]?

    init(layout: YAMLLayout) {
        entries = [:]
        stages = nil
        // An anchored node read again alone would leave its aliases elsewhere stale: no part is edited alone.
        guard !(0..<layout.lines.count).contains(where: { Self.mayHoldAnchorOrAlias(layout.lines[$0]) }) else { return }
        guard let root = layout.root, let pairs = root.mapping, !layout.isFlow(root) else { return }
        for (key, value) in pairs {
            guard let name = key.scalar?.string, layout.column(key) == layout.column(root) else { continue }
            entries[name] = layout.line(key)
            if name == "stages", let items = value.sequence, !layout.isFlow(value) {
                stages = items.map { layout.dashLine(of: $0) }
            }
        }
    }

    /// Whether `line` may hold `&anchor` or `*alias`: a `&` or `*` where a node can begin (first on the
    /// line, or after `:`, `-`, `?`, `[`, `{` or `,`). Errs towards yes (inside quotes, say): then the
    /// whole text is read, which is always right.
    static func mayHoldAnchorOrAlias(_ line: Substring) -> Bool {
        var previous: Unicode.Scalar?
        for scalar in line.unicodeScalars {
            if scalar == " " || scalar == "\t" { continue }
            if scalar == "&" || scalar == "*", previous.map({ ":-?[{,".unicodeScalars.contains($0) }) ?? true { return true }
            previous = scalar
        }
        return false
    }

    /// After an edit of the part `focus` was (its lines changed by `delta`) gave the part `edited`.
    func after(_ focus: EditFocus, became edited: EditFocus, lines: TextLines) -> PartLines {
        let delta = edited.end - focus.end
        var moved = self
        for (name, line) in entries where line > focus.start { moved.entries[name] = line + delta }
        if var stages = moved.stages {
            // Lines are in order: only the stages after the part move (none, when the part is the last).
            let firstAfter = stages.partitionPoint { $0 > focus.start }
            for index in firstAfter..<stages.count { stages[index] += delta }
            if case .stages(let range) = focus.scope { stages.replaceSubrange(range, with: edited.stageStarts(in: lines)) }
            moved.stages = stages
        }
        return moved
    }
}

private extension Array where Element == Int {
    /// The first index whose element satisfies `isAfter`, for ascending elements and a predicate
    /// true from some element on (binary search).
    func partitionPoint(_ isAfter: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// One part of the text composed on its own: its lines and tree, with what maps the tree's marks to
/// lines of the whole text.
struct EditFocus {
    let scope: EditScope
    /// First and last line (0-based, inclusive) of the part.
    let start: Int
    let end: Int
    /// The part's tree: a mapping holding only the part's entry (stages: `stages` with only those items).
    let root: Node
    /// Added to a node's 0-based line in `root` to give its line in the whole text.
    var lineOffset: Int { if case .stages = scope { start - 1 } else { start } }

    /// The part of `scope` in `lines` from line `start` to line `end` (by default, to the end of its
    /// block: for stages, of as many items as the scope names), composed; nil unless its lines form a
    /// closed block (the next line that is not blank or a comment is indented no deeper than its first)
    /// that composes to that one entry, or to a list of stage items.
    static func compose(_ scope: EditScope, lines: TextLines, start: Int, end: Int? = nil) -> EditFocus? {
        guard start >= 0, start < lines.count, !lines.isBlank(start), !lines.isComment(start) else { return nil }
        let indent = lines.indent(start)
        let key: String
        var last = end ?? lines.blockEnd(from: start, deeperThan: indent)
        switch scope {
        case .whole: return nil
        case .entry(let name): key = name
        case .stages(let range):
            key = "stages"
            for _ in 1..<max(range.count, 1) where end == nil {
                guard let next = significantLine(after: last, in: lines), lines.indent(next) == indent else { return nil }
                last = lines.blockEnd(from: next, deeperThan: indent)
            }
        }
        guard last >= start, last < lines.count else { return nil }
        if let next = significantLine(after: last, in: lines), lines.indent(next) > indent { return nil }
        var text = key == "stages" ? "stages:\n" : ""
        text += lines.joined(start...last)
        guard let root = try? composeAsText(text, aliases: .manifest, file: ""), let pairs = root.mapping, pairs.count == 1,
              pairs[0].key.scalar?.string == key else { return nil }
        if case .stages = scope {
            guard let items = pairs[0].value.sequence, !items.isEmpty else { return nil }
        }
        return EditFocus(scope: scope, start: start, end: last, root: root)
    }

    /// The first line after `line` that is neither blank nor a comment.
    private static func significantLine(after line: Int, in lines: TextLines) -> Int? {
        var next = line + 1
        while next < lines.count, lines.isBlank(next) || lines.isComment(next) { next += 1 }
        return next < lines.count ? next : nil
    }

    /// The part's value: the list of stage items, or the entry's value.
    private var value: Node? { root.mapping?.first?.value }

    /// What a part reads to, and what the model holds for it: the stage items (those at `range` when
    /// read), or the entry's value.
    enum Value: Equatable {
        case stages([Stage], at: Range<Int>)
        case source(Source)
        case build(Build?)
    }

    /// Reads the part. Throws what the reader throws.
    func read(file: String) throws -> Value {
        var reader = ManifestReader(file: file)
        switch scope {
        case .stages(let range):
            let items = value?.sequence.map(Array.init) ?? []
            return .stages(try items.enumerated().map { try reader.readStage($1, path: "stages[\(range.lowerBound + $0)]") }, at: range)
        case .entry("source"): return .source(try reader.readSource(value))
        case .entry("build"): return .build(try reader.readBuild(value))
        case .entry, .whole: throw ManifestError(file: file, message: "no reading for this part alone")
        }
    }

    /// What `manifest` holds for the part `scope` names (nil: no part reads alone there).
    static func value(of scope: EditScope, in manifest: PipelineManifest) -> Value? {
        switch scope {
        case .stages(let range): return .stages(Array(manifest.stages[range]), at: range)
        case .entry("source"): return .source(manifest.source)
        case .entry("build"): return .build(manifest.build)
        case .entry, .whole: return nil
        }
    }

    /// Puts `value` in `manifest` in place of what it was read for (in place: the rest of the model is
    /// not copied) and returns the scope it covers now.
    static func store(_ value: Value, into manifest: inout PipelineManifest) -> EditScope {
        switch value {
        case .stages(let stages, let range):
            manifest.stages.replaceSubrange(range, with: stages)
            return .stages(range.lowerBound..<(range.lowerBound + stages.count))
        case .source(let source):
            manifest.source = source
            return .entry("source")
        case .build(let build):
            manifest.build = build
            return .entry("build")
        }
    }

    /// Where the stage items of the part begin (0-based lines of the whole text).
    func stageStarts(in lines: TextLines) -> [Int] {
        let layout = YAMLLayout(lines: lines, root: nil, file: "", focus: self)
        return value?.sequence.map { $0.map { layout.dashLine(of: $0) } } ?? []
    }

    /// Maps a path into the whole tree to one into `root`: a stage's index counts from the part's first;
    /// a stage outside the part has none.
    func path(_ steps: [PathStep]) -> [PathStep]? {
        guard case .stages(let range) = scope, steps.count >= 2, steps[0] == .key("stages"), case .index(let index) = steps[1] else {
            return steps
        }
        guard range.contains(index) else { return nil }
        var mapped = steps
        mapped[1] = .index(index - range.lowerBound)
        return mapped
    }
}

import Foundation
import Yams

/// A pipeline manifest as a file: its exact text, the model read from it, and where each part sits.
///
/// Load with ``load(contentsOf:)`` or ``init(text:path:)``; change it with the edit methods
/// (`addStage`, `setApproval`, …, each rewriting only the lines it concerns and returning whether
/// anything changed); write it with ``save(in:)``, which is atomic and refuses to overwrite a file
/// changed on disk since it was loaded. Loading then saving with no edit writes the same bytes.
public struct ManifestDocument {
    /// The text as lines, the document's only copy of it: edits replace the lines they concern.
    private(set) var lines: TextLines
    /// The YAML text, exactly as read or as the last edit left it. Joined from ``lines`` when asked:
    /// for what needs the whole text (saving, showing, comparing), never by an edit.
    public var text: String { lines.joined() }
    /// Where ``save()`` writes; nil for a document made from text alone.
    public let path: URL?
    /// The model read from ``text``.
    public private(set) var manifest: PipelineManifest
    /// Where each part of ``manifest`` sits in ``text``.
    public var locations: ManifestLocations { ManifestLocations(root: composed.root) }
    /// Keys Copilot does not read (kept in the file; validation warns about them).
    public var unknownKeys: [UnknownKey] { composed.unknownKeys }
    /// The composed YAML tree of ``text``, for edits.
    var root: Node? { composed.root }
    /// What the file held when loaded or last saved (nil: it did not exist).
    private var onDisk: Data?
    /// What is derived from ``text`` on demand: a new text comes with a new cache.
    private var cache = TextCache()
    /// The part of the text the running edit is confined to (see ``EditFocus``).
    private var focus: EditFocus?
    /// While a change runs (``change(_:)``, and each edit): what its splices did so far, to take back if
    /// it fails and to hand to undo if it succeeds.
    private var steps: [Step]?

    /// The file name used in messages: the path as given, or `<input>`.
    public var displayPath: String { path?.relativePath ?? "<input>" }

    /// Parses `text`; `path` is where it will be saved. Such a document is new: ``save()`` creates the
    /// file and refuses to overwrite one that exists (use ``load(contentsOf:)`` to edit a file).
    /// Throws a ``ManifestError`` at the line and column of a YAML or schema error.
    public init(text: String, path: URL? = nil) throws {
        self.path = path
        lines = TextLines(text)
        (manifest, cache) = try Self.read(text, file: path?.relativePath ?? "<input>")
    }

    /// The model of `text` and the cache holding its tree.
    private static func read(_ text: String, file: String) throws -> (PipelineManifest, TextCache) {
        let root: Node?
        do { root = try composeAsText(text, aliases: .manifest, file: file) } catch { throw located(yamlError: error, file: file) }
        var reader = ManifestReader(file: file)
        let manifest = try reader.read(root)
        return (manifest, TextCache(composed: Composed(root: root, unknownKeys: reader.unknownKeys)))
    }

    /// Reads and parses the file at `url`.
    public static func load(contentsOf url: URL) throws -> ManifestDocument {
        guard let data = try TextFile.bytes(at: url, displayPath: url.relativePath) else {
            throw ManifestError(file: url.relativePath, message: "cannot read the manifest: there is no such file",
                                hint: "create it with `pipeline new NAME`")
        }
        // The manifest keeps a byte-order mark: a save writes it back as it was.
        let text = try TextFile.decode(data, file: url.relativePath, keepingByteOrderMark: true)
        var document = try ManifestDocument(text: text, path: url)
        document.onDisk = data
        return document
    }

    /// Writes ``text`` to ``path`` atomically, under the workspace lock of `files`: see ``saveChange``.
    public mutating func save(in files: WorkspaceFiles) throws {
        let change = try saveChange()
        try files.commit([change])
        onDisk = change.replacement
    }

    /// The change that saves ``text``: it applies only while the file holds what was loaded (or
    /// last saved) — otherwise another editor changed it, and overwriting would lose that change.
    /// Commit it with ``WorkspaceFiles``, then call ``didSave()``.
    public func saveChange() throws -> FileChange {
        guard let path else {
            throw ManifestError(file: displayPath, message: "this manifest has no file to save to", hint: nil)
        }
        return FileChange(url: path, displayPath: displayPath, expected: onDisk.map { .contents($0) } ?? .absent,
                          replacement: Data(text.utf8))
    }

    /// ``saveChange()`` was committed: the file now holds ``text``.
    public mutating func didSave() {
        onDisk = Data(text.utf8)
    }

    /// Whether ``text`` differs from the file on disk as loaded or last saved. Texts of different
    /// lengths differ: only one as long as the file is joined and compared.
    public var hasUnsavedChanges: Bool {
        guard let onDisk else { return true }
        return lines.utf8Count != onDisk.count || !text.utf8.elementsEqual(onDisk)
    }

    /// What one change did to the text, line by line: what ``undo(_:)`` takes back and ``redo(_:)``
    /// makes again. It holds the lines the change replaced and those it wrote, not the text.
    public struct Change {
        fileprivate let edits: [LineEdit]
    }

    /// Runs `body`, one or more edits, as one change and returns what it did to the text, or nil when
    /// `body` returns false (nothing changed). When `body` throws, the document is as it was.
    public mutating func change(_ body: (inout ManifestDocument) throws -> Bool) throws -> Change? {
        try transaction(body).map { Change(edits: $0.map(\.edit)) }
    }

    /// The document as it was before `change` (made on this text, or given back to it by ``redo(_:)``):
    /// the lines it replaced return byte for byte, and the text is read again.
    public mutating func undo(_ change: Change) throws {
        var lines = self.lines
        for edit in change.edits.reversed() { lines.undo(edit) }
        try reread(lines)
    }

    /// The document as `change` left it, after ``undo(_:)`` took it back.
    public mutating func redo(_ change: Change) throws {
        var lines = self.lines
        for edit in change.edits { lines.redo(edit) }
        try reread(lines)
    }

    /// Takes `lines` as the text and reads it whole (undo and redo: the text as it was, split again).
    private mutating func reread(_ lines: TextLines) throws {
        var lines = lines
        lines.adoptCommonestBreak()
        (manifest, cache) = try Self.read(lines.joined(), file: displayPath)
        self.lines = lines
        focus = nil
    }

    /// The same file read again from disk.
    public func reloaded() throws -> ManifestDocument {
        guard let path else { return self }
        return try Self.load(contentsOf: path)
    }

    /// The whole text's tree, composed again when focused edits changed the text since.
    private var composed: Composed {
        if let composed = cache.composed { return composed }
        // The text composed before each focused edit and every part it changed composes the same way
        // alone: this does not fail (a reader that disagreed would be sluice's bug; locations go missing, nothing else).
        var reader = ManifestReader(file: displayPath)
        let root = try? composeAsText(text, aliases: .manifest, file: displayPath)
        _ = try? reader.read(root)
        let composed = Composed(root: root, unknownKeys: reader.unknownKeys)
        cache.composed = composed
        return composed
    }

    /// The index of the first stage deploying to `environment`: looked up in ``stageTable``, not searched.
    public func stageIndex(named environment: String) -> Int? {
        stageTable.indexes[environment]
    }

    /// Whether a stage deploys an environment stack (Copilot's Environments pipeline; see ``PipelineKind``).
    public var deploysEnvironments: Bool { stageTable.deployingEnvironments > 0 }

    /// What the stages hold, made once per read of the whole text and kept up to date by focused
    /// edits, so that an edit looks stages up rather than searching them all.
    private var stageTable: StageTable {
        if let table = cache.stageTable { return table }
        let table = StageTable(manifest.stages)
        cache.stageTable = table
        return table
    }

    /// Where the parts begin, from the tree or carried along by focused edits.
    var partLines: PartLines {
        if let parts = cache.parts { return parts }
        let parts = PartLines(layout: YAMLLayout(lines: lines, root: root, file: displayPath))
        cache.parts = parts
        return parts
    }

    /// The focused part's layout while an edit is confined to one (the whole text is not composed then).
    var layout: YAMLLayout { YAMLLayout(lines: lines, root: focus == nil ? root : nil, file: displayPath, focus: focus) }

    /// Runs `body` confined to `scope` when that part can be read on its own, and keeps what it did
    /// only if it succeeds (returns true).
    mutating func editing(_ scope: EditScope = .whole, _ body: (inout ManifestDocument) throws -> Bool) throws -> Bool {
        focus = focus(on: scope)
        defer { focus = nil }
        // Edits by lines cannot place keys beside a key written with `?` (an explicit key): the part an
        // edit concerns (the whole text when it is not confined to one) must have none.
        if let explicitKey = lines.firstExplicitKey(in: focus.map { $0.start...$0.end } ?? 0...(lines.count - 1)) {
            throw ManifestError(file: displayPath, line: explicitKey.line, column: explicitKey.column,
                                message: "this key is written with `?` (an explicit key), which sluice does not edit beside",
                                hint: "write it as `KEY: VALUE` and try again")
        }
        return try transaction(body) != nil
    }

    /// Runs `body` and returns the steps it made, or nil when it returns false; if it fails or returns
    /// false, its steps are taken back. Edits happen in place: a document's lines and model are
    /// never copied whole for an edit.
    private mutating func transaction(_ body: (inout ManifestDocument) throws -> Bool) throws -> [Step]? {
        let outer = steps
        steps = []
        let changed: Bool
        do {
            changed = try body(&self)
        } catch {
            takeBack()
            steps = outer
            throw error
        }
        if !changed { takeBack() }
        let made = steps ?? []
        steps = outer.map { $0 + made }
        return changed ? made : nil
    }

    /// Takes back the running transaction's steps, last first.
    private mutating func takeBack() {
        for step in (steps ?? []).reversed() {
            lines.undo(step.edit)
            switch step.model {
            case .part(let value): _ = EditFocus.store(value, into: &manifest)
            case .whole(let model): manifest = model
            }
            cache = step.cache
            focus = step.focus
        }
        steps = []
    }

    /// `body` given this document with the layout of `scope` alone when it reads so, of the whole text otherwise.
    func reading<Result>(_ scope: EditScope, _ body: (ManifestDocument) throws -> Result) rethrows -> Result {
        var copy = self
        copy.focus = focus(on: scope)
        return try body(copy)
    }

    /// The part `scope` names, composed alone, if that reads to the same model as the whole text did.
    private func focus(on scope: EditScope) -> EditFocus? {
        let start: Int?
        switch scope {
        case .whole: return nil
        case .stages(let range):
            start = partLines.stages.flatMap { $0.count == manifest.stages.count && range.upperBound <= $0.count ? $0[range.lowerBound] : nil }
        case .entry(let key): start = partLines.entries[key]
        }
        guard let start, let focus = EditFocus.compose(scope, lines: lines, start: start),
              let value = try? focus.read(file: displayPath), value == EditFocus.value(of: scope, in: manifest) else { return nil }
        return focus
    }

    /// Replaces the lines `splices` name and re-reads the result: only the focused part when the
    /// splices stay inside it and it still reads on its own, else the whole text. Returns false,
    /// changing nothing, if the text comes out the same. A result that no longer loads is sluice's bug,
    /// reported as such.
    mutating func apply(_ splices: [LineSplice]) throws -> Bool {
        let edit = lines.splice(splices)
        if edit.changesNothing {
            // The same text, though perhaps not the same bytes (Unicode equivalence): the bytes stay.
            lines.undo(edit)
            return false
        }
        let before = (cache: cache, focus: focus)
        if let focus, let model = refocus(focus, after: splices) {
            steps?.append(Step(edit: edit, model: model, cache: before.cache, focus: before.focus))
            return true
        }
        let model = manifest
        do {
            (manifest, cache) = try Self.read(lines.joined(), file: displayPath)
        } catch {
            lines.undo(edit)
            throw ManifestError(file: displayPath, message: "sluice produced a manifest it cannot read back (\(error)); the file is unchanged",
                                hint: "please report this with the manifest attached")
        }
        self.focus = nil
        steps?.append(Step(edit: edit, model: .whole(model), cache: before.cache, focus: before.focus))
        return true
    }

    /// Re-reads only the focused part after `splices` changed it and returns what the model held
    /// for it; nil, changing nothing, when they reach outside it or it no longer reads on its own.
    private mutating func refocus(_ focus: EditFocus, after splices: [LineSplice]) -> Step.Model? {
        guard splices.allSatisfy({ $0.range.lowerBound >= focus.start && $0.range.upperBound <= focus.end + 1 }),
              let parts = cache.parts, let old = EditFocus.value(of: focus.scope, in: manifest) else { return nil }
        let delta = splices.reduce(0) { $0 + $1.lines.count - $1.range.count }
        guard let part = EditFocus.compose(focus.scope, lines: lines, start: focus.start, end: focus.end + delta),
              let value = try? part.read(file: displayPath) else { return nil }
        let scope = EditFocus.store(value, into: &manifest)
        let refocused = EditFocus(scope: scope, start: part.start, end: part.end, root: part.root)
        // Taken from the old cache rather than copied (the old text builds its table again if asked).
        var table = cache.stageTable
        cache.stageTable = nil
        if table?.carry(after: old, became: value, stageCount: manifest.stages.count) == false { table = nil }
        cache = TextCache(parts: parts.after(focus, became: refocused, lines: lines), stageTable: table)
        self.focus = refocused
        // What takes the part back: the old value in place of the new one.
        if case .stages(let stages, _) = old, case .stages(let range) = scope { return .part(.stages(stages, at: range)) }
        return .part(old)
    }

    /// A Yams error as a located ``ManifestError``.
    static func located(yamlError error: Error, file: String) -> ManifestError {
        if let located = error as? ManifestError { return located }
        guard let yaml = error as? YamlError else {
            return ManifestError(file: file, message: "\(error)", hint: nil)
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            // libyaml's own text names its C setter and ends in a stray parenthesis.
            if problem.hasPrefix("Maximum nesting level reached") {
                return ManifestError(file: file, line: mark.line, column: mark.column,
                                     message: "invalid YAML: collections are nested more than 1,000 levels deep here, more than YAML readers take",
                                     hint: "nest less deeply; no Copilot file needs more than a few levels")
            }
            var message = "invalid YAML: \(problem)"
            if let context { message += " \(context.text) (line \(context.mark.line))" }
            return ManifestError(file: file, line: mark.line, column: mark.column, message: message,
                                 hint: "check the indentation and quoting at this spot; tabs cannot indent YAML")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.joined(separator: ", ")
            return ManifestError(file: file, line: context.mark.line, column: context.mark.column,
                                 message: "\(keys) appears more than once in the same mapping",
                                 hint: "keep one of them; Copilot rejects duplicate keys")
        case .reader(let problem, let offset, _, let yaml):
            // Yams counts the offset in characters.
            let at = offset.flatMap { yaml.index(yaml.startIndex, offsetBy: $0, limitedBy: yaml.endIndex) }
                .map { TextFile.location(of: $0, in: yaml) }
            return ManifestError(file: file, line: at?.line ?? 0, column: at?.column ?? 0, message: "cannot read the text: \(problem)",
                                 hint: "YAML allows tabs, line breaks and printable characters; remove this one")
        default:
            return ManifestError(file: file, message: "invalid YAML: \(yaml)", hint: nil)
        }
    }
}

/// What a document derives from its text, computed once; shared by copies of the document, which have the same text.
private final class TextCache: @unchecked Sendable {
    var composed: Composed?
    var parts: PartLines?
    var stageTable: StageTable?

    init(composed: Composed? = nil, parts: PartLines? = nil, stageTable: StageTable? = nil) {
        self.composed = composed
        self.parts = parts
        self.stageTable = stageTable
    }
}

/// Each stage name's first index, and how many stages deploy an environment stack.
private struct StageTable {
    var indexes: [String: Int] = [:]
    var deployingEnvironments = 0

    init(_ stages: [Stage]) {
        for (index, stage) in stages.enumerated() where indexes[stage.name] == nil { indexes[stage.name] = index }
        deployingEnvironments = Self.deployingEnvironments(stages)
    }

    private static func deployingEnvironments(_ stages: [Stage]) -> Int {
        stages.filter { $0.deployments.contains { $0.name == PipelineKind.environmentDeploymentName } }.count
    }

    /// Updates the table for a focused edit that made `old` into `new` (`stageCount` stages now). The
    /// names stay when the part's do and grow when stages were added after the last; when stages moved,
    /// the table is dropped (made again when asked): false.
    mutating func carry(after old: EditFocus.Value, became new: EditFocus.Value, stageCount: Int) -> Bool {
        guard case .stages(let before, let range) = old, case .stages(let after, _) = new else { return true }
        deployingEnvironments += Self.deployingEnvironments(after) - Self.deployingEnvironments(before)
        let beforeNames = before.map(\.name), afterNames = after.map(\.name)
        if beforeNames == afterNames { return true }
        guard range.upperBound + after.count - before.count == stageCount, after.count > before.count,
              beforeNames[...] == afterNames.prefix(before.count) else { return false }
        for (offset, name) in afterNames.enumerated().dropFirst(before.count) where indexes[name] == nil {
            indexes[name] = range.lowerBound + offset
        }
        return true
    }
}

/// One splice of a running change, with what the document held before it.
private struct Step {
    enum Model {
        /// The part's value before (its range in the model as the splice left it).
        case part(EditFocus.Value)
        case whole(PipelineManifest)
    }

    let edit: LineEdit
    let model: Model
    let cache: TextCache
    let focus: EditFocus?
}

/// The whole text's tree and what reading it noted.
private struct Composed {
    let root: Node?
    let unknownKeys: [UnknownKey]
}

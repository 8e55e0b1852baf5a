import Foundation
import Yams

/// A pipeline manifest as a file: its exact text, the model read from it, and where each part sits.
///
/// Load with ``load(contentsOf:)`` or ``init(text:path:)``; change it with the edit methods
/// (`addStage`, `setApproval`, …, each rewriting only the lines it concerns and returning whether
/// anything changed); write it with ``save(in:)``, which is atomic and refuses to overwrite a file
/// changed on disk since it was loaded. Loading then saving with no edit writes the same bytes.
public struct ManifestDocument {
    /// The YAML text, exactly as read or as the last edit left it.
    public private(set) var text: String
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

    /// The file name used in messages: the path as given, or `<input>`.
    public var displayPath: String { path?.relativePath ?? "<input>" }

    /// Parses `text`; `path` is where it will be saved. Such a document is new: ``save()`` creates the
    /// file and refuses to overwrite one that exists (use ``load(contentsOf:)`` to edit a file).
    /// Throws a ``ManifestError`` at the line and column of a YAML or schema error.
    public init(text: String, path: URL? = nil) throws {
        self.path = path
        self.text = text
        let file = path?.relativePath ?? "<input>"
        let root: Node?
        do { root = try composeAsText(text) } catch { throw Self.located(yamlError: error, file: file) }
        var reader = ManifestReader(file: file)
        manifest = try reader.read(root)
        cache.composed = Composed(root: root, unknownKeys: reader.unknownKeys)
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
        try files.commit([try saveChange()])
        didSave()
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

    /// Whether ``text`` differs from the file on disk as loaded or last saved.
    public var hasUnsavedChanges: Bool {
        guard let onDisk else { return true }
        return !text.utf8.elementsEqual(onDisk)
    }

    /// The same file with `text` in place of the current text (undo and redo): parsed again,
    /// keeping where it saves and what the disk held, so ``hasUnsavedChanges`` and ``save()`` still
    /// compare with the file as last read or saved.
    public func replacingText(_ text: String) throws -> ManifestDocument {
        var document = try ManifestDocument(text: text, path: path)
        document.onDisk = onDisk
        return document
    }

    /// The same file read again from disk.
    public func reloaded() throws -> ManifestDocument {
        guard let path else { return self }
        return try Self.load(contentsOf: path)
    }

    /// ``text`` as lines, split once per text.
    var lines: TextLines {
        if let lines = cache.lines { return lines }
        let lines = TextLines(text)
        cache.lines = lines
        return lines
    }

    /// The whole text's tree, composed again when focused edits changed the text since.
    private var composed: Composed {
        if let composed = cache.composed { return composed }
        // The text composed before each focused edit and every part it changed composes the same way
        // alone: this does not fail (a reader that disagreed would be sluice's bug; locations go missing, nothing else).
        var reader = ManifestReader(file: displayPath)
        let root = try? composeAsText(text)
        _ = try? reader.read(root)
        let composed = Composed(root: root, unknownKeys: reader.unknownKeys)
        cache.composed = composed
        return composed
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

    /// Runs `body` on a copy, confined to `scope` when that part can be read on its own, and keeps the
    /// result only if it succeeds.
    mutating func editing(_ scope: EditScope = .whole, _ body: (inout ManifestDocument) throws -> Bool) throws -> Bool {
        var copy = self
        copy.focus = focus(on: scope)
        let changed = try body(&copy)
        copy.focus = nil
        if changed { self = copy }
        return changed
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
        guard let start, let focus = EditFocus.compose(scope, lines: lines, start: start) else { return nil }
        var model = manifest
        guard (try? focus.read(into: &model, file: displayPath)) != nil, model == manifest else { return nil }
        return focus
    }

    /// Replaces the text with the result of `splices` and re-reads it: only the focused part when the
    /// splices stay inside it and it still reads on its own, else the whole text. Returns false,
    /// changing nothing, if the text comes out the same. A result that no longer loads is sluice's bug,
    /// reported as such.
    mutating func apply(_ splices: [LineSplice]) throws -> Bool {
        // Taken from the cache, so that splicing changes the lines in place rather than copying them
        // all (this text splits them again if it is ever edited again).
        var lines = self.lines
        cache.lines = nil
        for splice in splices.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            lines.replace(splice.range, with: splice.lines)
        }
        let newText = lines.joined()
        if newText == text { return false }
        if let focus, let edited = refocused(focus, lines: lines, text: newText, splices: splices) {
            self = edited
            return true
        }
        var edited: ManifestDocument
        do { edited = try replacingText(newText) } catch {
            throw ManifestError(file: displayPath, message: "sluice produced a manifest it cannot read back (\(error)); the file is unchanged",
                                hint: "please report this with the manifest attached")
        }
        // The spliced lines are the new text's: the next edit need not split it again.
        edited.cache.lines = lines
        self = edited
        return true
    }

    /// The document after `splices` changed only the focused part, re-read from that part alone; nil
    /// when they reach outside it or it no longer reads on its own.
    private func refocused(_ focus: EditFocus, lines: TextLines, text: String, splices: [LineSplice]) -> ManifestDocument? {
        guard splices.allSatisfy({ $0.range.lowerBound >= focus.start && $0.range.upperBound <= focus.end + 1 }) else { return nil }
        let delta = splices.reduce(0) { $0 + $1.lines.count - $1.range.count }
        guard let part = EditFocus.compose(focus.scope, lines: lines, start: focus.start, end: focus.end + delta) else { return nil }
        var edited = self
        guard let scope = try? part.read(into: &edited.manifest, file: displayPath) else { return nil }
        let refocused = EditFocus(scope: scope, start: part.start, end: part.end, root: part.root)
        edited.text = text
        edited.cache = TextCache(lines: lines, parts: partLines.after(focus, became: refocused, lines: lines))
        edited.focus = refocused
        return edited
    }

    /// A Yams error as a located ``ManifestError``.
    static func located(yamlError error: Error, file: String) -> ManifestError {
        guard let yaml = error as? YamlError else {
            return ManifestError(file: file, message: "\(error)", hint: nil)
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
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
    var lines: TextLines?
    var composed: Composed?
    var parts: PartLines?

    init(lines: TextLines? = nil, parts: PartLines? = nil) {
        self.lines = lines
        self.parts = parts
    }
}

/// The whole text's tree and what reading it noted.
private struct Composed {
    let root: Node?
    let unknownKeys: [UnknownKey]
}

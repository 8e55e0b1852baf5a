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
    public private(set) var locations: ManifestLocations
    /// Keys Copilot does not read (kept in the file; validation warns about them).
    public private(set) var unknownKeys: [UnknownKey]
    /// The composed YAML tree of ``text``, for edits.
    private(set) var root: Node?
    /// What the file held when loaded or last saved (nil: it did not exist).
    private var onDisk: Data?
    /// ``text`` split into lines on first use by an edit; a new text comes with a new, empty cache.
    private let linesCache = LinesCache()

    /// The file name used in messages: the path as given, or `<input>`.
    public var displayPath: String { path?.relativePath ?? "<input>" }

    /// Parses `text`; `path` is where it will be saved. Such a document is new: ``save()`` creates the
    /// file and refuses to overwrite one that exists (use ``load(contentsOf:)`` to edit a file).
    /// Throws a ``ManifestError`` at the line and column of a YAML or schema error.
    public init(text: String, path: URL? = nil) throws {
        self.path = path
        self.text = text
        let file = path?.relativePath ?? "<input>"
        do { root = try composeAsText(text) } catch { throw Self.located(yamlError: error, file: file) }
        var reader = ManifestReader(file: file)
        manifest = try reader.read(root)
        locations = ManifestLocations(root: root)
        unknownKeys = reader.unknownKeys
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
    public var hasUnsavedChanges: Bool { onDisk != Data(text.utf8) }

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
        if let lines = linesCache.lines { return lines }
        let lines = TextLines(text)
        linesCache.lines = lines
        return lines
    }

    /// Replaces the text with the result of `splices` and re-reads it. Returns false, changing
    /// nothing, if the text comes out the same. A result that no longer loads is sluice's bug, reported as such.
    mutating func apply(_ splices: [LineSplice]) throws -> Bool {
        var lines = self.lines
        for splice in splices.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            lines.replace(splice.range, with: splice.lines)
        }
        let newText = lines.joined()
        if newText == text { return false }
        let edited: ManifestDocument
        do { edited = try replacingText(newText) } catch {
            throw ManifestError(file: displayPath, message: "sluice produced a manifest it cannot read back (\(error)); the file is unchanged",
                                hint: "please report this with the manifest attached")
        }
        self = edited
        return true
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

/// Holds a document's lines once split; shared by copies of the document, which have the same text.
private final class LinesCache: @unchecked Sendable {
    var lines: TextLines?
}

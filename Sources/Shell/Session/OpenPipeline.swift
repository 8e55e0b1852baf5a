import Foundation
import Manifest
import Targets

/// The pipeline being edited: its files and the document holding its manifest text.
public struct OpenPipeline {
    public var files: PipelineFiles
    public var document: ManifestDocument
    /// A new pipeline's buildspec text, written by its first save; nil once on disk.
    var pendingBuildspec: String?

    /// The manifest's `name`.
    public var name: String { document.manifest.name }
    public var manifest: PipelineManifest { document.manifest }
    /// Edits (or a whole new pipeline) not written yet.
    public var isDirty: Bool { document.hasUnsavedChanges || pendingBuildspec != nil }
}

/// One step of the undo history: the bytes the edit changed and what it did. Only the part
/// between the text's unchanged start and end is kept, so the history grows with the edits, not
/// with the file times the edits. Texts, not documents: undoing past a `save` must compare with
/// the file as saved.
struct PipelineEdit {
    var change: TextChange
    /// "added stage test", for `undo`'s message.
    var summary: String
}

/// How one text became another: the bytes between their shared start and shared end, before and after.
struct TextChange {
    /// Bytes both texts start with.
    private let start: Int
    /// Bytes both texts end with (not overlapping `start`).
    private let end: Int
    private let before: [UInt8]
    private let after: [UInt8]

    init(from old: String, to new: String) {
        var old = old, new = new
        old.makeContiguousUTF8()
        new.makeContiguousUTF8()
        (start, end, before, after) = old.utf8.withContiguousStorageIfAvailable { old in
            new.utf8.withContiguousStorageIfAvailable { new in
                let start = Self.sharedLength(old, new, fromEnd: false)
                let end = Self.sharedLength(UnsafeBufferPointer(rebasing: old[start...]), UnsafeBufferPointer(rebasing: new[start...]), fromEnd: true)
                return (start, end, Array(old[start..<(old.count - end)]), Array(new[start..<(new.count - end)]))
            }!
        }!
    }

    /// How many bytes `a` and `b` share at their start (or end): compared a block at a time with memcmp,
    /// then byte by byte in the first block that differs, so a long shared text costs little.
    private static func sharedLength(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, fromEnd: Bool) -> Int {
        let limit = min(a.count, b.count)
        let block = 4_096
        var shared = 0
        while shared + block <= limit {
            let offsetA = fromEnd ? a.count - shared - block : shared, offsetB = fromEnd ? b.count - shared - block : shared
            guard memcmp(a.baseAddress! + offsetA, b.baseAddress! + offsetB, block) == 0 else { break }
            shared += block
        }
        while shared < limit, fromEnd ? a[a.count - 1 - shared] == b[b.count - 1 - shared] : a[shared] == b[shared] { shared += 1 }
        return shared
    }

    /// The old text, given the new one.
    func undone(_ text: String) -> String { replacing(with: before, in: text) }
    /// The new text, given the old one.
    func redone(_ text: String) -> String { replacing(with: after, in: text) }

    /// Bytes are spliced, then decoded once: the shared start or end may split a character.
    private func replacing(with middle: [UInt8], in text: String) -> String {
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(start..<(bytes.count - end), with: middle)
        return String(decoding: bytes, as: UTF8.self)
    }
}

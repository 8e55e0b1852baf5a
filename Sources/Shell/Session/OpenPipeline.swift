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

/// One step of the undo history: what the edit did to the manifest's lines (the lines it replaced
/// and those it wrote, so the history grows with the edits, not with the file times the edits) and
/// what it did in words. Lines, not documents: undoing past a `save` must compare with the file as saved.
struct PipelineEdit {
    var change: ManifestDocument.Change
    /// "added stage test", for `undo`'s message.
    var summary: String
}

/// The undo and redo stacks of the pipeline being edited: they belong to one pipeline.
struct EditHistory {
    var undo: [PipelineEdit] = []
    var redo: [PipelineEdit] = []

    /// A new edit: undoable, and what was undone can no longer be redone.
    mutating func record(_ edit: PipelineEdit) {
        undo.append(edit)
        redo.removeAll()
    }

    mutating func forget() {
        undo.removeAll()
        redo.removeAll()
    }
}

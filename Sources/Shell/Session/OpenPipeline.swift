import Foundation
import Manifest
import Targets

/// The pipeline being edited: its files and the document holding its manifest text.
public struct OpenPipeline {
    public var files: PipelineFiles
    public var document: ManifestDocument
    /// A new pipeline's buildspec text, written by its first save; nil once on disk.
    var pendingBuildspec: String?
    /// Its overrides' `cfn.patches.yml`, where its CodePipeline V2 settings live: read when first needed (nil until then).
    var patches: PatchesDocument?

    /// The manifest's `name`.
    public var name: String { document.manifest.name }
    public var manifest: PipelineManifest { document.manifest }
    /// What saving writes: the manifest (with a new pipeline's buildspec), and the patches when they changed.
    var savedPaths: [String] {
        let manifest = document.hasUnsavedChanges || pendingBuildspec != nil ? [files.manifestPathInWorkspace] : []
        return manifest + (patches?.hasUnsavedChanges == true ? [patches!.displayPath] : [])
    }

    /// Edits (or a whole new pipeline) not written yet.
    public var isDirty: Bool { document.hasUnsavedChanges || pendingBuildspec != nil || patches?.hasUnsavedChanges == true }
}

/// One step `undo` takes back (and `redo` makes again).
enum UndoStep {
    /// An edit of the pipeline being edited.
    case edit(PipelineEdit)
    /// `pipeline rm`: the files it removed.
    case removal(RemovedPipeline)
    /// An edit of the pipeline's V2 settings in its overrides' patches.
    case overridesEdit(PatchesDocument.Change, summary: String)

    /// "added stage test", "removed pipeline old", for undo's message.
    var summary: String {
        switch self {
        case .edit(let edit): return edit.summary
        case .removal(let removed): return "removed pipeline \(removed.name)"
        case .overridesEdit(_, let summary): return summary
        }
    }
}

/// A pipeline `pipeline rm` removed: its files' bytes, for `undo` to write back.
struct RemovedPipeline {
    var name: String
    var files: PipelineFiles
    var contents: [(url: URL, data: Data)]
    /// It was the pipeline being edited, opened again when it comes back.
    var wasOpen: Bool
}

/// One step of the undo history: what the edit did to the manifest's lines (the lines it replaced
/// and those it wrote, so the history grows with the edits, not with the file times the edits) and
/// what it did in words. Lines, not documents: undoing past a `save` must compare with the file as saved.
struct PipelineEdit {
    var change: ManifestDocument.Change
    /// What the same edit did to the overrides' patches: those addressing a stage by position follow it (nil: nothing).
    var overrides: PatchesDocument.Change?
    /// "added stage test", for `undo`'s message.
    var summary: String
}

/// The undo and redo stacks: the edits of the pipeline being edited, and `pipeline rm`'s removals.
struct EditHistory {
    var undo: [UndoStep] = []
    var redo: [UndoStep] = []

    /// A new step: undoable, and what was undone can no longer be redone.
    mutating func record(_ step: UndoStep) {
        undo.append(step)
        redo.removeAll()
    }

    mutating func forget() {
        undo.removeAll()
        redo.removeAll()
    }
}

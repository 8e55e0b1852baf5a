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

/// One step of the undo history: the manifest text before and after an edit, and what the
/// edit did. Texts, not documents: undoing past a `save` must compare with the file as saved.
struct PipelineEdit {
    var before: String
    var after: String
    /// "added stage test", for `undo`'s message.
    var summary: String
}

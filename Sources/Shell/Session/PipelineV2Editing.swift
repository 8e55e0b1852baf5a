import CopilotRules
import Foundation
import Manifest
import Targets

// The pipeline's CodePipeline V2 settings, kept as YAML patches in its overrides' `cfn.patches.yml`
// (where Copilot v1.34 applies them too): read with the pipeline, edited surgically with undo, saved
// with the manifest.

extension Session {
    /// The pipeline's patches document (unsaved edits included), read from the workspace when first needed.
    func patchesDocument() throws -> PatchesDocument {
        var open = try requirePipeline()
        if let patches = open.patches { return patches }
        let workspace = try requireWorkspace()
        let path = "\(PipelineOverrides.directory(pipeline: open.name))/\(PipelineOverrides.patchFile)"
        let loaded = try PatchesDocument.load(at: workspace.root.appendingPathComponent(path), displayPath: path)
        open.patches = loaded
        pipeline = open
        return loaded
    }

    /// What the pipeline's overrides set of V2, read as Copilot applies them; nil when it has no overrides.
    func v2Overrides() throws -> PipelineV2Overrides? {
        let workspace = try requireWorkspace()
        let open = try requirePipeline()
        let patches = try patchesDocument()
        // No patch file: the overrides may still be a CDK application, which sluice cannot read.
        let overrides = try patches.asOverrides ?? PipelineOverrides.load(workspaceRoot: workspace.root, pipeline: open.name)
        return PipelineV2Template.read(overrides, manifest: open.manifest, application: workspace.application,
                                       workloads: PipelineWorkloads.deployed(workspace: workspace.workloads, registered: nil))
    }
}

extension PatchesDocument {
    /// The overrides as Copilot finds them when this file exists (or sluice is about to write it); nil otherwise.
    var asOverrides: PipelineOverrides? {
        exists || !patches.isEmpty ? .yamlPatches(file: displayPath, patches) : nil
    }
}

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
        let loaded = try patchesDocument(of: &open)
        pipeline = open
        return loaded
    }

    /// `open`'s patches document, read into it when first needed.
    private func patchesDocument(of open: inout OpenPipeline) throws -> PatchesDocument {
        if let patches = open.patches { return patches }
        let workspace = try requireWorkspace()
        let path = "\(PipelineOverrides.directory(pipeline: open.name))/\(PipelineOverrides.patchFile)"
        let loaded = try PatchesDocument.load(at: workspace.root.appendingPathComponent(path), displayPath: path)
        open.patches = loaded
        return loaded
    }

    /// CodePipeline's stages of `open` by their position in its template, which is what a patch's stage index means.
    func templateStageNames(_ open: OpenPipeline) throws -> [String] {
        PipelinePlan.templateStageNames(open.manifest, workloads: workloadsToDeploy(try requireWorkspace()))
    }

    /// After an edit of `open`'s manifest, moves the patches addressing a stage by position (`Stages/N/…`: on-failure,
    /// gates, the user's own) to where that stage is now, and removes those of a stage that left the template: a
    /// stage's settings follow it rather than land on whichever stage takes its place. Returns the change (nil when
    /// nothing moved) and what was removed, in words.
    func patchesFollowStages(of open: inout OpenPipeline, from before: [String]) throws -> (change: PatchesDocument.Change, removed: [String])? {
        let after = try templateStageNames(open)
        guard before != after else { return nil }
        var patches = try patchesDocument(of: &open)
        var removed: [String] = []
        let change = try patches.change {
            try $0.rewritePaths { path in
                guard let (index, rest) = PipelineV2Paths.stagePosition(of: path), index < before.count else { return nil }
                guard let now = after.firstIndex(of: before[index]) else {
                    let property = rest.split(separator: "/").first.map(String.init)
                    removed.append(property == "OnFailure" ? "on-failure setting" : property == "BeforeEntry" ? "gate" : "patch at \(path)")
                    return .some(nil)
                }
                // Spelled out: `now == index ? nil : …` would make the nil a `.some(nil)`, which removes.
                if now == index { return String??.none }
                return PipelineV2Paths.stage(now) + rest
            }
        }
        // Kept only when something moved: a document attached unchanged would be saved as a new file, beside a
        // CDK application's overrides too.
        guard let change else { return nil }
        open.patches = patches
        return (change, removed.reversed())
    }

    /// What the pipeline's overrides set of V2, read as Copilot applies them; nil when it has no overrides.
    func v2Overrides() throws -> PipelineV2Overrides? {
        let workspace = try requireWorkspace()
        let open = try requirePipeline()
        let patches = try patchesDocument()
        // No patch file: the overrides may still be a CDK application, which sluice cannot read.
        let overrides = try patches.asOverrides ?? PipelineOverrides.load(workspaceRoot: workspace.root, pipeline: open.name)
        return PipelineV2Template.read(overrides, manifest: open.manifest, application: workspace.application,
                                       workloads: workloadsToDeploy(workspace))
    }
}

extension PatchesDocument {
    /// The overrides as Copilot finds them when this file exists (or sluice is about to write it); nil otherwise.
    var asOverrides: PipelineOverrides? {
        exists || !patches.isEmpty ? .yamlPatches(file: displayPath, patches) : nil
    }
}

extension Session {
    /// Changes the pipeline's patches as one edit, written by `save` with the manifest and taken back by `undo`
    /// (`done` is what undo says it took back). Returns the changed document; nil when `body` changed nothing.
    func editPatches(_ done: String, _ body: (inout PatchesDocument) throws -> Bool) throws -> PatchesDocument? {
        var patches = try patchesDocument()
        guard let made = try patches.change(body) else { return nil }
        pipeline?.patches = patches
        history.record(.overridesEdit(made, summary: done))
        return patches
    }

    /// The V2 settings as the pipeline's patches hold them now (none when it has no overrides), refusing
    /// when sluice cannot see them (a CDK application) or cannot read them (what `validate` lists).
    func editableV2() throws -> PipelineV2Overrides {
        let workspace = try requireWorkspace()
        let open = try requirePipeline()
        let patches = try patchesDocument()
        guard let current = try v2Overrides() else {
            return PipelineV2Overrides(file: patches.displayPath, settings: PipelineV2(), pipelineType: nil, locations: [:],
                                       stageNames: PipelinePlan.templateStageNames(open.manifest, workloads: workloadsToDeploy(workspace)))
        }
        if let (rule, location) = current.problems.first(where: { $0.rule.severity == .error }) ?? current.problems.first {
            if case .cdkOverrides = rule {
                throw ShellError.failure("\(current.file) is a CDK application; sluice keeps V2 settings as YAML patches",
                                         hint: "set them in the CDK application, or move the overrides to \(PipelineOverrides.patchFile)")
            }
            throw ShellError.failure("\(current.file):\(location.line):\(location.column): \(rule.message)",
                                     hint: "fix the patch first (`validate` lists every finding); \(rule.hint ?? "")")
        }
        return current
    }

    /// Applies one change to the pipeline's V2 settings, written surgically into its overrides' patches with
    /// undo, and says what happened. A change that breaks a rule of the rule book is refused with the rule's
    /// message and hint, and the file is left as it was.
    func editV2(_ done: String, unchanged: String, _ change: (inout PipelineV2) throws -> Void) throws {
        let current = try editableV2()
        var settings = current.settings
        try change(&settings)
        guard var open = pipeline, var patches = open.patches else { return }
        let before = Set(try validatePipeline(printing: false).errors.map(\.message))
        guard let made = try PipelineV2Template.write(settings, over: current, into: &patches) else {
            output.message("unchanged: \(unchanged)")
            return
        }
        open.patches = patches
        pipeline = open
        if let broken = try validatePipeline(printing: false).errors.first(where: { $0.file == patches.displayPath && !before.contains($0.message) }) {
            try patches.undo(made)
            open.patches = patches
            pipeline = open
            throw ShellError.failure(broken.message, hint: broken.hint)
        }
        history.record(.overridesEdit(made, summary: done))
        output.message(done)
    }

    /// The workloads a stage without deployments deploys, as the workspace has them.
    func workloadsToDeploy(_ workspace: Workspace) -> [String] {
        PipelineWorkloads.deployed(workspace: workspace.workloads, registered: nil)
    }

    /// CodePipeline's name of the stage `name` names: `Source`, `Build`, or an environment's deploy stage (`StageName.deploy`),
    /// which must be in the pipeline (a stage with nothing to deploy is not: Copilot leaves it out).
    func pipelineStageName(_ name: String, in current: PipelineV2Overrides) throws -> String {
        let stage = [StageName.source, StageName.build].first { $0.lowercased() == name.lowercased() } ?? StageName.deploy(name)
        guard current.stageNames.contains(stage) else {
            throw ShellError.failure("the pipeline has no stage \(name)",
                                     hint: "its stages: \(current.stageNames.map { StageName.environment(of: $0) ?? $0 }.joined(separator: ", "))"
                                        + " (a stage with nothing to deploy is left out, as Copilot does)")
        }
        return stage
    }
}

import Errors
import Foundation
import Targets
import Manifest

/// pipeline ls / new / use / rm / show.
enum PipelineCommands {
    static func list(_ invocation: Invocation, _ session: Session) async throws {
        let workspace = try session.requireWorkspace()
        var rows = workspace.pipelines.map { ($0.name, $0.manifestPathInWorkspace, $0 == session.pipeline?.files) }
        if let open = session.pipeline, !workspace.pipelines.contains(open.files) {
            rows.append((open.name, open.files.manifestPathInWorkspace + " (unsaved)", true))
        }
        if session.pipeline == nil, !rows.isEmpty { rows[0].2 = true }
        if session.printsJSON(invocation) {
            session.output.line(try JSONText.encode(rows.map { PipelineListing(name: $0.0, manifest: $0.1, editing: $0.2) }))
            return
        }
        guard !rows.isEmpty else {
            session.output.message("no pipelines (`pipeline new NAME` starts one)")
            return
        }
        let width = rows.map(\.0.count).max() ?? 0
        for (name, path, current) in rows {
            session.output.line("\(current ? "*" : " ") \(name.padded(to: width))  \(path)")
        }
    }

    static func new(_ invocation: Invocation, _ session: Session) async throws {
        let name = invocation.required("NAME")
        let workspace = try session.requireWorkspace()
        let kind = invocation["TYPE"].flatMap(PipelineKind.init(rawValue:))
        if let open = session.pipeline, open.name == name || open.files.name == name {
            try requireKind(kind, of: open, invocation, session)
            session.output.message("unchanged: editing pipeline \(name)")
            return
        }
        try session.requireNoUnsavedEdits(before: "starting another pipeline")
        if let existing = workspace.pipeline(named: name) {
            let open = try session.open(existing)
            try requireKind(kind, of: open, invocation, session)
            session.pipeline = open
            session.history.forget()
            session.output.message("unchanged: pipeline \(name) exists (\(existing.manifestPathInWorkspace)); editing it")
            return
        }
        let source = session.defaultSource()
        let created = try session.newPipeline(named: name, in: workspace, source: source, kind: kind ?? .workloads)
        session.output.message("created \(kind == .environments ? "environments " : "")pipeline \(name) "
                            + "(\(created.files.manifestPathInWorkspace), written on save)"
                            + (source == nil ? "; no repository yet: `source set github https://github.com/OWNER/REPO` names it" : ""))
    }

    /// A `type` asked of a pipeline that exists must be its type: a script converges, or says why it cannot.
    private static func requireKind(_ kind: PipelineKind?, of open: OpenPipeline, _ invocation: Invocation, _ session: Session) throws {
        let existing = session.kind(of: open)
        guard let kind, kind != existing else { return }
        throw ShellError.failure("pipeline \(open.name) exists and deploys \(existing.rawValue), not \(kind.rawValue)",
                                 hint: "`pipeline new` with another name starts a new \(kind.rawValue) pipeline", at: invocation.location(of: "TYPE"))
    }

    static func use(_ invocation: Invocation, _ session: Session) async throws {
        let name = invocation.required("NAME")
        let workspace = try session.requireWorkspace()
        if session.pipeline?.files.name == name || session.pipeline?.name == name {
            session.output.message("unchanged: editing pipeline \(name)")
            return
        }
        guard let files = workspace.pipeline(named: name) else {
            throw ShellError.failure("no pipeline named \(name)", hint: Suggestions.hint(for: name, among: workspace.pipelines.map(\.name))
                ?? Self.listing(workspace), at: invocation.location(of: "NAME"))
        }
        try session.requireNoUnsavedEdits(before: "switching pipelines")
        session.pipeline = try session.open(files)
        session.history.forget()
        session.output.message("editing pipeline \(name) (\(files.manifestPathInWorkspace))")
    }

    static func remove(_ invocation: Invocation, _ session: Session) async throws {
        let name = invocation.required("NAME")
        let workspace = try session.requireWorkspace()
        guard let files = workspace.pipeline(named: name) else {
            throw ShellError.failure("no pipeline named \(name)", hint: Suggestions.hint(for: name, among: workspace.pipelines.map(\.name))
                ?? Self.listing(workspace), at: invocation.location(of: "NAME"))
        }
        let isOpen = session.pipeline?.files == files
        if isOpen { try session.requireNoUnsavedEdits(before: "removing it") }
        let paths = [files.manifestPathInWorkspace, session.relativePath(files.buildspec)]
        let onAWS: Bool
        if case .aws = session.targets.choice { onAWS = true } else { onAWS = false }
        let question = onAWS ? "Delete pipeline \(name) from application \(workspace.application): its stack on AWS, and \(paths.joined(separator: " and "))?"
            : "Remove pipeline \(name) (\(paths.joined(separator: " and ")))?"
        guard try await session.confirmed(invocation, question, declined: "not removed: pipeline \(name)",
                                          doing: "remove \(paths.joined(separator: " and "))") else { return }
        if onAWS {
            // Copilot's `pipeline delete`: the deployed stack goes first, so no pipeline is left without its files.
            let context = PipelineContext(workspaceRoot: workspace.root, application: workspace.application,
                                          manifest: try ManifestDocument.load(contentsOf: files.manifest).manifest,
                                          manifestPath: files.manifestPathInWorkspace,
                                          buildspecPath: session.relativePath(files.buildspec))
            let target = try session.targets.target(workspaceRoot: workspace.root)
            try await target.remove(context, deleteSecret: invocation.has("--delete-secret"), ui: session.targetUI)
        }
        let removed = try session.removeFiles(of: files, named: name, wasOpen: isOpen)
        if isOpen { session.history.forget() }
        session.history.record(.removal(removed))
        session.output.message("removed pipeline \(name) (\(paths.joined(separator: " and "))); `undo` puts the files back"
                               + (onAWS ? " (not the deleted stack: `push` deploys it again)" : ""))
    }

    static func show(_ invocation: Invocation, _ session: Session) async throws {
        let open = try session.requirePipeline()
        let manifest = open.manifest
        let output = session.output
        output.message("pipeline \(manifest.name)\(open.isDirty ? " (unsaved edits)" : "")", style: .bold)
        output.message("  manifest   \(open.files.manifestPathInWorkspace)")
        output.message("  buildspec  \(PipelinePlan.buildspecPath(manifest, beside: session.relativePath(open.files.buildspec)))")
        SourceCommands.describe(manifest.source, to: output)
        StageCommands.describe(manifest.stages, to: output)
        let resources = invocation.has("--resources")
        if case .local = session.targets.choice, resources {
            throw ShellError.failure("`pipeline show --resources` lists the resources of the pipeline's CloudFormation stack, "
                                     + "and the local target deploys none", hint: "`target aws` deploys one",
                                     at: invocation.location(ofArgument: "--resources"))
        }
        if case .aws = session.targets.choice, let workspace = session.workspace {
            let context = PipelineContext(workspaceRoot: workspace.root, application: workspace.application, manifest: manifest,
                                          manifestPath: open.files.manifestPathInWorkspace,
                                          buildspecPath: session.relativePath(open.files.buildspec))
            let target = try session.targets.target(workspaceRoot: workspace.root)
            for line in try await target.deployedDescription(context, resources: resources) { output.line(line) }
        }
    }

    /// Copilot's `pipeline override`: scaffolds the overrides directory Copilot (and push) apply, refusing one that is
    /// not empty, as Copilot does, so no override anyone wrote is replaced.
    static func override(_ invocation: Invocation, _ session: Session) async throws {
        let workspace = try session.requireWorkspace()
        let name: String
        if let given = invocation["NAME"] {
            guard workspace.pipeline(named: given) != nil else {
                throw ShellError.failure("no pipeline named \(given)", hint: Suggestions.hint(for: given, among: workspace.pipelines.map(\.name))
                    ?? Self.listing(workspace), at: invocation.location(of: "NAME"))
            }
            name = given
        } else {
            name = try session.requirePipeline().name
        }
        let directory = PipelineOverrides.directory(pipeline: name)
        let url = workspace.root.appendingPathComponent(directory)
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: url.path), !entries.isEmpty {
            throw ShellError.failure("\(directory) is not empty",
                                     hint: "its overrides are applied as they are (`pipeline package` prints the result); remove it to scaffold anew")
        }
        try session.commit(PipelineOverrides.yamlPatchScaffold.map { file, text in
            FileChange(url: url.appendingPathComponent(file), displayPath: "\(directory)/\(file)", expected: .absent, replacement: Data(text.utf8))
        })
        session.output.message("created \(directory)/\(PipelineOverrides.patchFile) to override the pipeline's template: "
                               + "follow \(directory)/README.md; `pipeline package` prints the template patched")
    }

    private static func listing(_ workspace: Workspace) -> String {
        workspace.pipelines.isEmpty ? "the workspace has no pipelines" :
            "pipelines are: " + workspace.pipelines.map(\.name).joined(separator: ", ")
    }
}

extension Session {
    /// Refuses to leave a pipeline whose edits are not saved (they would be lost silently).
    func requireNoUnsavedEdits(before action: String) throws {
        guard let open = pipeline, open.isDirty else { return }
        throw ShellError.failure("pipeline \(open.name) has unsaved edits",
                                 hint: "`save` them (or `reload` to drop them) before \(action)")
    }

}

/// A line of `pipeline ls --json`.
private struct PipelineListing: Encodable {
    var name: String
    var manifest: String
    var editing: Bool
}

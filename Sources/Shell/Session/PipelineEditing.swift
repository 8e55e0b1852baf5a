import CopilotRules
import Errors
import Foundation
import Manifest
import Targets

// How commands reach the workspace and the pipeline: opening, creating on first edit,
// applying an edit with undo, saving through the workspace lock and the script journal.

extension Session {
    /// The workspace, or the reason there is none.
    func requireWorkspace() throws -> Workspace {
        if let workspace { return workspace }
        throw workspaceProblem ?? ShellError.failure("not in a Copilot workspace")
    }

    /// The pipeline being edited; opens the workspace's first pipeline when none is open yet.
    /// Throws when the workspace has no pipeline.
    func requirePipeline() throws -> OpenPipeline {
        if let pipeline { return pipeline }
        let workspace = try requireWorkspace()
        guard let files = workspace.pipelines.first else {
            throw ShellError.failure("the workspace has no pipeline yet",
                                     hint: "`pipeline new NAME` starts one, and so does any editing command (`source set github OWNER/REPO`)")
        }
        let opened = try open(files)
        pipeline = opened
        return opened
    }

    /// Reads a pipeline's manifest from disk.
    func open(_ files: PipelineFiles) throws -> OpenPipeline {
        OpenPipeline(files: files, document: try ManifestDocument.load(contentsOf: files.manifest), pendingBuildspec: nil)
    }

    /// The pipeline an editing command changes, and whether this call created it. In a
    /// workspace without one, creates a pipeline with Copilot's defaults (named REPO-BRANCH,
    /// branch main) tracking `source` — or the workspace's git `origin` — and says where it will
    /// be written. With neither it refuses: the name comes from the repository, and a pipeline
    /// tracking none would be saved as one Copilot refuses.
    func pipelineForEditing(source: SourceSetting? = nil) throws -> (OpenPipeline, created: Bool) {
        let workspace = try requireWorkspace()
        if pipeline != nil || !workspace.pipelines.isEmpty { return (try requirePipeline(), false) }
        guard let tracked = source ?? defaultSource() else {
            throw ShellError.failure("the workspace has no pipeline yet, and the repository a new one would track is not known",
                                     hint: "`source set github https://github.com/OWNER/REPO` starts one named REPO-main "
                                        + "(or `pipeline new NAME`, then `source set`)")
        }
        let name = PipelineNameRule.defaultName(repository: RepositoryName.lastComponent(tracked.repository), branch: tracked.branch ?? "main")
        let created = try newPipeline(named: name, in: workspace, source: tracked)
        output.message("created pipeline \(name) (\(created.files.manifestPathInWorkspace), written on save)")
        return (created, true)
    }

    /// What a new pipeline tracks unless told: the git `origin`, else the source of the
    /// pipeline being edited (or the workspace's first).
    func defaultSource() -> SourceSetting? {
        if let workspace, let origin = GitRemote.origin(of: workspace.root) { return origin }
        let existing = pipeline ?? workspace?.pipelines.first.flatMap { try? open($0) }
        guard let source = existing?.manifest.source, let repository = source.properties.repository else { return nil }
        return SourceSetting(provider: source.provider, repository: repository, branch: source.properties.branch)
    }

    /// A new pipeline from Copilot's templates, made current; nothing is written until `save`.
    @discardableResult
    func newPipeline(named name: String, in workspace: Workspace, source: SourceSetting?, kind: PipelineKind = .workloads) throws -> OpenPipeline {
        let files = try workspace.filesForNewPipeline(named: name)
        let scaffold = try PipelineScaffold.make(name: name, files: files, workspace: workspace, source: source.map {
            Source(provider: $0.provider, properties: SourceProperties(repository: $0.repository, branch: $0.branch))
        }, kind: kind)
        let created = OpenPipeline(files: files, document: scaffold.manifest, pendingBuildspec: scaffold.buildspec)
        pipeline = created
        history.forget()
        return created
    }

    /// Whether `open` deploys workloads or environments (see PipelineKind.of): from its stages, else
    /// its buildspec beside the manifest (a new pipeline's until saved).
    func kind(of open: OpenPipeline) -> PipelineKind {
        PipelineKind.of(open.document, buildspec: open.pendingBuildspec
            ?? (try? TextFile.bytes(at: open.files.buildspec, displayPath: relativePath(open.files.buildspec))).flatMap { $0 }
            .map { String(decoding: $0, as: UTF8.self) })
    }

    /// Applies one edit to the pipeline (creating it first if the workspace has none) and
    /// says what happened: `done` when the text changed, `unchanged` when it was already so.
    /// A change is undoable; patches addressing a stage by position follow it in the same step (see
    /// ``patchesFollowStages(of:from:)``). `creating: false` for removals and edits of a stage that must exist: nothing to
    /// change in no pipeline (the stage is looked up in the edit, which throws ``NoSuchStage``).
    func edit(_ done: String, unchanged: String, source: SourceSetting? = nil, creating: Bool = true,
              _ change: (inout ManifestDocument) throws -> Bool) throws {
        var (open, created) = creating ? try pipelineForEditing(source: source) : (try requirePipeline(), false)
        let stagesBefore = try templateStageNames(open)
        // The document is changed in place, not copied: a failing change takes itself back.
        pipeline = nil
        defer { pipeline = open }
        guard let made = try open.document.change(change) else {
            if created { output.message(done) } else { output.message("unchanged: \(unchanged)") }
            return
        }
        let followed: (change: PatchesDocument.Change, removed: [String])?
        do {
            followed = try patchesFollowStages(of: &open, from: stagesBefore)
        } catch {
            try open.document.undo(made)
            throw error
        }
        let said = done + (followed.map { $0.removed.isEmpty ? "" : " and its \($0.removed.joined(separator: " and "))" } ?? "")
        if !created {
            history.record(.edit(PipelineEdit(change: made, overrides: followed?.change, summary: said)))
        }
        output.message(said)
    }

    /// Writes the pipeline's manifest (and a new pipeline's buildspec). Returns false when
    /// there was nothing to write. In a script this commits: a later failure no longer puts
    /// back what the script wrote up to here (see ``FileJournal``).
    @discardableResult
    func savePipeline() throws -> Bool {
        guard var open = pipeline, open.isDirty else { return false }
        var changes: [FileChange] = []
        // A new pipeline's manifest and buildspec are written as a unit; a buildspec already
        // there (the user's own) is kept.
        if let buildspec = open.pendingBuildspec, !FileManager.default.fileExists(atPath: open.files.buildspec.path) {
            changes.append(FileChange(url: open.files.buildspec, displayPath: relativePath(open.files.buildspec),
                                      expected: .absent, replacement: Data(buildspec.utf8)))
        }
        var manifest = try open.document.saveChange()
        manifest.displayPath = relativePath(open.files.manifest)
        if open.manifest.source.properties.repository?.isEmpty ?? true {
            // Saved, as asked; said, since Copilot refuses the file until it names one.
            output.finding(Problem("\(manifest.displayPath) names no repository yet",
                                   hint: "`source set github https://github.com/OWNER/REPO` names it"), severity: "warning")
        }
        changes.append(manifest)
        // The patches count as on disk only when written: an unwritten empty file must not stand for the overrides.
        let patchesWritten = open.patches?.hasUnsavedChanges == true
        if patchesWritten, let patches = open.patches { changes.append(patches.saveChange()) }
        try commit(changes)
        journal?.forget()
        open.pendingBuildspec = nil
        open.document.didSave()
        if patchesWritten { open.patches?.didSave() }
        pipeline = open
        if let workspace { self.workspace = try Workspace.load(root: workspace.root) }
        return true
    }

    /// Writes pending edits and says so: at the end of a successful script, and before `push`
    /// (a target deploys the committed files).
    func savePendingEdits() throws {
        guard let open = pipeline, open.isDirty else { return }
        try savePipeline()
        output.message("saved " + open.savedPaths.joined(separator: " and "))
    }

    /// What a target needs: the pipeline's manifest (unsaved edits included) and paths. It writes
    /// nothing: only `push` saves, first (reading commands never change the workspace).
    func pipelineContext() throws -> PipelineContext {
        let workspace = try requireWorkspace()
        let current = try requirePipeline()
        return PipelineContext(workspaceRoot: workspace.root, application: workspace.application,
                               manifest: current.manifest, manifestPath: current.files.manifestPathInWorkspace,
                               buildspecPath: relativePath(current.files.buildspec), overrides: current.patches?.asOverrides)
    }

    /// The buildspec the pipeline's Build runs (the manifest's `build.buildspec`, else the one beside
    /// the manifest), relative to the workspace, and its text as the Build will read it (a new
    /// pipeline's own before its first save).
    func buildspec(of open: OpenPipeline) throws -> (path: String, text: String) {
        let beside = relativePath(open.files.buildspec)
        let path = PipelinePlan.buildspecPath(open.manifest, beside: beside)
        if path == beside, let pending = open.pendingBuildspec { return (path, pending) }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : try requireWorkspace().root.appendingPathComponent(path)
        do {
            guard let data = try TextFile.bytes(at: url, displayPath: path) else {
                throw ShellError.failure("no file \(path), the buildspec the pipeline's Build runs",
                                         hint: path == beside ? "`save` writes a new pipeline's buildspec" : "`build buildspec PATH` names another")
            }
            return (path, try TextFile.decode(data, file: path))
        } catch let error as ManifestError {
            throw shellError(from: error)
        }
    }

    /// The pipeline being edited (unsaved edits included) checked against the rule book, each finding printed
    /// when `printing`; the validation's file is the manifest's path in the workspace.
    func validatePipeline(printing: Bool) throws -> Validation {
        let workspace = try requireWorkspace()
        let open = try requirePipeline()
        var validation = PipelineValidator(workspace: workspace).validate(open.document, overrides: try v2Overrides())
        validation.file = open.files.manifestPathInWorkspace
        for diagnostic in validation.diagnostics where printing {
            output.finding(diagnostic.problem, severity: diagnostic.severity.rawValue)
        }
        return validation
    }

    /// `url` relative to the workspace root when inside it.
    func relativePath(_ url: URL) -> String {
        guard let root = workspace?.root.standardizedFileURL.path else { return url.path }
        let path = url.standardizedFileURL.path
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}

extension Session {
    /// Whether a command that destroys may go ahead: given `--yes`, or answered yes at the terminal. A
    /// script must give `--yes` (it is refused, saying so); a no says `declined` and does nothing.
    /// `record --all` writes a yes as the command with `--yes`.
    func confirmed(_ invocation: Invocation, _ question: String, declined: String, doing what: String) async throws -> Bool {
        if invocation.has("--yes") { return true }
        guard targetUI.isInteractive else { throw confirmationNeeded(invocation, doing: what) }
        guard await targetUI.confirm(question) else {
            output.message(declined)
            recording.scriptEquivalent = []
            return false
        }
        recording.scriptEquivalent = [invocation.scriptLine + " --yes"]
        return true
    }

    /// The refusal of a script that asks for what must be confirmed, and what it writes instead.
    func confirmationNeeded(_ invocation: Invocation, doing what: String) -> ShellError {
        ShellError.failure("\(invocation.spec.name) needs confirmation, and a script cannot give it",
                           hint: "write `\(invocation.scriptLine) --yes` to \(what)")
    }

    /// Removes a pipeline's manifest and buildspec as one unit (a kill midway is completed by the next
    /// sluice), and its folder when that is left empty; returns what `undo` needs to put them back.
    /// `holding`: what each file must still hold (the bytes `undo` put back), else anything.
    func removeFiles(of files: PipelineFiles, named name: String, wasOpen: Bool, holding: [URL: Data] = [:]) throws -> RemovedPipeline {
        let urls = [files.manifest, files.buildspec]
        let before = try commit(urls.map { url in
            FileChange(url: url, displayPath: relativePath(url), expected: holding[url].map { .contents($0) } ?? .anything, replacement: nil)
        })
        if files.layout == .directory {
            let directory = files.manifest.deletingLastPathComponent()
            if (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        if wasOpen { pipeline = nil }
        if let workspace { self.workspace = try Workspace.load(root: workspace.root) }
        return RemovedPipeline(name: name, files: files, contents: zip(urls, before).compactMap { url, data in data.map { (url, $0) } },
                               wasOpen: wasOpen)
    }

    /// `undo` of a removal: the files come back while nothing took their place meanwhile.
    func restore(_ removed: RemovedPipeline) throws {
        try commit(removed.contents.map { FileChange(url: $0.url, displayPath: relativePath($0.url), expected: .absent, replacement: $0.data) })
        if let workspace { self.workspace = try Workspace.load(root: workspace.root) }
        if removed.wasOpen { pipeline = try open(removed.files) }
    }

    /// `redo` of a removal: the files go again while they still hold what was put back.
    func removeAgain(_ removed: RemovedPipeline) throws {
        _ = try removeFiles(of: removed.files, named: removed.name, wasOpen: removed.wasOpen,
                            holding: Dictionary(removed.contents.map { ($0.url, $0.data) }) { first, _ in first })
    }
}

/// What a pipeline tracks: the arguments of `source set`, or what the git remote says.
struct SourceSetting {
    var provider: SourceProvider
    /// The URL Copilot writes in `source.properties.repository`.
    var repository: String
    var branch: String?
}

/// Repository names for the default pipeline name (REPO-BRANCH) and the token secret.
enum RepositoryName {
    /// `https://github.com/acme/api.git` → `api`; `acme/api` → `api`.
    static func lastComponent(_ repository: String) -> String {
        var name = repository
        while name.hasSuffix("/") { name.removeLast() }
        if let slash = name.lastIndex(where: { $0 == "/" || $0 == ":" }) { name = String(name[name.index(after: slash)...]) }
        if name.hasSuffix(".git") { name.removeLast(4) }
        return name.isEmpty ? "pipeline" : name
    }
}

/// The workspace repository's `origin`, as Copilot's `pipeline init` reads it.
enum GitRemote {
    /// The source `origin` points at (read from .git/config), when it is a host Copilot knows.
    static func origin(of root: URL) -> SourceSetting? {
        remotes(of: root).first { $0.name == "origin" }?.source
    }

    /// Every remote whose URL is on a host Copilot knows, in .git/config's order (what
    /// `copilot pipeline init` offers from `git remote -v`).
    static func remotes(of root: URL) -> [(name: String, source: SourceSetting)] {
        guard let config = try? String(contentsOf: root.appendingPathComponent(".git/config"), encoding: .utf8) else { return [] }
        var remote: String?
        var found: [(name: String, source: SourceSetting)] = []
        for line in config.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                remote = trimmed.hasPrefix("[remote \"") && trimmed.hasSuffix("\"]") ? String(trimmed.dropFirst(9).dropLast(2)) : nil
            }
            if let remote, trimmed.hasPrefix("url"), let equals = trimmed.firstIndex(of: "="),
               let source = source(fromURL: trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)),
               !found.contains(where: { $0.source.repository == source.repository }) {
                found.append((remote, source))
            }
        }
        return found
    }

    /// The branch checked out (.git/HEAD), Copilot's guess at the branch to follow.
    static func currentBranch(of root: URL) -> String? {
        guard let head = try? String(contentsOf: root.appendingPathComponent(".git/HEAD"), encoding: .utf8),
              head.hasPrefix("ref: refs/heads/") else { return nil }
        return head.dropFirst("ref: refs/heads/".count).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git@github.com:acme/api.git` or `https://github.com/acme/api.git` → GitHub https://github.com/acme/api,
    /// read by the rule `source set` and `validate` use.
    static func source(fromURL text: String) -> SourceSetting? {
        RepositoryLocation.remote(text).map { SourceSetting(provider: $0.provider, repository: $0.repository, branch: nil) }
    }
}

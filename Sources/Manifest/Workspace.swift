import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Yams

/// A Copilot workspace: the directory holding `copilot/.workspace`, and what Copilot keeps beside it.
///
/// Found with ``locate(from:)`` from any directory up to ``searchDepth`` levels below the root.
/// Lists are read once, at discovery; call ``locate(from:)`` again after creating files.
public struct Workspace: Equatable, Sendable {
    /// The directory that contains `copilot/`.
    public let root: URL
    /// `application` from `copilot/.workspace`.
    public let application: String
    /// Environment names (`copilot/environments/NAME/manifest.yml`), sorted.
    public let environments: [String]
    /// Every `copilot/NAME/manifest.yml` but the environments' and pipelines', sorted by name: the services and
    /// jobs, and any other directory with a manifest (the rule book tells workloads by their type).
    public let workloads: [Workload]
    /// Pipelines in both layouts: the legacy one first, then `copilot/pipelines/*` by name.
    public let pipelines: [PipelineFiles]

    /// How many directories above the starting one are searched, as Copilot does.
    public static let searchDepth = 5

    public var copilotDirectory: URL { root.appendingPathComponent("copilot", isDirectory: true) }

    /// Finds `copilot/.workspace` in `directory` or up to ``searchDepth`` levels above it and reads the workspace.
    public static func locate(from directory: URL) throws -> Workspace {
        var candidate = directory.standardizedFileURL
        var searched: [String] = []
        for _ in 0...searchDepth {
            let marker = candidate.appendingPathComponent("copilot/.workspace")
            if FileManager.default.fileExists(atPath: marker.path) { return try load(root: candidate) }
            searched.append(candidate.path)
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { break }
            candidate = parent
        }
        throw ManifestError(
            file: directory.path,
            message: "not in a Copilot workspace: no copilot/.workspace in \(searched.first ?? directory.path) "
                + "or the \(searched.count - 1) directories above it",
            hint: "run sluice inside a Copilot workspace, or create one with `copilot app init`")
    }

    /// Reads the workspace whose `copilot/` directory is directly inside `root`.
    public static func load(root: URL) throws -> Workspace {
        let copilot = root.appendingPathComponent("copilot", isDirectory: true)
        let marker = copilot.appendingPathComponent(".workspace")
        let application = try readApplication(marker)
        let environmentsDirectory = copilot.appendingPathComponent("environments", isDirectory: true)
        let environments = subdirectories(of: environmentsDirectory).filter {
            FileManager.default.fileExists(atPath: environmentsDirectory.appendingPathComponent("\($0)/manifest.yml").path)
        }
        let workloads = subdirectories(of: copilot)
            .filter { $0 != "environments" && $0 != "pipelines" }
            .compactMap { name -> Workload? in
                let manifest = copilot.appendingPathComponent("\(name)/manifest.yml")
                guard FileManager.default.fileExists(atPath: manifest.path) else { return nil }
                return Workload(name: name, type: topLevelScalar("type", in: manifest))
            }
        var pipelines: [PipelineFiles] = []
        let legacy = copilot.appendingPathComponent("pipeline.yml")
        if FileManager.default.fileExists(atPath: legacy.path) {
            pipelines.append(PipelineFiles(name: topLevelScalar("name", in: legacy) ?? "pipeline", layout: .legacy,
                                           manifest: legacy, buildspec: copilot.appendingPathComponent("buildspec.yml")))
        }
        let pipelinesDirectory = copilot.appendingPathComponent("pipelines", isDirectory: true)
        for name in subdirectories(of: pipelinesDirectory) {
            let directory = pipelinesDirectory.appendingPathComponent(name, isDirectory: true)
            let manifest = directory.appendingPathComponent("manifest.yml")
            guard FileManager.default.fileExists(atPath: manifest.path) else { continue }
            pipelines.append(PipelineFiles(name: name, layout: .directory, manifest: manifest,
                                           buildspec: directory.appendingPathComponent("buildspec.yml")))
        }
        return Workspace(root: root, application: application, environments: environments,
                         workloads: workloads, pipelines: pipelines)
    }

    /// Whether the workspace has the environment `name`: a binary search, ``environments`` being sorted.
    public func hasEnvironment(_ name: String) -> Bool {
        var low = 0, high = environments.count
        while low < high {
            let middle = (low + high) / 2
            if environments[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low < environments.count && environments[low] == name
    }

    /// The pipeline called `name`, if the workspace has one.
    public func pipeline(named name: String) -> PipelineFiles? {
        pipelines.first { $0.name == name }
    }

    /// What `url` is to this workspace when Copilot, a pipeline or sluice reads it — a pipeline's
    /// manifest, its buildspec and every buildspec its manifest points at (`extra`: files of a pipeline
    /// not on disk yet; `edited`: the manifests as edited, by pipeline name, over those on disk), its
    /// overrides, the workspace file, an environment's or a workload's manifest, addons and overrides,
    /// sluice's state in `.sluice/` — else nil. Links are followed on both sides, so another name for
    /// one of these files is recognised too. A file named by the user is never written there.
    public func ownFile(_ url: URL, extra: [PipelineFiles] = [], edited: [String: PipelineManifest] = [:]) -> String? {
        let path = Self.realPath(url)
        func inside(_ directory: URL) -> Bool { path.hasPrefix(Self.realPath(directory) + "/") }
        for files in pipelines + extra {
            if path == Self.realPath(files.manifest) { return "the manifest of pipeline \(files.name)" }
            if path == Self.realPath(files.buildspec) { return "the buildspec of pipeline \(files.name)" }
            let manifest = edited[files.name] ?? (try? ManifestDocument.load(contentsOf: files.manifest))?.manifest
            for (buildspec, user) in manifest?.buildspecs ?? [] where path == Self.realPath(root.appendingPathComponent(buildspec)) {
                return "the buildspec pipeline \(files.name) runs in \(user)"
            }
            if inside(root.appendingPathComponent(PipelineOverrides.directory(pipeline: manifest?.name ?? files.name))) {
                return "in the overrides of pipeline \(files.name)"
            }
        }
        // Where a workspace's first pipeline will be written, even before it is.
        for name in ["pipeline.yml", "buildspec.yml"] where path == Self.realPath(copilotDirectory.appendingPathComponent(name)) {
            return "where Copilot keeps the pipeline's \(name == "pipeline.yml" ? "manifest" : "buildspec")"
        }
        if path == Self.realPath(copilotDirectory.appendingPathComponent(".workspace")) { return "the workspace file" }
        let read = environments.map { ("environment \($0)", "environments/\($0)") } + workloads.map { ("workload \($0.name)", $0.name) }
        for (what, directory) in read {
            let folder = copilotDirectory.appendingPathComponent(directory, isDirectory: true)
            if path == Self.realPath(folder.appendingPathComponent("manifest.yml")) { return "the manifest of \(what)" }
            for part in ["addons", "overrides"] where inside(folder.appendingPathComponent(part)) { return "in the \(part) of \(what)" }
        }
        if inside(SluiceDirectory.url(in: root)) { return "in sluice's own state (.sluice/)" }
        return nil
    }

    /// `url` with every symbolic link resolved (for a file not there yet, its directory's).
    static func realPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let directory = (path as NSString).deletingLastPathComponent
        guard directory != path, !directory.isEmpty else { return path }
        return (realPath(URL(fileURLWithPath: directory)) as NSString).appendingPathComponent((path as NSString).lastPathComponent)
    }

    /// Where a new pipeline called `name` goes: the first pipeline of a workspace uses the legacy
    /// layout every Copilot version reads (`copilot/pipeline.yml` + `copilot/buildspec.yml`);
    /// further ones go to `copilot/pipelines/NAME/`. Throws if the name is taken or unusable as a directory.
    public func filesForNewPipeline(named name: String) throws -> PipelineFiles {
        if let existing = pipeline(named: name) {
            throw ManifestError(file: existing.manifest.path, message: "a pipeline named \(name) already exists",
                                hint: "pick another name, or edit it with `pipeline use \(name)`")
        }
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw ManifestError(file: copilotDirectory.path, message: "\"\(name)\" cannot name a pipeline directory",
                                hint: "use letters, digits and hyphens, starting with a letter")
        }
        let legacyManifest = copilotDirectory.appendingPathComponent("pipeline.yml")
        let legacyBuildspec = copilotDirectory.appendingPathComponent("buildspec.yml")
        if pipelines.isEmpty, !FileManager.default.fileExists(atPath: legacyBuildspec.path) {
            return PipelineFiles(name: name, layout: .legacy, manifest: legacyManifest, buildspec: legacyBuildspec)
        }
        let directory = copilotDirectory.appendingPathComponent("pipelines/\(name)", isDirectory: true)
        return PipelineFiles(name: name, layout: .directory, manifest: directory.appendingPathComponent("manifest.yml"),
                             buildspec: directory.appendingPathComponent("buildspec.yml"))
    }

    private static func readApplication(_ marker: URL) throws -> String {
        guard let data = try TextFile.bytes(at: marker, displayPath: marker.path) else {
            throw ManifestError(file: marker.path, message: "the workspace file is gone", hint: "`copilot app init` writes it")
        }
        let text = try TextFile.decode(data, file: marker.path)
        let node: Node?
        do { node = try composeAsText(text, aliases: .bounded, file: marker.path) } catch {
            throw ManifestDocument.located(yamlError: error, file: marker.path)
        }
        guard let application = node?["application"]?.scalar?.string, !application.isEmpty else {
            throw ManifestError(file: marker.path, line: 1, column: 1, message: "the workspace file names no application",
                                hint: "it should hold one line, `application: NAME`, as `copilot app init` writes it")
        }
        return application
    }

    /// Sorted names of the directories directly inside `directory` (none if it is absent).
    private static func subdirectories(of directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// A top-level scalar of a YAML file, or nil if the file is unreadable or lacks it.
    private static func topLevelScalar(_ key: String, in file: URL) -> String? {
        guard let data = try? TextFile.bytes(at: file, displayPath: file.path), let text = try? TextFile.decode(data, file: file.path),
              let node = try? composeAsText(text, aliases: .bounded, file: file.path) else { return nil }
        return node[key]?.scalar?.string
    }
}

/// A service or job of the workspace.
public struct Workload: Equatable, Sendable {
    public let name: String
    /// The manifest's `type` ("Load Balanced Web Service", "Scheduled Job", …); nil if unreadable.
    public let type: String?

    public init(name: String, type: String?) {
        self.name = name
        self.type = type
    }
}

/// The two files of one pipeline.
public struct PipelineFiles: Equatable, Sendable {
    public enum Layout: String, Equatable, Sendable {
        /// `copilot/pipeline.yml` + `copilot/buildspec.yml`: one pipeline per workspace.
        case legacy
        /// `copilot/pipelines/NAME/manifest.yml` + `buildspec.yml`.
        case directory
    }

    /// For the directory layout the directory's name; for the legacy layout the manifest's `name`.
    public let name: String
    public let layout: Layout
    public let manifest: URL
    public let buildspec: URL

    public init(name: String, layout: Layout, manifest: URL, buildspec: URL) {
        self.name = name
        self.layout = layout
        self.manifest = manifest
        self.buildspec = buildspec
    }

    /// The manifest's path relative to the workspace root, as the buildspec reads it
    /// (`copilot/pipeline.yml` or `copilot/pipelines/NAME/manifest.yml`).
    public var manifestPathInWorkspace: String {
        switch layout {
        case .legacy: return "copilot/pipeline.yml"
        case .directory: return "copilot/pipelines/\(manifest.deletingLastPathComponent().lastPathComponent)/manifest.yml"
        }
    }
}

import Foundation
import Manifest

// TEMPORARY, removed when Manifest's editing API lands on main: the shapes the commands
// call, each answering that the manifest editor is not on main yet. Nothing here edits.

struct SourceChange {
    var provider: SourceProvider
    var repository: String
    var branch: String?
    var connectionName: String?
    var accessTokenSecret: String?
}

enum StagePosition {
    case end
    case before(String)
    case after(String)
}

enum DeploymentPhase: CustomStringConvertible {
    case pre
    case post
    var description: String { self == .pre ? "pre" : "post" }
}

struct Diagnostic {
    enum Severity { case error, warning }
    var severity: Severity
    var message: String
    var hint: String?
    var location: Manifest.SourceLocation?
}

private let pendingEditor = ShellError.failure("editing manifests needs Manifest's editor, which is not on main yet",
                                               hint: "`show`, `stage ls` and the other reading commands work now")

struct PipelineValidator {
    init(workspace: Workspace) {}
    func validate(_ document: ManifestDocument) throws -> [Diagnostic] { throw pendingEditor }
}

enum PipelineScaffold {
    static func make(name: String, files: PipelineFiles, workspace: Workspace) throws -> (manifest: ManifestDocument, buildspec: String) {
        throw pendingEditor
    }
}

extension ManifestDocument {
    mutating func setSource(_ change: SourceChange) throws -> Bool { throw pendingEditor }
    mutating func addStage(_ name: String, at position: StagePosition) throws -> Bool { throw pendingEditor }
    mutating func removeStage(_ name: String) throws -> Bool { throw pendingEditor }
    mutating func moveStage(_ name: String, to position: StagePosition) throws -> Bool { throw pendingEditor }
    mutating func setApproval(_ on: Bool, forStage stage: String) throws -> Bool { throw pendingEditor }
    mutating func addTestCommand(_ command: String, toStage stage: String) throws -> Bool { throw pendingEditor }
    mutating func removeTestCommand(at index: Int, fromStage stage: String) throws -> Bool { throw pendingEditor }
    mutating func setDeployment(_ deployment: Deployment, inStage stage: String) throws -> Bool { throw pendingEditor }
    mutating func removeDeployment(_ name: String, fromStage stage: String) throws -> Bool { throw pendingEditor }
    mutating func setDeploymentAction(_ action: DeploymentAction, phase: DeploymentPhase, inStage stage: String) throws -> Bool {
        throw pendingEditor
    }
    mutating func removeDeploymentAction(_ name: String, phase: DeploymentPhase, fromStage stage: String) throws -> Bool {
        throw pendingEditor
    }
    mutating func setBuildImage(_ image: String) throws -> Bool { throw pendingEditor }
    mutating func setBuildspecPath(_ path: String) throws -> Bool { throw pendingEditor }
    mutating func setAdditionalPolicy(fromDocumentText text: String, file: String) throws -> Bool { throw pendingEditor }
    func replacingText(_ text: String) throws -> ManifestDocument { throw pendingEditor }
}

import Foundation
import Manifest

// TEMPORARY, removed when Manifest's editing API lands on main: the shapes the commands
// call, each answering that the manifest editor is not on main yet. Nothing here edits.

enum StagePosition {
    case end
    case before(String)
    case after(String)
}

enum ActionTiming: String {
    case pre = "pre_deployments"
    case post = "post_deployments"
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
    mutating func setSource(provider: SourceProvider, repository: String, branch: String? = nil,
                            connectionName: String? = nil, accessTokenSecret: String? = nil) throws -> Bool { throw pendingEditor }
    mutating func addStage(_ environment: String, at position: StagePosition = .end) throws -> Bool { throw pendingEditor }
    mutating func removeStage(_ environment: String) throws -> Bool { throw pendingEditor }
    mutating func moveStage(_ environment: String, to position: StagePosition) throws -> Bool { throw pendingEditor }
    mutating func setApproval(_ required: Bool, stage environment: String) throws -> Bool { throw pendingEditor }
    mutating func addTestCommand(_ command: String, stage environment: String) throws -> Bool { throw pendingEditor }
    mutating func removeTestCommand(at number: Int, stage environment: String) throws -> Bool { throw pendingEditor }
    mutating func addDeployment(_ deployment: Deployment, stage environment: String) throws -> Bool { throw pendingEditor }
    mutating func removeDeployment(named name: String, stage environment: String) throws -> Bool { throw pendingEditor }
    mutating func addAction(_ action: DeploymentAction, _ timing: ActionTiming, stage environment: String) throws -> Bool {
        throw pendingEditor
    }
    mutating func removeAction(named name: String, _ timing: ActionTiming, stage environment: String) throws -> Bool {
        throw pendingEditor
    }
    mutating func setBuildImage(_ image: String) throws -> Bool { throw pendingEditor }
    mutating func setBuildspecPath(_ path: String) throws -> Bool { throw pendingEditor }
    mutating func setAdditionalPolicy(fromFileContent content: String, file: String) throws -> Bool { throw pendingEditor }
    func replacingText(_ text: String) throws -> ManifestDocument { throw pendingEditor }
}

// CodePipeline's stage and action names as Copilot generates them (internal/pkg/deploy/pipeline.go).

import Foundation

public enum StageName {
    public static let source = "Source"
    public static let build = "Build"
    static let deployPrefix = "DeployTo-"
    /// CodePipeline's limit on a stage's name.
    public static let maxLength = 100

    /// The stage deploying to `environment`.
    public static func deploy(_ environment: String) -> String { deployPrefix + environment }

    /// The environment a deploy stage deploys to; nil for Source and Build.
    public static func environment(of stage: String) -> String? {
        stage.hasPrefix(deployPrefix) ? String(stage.dropFirst(deployPrefix.count)) : nil
    }

    /// The stage of `stages` a person means by `typed`: its name in any case, or the environment it deploys to.
    public static func named(_ typed: String, among stages: [String]) -> String? {
        stages.first { $0.caseInsensitiveCompare(typed) == .orderedSame }
            ?? stages.first { $0.caseInsensitiveCompare(deploy(typed)) == .orderedSame }
    }

    public static func sourceAction(application: String) -> String { "SourceCodeFor-\(application)" }
    public static let buildAction = "Build"
    static let approvalPrefix = "ApprovePromotionTo-"
    public static func approvalAction(_ environment: String) -> String { approvalPrefix + environment }
    /// Whether `action` is a stage's manual approval, as Copilot names it.
    public static func isApproval(_ action: String) -> Bool { action.hasPrefix(approvalPrefix) }
    public static func deploymentAction(_ deployment: String, _ environment: String) -> String {
        "CreateOrUpdate-\(deployment)-\(environment)"
    }
    public static let testAction = "TestCommands"
}

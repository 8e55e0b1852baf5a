import Manifest

/// `stages`: at least one; each named, no name twice, its CodePipeline stage name (`DeployTo-ENV`) within
/// CodePipeline's 100 characters, an environment of the workspace; test_commands
/// and post_deployments not both; every pre/post-deployment action with a buildspec.
public enum StageRule: ManifestRule {
    case noStages
    /// `number` counts from 1.
    case unnamed(number: Int)
    /// `firstNumber`: where the name first appears, counting from 1.
    case duplicate(String, firstNumber: Int)
    /// The CodePipeline stage Copilot makes of the stage's name is longer than CodePipeline allows.
    case stageNameTooLong(String)
    case unknownEnvironment(String, environments: [String])
    case testCommandsAndPostDeployments(stage: String)
    case actionWithoutBuildspec(ActionTiming, action: String, stage: String)

    public var severity: Severity {
        switch self {
        case .noStages, .unknownEnvironment: return .warning
        case .unnamed, .duplicate, .stageNameTooLong, .testCommandsAndPostDeployments, .actionWithoutBuildspec: return .error
        }
    }

    public var message: String {
        switch self {
        case .noStages: return "the pipeline has no stages; it would build but deploy nowhere"
        case .unnamed(let number): return "stage \(number) has no name"
        case .duplicate(let name, let first): return "stage \(name) appears twice (first as stage \(first))"
        case .stageNameTooLong(let name):
            let stage = StageName.deploy(name)
            return "stage \(name.prefix(20))… makes the CodePipeline stage \(stage.prefix(29))…, \(stage.count) characters; "
                + "CodePipeline allows at most \(StageName.maxLength)"
        case .unknownEnvironment(let name, _): return "the workspace has no environment named \(name)"
        case .testCommandsAndPostDeployments(let stage):
            return "stage \(stage) has both test_commands and post_deployments; Copilot allows only one of them"
        case .actionWithoutBuildspec(let timing, let action, let stage):
            return "\(timing == .pre ? "pre" : "post")-deployment action \(action) of stage \(stage) has no buildspec"
        }
    }

    public var hint: String? {
        switch self {
        case .noStages: return "add one with `stage add ENV`"
        case .unnamed: return "add `name: ENV`, the environment it deploys to"
        case .duplicate: return "deploy to each environment once; remove one with `stage rm`"
        case .stageNameTooLong:
            return "deploy to an environment whose name has at most \(StageName.maxLength - StageName.deploy("").count) characters"
        case .unknownEnvironment(let name, let environments):
            return environments.isEmpty ? "create it with `copilot env init --name \(name)`"
                : "environments are: \(environments.joined(separator: ", "))"
        case .testCommandsAndPostDeployments: return "move the test commands into a post-deployment action's buildspec"
        case .actionWithoutBuildspec: return "add `buildspec: PATH` (relative to the workspace root) under it"
        }
    }

    static func check(_ input: RuleInput, into findings: inout Findings) {
        let stages = input.manifest.stages
        if stages.isEmpty {
            findings.add(.stage(.noStages), at: .key([.key("stages")]), .top)
        }
        var seen: [String: Int] = [:]
        for (index, stage) in stages.enumerated() {
            let path = [PathStep].stage(index)
            let name: [Anchor] = [.value(path + [.key("name")]), .value(path)]
            guard !stage.name.isEmpty else {
                findings.add(.stage(.unnamed(number: index + 1)), at: name)
                continue
            }
            if let first = seen[stage.name] {
                findings.add(.stage(.duplicate(stage.name, firstNumber: first + 1)), at: name)
            } else {
                seen[stage.name] = index
            }
            if StageName.deploy(stage.name).count > StageName.maxLength {
                findings.add(.stage(.stageNameTooLong(stage.name)), at: name)
            }
            if let environments = input.environments, !environments.contains(stage.name) {
                findings.add(.stage(.unknownEnvironment(stage.name, environments: environments)), at: name)
            }
            if !stage.testCommands.isEmpty, !stage.postDeployments.isEmpty {
                findings.add(.stage(.testCommandsAndPostDeployments(stage: stage.name)), at: [.key(path + [.key("post_deployments")])])
            }
            for timing in [ActionTiming.pre, .post] {
                for action in stage.actions(timing) where (action.buildspec ?? "").isEmpty {
                    findings.add(.stage(.actionWithoutBuildspec(timing, action: action.name, stage: stage.name)),
                                 at: [.key(path + [.key(timing.rawValue), .key(action.name)])])
                }
            }
        }
    }
}

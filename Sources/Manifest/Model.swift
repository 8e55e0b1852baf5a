// The Copilot pipeline manifest as plain values.
//
// This file is the model only: loading, validation and edits live beside it and
// never change these shapes silently. Field names follow Copilot's YAML keys.

/// A pipeline manifest: `copilot/pipeline.yml` or `copilot/pipelines/NAME/manifest.yml`.
public struct PipelineManifest: Equatable, Sendable {
    public var name: String
    /// Schema version; Copilot knows only 1.
    public var version: Int
    public var source: Source
    public var build: Build?
    /// Deployment order: one stage per environment.
    public var stages: [Stage]

    public init(name: String, version: Int = 1, source: Source, build: Build? = nil, stages: [Stage] = []) {
        self.name = name
        self.version = version
        self.source = source
        self.build = build
        self.stages = stages
    }

    /// The stage deploying to `environment`, if any.
    public func stage(named environment: String) -> Stage? {
        stages.first { $0.name == environment }
    }

    /// The buildspecs it names (relative to the workspace root), each with what runs it: `build.buildspec`,
    /// then every pre- and post-deployment action's.
    public var buildspecs: [(path: String, user: String)] {
        var named: [(String, String)] = []
        if let buildspec = build?.buildspec, !buildspec.isEmpty { named.append((buildspec, "its build")) }
        for stage in stages {
            for (kind, actions) in [("pre", stage.preDeployments), ("post", stage.postDeployments)] {
                for action in actions {
                    if let buildspec = action.buildspec, !buildspec.isEmpty {
                        named.append((buildspec, "\(kind)-deployment \(action.name) of stage \(stage.name)"))
                    }
                }
            }
        }
        return named
    }

    /// The stage deploying to `environment`; ``NoSuchStage`` when there is none.
    public func requiredStage(_ environment: String) throws -> Stage {
        guard let stage = stage(named: environment) else { throw NoSuchStage(name: environment, stages: stages.map(\.name)) }
        return stage
    }
}

/// Where the pipeline's source comes from.
public struct Source: Equatable, Sendable {
    public var provider: SourceProvider
    public var properties: SourceProperties

    public init(provider: SourceProvider, properties: SourceProperties) {
        self.provider = provider
        self.properties = properties
    }
}

/// The source providers Copilot supports, plus whatever else a file names (kept so
/// that validation, not loading, rejects it with a located error).
public enum SourceProvider: Equatable, Sendable, CustomStringConvertible {
    case gitHub
    /// GitHub through a personal access token (what `copilot pipeline init --github-access-token` writes).
    case gitHubV1
    case codeCommit
    case bitbucket
    case other(String)

    /// Copilot's manifest names providers exactly so: `github` is no provider of its.
    public init(_ text: String) {
        switch text {
        case "GitHub": self = .gitHub
        case "GitHubV1": self = .gitHubV1
        case "CodeCommit": self = .codeCommit
        case "Bitbucket": self = .bitbucket
        default: self = .other(text)
        }
    }

    /// The spelling Copilot writes.
    public var description: String {
        switch self {
        case .gitHub: return "GitHub"
        case .gitHubV1: return "GitHubV1"
        case .codeCommit: return "CodeCommit"
        case .bitbucket: return "Bitbucket"
        case .other(let name): return name
        }
    }
}

/// `source.properties`.
public struct SourceProperties: Equatable, Sendable {
    public var repository: String?
    /// nil means the provider's default (main).
    public var branch: String?
    /// GitHub v1: the Secrets Manager secret holding a personal access token.
    public var accessTokenSecret: String?
    public var connectionName: String?
    public var connectionARN: String?
    /// CODE_ZIP (default) or CODEBUILD_CLONE_REF.
    public var outputArtifactFormat: String?

    public init(repository: String? = nil, branch: String? = nil, accessTokenSecret: String? = nil,
                connectionName: String? = nil, connectionARN: String? = nil, outputArtifactFormat: String? = nil) {
        self.repository = repository
        self.branch = branch
        self.accessTokenSecret = accessTokenSecret
        self.connectionName = connectionName
        self.connectionARN = connectionARN
        self.outputArtifactFormat = outputArtifactFormat
    }

    /// The branch the pipeline tracks, with Copilot's default applied.
    public var trackedBranch: String { branch ?? "main" }
}

/// `build`: the CodeBuild project that runs the pipeline's buildspec.
public struct Build: Equatable, Sendable {
    public var image: String?
    /// Path of the buildspec, relative to the workspace root.
    public var buildspec: String?
    /// `additional_policy.PolicyDocument`, kept as written.
    public var additionalPolicy: YAMLValue?

    public init(image: String? = nil, buildspec: String? = nil, additionalPolicy: YAMLValue? = nil) {
        self.image = image
        self.buildspec = buildspec
        self.additionalPolicy = additionalPolicy
    }
}

/// One entry of `stages`: a deployment to one environment.
public struct Stage: Equatable, Sendable, Encodable {
    /// The environment's name.
    public var name: String
    public var requiresApproval: Bool
    public var testCommands: [String]
    /// In file order; empty means "deploy every workload" as Copilot does.
    public var deployments: [Deployment]
    public var preDeployments: [DeploymentAction]
    public var postDeployments: [DeploymentAction]

    public init(name: String, requiresApproval: Bool = false, testCommands: [String] = [],
                deployments: [Deployment] = [], preDeployments: [DeploymentAction] = [],
                postDeployments: [DeploymentAction] = []) {
        self.name = name
        self.requiresApproval = requiresApproval
        self.testCommands = testCommands
        self.deployments = deployments
        self.preDeployments = preDeployments
        self.postDeployments = postDeployments
    }
}

/// `stages[].deployments.NAME`: one CloudFormation stack the stage creates or updates.
public struct Deployment: Equatable, Sendable, Encodable {
    public var name: String
    public var stackName: String?
    public var templatePath: String?
    public var templateConfig: String?
    public var dependsOn: [String]

    public init(name: String, stackName: String? = nil, templatePath: String? = nil,
                templateConfig: String? = nil, dependsOn: [String] = []) {
        self.name = name
        self.stackName = stackName
        self.templatePath = templatePath
        self.templateConfig = templateConfig
        self.dependsOn = dependsOn
    }
}

/// `stages[].pre_deployments.NAME` / `post_deployments.NAME`: a CodeBuild action.
public struct DeploymentAction: Equatable, Sendable, Encodable {
    public var name: String
    public var buildspec: String?
    public var dependsOn: [String]

    public init(name: String, buildspec: String? = nil, dependsOn: [String] = []) {
        self.name = name
        self.buildspec = buildspec
        self.dependsOn = dependsOn
    }
}

/// A YAML value kept as the user wrote it: every scalar stays text, so YAML 1.1
/// traps (`Version: 2012-10-17`, `on`, `0755`) never turn into dates, booleans or numbers,
/// and a local tag stays on its value (`!Sub`, `!Ref`: CloudFormation's functions in a policy).
public indirect enum YAMLValue: Equatable, Sendable {
    case scalar(String)
    case sequence([YAMLValue])
    /// Keys in file order.
    case mapping([MappingEntry])
    /// `tag` as written (`!Sub`), on the value after it.
    case tagged(String, YAMLValue)

    public struct MappingEntry: Equatable, Sendable {
        public var key: String
        public var value: YAMLValue

        public init(key: String, value: YAMLValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value under `key` when this is a mapping.
    public subscript(key: String) -> YAMLValue? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }
}

import CopilotRules
import Manifest

// The pipeline both targets run, computed once: what Copilot's internal/pkg/deploy/pipeline.go
// derives from a manifest (stages, actions, their names and run orders, each deployment's stack,
// template and configuration, each CodeBuild project's buildspec, image and variables, the source).
// The AWS template renders it as CloudFormation; the local engine runs it. Neither decides any of
// these things for itself.

public struct PipelinePlan: Codable, Equatable, Sendable {
    /// The manifest's `name`.
    public var name: String
    public var application: String
    public var source: PipelineSource
    /// The Build stage's one action.
    public var build: Project
    /// One deploy stage per manifest stage that deploys something, in manifest order.
    public var stages: [DeployStage]
    /// Manifest stages with no deployment (none listed and no workload in the workspace):
    /// Copilot leaves them out of the pipeline, approvals and tests included.
    public var omittedStages: [String]
    /// The CodePipeline V2 settings (from the overrides' patches); nil for a V1 pipeline, as Copilot makes it.
    public var v2: PipelineV2?
    /// Every manifest stage as planned, in manifest order, those in `omittedStages` included: Copilot's template
    /// keeps their pre/post-deployment projects and roles, test projects and role grants, though its pipeline runs
    /// none of them. Nil in a plan the local target recorded before.
    public var allStages: [DeployStage]?

    /// A CodeBuild project: the build, or a pre/post-deployment action.
    public struct Project: Codable, Equatable, Sendable {
        /// Relative to the workspace root, with `/` separators.
        public var buildspec: String
        public var image: String
        /// LINUX_CONTAINER, or ARM_CONTAINER for an aarch64 image.
        public var environmentType: String
        public var variables: [Variable]
    }

    /// An environment variable of a CodeBuild project.
    public struct Variable: Codable, Equatable, Sendable {
        public enum Value: Codable, Equatable, Sendable {
            case text(String)
            /// The pipeline's account (`${AWS::AccountId}`).
            case accountID
            /// The pipeline's partition (`AWS::Partition`).
            case partition
        }

        public var name: String
        public var value: Value
    }

    public struct DeployStage: Codable, Equatable, Sendable {
        public var environment: String
        /// Sorted by run order; Copilot's listing order among equals.
        public var actions: [Action]

        /// CodePipeline's stage name.
        public var name: String { StageName.deploy(environment) }
    }

    public struct Action: Codable, Equatable, Sendable {
        public enum Kind: Codable, Equatable, Sendable {
            case approval
            case preDeployment(Project)
            case deployment(StackDeployment)
            case postDeployment(Project)
            /// Run from the source, in a project of their own with no variables but CodeBuild's.
            case testCommands([String])
        }

        public var name: String
        public var runOrder: Int
        public var kind: Kind
    }

    /// A CloudFormation deploy action: the build's output deployed as one stack.
    public struct StackDeployment: Codable, Equatable, Sendable {
        /// The workload (or the `deployments` key).
        public var name: String
        public var stackName: String
        /// Paths inside the build output (`BuildOutput::PATH`).
        public var templatePath: String
        public var templateConfigurationPath: String
    }

    /// Copilot's default build image (deploy.defaultPipelineBuildImage), also its pre/post and test image.
    public static let defaultImage = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    /// Where `copilot svc package` writes, and the deploy actions read (deploy.DefaultPipelineArtifactsDir).
    public static let artifactsDirectory = "infrastructure"
    public static let sourceOutput = "SCCheckoutArtifact"
    public static let buildOutput = "BuildOutput"

    /// The source action's name.
    public var sourceActionName: String { StageName.sourceAction(application: application) }

    /// Every stage as CodePipeline shows it: Source, Build, then the deploy stages.
    public var stageNames: [String] { [StageName.source, StageName.build] + stages.map(\.name) }
}

/// What the plan is computed from: a manifest that broke no rule, and what Copilot reads beside it.
public struct PlanInput: Sendable {
    public var application: String
    public var manifest: ValidatedManifest
    /// The buildspec next to the manifest, relative to the workspace root (`build.buildspec` wins).
    public var buildspecPath: String
    /// The services and jobs a stage without `deployments` deploys (``PipelineWorkloads``).
    public var workloads: [String]

    public init(application: String, manifest: ValidatedManifest, buildspecPath: String, workloads: [String]) {
        self.application = application
        self.manifest = manifest
        self.buildspecPath = buildspecPath
        self.workloads = workloads
    }
}

extension PipelinePlan {
    /// The buildspec the Build runs: the manifest's `build.buildspec` (relative to the workspace), else
    /// `beside`, the one next to the manifest.
    public static func buildspecPath(_ manifest: PipelineManifest, beside: String) -> String {
        manifest.build?.buildspec.flatMap { $0.isEmpty ? nil : $0 } ?? beside
    }

    /// The plan of a validated manifest. It checks nothing: the rule book did (a manifest Copilot
    /// would refuse has no ``ValidatedManifest``), so no target gets a plan Copilot would refuse.
    public init(_ input: PlanInput) {
        let manifest = input.manifest.manifest
        name = manifest.name
        application = input.application
        source = input.manifest.source
        let image = manifest.build?.image.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultImage
        build = Project(buildspec: Self.buildspecPath(manifest, beside: input.buildspecPath),
                        image: image, environmentType: Self.environmentType(image),
                        variables: [Variable(name: "AWS_ACCOUNT_ID", value: .accountID),
                                    Variable(name: "PARTITION", value: .partition)])
        var stages: [DeployStage] = []
        var omitted: [String] = []
        var all: [DeployStage] = []
        for stage in manifest.stages {
            let planned = Self.stage(stage, application: input.application, workloads: input.workloads)
            all.append(planned)
            if Self.deploys(stage, workloads: input.workloads) {
                stages.append(planned)
            } else {
                omitted.append(stage.name)
            }
        }
        self.stages = stages
        omittedStages = omitted
        allStages = all
        v2 = input.manifest.v2
    }

    /// Whether a manifest stage deploys something (its deployments, else the workspace's workloads): Copilot's
    /// pipeline has a stage for it.
    static func deploys(_ stage: Stage, workloads: [String]) -> Bool {
        !stage.deployments.isEmpty || !workloads.isEmpty
    }

    /// The CodePipeline stages of `manifest`, by their position in the template: Source, Build, then each
    /// stage that deploys something. What a patch's stage index means.
    public static func templateStageNames(_ manifest: PipelineManifest, workloads: [String]) -> [String] {
        [StageName.source, StageName.build] + manifest.stages.filter { deploys($0, workloads: workloads) }.map { StageName.deploy($0.name) }
    }

    static func environmentType(_ image: String) -> String {
        image.contains("aarch64") ? "ARM_CONTAINER" : "LINUX_CONTAINER"
    }

    /// Copilot's run orders: each group starts one after the highest run order of the groups
    /// before it (approval → pre_deployments → deployments → post_deployments; test commands
    /// after the deployments), plus each item's depends_on rank within its group.
    static func stage(_ stage: Stage, application: String, workloads: [String]) -> DeployStage {
        let environment = stage.name
        var actions: [Action] = []
        if stage.requiresApproval {
            actions.append(Action(name: StageName.approvalAction(environment), runOrder: 1, kind: .approval))
        }
        func next() -> Int { (actions.map(\.runOrder).max() ?? 0) + 1 }
        func project(_ action: DeploymentAction) -> Project {
            // Copilot gives pre/post actions its default image, whatever `build.image` says.
            Project(buildspec: action.buildspec ?? "", image: defaultImage, environmentType: environmentType(defaultImage),
                    variables: [Variable(name: "AWS_ACCOUNT_ID", value: .accountID),
                                Variable(name: "PARTITION", value: .partition),
                                Variable(name: "COPILOT_APPLICATION_NAME", value: .text(application)),
                                Variable(name: "COPILOT_ENVIRONMENT_NAME", value: .text(environment))])
        }

        let preBase = next()
        let preRanks = ranks(StageList.preDeployments.graph(of: stage))
        actions += stage.preDeployments.sorted { $0.name < $1.name }.map {
            Action(name: $0.name, runOrder: preBase + preRanks[$0.name, default: 0], kind: .preDeployment(project($0)))
        }

        // A stage without `deployments` deploys every workload, as Copilot's does.
        var deploying = stage
        if deploying.deployments.isEmpty { deploying.deployments = workloads.map { Deployment(name: $0) } }
        let deployBase = next()
        let deployRanks = ranks(StageList.deployments.graph(of: deploying))
        actions += deploying.deployments.sorted { $0.name < $1.name }.map { deployment in
            Action(name: StageName.deploymentAction(deployment.name, environment),
                   runOrder: deployBase + deployRanks[deployment.name, default: 0],
                   kind: .deployment(StackDeployment(
                       name: deployment.name,
                       stackName: nonEmpty(deployment.stackName)
                           ?? StackNames.workload(application: application, environment: environment, workload: deployment.name),
                       templatePath: nonEmpty(deployment.templatePath)
                           ?? "\(artifactsDirectory)/\(deployment.name)-\(environment).stack.yml",
                       templateConfigurationPath: nonEmpty(deployment.templateConfig)
                           ?? "\(artifactsDirectory)/\(deployment.name)-\(environment).params.json")))
        }
        let afterDeployments = next()

        let postRanks = ranks(StageList.postDeployments.graph(of: stage))
        actions += stage.postDeployments.sorted { $0.name < $1.name }.map {
            Action(name: $0.name, runOrder: afterDeployments + postRanks[$0.name, default: 0], kind: .postDeployment(project($0)))
        }
        if !stage.testCommands.isEmpty {
            actions.append(Action(name: StageName.testAction, runOrder: afterDeployments, kind: .testCommands(stage.testCommands)))
        }
        // Stable: equal run orders keep Copilot's listing order.
        let ordered = actions.enumerated().sorted { ($0.element.runOrder, $0.offset) < ($1.element.runOrder, $1.offset) }.map(\.element)
        return DeployStage(environment: environment, actions: ordered)
    }

    /// Each entry's depends_on rank. A validated manifest's lists have no cycle (DependencyRule), so every
    /// list has ranks.
    static func ranks(_ graph: DependencyGraph) -> [String: Int] {
        guard let ranks = graph.ranks else { preconditionFailure("a validated manifest has a depends_on cycle: \(graph.cycle ?? [])") }
        return ranks
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

extension PipelineContext {
    /// The plan of this pipeline's validated manifest, with the workloads of the workspace as it is now
    /// (Copilot lists the workspace's workloads when it deploys the pipeline, not when it runs), limited to
    /// those the application `registered` when the target knows its records (``PipelineTarget/registeredWorkloads(application:)``).
    public func plan(_ manifest: ValidatedManifest, registered: [CopilotWorkload]? = nil) throws -> PipelinePlan {
        PipelinePlan(PlanInput(application: application, manifest: manifest, buildspecPath: buildspecPath,
                               workloads: PipelineWorkloads.deployed(workspace: try Workspace.load(root: workspaceRoot).workloads,
                                                                     registered: registered)))
    }
}

import Manifest

// The CloudFormation template of stack `pipeline-APP-NAME`: the resources Copilot's
// pipeline template (internal/pkg/template/templates/cicd) deploys for the same manifest,
// with one difference: the artifact bucket belongs to this stack instead of the
// application's StackSet, so the pipeline needs nothing `copilot app init` made
// besides the environments' roles.

/// Everything the template depends on besides the manifest.
public struct PipelineTemplateInput: Sendable {
    public var application: String
    public var manifest: PipelineManifest
    /// The pipeline's buildspec, relative to the workspace root (the manifest's `build.buildspec` wins).
    public var buildspecPath: String
    /// Where the pipeline itself lives.
    public var region: String
    /// Each stage's environment, by name.
    public var environments: [String: CopilotEnvironment]
    /// The workspace's services and jobs: what a stage without `deployments` deploys.
    public var workloads: [String]

    public init(application: String, manifest: PipelineManifest, buildspecPath: String, region: String,
                environments: [String: CopilotEnvironment], workloads: [String]) {
        self.application = application
        self.manifest = manifest
        self.buildspecPath = buildspecPath
        self.region = region
        self.environments = environments
        self.workloads = workloads
    }
}

public enum PipelineTemplate {
    /// Copilot's default build image.
    public static let defaultImage = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    static let testImage = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    static let sourceOutput = "SCCheckoutArtifact"
    static let buildOutput = "BuildOutput"
    /// The stack output naming the pipeline, which `watch` and `approve` look up.
    static let pipelineNameOutput = "PipelineName"

    public static func make(_ input: PipelineTemplateInput) throws -> TemplateValue {
        try Builder(input).template()
    }

    /// Makes `text` usable in a logical ID the way Copilot's `logicalIDSafe` does:
    /// letters and digits stay, `-` becomes DASH, anything else its code point.
    public static func logicalIDSafe(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if scalar == "-" {
                out += "DASH"
            } else {
                out += "U\(String(scalar.value, radix: 16, uppercase: true))"
            }
        }
        return out
    }
}

/// One stage as CodePipeline will run it: actions with their run orders resolved.
struct PlannedStage {
    var environment: CopilotEnvironment
    var requiresApproval: Bool
    var preDeployments: [(action: DeploymentAction, runOrder: Int)]
    var deployments: [(deployment: Deployment, runOrder: Int)]
    var postDeployments: [(action: DeploymentAction, runOrder: Int)]
    var testCommands: [String]
    var testRunOrder: Int
    var logicalName: String { PipelineTemplate.logicalIDSafe(environment.name) }
    var isEmpty: Bool {
        !requiresApproval && preDeployments.isEmpty && deployments.isEmpty && postDeployments.isEmpty && testCommands.isEmpty
    }
}

private struct Builder {
    let input: PipelineTemplateInput
    let source: PipelineSource
    let stages: [PlannedStage]
    var app: String { input.application }
    var tags: TemplateValue {
        .array([
            .object([("Key", "copilot-application"), ("Value", .string(app))]),
            .object([("Key", "copilot-pipeline"), ("Value", .string(input.manifest.name))]),
        ])
    }

    init(_ input: PipelineTemplateInput) throws {
        self.input = input
        source = try PipelineSource(input.manifest.source)
        stages = try input.manifest.stages.map { try Builder.plan($0, input: input) }
            .filter { !$0.isEmpty }
    }

    static func plan(_ stage: Stage, input: PipelineTemplateInput) throws -> PlannedStage {
        guard let environment = input.environments[stage.name] else {
            throw AWSTargetError("environment \(stage.name) of application \(input.application) is unknown: no SSM parameter "
                                + CopilotEnvironment.parameterName(application: input.application, environment: stage.name),
                                hint: "create it with `copilot env init --name \(stage.name)`, or remove the stage")
        }
        guard environment.region == input.region else {
            throw AWSTargetError("environment \(stage.name) is in \(environment.region) but the pipeline is in \(input.region); "
                                + "cross-region stages are not supported yet",
                                hint: "deploy the pipeline from \(environment.region) (`target aws region \(environment.region)`)")
        }
        let deployments = stage.deployments.isEmpty
            ? input.workloads.map { Deployment(name: $0) }
            : stage.deployments
        var next = stage.requiresApproval ? 2 : 1
        let pre = try runOrders(stage.preDeployments, names: \.name, dependsOn: \.dependsOn, from: next,
                                what: "pre_deployments", stage: stage.name)
        next = (pre.map(\.1).max() ?? next - 1) + 1
        let deploy = try runOrders(deployments, names: \.name, dependsOn: \.dependsOn, from: next,
                                   what: "deployments", stage: stage.name)
        next = (deploy.map(\.1).max() ?? next - 1) + 1
        let post = try runOrders(stage.postDeployments, names: \.name, dependsOn: \.dependsOn, from: next,
                                 what: "post_deployments", stage: stage.name)
        next = (post.map(\.1).max() ?? next - 1) + 1
        return PlannedStage(environment: environment, requiresApproval: stage.requiresApproval,
                            preDeployments: pre, deployments: deploy, postDeployments: post,
                            testCommands: stage.testCommands, testRunOrder: next)
    }

    /// Each item's run order: `first` for items that depend on nothing, one after its
    /// latest dependency otherwise — Copilot's ordering of `depends_on`.
    static func runOrders<Item>(_ items: [Item], names: KeyPath<Item, String>, dependsOn: KeyPath<Item, [String]>,
                                from first: Int, what: String, stage: String) throws -> [(Item, Int)] {
        let byName = Dictionary(items.map { ($0[keyPath: names], $0) }, uniquingKeysWith: { a, _ in a })
        var rank: [String: Int] = [:]
        func resolve(_ name: String, path: [String]) throws -> Int {
            if let known = rank[name] { return known }
            if path.contains(name) {
                throw AWSTargetError("stages.\(stage).\(what): depends_on forms a cycle: "
                                    + (path.drop { $0 != name } + [name]).joined(separator: " → "),
                                    hint: "remove one of the depends_on entries")
            }
            guard let item = byName[name] else {
                throw AWSTargetError("stages.\(stage).\(what).\(path.last ?? name): depends_on names \(name), which is not in \(what) of stage \(stage)",
                                    hint: "depends_on may name only \(what) of the same stage")
            }
            let value = try item[keyPath: dependsOn].map { try resolve($0, path: path + [name]) }.max().map { $0 + 1 } ?? first
            rank[name] = value
            return value
        }
        return try items.map { ($0, try resolve($0[keyPath: names], path: [])) }
    }

    func template() -> TemplateValue {
        var resources: [(String, TemplateValue)] = []
        if case .connection(let provider, _, _, let name, nil, _) = source {
            resources.append(("SourceConnection", resource("AWS::CodeStarConnections::Connection", [
                ("ConnectionName", .string(name)),
                ("ProviderType", .string(provider)),
                ("Tags", tags),
            ])))
        }
        resources.append(("ArtifactBucket", artifactBucket()))
        resources.append(("BuildProjectRole", buildRole(environments: stages.map(\.environment))))
        resources.append(("BuildProjectPolicy", resource("AWS::IAM::Policy", [
            ("PolicyName", .sub("${AWS::StackName}-CodeBuildPolicy")),
            ("PolicyDocument", policyDocument(buildStatements())),
            ("Roles", .array([.ref("BuildProjectRole")])),
        ])))
        if let extra = input.manifest.build?.additionalPolicy {
            resources.append(("BuildProjectAdditionalPolicy", resource("AWS::IAM::Policy", [
                ("PolicyName", .sub("${AWS::StackName}-BuildProjectAdditionalPolicy")),
                ("PolicyDocument", Builder.value(extra)),
                ("Roles", .array([.ref("BuildProjectRole")])),
            ])))
        }
        resources.append(("BuildProject", codeBuildProject(
            name: .sub("${AWS::StackName}-BuildProject"), role: "BuildProjectRole",
            buildspec: input.manifest.build?.buildspec ?? input.buildspecPath)))
        for stage in stages where !stage.testCommands.isEmpty {
            resources.append(("BuildTestCommands\(stage.logicalName)", testProject(stage.testCommands)))
        }
        for stage in stages {
            for (kind, actions) in [("Pre", stage.preDeployments.map(\.action)), ("Post", stage.postDeployments.map(\.action))] {
                for action in actions {
                    let id = deploymentActionID(kind, stage, action)
                    resources.append((id + "BuildProjectRole", buildRole(environments: [stage.environment])))
                    resources.append((id + "BuildProjectPolicy", resource("AWS::IAM::Policy", [
                        ("PolicyName", .sub("${AWS::StackName}-\(id)")),
                        ("PolicyDocument", policyDocument(buildStatements())),
                        ("Roles", .array([.ref(id + "BuildProjectRole")])),
                    ])))
                    resources.append((id, codeBuildProject(name: nil, role: id + "BuildProjectRole",
                                                           buildspec: action.buildspec ?? input.buildspecPath)))
                }
            }
        }
        resources.append(("PipelineRole", resource("AWS::IAM::Role", [
            ("AssumeRolePolicyDocument", trustPolicy("codepipeline.amazonaws.com")),
            ("Path", "/"),
            ("Tags", tags),
        ])))
        resources.append(("PipelineRolePolicy", resource("AWS::IAM::Policy", [
            ("PolicyName", .sub("${AWS::StackName}-CodepipelinePolicy")),
            ("PolicyDocument", policyDocument(pipelineStatements())),
            ("Roles", .array([.ref("PipelineRole")])),
        ])))
        resources.append(("Pipeline", pipeline()))

        var template: [(String, TemplateValue)] = [
            ("AWSTemplateFormatVersion", "2010-09-09"),
            ("Description", .string("CodePipeline \(input.manifest.name) for application \(app)")),
            ("Resources", .object(resources)),
        ]
        var outputs: [(String, TemplateValue)] = [
            (PipelineTemplate.pipelineNameOutput, .object([("Description", "Name of the CodePipeline"), ("Value", .ref("Pipeline"))])),
        ]
        if case .connection = source {
            outputs.append(("PipelineConnectionARN", .object([
                ("Description", "ARN of CodeStar Connections connection"), ("Value", connectionARN()),
            ])))
        }
        template.append(("Outputs", .object(outputs)))
        return .object(template)
    }

    // MARK: Resources

    func resource(_ type: String, _ properties: [(String, TemplateValue)], dependsOn: [String] = []) -> TemplateValue {
        var entries: [(String, TemplateValue)] = [("Type", .string(type))]
        if !dependsOn.isEmpty { entries.append(("DependsOn", .strings(dependsOn))) }
        entries.append(("Properties", .object(properties)))
        return .object(entries)
    }

    func artifactBucket() -> TemplateValue {
        // Retained: it holds the artifacts of past executions, and a non-empty bucket would fail `pipeline rm`.
        guard case .object(var entries) = resource("AWS::S3::Bucket", [
            ("BucketEncryption", .object([("ServerSideEncryptionConfiguration", .array([
                .object([("ServerSideEncryptionByDefault", .object([("SSEAlgorithm", "AES256")]))]),
            ]))])),
            ("PublicAccessBlockConfiguration", .object([
                ("BlockPublicAcls", .bool(true)), ("BlockPublicPolicy", .bool(true)),
                ("IgnorePublicAcls", .bool(true)), ("RestrictPublicBuckets", .bool(true)),
            ])),
            ("Tags", tags),
        ]) else { preconditionFailure("resource() makes an object") }
        entries.insert(("UpdateReplacePolicy", "Retain"), at: 1)
        entries.insert(("DeletionPolicy", "Retain"), at: 1)
        return .object(entries)
    }

    func buildRole(environments: [CopilotEnvironment]) -> TemplateValue {
        var properties: [(String, TemplateValue)] = [
            ("AssumeRolePolicyDocument", trustPolicy("codebuild.amazonaws.com")),
            ("Path", "/"),
            ("ManagedPolicyArns", .array([
                // `copilot env ls` and `copilot svc package` in the buildspec read SSM and CloudFormation.
                .sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMReadOnlyAccess"),
                .sub("arn:${AWS::Partition}:iam::aws:policy/AWSCloudFormationReadOnlyAccess"),
            ])),
        ]
        if !environments.isEmpty {
            properties.append(("Policies", .array([.object([
                ("PolicyName", "assume-env-manager"),
                ("PolicyDocument", policyDocument([statement(["sts:AssumeRole"], resources: .strings(
                    unique(environments.map(\.managerRoleARN)))),
                ])),
            ])])))
        }
        properties.append(("Tags", tags))
        return resource("AWS::IAM::Role", properties)
    }

    func codeBuildProject(name: TemplateValue?, role: String, buildspec: String) -> TemplateValue {
        let image = input.manifest.build?.image ?? PipelineTemplate.defaultImage
        let environmentType = image.contains("aarch64") ? "ARM_CONTAINER" : "LINUX_CONTAINER"
        var properties: [(String, TemplateValue)] = []
        if let name {
            properties.append(("Name", name))
            properties.append(("Description", .sub("Build for ${AWS::StackName}")))
        }
        properties += [
            ("ServiceRole", .getAtt(role, "Arn")),
            ("Artifacts", .object([("Type", "CODEPIPELINE")])),
            ("Cache", .object([("Modes", .strings(["LOCAL_DOCKER_LAYER_CACHE"])), ("Type", "LOCAL")])),
            ("Environment", .object([
                ("Type", .string(environmentType)),
                ("ComputeType", "BUILD_GENERAL1_SMALL"),
                ("PrivilegedMode", .bool(true)),
                ("Image", .string(image)),
                ("EnvironmentVariables", .array([
                    .object([("Name", "AWS_ACCOUNT_ID"), ("Value", .sub("${AWS::AccountId}"))]),
                    .object([("Name", "PARTITION"), ("Value", .ref("AWS::Partition"))]),
                ])),
            ])),
            ("Source", .object([("Type", "CODEPIPELINE"), ("BuildSpec", .string(buildspec))])),
            ("TimeoutInMinutes", .int(60)),
            ("Tags", tags),
        ]
        return resource("AWS::CodeBuild::Project", properties)
    }

    /// A CodeBuild project with the stage's test commands inline, as Copilot's test.yml.
    func testProject(_ commands: [String]) -> TemplateValue {
        // Each command as a double-quoted YAML scalar (JSON string syntax is valid YAML),
        // so colons, quotes and `#` in a command stay part of it.
        let lines = commands.map { "      - " + TemplateValue.string($0).rendered().dropLast() }
        let buildspec = (["version: 0.2", "phases:", "  build:", "    commands:"] + lines).joined(separator: "\n") + "\n"
        return resource("AWS::CodeBuild::Project", [
            ("ServiceRole", .getAtt("BuildProjectRole", "Arn")),
            ("Artifacts", .object([("Type", "NO_ARTIFACTS")])),
            ("Environment", .object([
                ("Type", "LINUX_CONTAINER"),
                ("Image", .string(PipelineTemplate.testImage)),
                ("ComputeType", "BUILD_GENERAL1_SMALL"),
                ("PrivilegedMode", .bool(true)),
            ])),
            ("Source", .object([("Type", "NO_SOURCE"), ("BuildSpec", .string(buildspec))])),
            ("Tags", tags),
        ])
    }

    func pipeline() -> TemplateValue {
        var pipelineStages: [TemplateValue] = [
            .object([("Name", "Source"), ("Actions", .array([sourceAction()]))]),
            .object([("Name", "Build"), ("Actions", .array([action(
                "Build", category: "Build", provider: "CodeBuild",
                configuration: [("ProjectName", .ref("BuildProject"))], runOrder: 1,
                inputs: [PipelineTemplate.sourceOutput], outputs: [PipelineTemplate.buildOutput])]))]),
        ]
        for stage in stages {
            pipelineStages.append(.object([("Name", .string("DeployTo-\(stage.environment.name)")),
                                           ("Actions", .array(deployActions(stage)))]))
        }
        return resource("AWS::CodePipeline::Pipeline", [
            ("Name", .ref("AWS::StackName")),
            ("RoleArn", .getAtt("PipelineRole", "Arn")),
            ("ArtifactStore", .object([("Type", "S3"), ("Location", .ref("ArtifactBucket"))])),
            ("Stages", .array(pipelineStages)),
            ("Tags", tags),
        ], dependsOn: ["PipelineRolePolicy"])
    }

    func sourceAction() -> TemplateValue {
        let name = "SourceCodeFor-\(app)"
        let outputs = [PipelineTemplate.sourceOutput]
        switch source {
        case .gitHubToken(let owner, let repository, let branch, let secretID):
            return action(name, category: "Source", owner: "ThirdParty", provider: "GitHub", configuration: [
                ("Owner", .string(owner)), ("Repo", .string(repository)), ("Branch", .string(branch)),
                // The whole SecretString, resolved by CloudFormation: the token never appears in the template.
                ("OAuthToken", .string("{{resolve:secretsmanager:\(secretID)}}")),
                ("PollForSourceChanges", .bool(false)),
            ], runOrder: 1, outputs: outputs)
        case .connection(_, let repositoryID, let branch, _, _, let format):
            var configuration: [(String, TemplateValue)] = [
                ("ConnectionArn", connectionARN()), ("FullRepositoryId", .string(repositoryID)),
                ("BranchName", .string(branch)),
            ]
            if let format { configuration.append(("OutputArtifactFormat", .string(format))) }
            return action(name, category: "Source", provider: "CodeStarSourceConnection",
                          configuration: configuration, runOrder: 1, outputs: outputs)
        case .codeCommit(let repository, let branch, let format):
            var configuration: [(String, TemplateValue)] = [
                ("RepositoryName", .string(repository)), ("BranchName", .string(branch)),
            ]
            if let format { configuration.append(("OutputArtifactFormat", .string(format))) }
            return action(name, category: "Source", provider: "CodeCommit",
                          configuration: configuration, runOrder: 1, outputs: outputs)
        }
    }

    func deployActions(_ stage: PlannedStage) -> [TemplateValue] {
        let env = stage.environment
        var actions: [TemplateValue] = []
        if stage.requiresApproval {
            actions.append(action("ApprovePromotionTo-\(env.name)", category: "Approval", provider: "Manual",
                                  configuration: [], runOrder: 1))
        }
        for (action, runOrder) in stage.preDeployments {
            actions.append(deploymentAction("Pre", stage, action, runOrder: runOrder))
        }
        for (deployment, runOrder) in stage.deployments {
            let explicit = !stage.deployments.isEmpty && deployment.templatePath != nil
            let templatePath = deployment.templatePath ?? "infrastructure/\(deployment.name)-\(env.name).yml"
            let configPath = deployment.templateConfig
                ?? (explicit ? nil : "infrastructure/\(deployment.name)-\(env.name).params.json")
            var configuration: [(String, TemplateValue)] = [
                ("ActionMode", "CREATE_UPDATE"),
                ("StackName", .string(deployment.stackName ?? "\(app)-\(env.name)-\(deployment.name)")),
                ("Capabilities", "CAPABILITY_IAM,CAPABILITY_NAMED_IAM,CAPABILITY_AUTO_EXPAND"),
                ("TemplatePath", .string("\(PipelineTemplate.buildOutput)::\(templatePath)")),
            ]
            if let configPath {
                configuration.append(("TemplateConfiguration", .string("\(PipelineTemplate.buildOutput)::\(configPath)")))
            }
            configuration.append(("RoleArn", .string(env.executionRoleARN)))
            actions.append(self.action("CreateOrUpdate-\(deployment.name)-\(env.name)", category: "Deploy",
                                       provider: "CloudFormation", configuration: configuration, runOrder: runOrder,
                                       inputs: [PipelineTemplate.buildOutput], region: env.region,
                                       roleARN: env.managerRoleARN))
        }
        for (action, runOrder) in stage.postDeployments {
            actions.append(deploymentAction("Post", stage, action, runOrder: runOrder))
        }
        if !stage.testCommands.isEmpty {
            actions.append(action("TestCommands", category: "Test", provider: "CodeBuild",
                                  configuration: [("ProjectName", .ref("BuildTestCommands\(stage.logicalName)"))],
                                  runOrder: stage.testRunOrder, inputs: [PipelineTemplate.sourceOutput]))
        }
        return actions
    }

    func deploymentActionID(_ kind: String, _ stage: PlannedStage, _ action: DeploymentAction) -> String {
        "\(kind)\(stage.logicalName)DeploymentAction\(PipelineTemplate.logicalIDSafe(action.name))"
    }

    func deploymentAction(_ kind: String, _ stage: PlannedStage, _ deploymentAction: DeploymentAction,
                          runOrder: Int) -> TemplateValue {
        let id = deploymentActionID(kind, stage, deploymentAction)
        return action(deploymentAction.name, category: "Build", provider: "CodeBuild",
                      configuration: [("ProjectName", .ref(id))], runOrder: runOrder,
                      inputs: [PipelineTemplate.sourceOutput], outputs: ["\(id)Output"])
    }

    func action(_ name: String, category: String, owner: String = "AWS", provider: String,
                configuration: [(String, TemplateValue)], runOrder: Int, inputs: [String] = [],
                outputs: [String] = [], region: String? = nil, roleARN: String? = nil) -> TemplateValue {
        var entries: [(String, TemplateValue)] = [
            ("Name", .string(name)),
            ("ActionTypeId", .object([("Category", .string(category)), ("Owner", .string(owner)),
                                      ("Provider", .string(provider)), ("Version", "1")])),
        ]
        if let region { entries.append(("Region", .string(region))) }
        if !configuration.isEmpty { entries.append(("Configuration", .object(configuration))) }
        if !inputs.isEmpty { entries.append(("InputArtifacts", .array(inputs.map { .object([("Name", .string($0))]) }))) }
        if !outputs.isEmpty { entries.append(("OutputArtifacts", .array(outputs.map { .object([("Name", .string($0))]) }))) }
        entries.append(("RunOrder", .int(runOrder)))
        if let roleARN { entries.append(("RoleArn", .string(roleARN))) }
        return .object(entries)
    }

    // MARK: Policies

    func connectionARN() -> TemplateValue {
        if case .connection(_, _, _, _, let existing?, _) = source { return .string(existing) }
        return .ref("SourceConnection")
    }

    func bucketARNs() -> TemplateValue {
        .array([.getAtt("ArtifactBucket", "Arn"), .sub("${ArtifactBucket.Arn}/*")])
    }

    func buildStatements() -> [TemplateValue] {
        var statements = [
            statement(["codebuild:CreateReportGroup", "codebuild:CreateReport", "codebuild:UpdateReport",
                       "codebuild:BatchPutTestCases", "codebuild:BatchPutCodeCoverages"],
                      resources: .sub("arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:report-group/pipeline-\(app)-*")),
            statement(["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"], resources: bucketARNs()),
            statement(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                      resources: .sub("arn:${AWS::Partition}:logs:*:*:*")),
            statement(["ecr:GetAuthorizationToken"], resources: "*"),
            statement(["ecr:DescribeImageScanFindings", "ecr:GetLifecyclePolicyPreview", "ecr:GetDownloadUrlForLayer",
                       "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:ListTagsForResource",
                       "ecr:BatchCheckLayerAvailability", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy",
                       "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
                      resources: "*",
                      condition: .object([("StringEquals", .object([("ecr:ResourceTag/copilot-application", .string(app))]))])),
        ]
        // CODEBUILD_CLONE_REF makes the build clone the repository itself.
        switch source {
        case .codeCommit(let repository, _, "CODEBUILD_CLONE_REF"):
            statements.append(statement(["codecommit:GitPull"], resources: .sub(
                "arn:${AWS::Partition}:codecommit:${AWS::Region}:${AWS::AccountId}:\(repository)")))
        case .connection(_, _, _, _, _, "CODEBUILD_CLONE_REF"):
            statements.append(statement(["codestar-connections:UseConnection"], resources: connectionARN()))
        default: break
        }
        return statements
    }

    func pipelineStatements() -> [TemplateValue] {
        var statements = [
            statement(["codepipeline:*", "codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository",
                       "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive",
                       "iam:ListRoles", "iam:PassRole", "codebuild:BatchGetBuilds", "codebuild:StartBuild",
                       "cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:DescribeStacks",
                       "cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:DeleteChangeSet",
                       "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet",
                       "cloudformation:SetStackPolicy", "cloudformation:ValidateTemplate",
                       "s3:ListAllMyBuckets", "s3:GetBucketLocation"],
                      resources: "*"),
        ]
        var s3Actions = ["s3:PutObject", "s3:GetBucketPolicy", "s3:GetObject", "s3:ListBucket"]
        if case .connection = source {
            statements.append(statement(["codestar-connections:GetConnection", "codestar-connections:ListConnections",
                                         "codestar-connections:UseConnection", "codestar-connections:PassConnection"],
                                        resources: connectionARN()))
            s3Actions += ["s3:PutObjectAcl", "s3:GetObjectAcl"]
        }
        statements.append(statement(s3Actions, resources: bucketARNs()))
        let managerRoles = unique(stages.map(\.environment.managerRoleARN))
        if !managerRoles.isEmpty {
            statements.append(statement(["sts:AssumeRole"], resources: .strings(managerRoles)))
        }
        return statements
    }

    func statement(_ actions: [String], resources: TemplateValue, condition: TemplateValue? = nil) -> TemplateValue {
        var entries: [(String, TemplateValue)] = [("Effect", "Allow"), ("Action", .strings(actions)), ("Resource", resources)]
        if let condition { entries.append(("Condition", condition)) }
        return .object(entries)
    }

    func policyDocument(_ statements: [TemplateValue]) -> TemplateValue {
        .object([("Version", "2012-10-17"), ("Statement", .array(statements))])
    }

    func trustPolicy(_ service: String) -> TemplateValue {
        policyDocument([.object([
            ("Effect", "Allow"),
            ("Principal", .object([("Service", .string(service))])),
            ("Action", .strings(["sts:AssumeRole"])),
        ])])
    }

    func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// A manifest's YAML (the additional policy) as template JSON: scalars stay strings,
    /// which IAM accepts everywhere a policy takes a boolean or number.
    static func value(_ yaml: YAMLValue) -> TemplateValue {
        switch yaml {
        case .scalar(let text): return .string(text)
        case .sequence(let items): return .array(items.map(value))
        case .mapping(let entries): return .object(entries.map { ($0.key, value($0.value)) })
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

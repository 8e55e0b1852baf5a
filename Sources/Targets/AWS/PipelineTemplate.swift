import CopilotRules
import Manifest

// The CloudFormation template of a pipeline's stack: the pipeline plan rendered as Copilot's
// pipeline template (internal/pkg/template/templates/cicd/pipeline_cfn.yml) renders it.
// docs/copilot-differences.tsv lists, with reasons, every place where the result differs
// from Copilot's for the same input; TargetsTests/CopilotParityTests checks that nothing else does.

/// Everything the template depends on besides the plan: facts only AWS knows.
public struct PipelineTemplateInput: Sendable {
    public var plan: PipelinePlan
    /// Where the pipeline itself lives (the application's region).
    public var region: String
    /// Each stage's environment, by name (Copilot's SSM parameters).
    public var environments: [String: CopilotEnvironment]
    /// The application's artifact bucket and KMS key in each of its regions (its StackSet's instances).
    public var regionalResources: [RegionalResources]
    /// The application's permissions boundary: the name of an IAM policy set on every role.
    public var permissionsBoundary: String?
    /// The ARN of the connection a `connection_name` names, found by ListConnections.
    public var existingConnectionARN: String?
    /// A pipeline Copilot deployed before v1.16: its stack and CodePipeline are named as the
    /// manifest, and the template names the CodePipeline after the stack.
    public var isLegacy: Bool
    /// `build.additional_policy.PolicyDocument`: IAM only, so not part of the plan the local engine runs.
    public var additionalPolicy: YAMLValue?
    /// The Copilot release the template records as having rendered it (`Metadata.Version`).
    public var version: CopilotVersion

    public init(plan: PipelinePlan, region: String, environments: [String: CopilotEnvironment],
                regionalResources: [RegionalResources], permissionsBoundary: String? = nil,
                existingConnectionARN: String? = nil, isLegacy: Bool = false, additionalPolicy: YAMLValue? = nil,
                version: CopilotVersion = .rendered) {
        self.plan = plan
        self.version = version
        self.regionalResources = regionalResources
        self.permissionsBoundary = permissionsBoundary
        self.additionalPolicy = additionalPolicy
        self.region = region
        self.environments = environments
        self.existingConnectionARN = existingConnectionARN
        self.isLegacy = isLegacy
    }
}

public enum PipelineTemplate {
    /// The connection the stack creates when the manifest names none.
    static let connectionResource = "SourceConnection"

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

    /// Copilot's `alphanumeric`: letters and digits only, for pre/post-deployment logical IDs.
    static func alphanumeric(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
            .map(Character.init))
    }
}

private struct Builder {
    let input: PipelineTemplateInput
    /// The environments of the pipeline's deploy stages, in order.
    let environments: [CopilotEnvironment]
    /// Every manifest stage with its environment, those the pipeline omits included (``PipelinePlan/allStages``).
    let everyStage: [(PipelinePlan.DeployStage, CopilotEnvironment)]
    var plan: PipelinePlan { input.plan }
    var app: String { plan.application }

    init(_ input: PipelineTemplateInput) throws {
        self.input = input
        func known(_ stage: PipelinePlan.DeployStage) throws -> CopilotEnvironment {
            guard let environment = input.environments[stage.environment] else {
                throw AWSTargetError("environment \(stage.environment) of application \(input.plan.application) is unknown: no SSM parameter "
                                    + CopilotEnvironment.parameterName(application: input.plan.application, environment: stage.environment),
                                    hint: "create it with `copilot env init --name \(stage.environment)`, or remove the stage")
            }
            return environment
        }
        everyStage = try (input.plan.allStages ?? input.plan.stages).map { ($0, try known($0)) }
        environments = try input.plan.stages.map { stage in
            let environment = try known(stage)
            // CodePipeline keeps a stage's artifacts in its region's store: the application's bucket there.
            guard input.regionalResources.contains(where: { $0.region == environment.region }) else {
                throw AWSTargetError("application \(input.plan.application) has no regional stack in \(environment.region), where environment "
                                    + "\(stage.environment) is: its StackSet \(StackNames.applicationStackSet(input.plan.application)) has no instance there",
                                    hint: "Copilot adds the region when it deploys an environment there: "
                                        + "`copilot env deploy --name \(stage.environment)`")
            }
            return environment
        }
        guard input.regionalResources.contains(where: { $0.region == input.region }) else {
            throw AWSTargetError("application \(input.plan.application) has no regional stack in \(input.region), the pipeline's region, "
                                + "yet: its StackSet \(StackNames.applicationStackSet(input.plan.application)) has no instance there",
                                hint: "`push` adds one first, as `copilot pipeline deploy` does; the template and its plan need it")
        }
        if case .connection(_, _, _, .existing(let name), _) = input.plan.source, input.existingConnectionARN == nil {
            throw AWSTargetError("no ARN for the existing connection \(name)", hint: "the connection is looked up by name before rendering")
        }
    }

    func template() -> TemplateValue {
        var resources: [(String, TemplateValue)] = []
        if case .connection(let provider, _, _, .created(let name), _) = plan.source {
            resources.append((PipelineTemplate.connectionResource, resource("AWS::CodeStarConnections::Connection", [
                ("ConnectionName", .string(name)),
                ("ProviderType", .string(provider)),
            ])))
        }
        resources.append(("BuildProjectRole", buildRole(policies: [assumeEnvironmentManagers(everyStage.map(\.1))])))
        resources.append(("BuildProjectPolicy", resource("AWS::IAM::Policy", [
            ("PolicyName", .sub("${AWS::StackName}-CodeBuildPolicy")),
            ("PolicyDocument", policyDocument(buildStatements())),
            ("Roles", .array([.ref("BuildProjectRole")])),
        ], dependsOn: ["BuildProjectRole"])))
        if let extra = input.additionalPolicy {
            resources.append(("BuildProjectAdditionalPolicy", resource("AWS::IAM::Policy", [
                ("PolicyName", .sub("${AWS::StackName}-BuildProjectAdditionalPolicy")),
                ("PolicyDocument", Builder.value(extra)),
                ("Roles", .array([.ref("BuildProjectRole")])),
            ])))
        }
        resources.append(("BuildProject", codeBuildProject(plan.build, role: "BuildProjectRole", named: true)))
        for (stage, environment) in everyStage {
            for action in stage.actions {
                switch action.kind {
                case .preDeployment(let project), .postDeployment(let project):
                    let id = projectID(stage, action)
                    resources.append((id + "BuildProjectRole", buildRole(policies: [
                        assumeEnvironmentManagers([environment]),
                        .object([("PolicyName", "build-role-policy"), ("PolicyDocument", policyDocument(buildStatements()))]),
                    ])))
                    resources.append((id, codeBuildProject(project, role: id + "BuildProjectRole", named: false)))
                case .testCommands(let commands):
                    resources.append((projectID(stage, action), testProject(commands)))
                case .approval, .deployment:
                    break
                }
            }
        }
        resources.append(("PipelineRole", resource("AWS::IAM::Role", [
            ("AssumeRolePolicyDocument", trustPolicy("codepipeline.amazonaws.com")),
            ("Path", "/"),
        ] + permissionsBoundary())))
        resources.append(("PipelineRolePolicy", resource("AWS::IAM::Policy", [
            ("PolicyName", .sub("${AWS::StackName}-CodepipelinePolicy")),
            ("PolicyDocument", policyDocument(pipelineStatements())),
            ("Roles", .array([.ref("PipelineRole")])),
        ])))
        resources.append((StackNames.pipelineResource, pipeline()))

        var template: [(String, TemplateValue)] = [
            ("AWSTemplateFormatVersion", "2010-09-09"),
            ("Description", .string("CodePipeline for \(app)")),
            ("Metadata", .object([(CopilotVersion.metadataKey, .string(input.version.description))])),
            ("Resources", .object(resources)),
        ]
        if case .connection = plan.source {
            template.append(("Outputs", .object([(StackNames.connectionOutput, .object([
                ("Description", "ARN of CodeStar Connections connection"), ("Value", connectionARN()),
            ]))])))
        }
        return .object(template)
    }

    // MARK: Resources

    func resource(_ type: String, _ properties: [(String, TemplateValue)], dependsOn: [String] = []) -> TemplateValue {
        var entries: [(String, TemplateValue)] = [("Type", .string(type))]
        if dependsOn.count == 1 { entries.append(("DependsOn", .string(dependsOn[0]))) }
        if dependsOn.count > 1 { entries.append(("DependsOn", .strings(dependsOn))) }
        entries.append(("Properties", .object(properties)))
        return .object(entries)
    }

    /// The logical ID of a pre/post-deployment or test-commands project, as Copilot names it.
    func projectID(_ stage: PipelinePlan.DeployStage, _ action: PipelinePlan.Action) -> String {
        switch action.kind {
        case .preDeployment:
            return "Pre\(PipelineTemplate.alphanumeric(stage.environment))DeploymentAction\(PipelineTemplate.alphanumeric(action.name))"
        case .postDeployment:
            return "Post\(PipelineTemplate.alphanumeric(stage.environment))DeploymentAction\(PipelineTemplate.alphanumeric(action.name))"
        default:
            return "BuildTestCommands\(PipelineTemplate.logicalIDSafe(stage.environment))"
        }
    }

    /// Copilot's `PermissionsBoundary` property of every role, when the application has one.
    func permissionsBoundary() -> [(String, TemplateValue)] {
        guard let name = input.permissionsBoundary else { return [] }
        return [("PermissionsBoundary", .sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/\(name)"))]
    }

    /// The application's KMS key in the pipeline's region, exported by its regional stack: CodeBuild
    /// encrypts the artifacts it writes with it.
    var artifactKey: (String, TemplateValue) {
        ("EncryptionKey", .object([("Fn::ImportValue", .string("\(app)-ArtifactKey"))]))
    }

    /// The `assume-env-manager` inline policy: one statement per environment, as Copilot writes it.
    func assumeEnvironmentManagers(_ environments: [CopilotEnvironment]) -> TemplateValue {
        .object([
            ("PolicyName", "assume-env-manager"),
            ("PolicyDocument", policyDocument(environments.map {
                .object([("Effect", "Allow"), ("Resource", .string($0.managerRoleARN)), ("Action", .strings(["sts:AssumeRole"]))])
            })),
        ])
    }

    func buildRole(policies: [TemplateValue]) -> TemplateValue {
        resource("AWS::IAM::Role", [
            ("Path", "/"),
            ("AssumeRolePolicyDocument", trustPolicy("codebuild.amazonaws.com")),
            ("ManagedPolicyArns", .array([
                // `copilot env ls` and `copilot svc package` in the buildspec read SSM and CloudFormation.
                .sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMReadOnlyAccess"),
                .sub("arn:${AWS::Partition}:iam::aws:policy/AWSCloudFormationReadOnlyAccess"),
            ])),
        ] + permissionsBoundary() + [
            ("Policies", .array(policies)),
        ])
    }

    func codeBuildProject(_ project: PipelinePlan.Project, role: String, named: Bool) -> TemplateValue {
        var properties: [(String, TemplateValue)] = []
        if named {
            properties.append(("Name", .sub("${AWS::StackName}-BuildProject")))
            properties.append(("Description", .sub("Build for ${AWS::StackName}")))
        }
        properties += [
            artifactKey,
            ("ServiceRole", .getAtt(role, "Arn")),
            ("Artifacts", .object([("Type", "CODEPIPELINE")])),
            ("Cache", .object([("Modes", .strings(["LOCAL_DOCKER_LAYER_CACHE"])), ("Type", "LOCAL")])),
            ("Environment", .object([
                ("Type", .string(project.environmentType)),
                ("ComputeType", "BUILD_GENERAL1_SMALL"),
                ("PrivilegedMode", .bool(true)),
                ("Image", .string(project.image)),
                ("EnvironmentVariables", .array(project.variables.map { variable in
                    let value: TemplateValue
                    switch variable.value {
                    case .text(let text): value = .string(text)
                    case .accountID: value = .sub("${AWS::AccountId}")
                    case .partition: value = .ref("AWS::Partition")
                    }
                    return .object([("Name", .string(variable.name)), ("Value", value)])
                })),
            ])),
            ("Source", .object([("Type", "CODEPIPELINE"), ("BuildSpec", .string(project.buildspec))])),
            ("TimeoutInMinutes", .int(60)),
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
            artifactKey,
            ("ServiceRole", .getAtt("BuildProjectRole", "Arn")),
            ("Artifacts", .object([("Type", "NO_ARTIFACTS")])),
            ("Environment", .object([
                ("Type", "LINUX_CONTAINER"),
                ("Image", .string(PipelinePlan.defaultImage)),
                ("ComputeType", "BUILD_GENERAL1_SMALL"),
                ("PrivilegedMode", .bool(true)),
            ])),
            ("Source", .object([("Type", "NO_SOURCE"), ("BuildSpec", .string(buildspec))])),
        ])
    }

    func pipeline() -> TemplateValue {
        var pipelineStages: [TemplateValue] = [
            .object([("Name", .string(StageName.source)), ("Actions", .array([sourceAction()]))]),
            .object([("Name", .string(StageName.build)), ("Actions", .array([action(
                StageName.buildAction, category: "Build", provider: "CodeBuild",
                configuration: [("ProjectName", .ref("BuildProject"))], runOrder: 1,
                inputs: [PipelinePlan.sourceOutput], outputs: [PipelinePlan.buildOutput])]))]),
        ]
        for (stage, environment) in zip(plan.stages, environments) {
            pipelineStages.append(.object([("Name", .string(stage.name)),
                                           ("Actions", .array(stage.actions.map { deployStageAction($0, stage, environment) }))]))
        }
        // Every region of the application, as Copilot lists them: a stage in any of them finds its store.
        var properties: [(String, TemplateValue)] = [
            ("ArtifactStores", .array(input.regionalResources.map { regional in
                .object([("Region", .string(regional.region)), ("ArtifactStore", .object([
                    ("Type", "S3"), ("Location", .string(regional.bucket)),
                    ("EncryptionKey", .object([("Id", .string(regional.kmsKeyARN)), ("Type", "KMS")])),
                ]))])
            })),
            ("RoleArn", .getAtt("PipelineRole", "Arn")),
        ]
        // Copilot names only legacy pipelines; CloudFormation names the others.
        if input.isLegacy { properties.append(("Name", .ref("AWS::StackName"))) }
        properties.append(("Stages", .array(pipelineStages)))
        return resource(StackNames.pipelineResourceType, properties, dependsOn: ["PipelineRole", "PipelineRolePolicy"])
    }

    func sourceAction() -> TemplateValue {
        let name = plan.sourceActionName
        let outputs = [PipelinePlan.sourceOutput]
        switch plan.source {
        case .gitHubToken(let owner, let repository, let branch, let secretID):
            // No PollForSourceChanges: CodePipeline's default (true) polls, which is how Copilot's GitHub v1 pipelines start.
            return action(name, category: "Source", owner: "ThirdParty", provider: "GitHub", configuration: [
                ("Owner", .string(owner)), ("Repo", .string(repository)), ("Branch", .string(branch)),
                // The whole SecretString, resolved by CloudFormation: the token never appears in the template.
                ("OAuthToken", .object([("Fn::Sub", .array([
                    "{{resolve:secretsmanager:${SecretId}}}", .object([("SecretId", .string(secretID))]),
                ]))])),
            ], runOrder: 1, outputs: outputs)
        case .connection(_, let repositoryID, let branch, _, let format):
            var configuration: [(String, TemplateValue)] = [
                ("ConnectionArn", connectionARN()), ("FullRepositoryId", .string(repositoryID)),
                ("BranchName", .string(branch)),
            ]
            if let format { configuration.append(("OutputArtifactFormat", .string(format))) }
            return action(name, category: "Source", provider: "CodeStarSourceConnection",
                          configuration: configuration, runOrder: 1, outputs: outputs)
        case .codeCommit(let repository, _, let branch, let format):
            var configuration: [(String, TemplateValue)] = [
                ("RepositoryName", .string(repository)), ("BranchName", .string(branch)),
            ]
            if let format { configuration.append(("OutputArtifactFormat", .string(format))) }
            return action(name, category: "Source", provider: "CodeCommit",
                          configuration: configuration, runOrder: 1, outputs: outputs)
        }
    }

    func deployStageAction(_ planned: PipelinePlan.Action, _ stage: PipelinePlan.DeployStage,
                           _ environment: CopilotEnvironment) -> TemplateValue {
        switch planned.kind {
        case .approval:
            return action(planned.name, category: "Approval", provider: "Manual", configuration: [], runOrder: planned.runOrder)
        case .preDeployment, .postDeployment:
            let id = projectID(stage, planned)
            return action(planned.name, category: "Build", provider: "CodeBuild",
                          configuration: [("ProjectName", .ref(id))], runOrder: planned.runOrder,
                          inputs: [PipelinePlan.sourceOutput], outputs: ["\(id)Output"])
        case .deployment(let deployment):
            return action(planned.name, category: "Deploy", provider: "CloudFormation", configuration: [
                ("ActionMode", "CREATE_UPDATE"),
                ("StackName", .string(deployment.stackName)),
                ("Capabilities", .string(StackNames.capabilities.joined(separator: ","))),
                ("TemplatePath", .string("\(PipelinePlan.buildOutput)::\(deployment.templatePath)")),
                ("TemplateConfiguration", .string("\(PipelinePlan.buildOutput)::\(deployment.templateConfigurationPath)")),
                ("RoleArn", .string(environment.executionRoleARN)),
            ], runOrder: planned.runOrder, inputs: [PipelinePlan.buildOutput], region: environment.region,
                          roleARN: environment.managerRoleARN)
        case .testCommands:
            return action(planned.name, category: "Test", provider: "CodeBuild",
                          configuration: [("ProjectName", .ref(projectID(stage, planned)))],
                          runOrder: planned.runOrder, inputs: [PipelinePlan.sourceOutput])
        }
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
        guard case .connection(_, _, _, let connection, _) = plan.source else { return .ref(PipelineTemplate.connectionResource) }
        switch connection {
        case .arn(let arn): return .string(arn)
        case .existing: return .string(input.existingConnectionARN ?? "")
        case .created: return .ref(PipelineTemplate.connectionResource)
        }
    }

    func bucketARNs() -> TemplateValue {
        .array(input.regionalResources.flatMap { regional in
            [.sub("arn:${AWS::Partition}:s3:::\(regional.bucket)"), .sub("arn:${AWS::Partition}:s3:::\(regional.bucket)/*")]
        })
    }

    var keyARNs: TemplateValue { .strings(input.regionalResources.map(\.kmsKeyARN)) }

    /// Copilot's role-policy-document: what the build and each pre/post-deployment project may do.
    func buildStatements() -> [TemplateValue] {
        var statements = [
            statement(["codebuild:CreateReportGroup", "codebuild:CreateReport", "codebuild:UpdateReport",
                       "codebuild:BatchPutTestCases", "codebuild:BatchPutCodeCoverages"],
                      resources: .sub("arn:${AWS::Partition}:codebuild:${AWS::Region}:${AWS::AccountId}:report-group/\(StackNames.pipeline(application: app, pipeline: "*"))")),
            statement(["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"], resources: bucketARNs()),
            statement(["kms:*"], resources: keyARNs),
            statement(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                      resources: .sub("arn:${AWS::Partition}:logs:*:*:*")),
            statement(["ecr:GetAuthorizationToken"], resources: "*"),
            statement(["ecr:DescribeImageScanFindings", "ecr:GetLifecyclePolicyPreview", "ecr:GetDownloadUrlForLayer",
                       "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:ListTagsForResource",
                       "ecr:BatchCheckLayerAvailability", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy",
                       "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"],
                      resources: "*",
                      condition: .object([("StringEquals", .object([("ecr:ResourceTag/\(ResourceTags.application)", .string(app))]))])),
        ]
        // CODEBUILD_CLONE_REF makes the build clone the repository itself.
        switch plan.source {
        case .codeCommit(let repository, _, _, "CODEBUILD_CLONE_REF"):
            statements.append(statement(["codecommit:GitPull"], resources: .sub(
                "arn:${AWS::Partition}:codecommit:${AWS::Region}:${AWS::AccountId}:\(repository)")))
        case .connection(_, _, _, _, "CODEBUILD_CLONE_REF"):
            statements.append(statement(["codestar-connections:UseConnection"], resources: connectionARN()))
        default: break
        }
        return statements
    }

    func pipelineStatements() -> [TemplateValue] {
        var general = ["codepipeline:*", "codecommit:GetBranch", "codecommit:GetCommit",
                       "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"]
        if case .codeCommit(_, _, _, .some) = plan.source { general.append("codecommit:GetRepository") }
        general += ["iam:ListRoles", "iam:PassRole", "codebuild:BatchGetBuilds", "codebuild:StartBuild",
                    "cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:DescribeStacks",
                    "cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:DeleteChangeSet",
                    "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet",
                    "cloudformation:SetStackPolicy", "cloudformation:ValidateTemplate",
                    "s3:ListAllMyBuckets", "s3:GetBucketLocation"]
        var statements = [statement(general, resources: .strings(["*"]))]
        var s3Actions = ["s3:PutObject", "s3:GetBucketPolicy", "s3:GetObject", "s3:ListBucket"]
        if case .connection = plan.source {
            // Only what a pipeline does with a connection; creating or changing connections is the user's.
            statements.append(statement(["codestar-connections:GetConnection", "codestar-connections:ListConnections",
                                         "codestar-connections:UseConnection", "codestar-connections:PassConnection"],
                                        resources: .array([connectionARN()])))
            s3Actions += ["s3:PutObjectAcl", "s3:GetObjectAcl"]
        }
        statements.append(statement(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: keyARNs))
        statements.append(statement(s3Actions, resources: bucketARNs()))
        let managerRoles = unique(everyStage.map(\.1.managerRoleARN))
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
            ("Principal", .object([("Service", .strings([service]))])),
            ("Action", .strings(["sts:AssumeRole"])),
        ])])
    }

    func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// A manifest's YAML (the additional policy) as template JSON: scalars stay strings, which IAM
    /// accepts everywhere a policy takes a boolean or number; `!Sub`, `!Ref`, `!GetAtt`… become the
    /// functions CloudFormation reads them as in Copilot's YAML template.
    static func value(_ yaml: YAMLValue) -> TemplateValue {
        switch yaml {
        case .scalar(let text): return .string(text)
        case .sequence(let items): return .array(items.map(value))
        case .mapping(let entries): return .object(entries.map { ($0.key, value($0.value)) })
        case .tagged(let tag, let tagged): return CloudFormationYAML.function(tag, value(tagged))
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

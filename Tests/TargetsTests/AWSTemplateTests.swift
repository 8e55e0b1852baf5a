import CopilotRules
import Foundation
import XCTest
import TestSupport
import Manifest
@testable import Targets

/// The pipeline stack's template: what it contains, and that cfn-lint finds no error in any we make.
final class AWSTemplateTests: XCTestCase {
    static let region = "us-east-1"
    static let account = "123456789012"

    static func input(_ manifest: PipelineManifest, application: String = "shop", workloads: [String] = ["api"],
                      buildspec: String = "copilot/pipelines/release/buildspec.yml") throws -> PipelineTemplateInput {
        let environments = Dictionary(manifest.stages.map {
            ($0.name, CopilotEnvironment.standard(app: application, name: $0.name, region: region, accountID: account))
        }, uniquingKeysWith: { a, _ in a })
        let plan = try validatedPlan(manifest, application: application, buildspec: buildspec, workloads: workloads)
        return PipelineTemplateInput(plan: plan, region: region, environments: environments, regionalResources: [regional(region)],
                                     existingConnectionARN: lookedUpConnection, additionalPolicy: manifest.build?.additionalPolicy)
    }

    /// What the application's StackSet instance in `region` outputs.
    static func regional(_ region: String) -> RegionalResources {
        RegionalResources(region: region, bucket: "shop-infrastructure-pipelinebucket-\(region)",
                          kmsKeyARN: "arn:aws:kms:\(region):\(account):key/\(region)-key")
    }

    /// connection-approval-tests with prod in another region and account, and the application's permissions boundary.
    static func crossRegionInput() throws -> PipelineTemplateInput {
        var input = try Self.input(Self.variants["connection-approval-tests"]!)
        input.environments["prod"] = CopilotEnvironment.standard(app: "shop", name: "prod", region: "us-west-2", accountID: "222222222222")
        input.regionalResources = [regional(region), regional("us-west-2")]
        input.permissionsBoundary = "org-boundary"
        return input
    }

    /// What ListConnections answers for a manifest's `connection_name` (used only by such manifests).
    static let lookedUpConnection = "arn:aws:codestar-connections:us-east-1:123456789012:connection/looked-up"

    static let github = Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/acme/shop"))

    /// Manifests that between them use every source kind and stage feature the template knows.
    static let variants: [String: PipelineManifest] = [
        "connection-approval-tests": PipelineManifest(name: "release", source: github, stages: [
            Stage(name: "test", testCommands: ["make test", "echo \"it's: done # really\""]),
            Stage(name: "prod", requiresApproval: true),
        ]),
        "github-token": PipelineManifest(name: "legacy", source: Source(provider: .gitHub, properties: SourceProperties(
            repository: "acme/shop", branch: "release", accessTokenSecret: "github-token-shop")),
            stages: [Stage(name: "test")]),
        "codecommit-clone-ref": PipelineManifest(name: "cc", source: Source(provider: .codeCommit, properties: SourceProperties(
            repository: "https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/browse",
            outputArtifactFormat: "CODEBUILD_CLONE_REF")),
            build: Build(image: "aws/codebuild/amazonlinux2-aarch64-standard:3.0", buildspec: "ci/buildspec.yml",
                         additionalPolicy: .mapping([
                            .init(key: "Version", value: .scalar("2012-10-17")),
                            .init(key: "Statement", value: .sequence([.mapping([
                                .init(key: "Effect", value: .scalar("Allow")),
                                .init(key: "Action", value: .sequence([.scalar("s3:ListBucket")])),
                                .init(key: "Resource", value: .scalar("*")),
                            ])])),
                         ])),
            stages: [Stage(name: "test")]),
        "bitbucket-existing-connection": PipelineManifest(name: "bb", source: Source(provider: .bitbucket, properties: SourceProperties(
            repository: "https://bitbucket.org/acme/shop",
            connectionARN: "arn:aws:codestar-connections:us-east-1:123456789012:connection/0b1c2d3e"))),
        "ordered-deployments": PipelineManifest(name: "ordered", source: github, stages: [
            Stage(name: "test", requiresApproval: true,
                  deployments: [Deployment(name: "frontend", dependsOn: ["backend"]),
                                Deployment(name: "backend", stackName: "shop-test-backend-v2",
                                           templatePath: "infrastructure/backend.yml", templateConfig: "infrastructure/backend.json")],
                  preDeployments: [DeploymentAction(name: "migrate", buildspec: "ci/migrate.yml"),
                                   DeploymentAction(name: "seed", buildspec: "ci/seed.yml", dependsOn: ["migrate"])],
                  postDeployments: [DeploymentAction(name: "smoke", buildspec: "ci/smoke.yml")]),
        ]),
    ]

    func testTheFirstVariantHasCopilotsStagesActionsAndResources() throws {
        let template = try PipelineTemplate.make(try Self.input(Self.variants["connection-approval-tests"]!))
        let resources = try XCTUnwrap(template["Resources"])
        for id in ["SourceConnection", "BuildProjectRole", "BuildProjectPolicy", "BuildProject",
                   "BuildTestCommandstest", "PipelineRole", "PipelineRolePolicy", "Pipeline"] {
            XCTAssertNotNil(resources[id], id)
        }
        let stages = try XCTUnwrap(resources["Pipeline"]?["Properties"]?["Stages"])
        guard case .array(let list) = stages else { return XCTFail("Stages is not a list") }
        XCTAssertEqual(list.map { $0["Name"] }, ["Source", "Build", "DeployTo-test", "DeployTo-prod"])
        XCTAssertEqual(actionNames(list[2]), ["CreateOrUpdate-api-test", "TestCommands"])
        XCTAssertEqual(actionNames(list[3]), ["ApprovePromotionTo-prod", "CreateOrUpdate-api-prod"])
        XCTAssertEqual(runOrders(list[3]), [1, 2])
        let deploy = try XCTUnwrap(actions(list[2]).first)
        XCTAssertEqual(deploy["Configuration"]?["StackName"], "shop-test-api")
        XCTAssertEqual(deploy["Configuration"]?["TemplatePath"], "BuildOutput::infrastructure/api-test.stack.yml")
        XCTAssertEqual(deploy["Configuration"]?["TemplateConfiguration"], "BuildOutput::infrastructure/api-test.params.json")
        XCTAssertEqual(deploy["RoleArn"], "arn:aws:iam::123456789012:role/shop-test-EnvManagerRole")
        // CloudFormation names the CodePipeline (Copilot names only legacy pipelines).
        XCTAssertNil(resources["Pipeline"]?["Properties"]?["Name"])
        let buildspec = resources["BuildTestCommandstest"]?["Properties"]?["Source"]?["BuildSpec"]
        XCTAssertEqual(buildspec, .string("version: 0.2\nphases:\n  build:\n    commands:\n      - \"make test\"\n"
                                          + "      - \"echo \\\"it's: done # really\\\"\"\n"))
    }

    func testDependsOnOrdersPreDeploymentsDeploymentsAndPostDeployments() throws {
        let template = try PipelineTemplate.make(try Self.input(Self.variants["ordered-deployments"]!))
        guard case .array(let stages)? = template["Resources"]?["Pipeline"]?["Properties"]?["Stages"] else {
            return XCTFail("no stages")
        }
        XCTAssertEqual(actionNames(stages[2]), ["ApprovePromotionTo-test", "migrate", "seed", "CreateOrUpdate-backend-test",
                                                "CreateOrUpdate-frontend-test", "smoke"])
        XCTAssertEqual(runOrders(stages[2]), [1, 2, 3, 4, 5, 6])
        let backend = actions(stages[2])[3]
        XCTAssertEqual(backend["Configuration"]?["StackName"], "shop-test-backend-v2")
        XCTAssertEqual(backend["Configuration"]?["TemplateConfiguration"], "BuildOutput::infrastructure/backend.json")
    }

    func testTheSourceActionFollowsTheProvider() throws {
        func source(_ variant: String) throws -> TemplateValue? {
            let template = try PipelineTemplate.make(try Self.input(Self.variants[variant]!))
            guard case .array(let stages)? = template["Resources"]?["Pipeline"]?["Properties"]?["Stages"] else { return nil }
            return actions(stages[0]).first
        }
        let token = try source("github-token")
        XCTAssertEqual(token?["ActionTypeId"]?["Provider"], "GitHub")
        XCTAssertEqual(token?["Configuration"]?["OAuthToken"], .object([("Fn::Sub", .array([
            "{{resolve:secretsmanager:${SecretId}}}", .object([("SecretId", "github-token-shop")]),
        ]))]))
        // No PollForSourceChanges: CodePipeline polls the repository, as Copilot's GitHub v1 pipelines do.
        XCTAssertNil(token?["Configuration"]?["PollForSourceChanges"])
        XCTAssertEqual(token?["Configuration"]?["Branch"], "release")
        let codeCommit = try source("codecommit-clone-ref")
        XCTAssertEqual(codeCommit?["Configuration"]?["RepositoryName"], "shop")
        let bitbucket = try source("bitbucket-existing-connection")
        XCTAssertEqual(bitbucket?["Configuration"]?["ConnectionArn"],
                       "arn:aws:codestar-connections:us-east-1:123456789012:connection/0b1c2d3e")
        XCTAssertEqual(bitbucket?["Configuration"]?["FullRepositoryId"], "acme/shop")
    }

    /// `connection_name` names an existing connection, which Copilot looks up (ListConnections): the stack uses its
    /// ARN and creates none. Without a name, the stack creates one under Copilot's name.
    func testAConnectionNameNamesAnExistingConnection() throws {
        let named = PipelineManifest(name: "named", source: Source(provider: .gitHub, properties: SourceProperties(
            repository: "acme/shop", connectionName: "acme-github")), stages: [Stage(name: "test")])
        let template = try PipelineTemplate.make(try Self.input(named))
        XCTAssertNil(template["Resources"]?["SourceConnection"])
        guard case .array(let stages)? = template["Resources"]?["Pipeline"]?["Properties"]?["Stages"] else { return XCTFail("no stages") }
        XCTAssertEqual(actions(stages[0]).first?["Configuration"]?["ConnectionArn"], .string(Self.lookedUpConnection))
        let created = try PipelineTemplate.make(try Self.input(Self.variants["connection-approval-tests"]!))
        XCTAssertEqual(created["Resources"]?["SourceConnection"]?["Properties"]?["ConnectionName"], "copilot-acme-shop")
    }

    func testTheSameInputRendersTheSameBytes() throws {
        let input = try Self.input(Self.variants["ordered-deployments"]!)
        XCTAssertEqual(try PipelineTemplate.make(input).rendered(), try PipelineTemplate.make(input).rendered())
    }

    func testAnEnvironmentWithoutItsParameterIsNamed() throws {
        var input = try Self.input(Self.variants["connection-approval-tests"]!)
        input.environments["prod"] = nil
        XCTAssertThrowsError(try PipelineTemplate.make(input)) { error in
            XCTAssertTrue("\(error)".contains("/copilot/applications/shop/environments/prod"), "\(error)")
        }
    }

    /// Copilot's artifact stores: one per region of the application, its bucket and KMS key; a stage deploys
    /// in its environment's region with the role of its environment's account; every role has the boundary.
    func testEveryRegionOfTheApplicationHasItsArtifactStoreAndEveryRoleTheBoundary() throws {
        let template = try PipelineTemplate.make(try Self.crossRegionInput())
        let resources = try XCTUnwrap(template["Resources"])
        XCTAssertNil(resources["ArtifactBucket"], "the pipeline's stack makes no bucket of its own")
        XCTAssertEqual(resources["Pipeline"]?["Properties"]?["ArtifactStores"], .array(["us-east-1", "us-west-2"].map { region in
            .object([("Region", .string(region)), ("ArtifactStore", .object([
                ("Type", "S3"), ("Location", .string(Self.regional(region).bucket)),
                ("EncryptionKey", .object([("Id", .string(Self.regional(region).kmsKeyARN)), ("Type", "KMS")])),
            ]))])
        }))
        guard case .array(let stages)? = resources["Pipeline"]?["Properties"]?["Stages"] else { return XCTFail("no stages") }
        let prodDeploy = try XCTUnwrap(actions(stages[3]).last)
        XCTAssertEqual(prodDeploy["Region"], "us-west-2")
        XCTAssertEqual(prodDeploy["RoleArn"], "arn:aws:iam::222222222222:role/shop-prod-EnvManagerRole")
        guard case .object(let entries) = resources else { return XCTFail("Resources is not an object") }
        let roles = entries.filter { $0.1["Type"] == "AWS::IAM::Role" }
        XCTAssertEqual(roles.count, 2)
        for (id, role) in roles {
            XCTAssertEqual(role["Properties"]?["PermissionsBoundary"],
                           .sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/org-boundary"), id)
        }
        XCTAssertEqual(resources["BuildProject"]?["Properties"]?["EncryptionKey"], .object([("Fn::ImportValue", "shop-ArtifactKey")]))
    }

    /// A stage's region, or the pipeline's, without a stack of the application's StackSet stops the template,
    /// naming the region and what to run.
    func testARegionWithoutTheApplicationsRegionalStackIsNamed() throws {
        var input = try Self.crossRegionInput()
        input.regionalResources = [Self.regional(Self.region)]
        XCTAssertThrowsError(try PipelineTemplate.make(input)) { error in
            XCTAssertTrue("\(error)".contains("application shop has no regional stack in us-west-2, where environment prod is"), "\(error)")
            XCTAssertTrue("\(error)".contains("`copilot env deploy --name prod`"), "\(error)")
        }
        input.regionalResources = [Self.regional("us-west-2")]
        input.environments["test"] = input.environments["prod"]
        XCTAssertThrowsError(try PipelineTemplate.make(input)) { error in
            XCTAssertTrue("\(error)".contains("no regional stack in us-east-1, the pipeline's region"), "\(error)")
        }
    }

    func testACycleInDependsOnIsAnError() {
        let manifest = PipelineManifest(name: "loop", source: Self.github, stages: [Stage(name: "test", deployments: [
            Deployment(name: "a", dependsOn: ["b"]), Deployment(name: "b", dependsOn: ["a"]),
        ])])
        XCTAssertThrowsError(try Self.input(manifest)) { error in
            XCTAssertTrue("\(error)".contains("a → b → a"), "\(error)")
        }
    }

    /// Every corpus manifest that validates, every variant above and every example script's pipeline, in one cfn-lint run.
    func testCfnLintFindsNoErrorInAnyTemplate() throws {
        let directory = try TemporaryDirectory("sluice-templates")
        defer { directory.remove() }
        var written: [String] = []
        func write(_ name: String, _ input: PipelineTemplateInput) throws {
            let file = directory.url.appendingPathComponent("\(name).json")
            try PipelineTemplate.make(input).rendered().write(to: file, atomically: true, encoding: .utf8)
            written.append(file.path)
        }
        for (name, manifest) in Self.variants { try write(name, try Self.input(manifest)) }
        // A legacy pipeline's template names the CodePipeline after its stack, as Copilot's does.
        var legacy = try Self.input(Self.variants["connection-approval-tests"]!)
        legacy.isLegacy = true
        XCTAssertEqual(try PipelineTemplate.make(legacy)["Resources"]?["Pipeline"]?["Properties"]?["Name"], .ref("AWS::StackName"))
        try write("legacy", legacy)
        try write("cross-region-boundary", try Self.crossRegionInput())
        var corpusCount = 0
        for (name, manifest) in try Self.corpusManifests() {
            try write("corpus-" + name.replacingOccurrences(of: "/", with: "_"), try Self.input(manifest))
            corpusCount += 1
        }
        let examples = try Self.examplePipelines(scratch: directory.url.appendingPathComponent("examples"))
        XCTAssertGreaterThanOrEqual(examples.count, 3)
        for (name, input) in examples { try write("example-" + name, input) }
        XCTAssertGreaterThan(corpusCount, 40)

        try Self.assertCfnLintFindsNoError(written)
    }

    /// cfn-lint finds no error in the template `text` (what `show template` printed).
    static func assertCfnLintFindsNoError(inTemplate text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let scratch = try TemporaryDirectory("sluice-template")
        defer { scratch.remove() }
        let written = scratch.url.appendingPathComponent("template.json")
        try Data(text.utf8).write(to: written)
        try assertCfnLintFindsNoError([written.path], file: file, line: line)
    }

    /// One cfn-lint run over `files`: no error (E…) in any, and every file checked.
    static func assertCfnLintFindsNoError(_ files: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let lint = try runProcess("/usr/bin/env", ["cfn-lint", "--format", "parseable", "--"] + files, timeout: 600)
        let errors = lint.stdout.split(separator: "\n").map(String.init).filter { line in
            line.split(separator: ":").contains { $0.count > 1 && $0.first == "E" && $0.dropFirst().allSatisfy(\.isNumber) }
        }
        XCTAssertEqual(errors, [], "cfn-lint errors:\n" + errors.joined(separator: "\n"), file: file, line: line)
        XCTAssertEqual(lint.status & 2, 0, "cfn-lint reports errors:\n\(lint.stdout)\(lint.stderr)", file: file, line: line)
        XCTAssertEqual(lint.stderr, "", "cfn-lint could not check every file", file: file, line: line)
    }

    /// The corpus's manifests that load and that PipelineValidator finds no error in, by corpus file name.
    static func corpusManifests() throws -> [(String, PipelineManifest)] {
        try PipelineCorpusFile.all().compactMap { file in
            guard file.isManifest, let document = try? ManifestDocument.load(contentsOf: file.url),
                  PipelineValidator().validate(document).manifest != nil
            else { return nil }
            return (file.name, document.manifest)
        }
    }

    /// The pipelines the example scripts write: each script's editing lines (not the ones that act
    /// through a target) run by the sluice binary in a copy of the quickstart workspace.
    static func examplePipelines(scratch: URL) throws -> [(String, PipelineTemplateInput)] {
        let examples = packageRoot.appendingPathComponent("examples")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".sluice") }.sorted()
        XCTAssertFalse(scripts.isEmpty, "no example scripts in \(examples.path)")
        let targetCommands: Set<String> = ["push", "watch", "approve", "reject", "release", "status", "history", "logs"]
        var found: [(String, PipelineTemplateInput)] = []
        for script in scripts {
            let root = scratch.appendingPathComponent(script)
            try FileManager.default.copyItem(at: examples.appendingPathComponent("quickstart"), to: root)
            let text = try String(contentsOf: examples.appendingPathComponent(script), encoding: .utf8)
            let editing = text.split(separator: "\n", omittingEmptySubsequences: false).filter {
                !targetCommands.contains(String($0.split(separator: " ").first ?? ""))
            }.joined(separator: "\n")
            let file = root.appendingPathComponent("editing.sluice")
            try editing.write(to: file, atomically: true, encoding: .utf8)
            let run = try runProcess(sluiceBinary, [file.path], environment: ["AWS_REGION": region], directory: root)
            XCTAssertEqual(run.status, 0, "\(script): \(run.stderr)")
            let workspace = try Workspace.load(root: root)
            XCTAssertFalse(workspace.pipelines.isEmpty, "\(script) wrote no pipeline")
            for files in workspace.pipelines {
                let manifest = try ManifestDocument.load(contentsOf: files.manifest).manifest
                found.append(("\(script)-\(files.name)", try input(
                    manifest, application: workspace.application, workloads: workspace.workloads.map(\.name),
                    buildspec: files.buildspec.path.replacingOccurrences(of: root.path + "/", with: ""))))
            }
        }
        return found
    }

    private func actions(_ stage: TemplateValue) -> [TemplateValue] {
        guard case .array(let list)? = stage["Actions"] else { return [] }
        return list
    }

    private func actionNames(_ stage: TemplateValue) -> [String] {
        actions(stage).compactMap { if case .string(let name)? = $0["Name"] { return name } else { return nil } }
    }

    private func runOrders(_ stage: TemplateValue) -> [Int] {
        actions(stage).compactMap { if case .int(let order)? = $0["RunOrder"] { return order } else { return nil } }
    }
}

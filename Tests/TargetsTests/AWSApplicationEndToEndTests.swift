import Foundation
import XCTest
import TestSupport

/// The pipeline inside its Copilot application, through the real `sluice` binary against moto on
/// 127.0.0.1 with signature checking: the application StackSet's regional buckets and KMS keys, other
/// regions and accounts, the template by URL, the application's permissions boundary and tags,
/// taking over a pipeline Copilot deployed, and `pipeline rm` leaving nothing behind.
final class AWSApplicationEndToEndTests: AWSMotoTestCase {
    var home: TemporaryDirectory!
    var workspace: URL!
    var cli: AWSCommandLine!
    let token = "ghp_sluiceTestTokenNeverShown0123456789"
    static let otherAccount = "222222222222"

    override func tearDown() {
        home?.remove()
    }

    func sluice(_ lines: [String]) throws -> ProcessResult {
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "1000"  // these tests read what is said, not how it is wrapped
        environment["GITHUB_TOKEN"] = token
        return try runProcess(sluiceBinary, ["-c", lines.joined(separator: "; ")], environment: environment,
                              directory: workspace, timeout: 300)
    }

    var useMoto: String { "target aws endpoint \(Self.moto.endpoint)" }

    /// Each region's PipelineBucket and KMSKeyARN, as the StackSet's instance stacks output them.
    func regionalOutputs(_ application: String) throws -> [String: (bucket: String, key: String)] {
        let summaries = try cli.json(["cloudformation", "list-stack-instances", "--stack-set-name", "\(application)-infrastructure"])
        var found: [String: (bucket: String, key: String)] = [:]
        for summary in summaries["Summaries"] as? [[String: Any]] ?? [] {
            let region = summary["Region"] as? String ?? "?"
            let stack = (try cli.json(["cloudformation", "describe-stacks", "--region", region,
                                       "--stack-name", summary["StackId"] as? String ?? "?"])["Stacks"] as? [[String: Any]])?.first
            let outputs = Dictionary(uniqueKeysWithValues: (stack?["Outputs"] as? [[String: Any]] ?? []).map {
                ($0["OutputKey"] as? String ?? "", $0["OutputValue"] as? String ?? "")
            })
            found[region] = (outputs["PipelineBucket"] ?? "?", outputs["KMSKeyARN"] ?? "?")
        }
        return found
    }

    func stackResources(_ stack: String, region: String = "us-east-1") throws -> [[String: Any]] {
        try cli.json(["cloudformation", "describe-stack-resources", "--region", region, "--stack-name", stack])["StackResources"]
            as? [[String: Any]] ?? []
    }

    /// Test in the application's region and account, prod in another of each: one pipeline, an artifact store in each
    /// region with that region's application bucket and key (which grants prod's account), prod deployed with the role
    /// of its account; the application's permissions boundary and tags on every role and on the stack; then
    /// `pipeline rm` leaves nothing the pipeline made.
    func testAPipelineAcrossRegionsAndAccountsUsesTheApplicationsBucketsKeysBoundaryAndTags() async throws {
        (cli, home, workspace) = try await prepareQuickstart { cli in
            try await cli.seedCopilotApplication("demo", environments: [("test", "us-east-1", MotoServer.account),
                                                                  ("prod", "us-west-2", Self.otherAccount)],
                                           applicationFields: #","permissionsBoundary":"org-boundary","tags":{"team":"payments","cost-center":"42"}"#)
        }
        try cli.json(["iam", "create-policy", "--policy-name", "org-boundary",
                      "--policy-document", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#])
        let stores = try regionalOutputs("demo")
        XCTAssertEqual(stores.keys.sorted(), ["us-east-1", "us-west-2"])
        let bucketsBefore = try cli.json(["s3api", "list-buckets"])["Buckets"] as? [[String: Any]]

        let pushed = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop",
                                 "stage add test", "stage add prod", "approval on prod", "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let stackName = "pipeline-demo-shop-main"

        // The CodePipeline: one store per region, the application's bucket and KMS key in each.
        let pipelineResource = try stackResources(stackName).first { $0["LogicalResourceId"] as? String == "Pipeline" }
        let pipelineName = try XCTUnwrap(pipelineResource?["PhysicalResourceId"] as? String)
        let pipeline = try XCTUnwrap(try cli.json(["codepipeline", "get-pipeline", "--name", pipelineName])["pipeline"] as? [String: Any])
        XCTAssertNil(pipeline["artifactStore"])
        let artifactStores = try XCTUnwrap(pipeline["artifactStores"] as? [String: [String: Any]])
        XCTAssertEqual(artifactStores.keys.sorted(), ["us-east-1", "us-west-2"])
        for (region, store) in artifactStores {
            XCTAssertEqual(store["location"] as? String, stores[region]?.bucket, region)
            XCTAssertEqual((store["encryptionKey"] as? [String: String])?["id"], stores[region]?.key, region)
            XCTAssertEqual((store["encryptionKey"] as? [String: String])?["type"], "KMS", region)
        }
        // prod deploys in its region with its account's role, through the key the application grants that account.
        let stages = pipeline["stages"] as? [[String: Any]] ?? []
        let prodDeploy = (stages.last?["actions"] as? [[String: Any]])?.last
        XCTAssertEqual(prodDeploy?["region"] as? String, "us-west-2")
        XCTAssertEqual(prodDeploy?["roleArn"] as? String, "arn:aws:iam::\(Self.otherAccount):role/demo-prod-EnvManagerRole")
        let westKeyARN = stores["us-west-2"]?.key ?? "?"
        let westKey = try cli.json(["kms", "get-key-policy", "--region", "us-west-2", "--key-id", westKeyARN, "--policy-name", "default"])
        XCTAssertTrue((westKey["Policy"] as? String ?? "").contains("arn:aws:iam::\(Self.otherAccount):root"), "\(westKey)")

        // The stack made no bucket: the application's two are all there are.
        let resources = try stackResources(stackName)
        XCTAssertFalse(resources.contains { $0["ResourceType"] as? String == "AWS::S3::Bucket" })
        XCTAssertEqual((try cli.json(["s3api", "list-buckets"])["Buckets"] as? [[String: Any]])?.count, bucketsBefore?.count)
        // The template went by URL, from the application's bucket in the pipeline's region.
        let object = try cli.json(["s3api", "head-object", "--bucket", stores["us-east-1"]?.bucket ?? "?",
                                   "--key", "\(stackName).pipeline.stack.yml"])
        XCTAssertGreaterThan(object["ContentLength"] as? Int ?? 0, 0)

        // The boundary on every role, the application's tags (with Copilot's) on every role and on the stack.
        let expectedTags = ["team": "payments", "cost-center": "42", "copilot-application": "demo", "copilot-pipeline": "shop-main"]
        let stack = (try cli.json(["cloudformation", "describe-stacks", "--stack-name", stackName])["Stacks"] as? [[String: Any]])?.first
        XCTAssertEqual(Self.tags(stack?["Tags"]), expectedTags)
        let roles = resources.filter { $0["ResourceType"] as? String == "AWS::IAM::Role" }.compactMap { $0["PhysicalResourceId"] as? String }
        XCTAssertEqual(roles.count, 2, "\(resources)")
        for role in roles {
            let described = try XCTUnwrap(try cli.json(["iam", "get-role", "--role-name", role])["Role"] as? [String: Any])
            XCTAssertEqual((described["PermissionsBoundary"] as? [String: Any])?["PermissionsBoundaryArn"] as? String,
                           "arn:aws:iam::\(MotoServer.account):policy/org-boundary", role)
            XCTAssertEqual(Self.tags(try cli.json(["iam", "list-role-tags", "--role-name", role])["Tags"]), expectedTags, role)
        }

        let shown = try sluice(["pipeline show"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("  Artifacts   us-east-1: s3://\(stores["us-east-1"]?.bucket ?? "?") (KMS key "), shown.stdout)

        // pipeline rm: the stack (its roles, its CodePipeline), the uploaded template and the token's secret are gone;
        // the application's buckets and keys, which other pipelines share, stay.
        let removed = try sluice(["pipeline rm shop-main --delete-secret --yes"])
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(removed.stdout.flattened.contains("Deleted the pipeline's template s3://\(stores["us-east-1"]?.bucket ?? "?")/\(stackName).pipeline.stack.yml."),
                      removed.stdout)
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", stackName]).status, 0)
        XCTAssertEqual((try cli.json(["codepipeline", "list-pipelines"])["pipelines"] as? [[String: Any]])?.count, 0)
        XCTAssertEqual((try cli.json(["iam", "list-roles"])["Roles"] as? [[String: Any]])?.count, 0)
        XCTAssertEqual((try cli.json(["secretsmanager", "list-secrets"])["SecretList"] as? [[String: Any]])?.count, 0)
        for (region, store) in stores {
            let objects = try cli.json(["s3api", "list-objects-v2", "--region", region, "--bucket", store.bucket])
            XCTAssertEqual((objects["Contents"] as? [[String: Any]])?.count ?? 0, 0, "\(region): \(objects)")
        }
        XCTAssertEqual((try cli.json(["s3api", "list-buckets"])["Buckets"] as? [[String: Any]])?.count, bucketsBefore?.count)
    }

    /// A stage in a region where the application has no regional stack stops push before anything is deployed,
    /// naming the region and what to run.
    func testAStageInARegionWithoutTheApplicationsStackIsNamed() async throws {
        (cli, home, workspace) = try await prepareQuickstart { cli in
            try await cli.seedCopilotApplication("demo", environments: ["test", "prod"])
            let value = #"{"app":"demo","name":"prod","region":"eu-west-1","accountID":"123456789012","#
                + #""executionRoleARN":"arn:aws:iam::123456789012:role/demo-prod-CFNExecutionRole","#
                + #""managerRoleARN":"arn:aws:iam::123456789012:role/demo-prod-EnvManagerRole"}"#
            try cli.json(["ssm", "put-parameter", "--overwrite", "--type", "String",
                          "--name", "/copilot/applications/demo/environments/prod", "--value", value])
        }
        let result = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add prod", "push --yes"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("application demo has no regional stack in eu-west-1, where environment prod is"), result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("copilot env deploy --name prod"), result.stderr)
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"]).status, 0)
    }

    /// An environment in an account the application's KMS key does not grant stops push before anything is
    /// deployed: its deployments could not read the artifacts.
    func testAnEnvironmentInAnAccountTheApplicationDoesNotGrantIsNamed() async throws {
        (cli, home, workspace) = try await prepareQuickstart { cli in
            try await cli.seedCopilotApplication("demo", environments: [("test", "us-east-1", MotoServer.account),
                                                                  ("prod", "us-west-2", Self.otherAccount)])
            let value = #"{"app":"demo","name":"prod","region":"us-west-2","accountID":"333333333333","#
                + #""executionRoleARN":"arn:aws:iam::333333333333:role/demo-prod-CFNExecutionRole","#
                + #""managerRoleARN":"arn:aws:iam::333333333333:role/demo-prod-EnvManagerRole"}"#
            try cli.json(["ssm", "put-parameter", "--overwrite", "--type", "String",
                          "--name", "/copilot/applications/demo/environments/prod", "--value", value])
        }
        let result = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test",
                                 "stage add prod", "push --yes"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("environment prod is in account 333333333333, which the KMS key of application demo in us-west-2"),
                      result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("`copilot env init --name prod`"), result.stderr)
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"]).status, 0)
    }

    /// 40 services × 6 stages: a template far over CloudFormation's 51,200-byte TemplateBody limit (which the harness
    /// enforces) deploys by URL, its plan shown first by `push --dry-run`; cfn-lint finds no error in it.
    func testFortyServicesInSixStagesDeployByURL() async throws {
        let environments = (1...6).map { "env\($0)" }
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: environments) }
        let copilot = workspace.appendingPathComponent("copilot")
        for index in 1...40 {
            try await cli.registerWorkload("svc\(index)", type: "Backend Service", application: "demo")
            let service = copilot.appendingPathComponent("svc\(index)")
            try FileManager.default.createDirectory(at: service, withIntermediateDirectories: true)
            try "name: svc\(index)\ntype: Backend Service\n".write(to: service.appendingPathComponent("manifest.yml"), atomically: true, encoding: .utf8)
        }
        for environment in environments {
            let folder = copilot.appendingPathComponent("environments/\(environment)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "name: \(environment)\ntype: Environment\n".write(to: folder.appendingPathComponent("manifest.yml"), atomically: true, encoding: .utf8)
        }
        let setup = [useMoto, "source set github acme/shop token-secret github-token-shop"] + environments.map { "stage add \($0)" }
        let saved = try sluice(setup + ["save"])
        XCTAssertEqual(saved.status, 0, saved.stderr)
        let template = try sluice(["show template"])
        XCTAssertEqual(template.status, 0, template.stderr)
        let size = template.stdout.utf8.count
        XCTAssertGreaterThan(size, 51_200 * 4, "the template is far over the TemplateBody limit")
        let file = home.url.appendingPathComponent("forty-by-six.json")
        try template.stdout.write(to: file, atomically: true, encoding: .utf8)
        let lint = try runProcess("/usr/bin/env", ["cfn-lint", "--format", "parseable", "--", file.path], timeout: 600)
        XCTAssertEqual(lint.status & 2, 0, "cfn-lint errors:\n\(lint.stdout)\(lint.stderr)")

        let planned = try sluice(["push --dry-run"])
        XCTAssertEqual(planned.status, 0, planned.stdout + planned.stderr)
        XCTAssertTrue(planned.stdout.flattened.contains("Plan for stack pipeline-demo-shop-main (create):"), planned.stdout)
        XCTAssertTrue(planned.stdout.flattened.contains("+ Pipeline"), planned.stdout)
        let pushed = try sluice(["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("CREATE_COMPLETE"), pushed.stdout)
        let bucket = try XCTUnwrap(try regionalOutputs("demo")["us-east-1"]?.bucket)
        let object = try cli.json(["s3api", "head-object", "--bucket", bucket, "--key", "pipeline-demo-shop-main.pipeline.stack.yml"])
        XCTAssertEqual(object["ContentLength"] as? Int, size)
        let stages = try cli.json(["codepipeline", "list-pipelines"])["pipelines"] as? [[String: Any]]
        XCTAssertEqual(stages?.count, 1)
    }

    /// The template Copilot deployed for its gh reference pipeline (testdata/pipeline/gh_template.yaml) as that
    /// pipeline's stack; `push` of the same manifest says it takes the pipeline over and plans an update that
    /// replaces neither the CodePipeline nor the connection, then keeps both.
    func testAPipelineCopilotDeployedIsTakenOverInPlace() async throws {
        let reference = packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/reference/copilot/internal/pkg/deploy/cloudformation/stack/testdata/pipeline/gh_template.yaml")
        guard FileManager.default.fileExists(atPath: reference.path) else {
            if SharedData.isCI { XCTFail("\(reference.path) is absent; CI needs it") }
            throw XCTSkip("\(reference.path) is absent (it lives in ../shared beside a clone of this repository)")
        }
        let region = "us-west-2"
        (cli, home, workspace) = try await prepareQuickstart { cli in
            try await cli.seedCopilotApplication("phonetool", environments: [("test", region, "1111")], homeRegion: region,
                                           workloads: ["api", "frontend"])
        }
        let stackName = "pipeline-phonetool-phonetool-pipeline"
        try cli.json(["cloudformation", "create-stack", "--region", region, "--stack-name", stackName,
                      "--template-body", try String(contentsOf: reference, encoding: .utf8), "--capabilities", "CAPABILITY_IAM",
                      "--tags", "Key=copilot-application,Value=phonetool", "Key=copilot-pipeline,Value=phonetool-pipeline"])
        func physicalIDs() throws -> [String: String] {
            // moto lists the resources it does not model (CodeBuild projects) without ids.
            Dictionary(try stackResources(stackName, region: region).compactMap { resource in
                (resource["LogicalResourceId"] as? String).map { ($0, resource["PhysicalResourceId"] as? String ?? "") }
            }, uniquingKeysWith: { first, _ in first })
        }
        let before = try physicalIDs()

        // The workspace Copilot's gh case describes: application phonetool, services api and frontend, its manifest.
        let copilot = workspace.appendingPathComponent("copilot")
        try FileManager.default.removeItem(at: copilot)
        let files = [
            ".workspace": "application: phonetool\n",
            "api/manifest.yml": "name: api\ntype: Load Balanced Web Service\n",
            "frontend/manifest.yml": "name: frontend\ntype: Load Balanced Web Service\n",
            "environments/test/manifest.yml": "name: test\ntype: Environment\n",
            "pipelines/phonetool-pipeline/buildspec.yml": "version: 0.2\nphases:\n  build:\n    commands:\n      - echo build\n",
            "pipelines/phonetool-pipeline/manifest.yml": """
                name: phonetool-pipeline
                version: 1
                source:
                  provider: GitHub
                  properties:
                    repository: https://github.com/aws/phonetool
                    branch: mainline
                stages:
                  - name: test
                    requires_approval: true
                    pre_deployments:
                      preAction1:
                        buildspec: ./buildspec.yml
                      preAction2:
                        buildspec: copilot/pipelines/buildspec.yml
                        depends_on: [preAction1]
                    post_deployments:
                      postAction1:
                        buildspec: .anotherPath/buildspec.yml
                      postAction2:
                        buildspec: .somePath/buildspec.yml
                        depends_on: [postAction1]
                      postAction3:
                        buildspec: .someOtherPath/buildspec.yml

                """,
        ]
        for (path, text) in files {
            let url = copilot.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }

        let target = "target aws region \(region) endpoint \(Self.moto.endpoint)"
        // Read commands find the CodePipeline as Copilot does, by the stack's Pipeline resource: no output of sluice's needed.
        let status = try sluice([target, "status"])
        XCTAssertEqual(status.status, 0, status.stdout + status.stderr)
        XCTAssertTrue(status.stdout.flattened.contains("└── CreateOrUpdate-frontend-test"), status.stdout)
        let history = try sluice([target, "history"])
        XCTAssertEqual(history.status, 0, history.stdout + history.stderr)

        let planned = try sluice([target, "push --dry-run"])
        XCTAssertEqual(planned.status, 0, planned.stdout + planned.stderr)
        XCTAssertTrue(planned.stdout.flattened.contains("Updating pipeline phonetool-pipeline, whose template Copilot v1.28.0 rendered (stack \(stackName)), in place"),
                      planned.stdout)
        XCTAssertTrue(planned.stdout.flattened.contains("Plan for stack \(stackName) (update):"), planned.stdout)
        let lines = planned.stdout.split(separator: "\n").map(String.init)
        let pipelineLine = try XCTUnwrap(lines.first { $0.hasPrefix("  ~ Pipeline ") }, planned.stdout)
        XCTAssertFalse(pipelineLine.contains("replaced"), pipelineLine)
        XCTAssertFalse(lines.contains { $0.contains("SourceConnection") && ($0.contains("replaced") || $0.hasPrefix("  - ")) }, planned.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("  - Pipeline") || $0.hasPrefix("  + Pipeline ") }, planned.stdout)

        let pushed = try sluice([target, "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("UPDATE_COMPLETE"), pushed.stdout)
        let after = try physicalIDs()
        XCTAssertEqual(after["Pipeline"], before["Pipeline"], "the CodePipeline was replaced")
        XCTAssertEqual(after["SourceConnection"], before["SourceConnection"], "the connection was replaced")
        XCTAssertEqual(try cli.run(["codepipeline", "get-pipeline", "--region", region, "--name", before["Pipeline"] ?? "?"]).status, 0)
        // The template records the release sluice renders as, so Copilot's own version check reads it as that release's.
        let deployed = try cli.json(["cloudformation", "get-template", "--region", region, "--stack-name", stackName])
        XCTAssertTrue("\(deployed["TemplateBody"] ?? "")".contains("v1.34.1"), "\(deployed)")
    }

    /// A pipeline whose template a newer Copilot rendered: push refuses to overwrite it, as `copilot pipeline deploy`
    /// does, until `--allow-downgrade`.
    func testAPipelineANewerCopilotRenderedIsNotDowngradedUnasked() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        let saved = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test", "save"])
        XCTAssertEqual(saved.status, 0, saved.stdout + saved.stderr)
        let stackName = "pipeline-demo-shop-main"
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        let newer = shown.stdout.replacingOccurrences(of: "v1.34.1", with: "v1.40.0")
        XCTAssertNotEqual(newer, shown.stdout)
        let file = home.url.appendingPathComponent("newer.json")
        try newer.write(to: file, atomically: true, encoding: .utf8)
        try cli.json(["cloudformation", "create-stack", "--stack-name", stackName, "--template-body", "file://\(file.path)",
                      "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
                      "--tags", "Key=copilot-application,Value=demo", "Key=copilot-pipeline,Value=shop-main"])

        let refused = try sluice(["push --yes"])
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.flattened.contains("cannot downgrade pipeline shop-main (currently in version v1.40.0) to version v1.34.1"),
                      refused.stderr)
        XCTAssertTrue(refused.stderr.flattened.contains("--allow-downgrade"), refused.stderr)
        XCTAssertTrue("\(try cli.json(["cloudformation", "get-template", "--stack-name", stackName])["TemplateBody"] ?? "")".contains("v1.40.0"))

        let allowed = try sluice(["push --yes --allow-downgrade"])
        XCTAssertEqual(allowed.status, 0, allowed.stdout + allowed.stderr)
        XCTAssertTrue("\(try cli.json(["cloudformation", "get-template", "--stack-name", stackName])["TemplateBody"] ?? "")".contains("v1.34.1"))
    }

    static func tags(_ value: Any?) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (value as? [[String: String]] ?? []).map { ($0["Key"] ?? "", $0["Value"] ?? "") })
    }
}

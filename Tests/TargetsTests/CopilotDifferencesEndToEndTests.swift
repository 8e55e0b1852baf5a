import Foundation
import XCTest
import TestSupport

/// Where sluice's deploy used to differ from `copilot pipeline deploy` (issue 23), through the real binary
/// against moto: each test states what Copilot does with the same workspace and application.
extension AWSApplicationEndToEndTests {
    /// The first pipeline's manifest, in the legacy layout.
    var manifestFile: URL { workspace.appendingPathComponent("copilot/pipeline.yml") }

    func write(_ text: String, to path: String) throws {
        let url = workspace.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func deployedTemplate(_ stack: String = "pipeline-demo-shop-main") throws -> [String: Any] {
        let body = try cli.json(["cloudformation", "get-template", "--stack-name", stack])["TemplateBody"]
        if let object = body as? [String: Any] { return object }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data((body as? String ?? "").utf8)) as? [String: Any])
    }

    /// Copilot deploys the workspace's services and jobs that the application registered (`svc ls --local`):
    /// worker, never `copilot svc init`-ed, and notes, whose manifest is no workload's, get no deploy action
    /// (the buildspec would not have packaged them), and push says why worker is left out.
    func testOnlyWorkloadsTheApplicationRegisteredAreDeployed() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        try write("name: worker\ntype: Backend Service\n", to: "copilot/worker/manifest.yml")
        try write("name: notes\ntype: Notes\n", to: "copilot/notes/manifest.yml")
        let pushed = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test", "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("worker is in the workspace but not registered in application demo"), pushed.stdout)
        XCTAssertFalse(pushed.stdout.flattened.contains("notes"), pushed.stdout)
        let name = try XCTUnwrap((try stackResources("pipeline-demo-shop-main").first {
            $0["LogicalResourceId"] as? String == "Pipeline"
        })?["PhysicalResourceId"] as? String)
        let stages = try XCTUnwrap((try cli.json(["codepipeline", "get-pipeline", "--name", name])["pipeline"] as? [String: Any])?["stages"]
            as? [[String: Any]])
        let deploy = try XCTUnwrap(stages.first { $0["name"] as? String == "DeployTo-test" })
        XCTAssertEqual((deploy["actions"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["CreateOrUpdate-api-test"])
    }

    /// `build.additional_policy` with `!Sub` and `!Ref`: Copilot's template keeps them as CloudFormation's functions,
    /// so the policy names the partition and the stack, not the text "${AWS::Partition}".
    func testAnAdditionalPolicyKeepsItsCloudFormationFunctions() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        let saved = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test", "save"])
        XCTAssertEqual(saved.status, 0, saved.stdout + saved.stderr)
        try (try String(contentsOf: manifestFile, encoding: .utf8) + """
            build:
              additional_policy:
                PolicyDocument:
                  Version: 2012-10-17
                  Statement:
                    - Effect: Allow
                      Action: [s3:GetObject]
                      Resource: !Sub arn:${AWS::Partition}:s3:::shared-assets/*
                    - Effect: Allow
                      Action: [sns:Publish]
                      Resource:
                        - !Ref AWS::NoValue
                        - !Join [":", [arn, !Ref "AWS::Partition", sns]]

            """).write(to: manifestFile, atomically: true, encoding: .utf8)
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        let template = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let policy = try XCTUnwrap(((template["Resources"] as? [String: Any])?["BuildProjectAdditionalPolicy"] as? [String: Any])?["Properties"]
            as? [String: Any])
        let text = String(data: try JSONSerialization.data(withJSONObject: policy, options: .sortedKeys), encoding: .utf8) ?? ""
        XCTAssertTrue(text.contains(#"{"Fn::Sub":"arn:${AWS::Partition}:s3:::shared-assets\/*"}"#), text)
        XCTAssertTrue(text.contains(#"[{"Ref":"AWS::NoValue"},{"Fn::Join":[":",["arn",{"Ref":"AWS::Partition"},"sns"]]}]"#), text)
        try AWSTemplateTests.assertCfnLintFindsNoError(inTemplate: shown.stdout)
        let pushed = try sluice(["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
    }

    /// An application whose StackSet has no instance in the pipeline's region (its environments are all elsewhere):
    /// Copilot's deploy adds one there first (AddPipelineResourcesToApp), and the pipeline's artifacts go to it.
    func testTheApplicationGetsItsStackInThePipelinesRegion() async throws {
        (cli, home, workspace) = try await prepareQuickstart { cli in
            try await cli.seedCopilotApplication("demo", environments: [("test", "us-west-2", MotoServer.account)])
            try cli.json(["cloudformation", "delete-stack-instances", "--stack-set-name", "demo-infrastructure",
                          "--accounts", MotoServer.account, "--regions", "us-east-1", "--no-retain-stacks"])
        }
        XCTAssertEqual(try regionalOutputs("demo").keys.sorted(), ["us-west-2"])
        let pushed = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test", "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("Adding pipeline resources to application demo in us-east-1"), pushed.stdout)
        let stores = try regionalOutputs("demo")
        XCTAssertEqual(stores.keys.sorted(), ["us-east-1", "us-west-2"])
        let bucket = try XCTUnwrap(stores["us-east-1"]?.bucket)
        XCTAssertEqual(try cli.run(["s3api", "head-object", "--bucket", bucket, "--key", "pipeline-demo-shop-main.pipeline.stack.yml"]).status, 0)
    }

    /// An override that adds a nested stack using a macro (a `Transform`): Copilot acknowledges
    /// CAPABILITY_AUTO_EXPAND for every stack it deploys, so CloudFormation makes it.
    func testAnOverrideAddingAMacroDeploys() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        let bucket = try XCTUnwrap(try regionalOutputs("demo")["us-east-1"]?.bucket)
        let nested = home.url.appendingPathComponent("nested.yml")
        try "Transform: Sluice::Nothing\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n".write(to: nested, atomically: true, encoding: .utf8)
        try cli.json(["s3api", "put-object", "--bucket", bucket, "--key", "nested.yml", "--body", nested.path])
        try write("""
            - op: add
              path: /Resources/Notifications
              value:
                Type: AWS::CloudFormation::Stack
                Properties:
                  TemplateURL: https://\(bucket).s3.amazonaws.com/nested.yml

            """, to: "copilot/pipelines/shop-main/overrides/cfn.patches.yml")
        let pushed = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test", "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(try stackResources("pipeline-demo-shop-main").contains { $0["LogicalResourceId"] as? String == "Notifications" })
    }

    /// `pipeline rm --delete-secret` deletes the token's secret only when Copilot or sluice made it for a pipeline
    /// (tagged with the application), and then with a recovery window: an organisation's shared token is kept.
    func testDeleteSecretKeepsASecretNoPipelineMade() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        try cli.json(["secretsmanager", "create-secret", "--name", "org-github-token", "--secret-string", token])
        let pushed = try sluice([useMoto, "source set github acme/shop token-secret org-github-token", "stage add test", "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let removed = try sluice(["pipeline rm shop-main --delete-secret --yes"])
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(removed.stdout.flattened.contains("Kept Secrets Manager secret org-github-token: neither Copilot nor sluice made it"),
                      removed.stdout)
        let described = try cli.json(["secretsmanager", "describe-secret", "--secret-id", "org-github-token"])
        XCTAssertNil(described["DeletedDate"], "\(described)")
    }

    /// A secret sluice made for the pipeline is deleted with a recovery window, and says until when it can be restored.
    func testDeleteSecretLeavesTheSecretRestorable() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        let pushed = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test", "push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let removed = try sluice(["pipeline rm shop-main --delete-secret --yes"])
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(removed.stdout.flattened.contains("Deleted Secrets Manager secret github-token-shop; it can be restored until "), removed.stdout)
        XCTAssertEqual(try cli.run(["secretsmanager", "restore-secret", "--secret-id", "github-token-shop"]).status, 0)
    }

    /// With both `connection_name` and `connection_arn`, Copilot's deploy uses the connection the name finds;
    /// sluice does the same and warns.
    func testAConnectionNameWinsOverAConnectionARN() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        let created = try cli.json(["codestar-connections", "create-connection", "--provider-type", "GitHub", "--connection-name", "acme"])
        let arn = try XCTUnwrap(created["ConnectionArn"] as? String)
        let saved = try sluice([useMoto, "source set github acme/shop", "stage add test", "save"])
        XCTAssertEqual(saved.status, 0, saved.stdout + saved.stderr)
        let other = "arn:aws:codestar-connections:us-east-1:123456789012:connection/0000-other"
        let text = try String(contentsOf: manifestFile, encoding: .utf8)
        let properties = try XCTUnwrap(text.range(of: "  properties:\n"), text)
        try text.replacingCharacters(in: properties, with: "  properties:\n    connection_name: acme\n    connection_arn: \(other)\n")
            .write(to: manifestFile, atomically: true, encoding: .utf8)
        let validated = try sluice(["validate"])
        XCTAssertEqual(validated.status, 0, validated.stdout + validated.stderr)
        XCTAssertTrue(validated.stdout.flattened.contains("both connection_name acme and connection_arn \(other) are set; Copilot uses the connection named acme"),
                      validated.stdout)
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        XCTAssertTrue(shown.stdout.contains(arn), shown.stdout)
        XCTAssertFalse(shown.stdout.contains(other), shown.stdout)
    }

    /// A pre_deployments entry depending on a name outside its list: Copilot accepts it (its graph gives the name a
    /// node of its own, so the action runs one step later); sluice deploys it the same way, with a warning.
    func testAStageThatDeploysNothingKeepsItsActionsAndGrants() async throws {
        // No workload registered: stage test deploys nothing (difference 11). Copilot's pipeline leaves the stage out
        // (pipeline_cfn.yml: `if gt $numDeployments 0`), but its template still renders the stage's pre-deployment
        // project and role (partials/actions.yml), its test commands' project (partials/test.yml) and the grants to
        // assume its environment's manager role, for every stage of the manifest.
        (cli, home, workspace) = try await prepareQuickstart {
            try await $0.seedCopilotApplication("demo", environments: [("test", "us-east-1", "123456789012")], workloads: [])
        }
        try write("version: 0.2\nphases:\n  build:\n    commands:\n      - echo migrate\n", to: "copilot/migrate.yml")
        let saved = try sluice([useMoto, "source set github acme/shop token-secret github-token-shop", "stage add test",
                                "pre add test migrate buildspec copilot/migrate.yml", "test add test \"make smoke\"", "save"])
        XCTAssertEqual(saved.status, 0, saved.stdout + saved.stderr)
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        let template = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let resources = try XCTUnwrap(template["Resources"] as? [String: [String: Any]])
        let types = resources.mapValues { $0["Type"] as? String ?? "" }
        XCTAssertEqual(types.filter { $0.value == "AWS::CodeBuild::Project" }.count, 3, "build, pre-deployment and test projects: \(types)")
        XCTAssertTrue(types.keys.contains { $0.hasPrefix("Pretest") && $0.hasSuffix("BuildProjectRole") }, "\(types.keys.sorted())")
        let stages = try XCTUnwrap(((resources["Pipeline"]?["Properties"] as? [String: Any])?["Stages"]) as? [[String: Any]])
        XCTAssertEqual(stages.compactMap { $0["Name"] as? String }, ["Source", "Build"])
        let managerRole = "arn:aws:iam::123456789012:role/demo-test-EnvManagerRole"
        let text = String(data: try JSONSerialization.data(withJSONObject: [resources["BuildProjectRole"], resources["PipelineRolePolicy"]],
                                                          options: .sortedKeys), encoding: .utf8) ?? ""
        XCTAssertEqual(text.components(separatedBy: managerRole.replacingOccurrences(of: "/", with: "\\/")).count - 1, 2, text)
        try AWSTemplateTests.assertCfnLintFindsNoError(inTemplate: shown.stdout)
    }

    func testADependencyOutsideItsListIsAWarning() async throws {
        (cli, home, workspace) = try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: ["test"]) }
        try write("""
            name: shop-main
            version: 1
            source:
              provider: GitHub
              properties:
                repository: https://github.com/acme/shop
                branch: main
            stages:
              - name: test
                pre_deployments:
                  migrate:
                    buildspec: buildspec.yml
                    depends_on: [warmup]

            """, to: "copilot/pipeline.yml")
        let validated = try sluice([useMoto, "validate"])
        XCTAssertEqual(validated.status, 0, validated.stdout + validated.stderr)
        XCTAssertTrue(validated.stdout.flattened.contains("migrate depends on warmup, which is not in pre_deployments of stage test; "
                                                + "Copilot waits for nothing but runs migrate one step later"), validated.stdout)
        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stdout + shown.stderr)
        let template = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let stages = try XCTUnwrap((((template["Resources"] as? [String: Any])?["Pipeline"] as? [String: Any])?["Properties"]
            as? [String: Any])?["Stages"] as? [[String: Any]])
        let migrate = try XCTUnwrap((stages.last?["Actions"] as? [[String: Any]])?.first { $0["Name"] as? String == "migrate" })
        XCTAssertEqual(migrate["RunOrder"] as? Int, 2, "\(migrate)")
    }
}

import Foundation
import XCTest
import TestSupport

/// The AWS target through the real `sluice` binary, over HTTP against moto on 127.0.0.1 with
/// signature checking on; CodePipeline's executions come from Tests/Harness/moto_codepipeline.py.
final class AWSEndToEndTests: AWSMotoTestCase {
    var home: TemporaryDirectory!
    var workspace: URL!
    var cli: AWSCommandLine!
    let token = "ghp_sluiceTestTokenNeverShown0123456789"

    override func setUp() async throws {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        cli = AWSCommandLine(moto: moto)
        // What `copilot app init demo` and `copilot env init` leave in SSM.
        try cli.json(["ssm", "put-parameter", "--type", "String", "--name", "/copilot/applications/demo",
                      "--value", #"{"name":"demo","account":"123456789012"}"#])
        for environment in ["test", "prod"] {
            let value = """
            {"app":"demo","name":"\(environment)","region":"\(moto.region)","accountID":"123456789012","prod":false,\
            "executionRoleARN":"arn:aws:iam::123456789012:role/demo-\(environment)-CFNExecutionRole",\
            "managerRoleARN":"arn:aws:iam::123456789012:role/demo-\(environment)-EnvManagerRole"}
            """
            try cli.json(["ssm", "put-parameter", "--type", "String",
                          "--name", "/copilot/applications/demo/environments/\(environment)", "--value", value])
        }
        home = try TemporaryDirectory("sluice-aws-e2e")
        workspace = home.url.appendingPathComponent("quickstart")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart"), to: workspace)
    }

    override func tearDown() {
        home?.remove()
    }

    /// Runs `sluice -c LINES` in the workspace with the moto user's credentials.
    func sluice(_ lines: [String], environment extra: [String: String] = [:]) throws -> ProcessResult {
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { _, new in new }
        let result = try runProcess(sluiceBinary, ["-c", lines.joined(separator: "; ")], environment: environment,
                                    removingEnvironment: ["GITHUB_TOKEN"], directory: workspace, timeout: 120)
        XCTAssertFalse((result.stdout + result.stderr).contains(token), "the GitHub token was printed")
        return result
    }

    /// The manifest `source set github acme/shop token-secret github-token-shop`, `stage add test`,
    /// `test add test …`, `stage add prod`, `approval on prod` write, with `extraStage` after prod.
    func writePipeline(testCommands: [String] = ["make test"], extraStage: String? = nil) throws {
        var manifest = """
        name: release
        version: 1
        source:
          provider: GitHub
          properties:
            repository: https://github.com/acme/shop
            branch: main
            access_token_secret: github-token-shop
        stages:
          - name: test
            test_commands:
        \(testCommands.map { "      - \"\($0)\"" }.joined(separator: "\n"))
          - name: prod
            requires_approval: true

        """
        if let extraStage { manifest += "  - name: \(extraStage)\n" }
        let file = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(manifest.utf8).write(to: file)
    }

    var useMoto: String { "target aws endpoint \(Self.moto.endpoint)" }

    func testAScriptPushesWatchesApprovesAndTheExecutionSucceeds() throws {
        try writePipeline()
        let first = try sluice([useMoto, "push --yes", "watch", "approve prod", "watch"], environment: ["GITHUB_TOKEN": token])
        let output = first.stdout + first.stderr
        XCTAssertEqual(first.status, 0, output)
        XCTAssertTrue(output.contains("Plan for stack pipeline-demo-release (create):"), output)
        XCTAssertTrue(output.contains("+ Pipeline"), output)
        XCTAssertTrue(output.contains("Stored the GitHub token in Secrets Manager secret github-token-shop."), output)
        XCTAssertTrue(output.contains("Waiting for approval of DeployTo-prod"), output)
        XCTAssertTrue(output.contains("approved prod"), output)

        // The secret holds the token, and only Secrets Manager has it.
        let secret = try cli.json(["secretsmanager", "get-secret-value", "--secret-id", "github-token-shop"])
        XCTAssertEqual(secret["SecretString"] as? String, token)

        // The execution went Source → Build → DeployTo-test (tests) → approval → Succeeded.
        let status = try sluice(["status --json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let snapshot = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(snapshot["state"] as? String, "Succeeded")
        let stages = try XCTUnwrap(snapshot["stages"] as? [[String: Any]])
        XCTAssertEqual(stages.map { $0["name"] as? String }, ["Source", "Build", "DeployTo-test", "DeployTo-prod"])
        XCTAssertEqual(stages.map { $0["state"] as? String }, Array(repeating: "Succeeded", count: 4))
        let testActions = (stages[2]["actions"] as? [[String: Any]])?.map { $0["name"] as? String }
        XCTAssertEqual(testActions, ["CreateOrUpdate-api-test", "TestCommands"])
        let approval = (stages[3]["actions"] as? [[String: Any]])?.first
        XCTAssertEqual(approval?["name"] as? String, "ApprovePromotionTo-prod")
        XCTAssertEqual(approval?["summary"] as? String, "Approved from sluice")

        // Pushing the same manifest again changes nothing.
        let again = try sluice(["push --yes"])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("is up to date"), again.stdout)

        // An edit gives an UPDATE plan naming what changes; --dry-run stops there.
        try writePipeline(testCommands: ["make test", "make lint"])
        let dryRun = try sluice(["push --dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stdout + dryRun.stderr)
        XCTAssertTrue(dryRun.stdout.contains("Plan for stack pipeline-demo-release (update):"), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.contains("~ BuildTestCommandstest"), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.contains("Dry run: nothing was deployed."), dryRun.stdout)
        let update = try sluice(["push --yes"])
        XCTAssertEqual(update.status, 0, update.stdout + update.stderr)
        XCTAssertTrue(update.stdout.contains("UPDATE_COMPLETE"), update.stdout)

        // history lists the execution; release starts another.
        let released = try sluice(["release", "history"])
        XCTAssertEqual(released.status, 0, released.stdout + released.stderr)
        XCTAssertEqual(released.stdout.split(separator: "\n").filter { $0.contains("Succeeded") }.count, 1, released.stdout)
    }

    func testAStageWithoutItsEnvironmentParameterIsNamed() throws {
        try writePipeline(extraStage: "staging")
        let result = try sluice([useMoto, "push --yes"], environment: ["GITHUB_TOKEN": token])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/copilot/applications/demo/environments/staging"), result.stderr)
    }

    func testAScriptWithoutATokenStopsBeforeDeployingAnything() throws {
        try writePipeline()
        let result = try sluice([useMoto, "push --yes"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("GITHUB_TOKEN"), result.stderr)
        let stacks = try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-release"])
        XCTAssertNotEqual(stacks.status, 0, "a stack was created")
    }
}

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
        (cli, home, workspace) = try await prepareQuickstart()
    }

    override func tearDown() {
        home?.remove()
    }

    /// Runs `sluice -c LINES` in the workspace with the moto user's credentials.
    func sluice(_ lines: [String], environment extra: [String: String] = [:]) throws -> ProcessResult {
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "1000"  // these tests read what is said, not how it is wrapped
        environment.merge(extra) { _, new in new }
        let result = try runProcess(sluiceBinary, ["-c", lines.joined(separator: "; ")], environment: environment,
                                    removingEnvironment: ["GITHUB_TOKEN"], directory: workspace, timeout: 120)
        XCTAssertFalse((result.stdout + result.stderr).contains(token), "the GitHub token was printed")
        return result
    }

    /// The issue's setup script, as a person would type it.
    static let setup = [
        "source set github acme/shop token-secret github-token-shop",
        "stage add test", "test add test 'make test'", "stage add prod", "approval on prod",
    ]

    var useMoto: String { "target aws endpoint \(Self.moto.endpoint)" }

    func testAScriptPushesWatchesApprovesAndTheExecutionSucceeds() throws {
        let first = try sluice([useMoto] + Self.setup + ["push --yes", "watch", "approve prod", "watch"],
                               environment: ["GITHUB_TOKEN": token])
        let output = first.stdout + first.stderr
        XCTAssertEqual(first.status, 0, output)
        XCTAssertTrue(output.contains("Plan for stack pipeline-demo-shop-main (create):"), output)
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
        XCTAssertEqual(approval?["summary"] as? String, "approved by sluice-test")

        // `show template` prints what push deployed: the GitHub source reads the token from Secrets Manager.
        let template = try sluice(["show template"])
        XCTAssertEqual(template.status, 0, template.stderr)
        XCTAssertTrue(template.stdout.contains(#""Type": "AWS::CodePipeline::Pipeline""#), template.stdout)
        XCTAssertTrue(template.stdout.contains("{{resolve:secretsmanager:${SecretId}}}"), template.stdout)
        XCTAssertTrue(template.stdout.contains(#""SecretId": "github-token-shop""#), template.stdout)

        // `pipeline show` adds what is deployed: About, then each stage's actions.
        let shown = try sluice(["pipeline show"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("  Stack       pipeline-demo-shop-main"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("DeployTo-prod/ApprovePromotionTo-prod  Approval"), shown.stdout)

        // Pushing the same manifest again changes nothing.
        let again = try sluice(["push --yes"])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("is up to date"), again.stdout)

        // An edit gives an UPDATE plan naming what changes; --dry-run stops there.
        let dryRun = try sluice(["test add test 'make lint'", "push --dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stdout + dryRun.stderr)
        XCTAssertTrue(dryRun.stdout.contains("Plan for stack pipeline-demo-shop-main (update):"), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.contains("~ BuildTestCommandstest"), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.contains("Dry run: nothing was deployed."), dryRun.stdout)
        let update = try sluice(["push --yes"])
        XCTAssertEqual(update.status, 0, update.stdout + update.stderr)
        XCTAssertTrue(update.stdout.contains("UPDATE_COMPLETE"), update.stdout)

        // history lists the execution; release starts another.
        let released = try sluice(["release", "history"])
        XCTAssertEqual(released.status, 0, released.stdout + released.stderr)
        XCTAssertEqual(released.stdout.split(separator: "\n").filter { $0.contains("Succeeded") }.count, 1, released.stdout)

        // pipeline rm deletes the stack, with it the pipeline, then the files.
        let removed = try sluice(["pipeline rm shop-main --delete-secret --yes"])
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(removed.stdout.contains("stack pipeline-demo-shop-main deleted"), removed.stdout)
        let pipelines = try cli.json(["codepipeline", "list-pipelines"])["pipelines"] as? [[String: Any]]
        XCTAssertEqual(pipelines?.count, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("copilot/pipeline.yml").path))
        XCTAssertTrue(removed.stdout.contains("Deleted Secrets Manager secret github-token-shop; it can be restored until "), removed.stdout)
        XCTAssertNotNil(try cli.json(["secretsmanager", "describe-secret", "--secret-id", "github-token-shop"])["DeletedDate"])
    }

    /// A pipeline Copilot deployed before v1.16 (stack and CodePipeline named as the manifest, tagged with the
    /// application but not the pipeline) is updated in place: never a second pipeline-APP-NAME beside it.
    func testALegacyPipelineIsUpdatedInPlaceNotCreatedBesideIt() throws {
        let legacy = "pipeline-demo-api"
        let template = #"{"Resources":{"Placeholder":{"Type":"AWS::S3::Bucket"}}}"#
        _ = try cli.json(["cloudformation", "create-stack", "--stack-name", legacy, "--template-body", template,
                          "--tags", "Key=copilot-application,Value=demo"])
        let result = try sluice([useMoto, "pipeline new \(legacy)"] + Self.setup + ["push --yes"], environment: ["GITHUB_TOKEN": token])
        let output = result.stdout + result.stderr
        XCTAssertEqual(result.status, 0, output)
        XCTAssertTrue(output.contains("Updating stack \(legacy): Copilot deployed pipeline \(legacy) before v1.16 under its legacy name"), output)
        XCTAssertTrue(output.contains("Plan for stack \(legacy) (update):"), output)
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-\(legacy)"]).status, 0,
                          "a second stack was created beside the legacy one")
        // The CodePipeline keeps the legacy name (the stack's), and the stack stays tagged as Copilot tags legacy pipelines.
        XCTAssertEqual(try cli.json(["codepipeline", "get-pipeline", "--name", legacy])["pipeline"]
            .flatMap { ($0 as? [String: Any])?["name"] as? String }, legacy)
        let stack = (try cli.json(["cloudformation", "describe-stacks", "--stack-name", legacy])["Stacks"] as? [[String: Any]])?.first
        XCTAssertEqual((stack?["Tags"] as? [[String: String]])?.map { $0["Key"] ?? "" }, ["copilot-application"])
        let status = try sluice(["status"])
        XCTAssertEqual(status.status, 0, status.stdout + status.stderr)
    }

    /// On the AWS target an environment of the application (its SSM parameter) is one `stage add` accepts,
    /// though this workspace has no folder for it (it was made from another workspace).
    func testStageAddAcceptsAnEnvironmentOfTheApplicationWithoutAFolder() throws {
        let value = #"{"app":"demo","name":"staging","region":"us-east-1","accountID":"123456789012","prod":false,"#
            + #""executionRoleARN":"arn:aws:iam::123456789012:role/demo-staging-CFNExecutionRole","#
            + #""managerRoleARN":"arn:aws:iam::123456789012:role/demo-staging-EnvManagerRole"}"#
        try cli.json(["ssm", "put-parameter", "--type", "String", "--name", "/copilot/applications/demo/environments/staging",
                      "--value", value])
        let added = try sluice([useMoto, "source set github acme/shop", "stage add staging"])
        XCTAssertEqual(added.status, 0, added.stdout + added.stderr)
        XCTAssertTrue(added.stdout.contains("added stage staging"), added.stdout)
        let unknown = try sluice(["stage add nowhere"])
        XCTAssertEqual(unknown.status, 1, unknown.stdout + unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("environments are: prod, staging, test"), unknown.stderr)
    }

    /// Copilot refuses a CodeCommit repository in another region than the application's.
    func testACodeCommitRepositoryInAnotherRegionIsRefused() throws {
        let repository = "https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/browse"
        let result = try sluice([useMoto, "source set codecommit \(repository)", "stage add test", "push --yes"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("repository shop is in eu-west-1, but application demo is in \(Self.moto.region)"),
                      result.stderr)
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"]).status, 0)
    }

    /// `connection_name` names an existing connection, found by ListConnections as Copilot finds it: the stack
    /// uses it and creates none. A name no connection has stops push before anything is deployed.
    func testAConnectionNameUsesTheExistingConnection() throws {
        let created = try cli.json(["codestar-connections", "create-connection", "--provider-type", "GitHub",
                                    "--connection-name", "acme-github"])
        let arn = try XCTUnwrap(created["ConnectionArn"] as? String)
        let setup = [useMoto, "source set github acme/shop connection acme-github", "stage add test"]
        let pushed = try sluice(setup + ["push --yes", "show template"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.contains(#""ConnectionArn": "\#(arn)""#), pushed.stdout)
        XCTAssertFalse(pushed.stdout.contains("AWS::CodeStarConnections::Connection"), pushed.stdout)
        XCTAssertFalse(pushed.stdout.contains("is PENDING"), pushed.stdout)

        let missing = try sluice(["source set github acme/shop connection nobody-made-this", "push --yes"])
        XCTAssertEqual(missing.status, 1, missing.stdout + missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no CodeStar connection named nobody-made-this"), missing.stderr)
    }

    func testAStageWithoutItsEnvironmentParameterIsNamed() throws {
        // The workspace knows staging; the application in SSM does not.
        let staging = workspace.appendingPathComponent("copilot/environments/staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data("name: staging\ntype: Environment\n".utf8).write(to: staging.appendingPathComponent("manifest.yml"))
        let result = try sluice([useMoto] + Self.setup + ["stage add staging", "push --yes"], environment: ["GITHUB_TOKEN": token])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/copilot/applications/demo/environments/staging"), result.stderr)
    }

    func testAScriptWithoutATokenStopsBeforeDeployingAnything() throws {
        let result = try sluice([useMoto] + Self.setup + ["push --yes"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("GITHUB_TOKEN"), result.stderr)
        let stacks = try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"])
        XCTAssertNotEqual(stacks.status, 0, "a stack was created")
    }

    func testATemplateTheServerRejectsSurfacesItsError() throws {
        // moto checks IAM policies as AWS does: a statement needs a Resource.
        let policy = "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: [s3:ListBucket]\n"
        try Data(policy.utf8).write(to: workspace.appendingPathComponent("policy.yml"))
        let result = try sluice([useMoto] + Self.setup + ["build policy policy.yml", "push --yes"],
                                environment: ["GITHUB_TOKEN": token])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("CloudFormation rejected the template of pipeline-demo-shop-main: "
                                             + "MalformedPolicyDocument: Policy statement must contain resources"), result.stderr)
    }

    func testARejectedApprovalFailsTheExecutionAndWatchSaysSo() throws {
        let result = try sluice([useMoto] + Self.setup + ["push --yes", "watch", "reject prod comment 'not today'"],
                                environment: ["GITHUB_TOKEN": token])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("rejected prod"), result.stdout)
        let watch = try sluice(["watch"])
        XCTAssertEqual(watch.status, 1, watch.stdout + watch.stderr)
        XCTAssertTrue(watch.stderr.contains("rejected: DeployTo-prod/ApprovePromotionTo-prod: rejected by sluice-test: not today"), watch.stderr)
        let status = try sluice(["status --json"])
        let snapshot = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stderr)
        XCTAssertEqual(snapshot["state"] as? String, "Rejected")
        let stages = try XCTUnwrap(snapshot["stages"] as? [[String: Any]])
        XCTAssertEqual(stages.map { $0["state"] as? String }, ["Succeeded", "Succeeded", "Succeeded", "Rejected"])
        // Nothing waits any more.
        let again = try sluice(["approve prod"])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("no approval is waiting in DeployTo-prod"), again.stderr)
    }
}

import Foundation
import TestSupport
import XCTest

/// `stop`, `retry`, `rollback` and `history` on the aws target through the `sluice` binary against moto:
/// Tests/Harness/moto_codepipeline.py adds StopPipelineExecution, RetryStageExecution, RollbackStage and
/// ListActionExecutions, each also driven here with the aws CLI. TestCommands fails until a test fixes it.
final class AWSOperationsTests: AWSMotoTestCase {
    var home: TemporaryDirectory!
    var workspace: URL!
    var cli: AWSCommandLine!

    override class var motoEnvironment: [String: String] {
        ["SLUICE_MOTO_FAILING_ACTIONS": "TestCommands", "SLUICE_MOTO_ACTION_SECONDS": "1"]
    }

    override func setUp() async throws {
        (cli, home, workspace) = try await prepareQuickstart()
    }

    override func tearDown() { home?.remove() }

    func sluice(_ lines: [String]) throws -> ProcessResult {
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        environment["GITHUB_TOKEN"] = "ghp_sluiceTestTokenNeverShown0123456789"
        return try runProcess(sluiceBinary, ["-c", lines.joined(separator: "; ")], environment: environment,
                              directory: workspace, timeout: 120)
    }

    var setup: [String] {
        ["target aws endpoint \(Self.moto!.endpoint)", "source set github acme/shop token-secret github-token-shop",
         "stage add test", "test add test 'make test'", "stage add prod", "approval on prod"]
    }

    func statusJSON() throws -> [String: Any] {
        let status = try sluice(["status --json"])
        XCTAssertEqual(status.status, 0, status.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stdout)
    }

    func stageStates(_ status: [String: Any]) -> [String: String] {
        var states: [String: String] = [:]
        for stage in status["stages"] as? [[String: Any]] ?? [] { states[stage["name"] as? String ?? ""] = stage["state"] as? String }
        return states
    }

    var pipelineName: String {
        get throws {
            let listed = try cli.json(["codepipeline", "list-pipelines"])["pipelines"] as? [[String: Any]]
            return try XCTUnwrap(listed?.first?["name"] as? String)
        }
    }

    func actionRuns(_ execution: String, stage: String) throws -> [[String: Any]] {
        let listed = try cli.json(["codepipeline", "list-action-executions", "--pipeline-name", try pipelineName,
                                   "--filter", "pipelineExecutionId=\(execution)"])
        return (listed["actionExecutionDetails"] as? [[String: Any]] ?? []).filter { $0["stageName"] as? String == stage }
    }

    func testAFailingTestFixedIsRetriedWithoutRebuildingAndHistoryShowsWhoApproved() async throws {
        let pushed = try sluice(setup + ["push --yes", "watch"])
        XCTAssertEqual(pushed.status, 1, "TestCommands fails: \(pushed.stdout)\(pushed.stderr)")
        let failed = try statusJSON()
        let id = try XCTUnwrap(failed["id"] as? String)
        XCTAssertEqual(stageStates(failed)["DeployTo-test"], "Failed")

        let refused = try sluice(["retry Build"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains(":1:7: error: stage Build is Succeeded in run \(id)"), refused.stderr)

        try await Self.moto!.setFailingActions([])
        let retried = try sluice(["retry test", "watch", "approve prod comment 'ship it'", "watch"])
        XCTAssertEqual(retried.status, 0, retried.stdout + retried.stderr)
        XCTAssertTrue(retried.stdout.contains("retrying test of run \(id)"), retried.stdout)
        let status = try statusJSON()
        XCTAssertEqual(status["id"] as? String, id, "the same run goes on")
        XCTAssertEqual(status["state"] as? String, "Succeeded")
        // Build ran once; the test stage's TestCommands twice (ListActionExecutions keeps both attempts).
        XCTAssertEqual(try actionRuns(id, stage: "Build").count, 1)
        XCTAssertEqual(try actionRuns(id, stage: "DeployTo-test").filter { $0["actionName"] as? String == "TestCommands" }
            .compactMap { $0["status"] as? String }.sorted(), ["Failed", "Succeeded"])

        let history = try sluice(["history"])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertTrue(history.stdout.contains("DeployTo-prod: approved by sluice-test: ship it"), history.stdout)
        XCTAssertTrue(history.stdout.contains("started by CreatePipeline, source "), history.stdout)
        let full = try sluice(["history \(id.prefix(8))"])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertTrue(full.stdout.contains("Execution \(id) of "), full.stdout)
        XCTAssertTrue(full.stdout.contains("sluice-test"), "the IAM identity that approved: \(full.stdout)")

        // A V1 pipeline (what Copilot deploys) cannot roll back: the hint says how to move to V2.
        let rollback = try sluice(["rollback prod"])
        XCTAssertEqual(rollback.status, 1)
        XCTAssertTrue(rollback.stderr.contains("is a V1 pipeline, and CodePipeline rolls back stages of V2 pipelines only"), rollback.stderr)
        XCTAssertTrue(rollback.stderr.contains("PipelineType: V2"), rollback.stderr)
    }

    func testARunStoppedMidBuildEndsStopped() throws {
        let pushed = try sluice(setup + ["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let deadline = Date() + 30
        while try stageStates(statusJSON())["Build"] != "InProgress", Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let stopped = try sluice(["stop abandon reason 'wrong commit'"])
        XCTAssertEqual(stopped.status, 0, stopped.stdout + stopped.stderr)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Stopped", "\(status)")
        XCTAssertEqual(stageStates(status)["DeployTo-test"], "Pending")
        let again = try sluice(["stop"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("is Stopped"), again.stderr)
        let history = try sluice(["history"])
        XCTAssertTrue(history.stdout.contains("wrong commit"), history.stdout)

        // The harness's StopPipelineExecution, as the aws CLI sees it.
        let name = try pipelineName
        let started = try cli.json(["codepipeline", "start-pipeline-execution", "--name", name])
        let second = try XCTUnwrap(started["pipelineExecutionId"] as? String)
        _ = try cli.json(["codepipeline", "stop-pipeline-execution", "--pipeline-name", name, "--pipeline-execution-id", second,
                          "--reason", "by the CLI"])
        let duplicate = try cli.run(["codepipeline", "stop-pipeline-execution", "--pipeline-name", name,
                                     "--pipeline-execution-id", second])
        XCTAssertNotEqual(duplicate.status, 0)
        XCTAssertTrue(duplicate.stderr.contains("DuplicatedStopRequestException") || duplicate.stderr.contains("PipelineExecutionNotStoppableException"),
                      duplicate.stderr)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// `stop`, `retry`, `rollback` and `history` on the aws target through the `sluice` binary against moto:
/// Tests/Harness/moto_codepipeline.py adds StopPipelineExecution, RetryStageExecution, RollbackStage and
/// ListActionExecutions, each also driven here with the aws CLI. TestCommands fails until a test fixes it.
final class AWSOperationsTests: AWSQuickstartTestCase {
    override class var motoEnvironment: [String: String] {
        ["SLUICE_MOTO_FAILING_ACTIONS": "TestCommands", "SLUICE_MOTO_ACTION_SECONDS": "1"]
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
        XCTAssertTrue(refused.stderr.flattened.contains(":1:7: error: stage Build is Succeeded in run \(id)"), refused.stderr)

        try await Self.moto!.setFailingActions([])
        let retried = try sluice(["retry test", "watch", "approve prod comment 'ship it'", "watch"])
        XCTAssertEqual(retried.status, 0, retried.stdout + retried.stderr)
        XCTAssertTrue(retried.stdout.flattened.contains("retrying test of run \(id)"), retried.stdout)
        let status = try statusJSON()
        XCTAssertEqual(status["id"] as? String, id, "the same run goes on")
        XCTAssertEqual(status["state"] as? String, "Succeeded")
        // Build ran once; the test stage's TestCommands twice (ListActionExecutions keeps both attempts).
        XCTAssertEqual(try actionRuns(id, stage: "Build").count, 1)
        XCTAssertEqual(try actionRuns(id, stage: "DeployTo-test").filter { $0["actionName"] as? String == "TestCommands" }
            .compactMap { $0["status"] as? String }.sorted(), ["Failed", "Succeeded"])

        let history = try sluice(["history"])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertTrue(history.stdout.flattened.contains("DeployTo-prod: approved by sluice-test: ship it"), history.stdout)
        XCTAssertTrue(history.stdout.flattened.contains("started by CreatePipeline, source "), history.stdout)
        let full = try sluice(["history \(id.prefix(8))"])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertTrue(full.stdout.flattened.contains("Execution \(id) of "), full.stdout)
        XCTAssertTrue(full.stdout.flattened.contains("sluice-test"), "the IAM identity that approved: \(full.stdout)")

        // A V1 pipeline (what Copilot deploys) cannot roll back: the hint says how to move to V2.
        let rollback = try sluice(["rollback prod"])
        XCTAssertEqual(rollback.status, 1)
        XCTAssertTrue(rollback.stderr.flattened.contains("is a V1 pipeline, and CodePipeline rolls back stages of V2 pipelines only"), rollback.stderr)
        XCTAssertTrue(rollback.stderr.flattened.contains("PipelineType: V2"), rollback.stderr)
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
        XCTAssertTrue(again.stderr.flattened.contains("is Stopped"), again.stderr)
        let history = try sluice(["history"])
        XCTAssertTrue(history.stdout.flattened.contains("wrong commit"), history.stdout)

        // The harness's StopPipelineExecution, as the aws CLI sees it.
        let name = try pipelineName
        let started = try cli.json(["codepipeline", "start-pipeline-execution", "--name", name])
        let second = try XCTUnwrap(started["pipelineExecutionId"] as? String)
        _ = try cli.json(["codepipeline", "stop-pipeline-execution", "--pipeline-name", name, "--pipeline-execution-id", second,
                          "--reason", "by the CLI"])
        let duplicate = try cli.run(["codepipeline", "stop-pipeline-execution", "--pipeline-name", name,
                                     "--pipeline-execution-id", second])
        XCTAssertNotEqual(duplicate.status, 0)
        XCTAssertTrue(duplicate.stderr.flattened.contains("DuplicatedStopRequestException") || duplicate.stderr.flattened.contains("PipelineExecutionNotStoppableException"),
                      duplicate.stderr)
    }

    /// A second pipeline of application `demo`, pushed from another workspace, waits for an approval:
    /// this workspace lists it, finds its approval, shows its status and approves it by name.
    func testApprovalsFindsAndAnswersAnApprovalInAPipelineWhoseFilesAreElsewhere() async throws {
        try await Self.moto!.setFailingActions([])
        let other = home.url.appendingPathComponent("other")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart"), to: other)
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        environment["GITHUB_TOKEN"] = "ghp_sluiceTestTokenNeverShown0123456789"
        let pushedThere = try runProcess(sluiceBinary, ["-c", ([setup[0], "source set github acme/billing token-secret github-token-billing",
                                                                "stage add prod", "approval on prod", "push --yes", "watch"]).joined(separator: "; ")],
                                         environment: environment, directory: other, timeout: 120)
        XCTAssertEqual(pushedThere.status, 0, pushedThere.stdout + pushedThere.stderr)
        XCTAssertTrue(pushedThere.stdout.flattened.contains("Waiting for approval of DeployTo-prod"), pushedThere.stdout)

        let here = try sluice(setup + ["push --yes"])
        XCTAssertEqual(here.status, 0, here.stdout + here.stderr)
        let listed = try sluice(["pipeline ls --deployed"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("billing-main  (files not in this workspace)"), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("shop-main     copilot/pipeline.yml"), listed.stdout)

        let approvals = try sluice(["approvals"])
        XCTAssertEqual(approvals.status, 0, approvals.stderr)
        let words = approvals.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(words.contains("1. billing-main: DeployTo-prod (ApprovePromotionTo-prod), run "), approvals.stdout)
        XCTAssertTrue(approvals.stdout.flattened.contains("`approve prod pipeline billing-main`"), approvals.stdout)
        XCTAssertTrue(approvals.stdout.contains("https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/"), approvals.stdout)

        // One view of both pipelines, until neither is in progress (each waits for its approval).
        let watched = try sluice(["watch all"])
        XCTAssertEqual(watched.status, 0, watched.stdout + watched.stderr)
        let last = watched.stdout.split(separator: "\n").suffix(2).map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        XCTAssertEqual(last, ["? billing-main WaitingForApproval", "? shop-main WaitingForApproval"], watched.stdout)

        // `open` prints the console's address and hands it to $BROWSER.
        let opened = home.url.appendingPathComponent("opened")
        let browser = home.url.appendingPathComponent("browser")
        try Data("#!/bin/sh\necho \"$1\" > \(opened.path)\n".utf8).write(to: browser)
        chmod(browser.path, 0o755)
        var withBrowser = cli.environment
        withBrowser["NO_COLOR"] = "1"
        withBrowser["BROWSER"] = browser.path
        let open = try runProcess(sluiceBinary, ["-c", "open prod"], environment: withBrowser, directory: workspace, timeout: 60)
        XCTAssertEqual(open.status, 0, open.stdout + open.stderr)
        XCTAssertTrue(open.stdout.hasPrefix("https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/"), open.stdout)
        XCTAssertEqual(try String(contentsOf: opened, encoding: .utf8), open.stdout)
        let noStage = try sluice(["open prod NoSuchAction"])
        XCTAssertEqual(noStage.status, 1)
        XCTAssertTrue(noStage.stderr.flattened.contains(":1:11: error: stage DeployTo-prod has no action NoSuchAction"), noStage.stderr)

        let unknown = try sluice(["approve prod pipeline biling-main"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.flattened.contains(":1:23: error: application demo has no pipeline biling-main"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.flattened.contains("hint: did you mean 'billing-main'?"), unknown.stderr)

        let approved = try sluice(["approve prod pipeline billing-main comment 'from the shop'"])
        XCTAssertEqual(approved.status, 0, approved.stdout + approved.stderr)
        XCTAssertTrue(approved.stdout.flattened.contains("approved prod in billing-main"), approved.stdout)
        let deadline = Date() + 30
        var state = ""
        while state != "Succeeded", Date() < deadline {
            let status = try sluice(["status billing-main --json"])
            XCTAssertEqual(status.status, 0, status.stderr)
            state = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["state"] as? String ?? ""
            if state != "Succeeded" { try await Task.sleep(for: .milliseconds(300)) }
        }
        XCTAssertEqual(state, "Succeeded")
        XCTAssertFalse(try sluice(["approvals"]).stdout.flattened.contains("billing-main:"))
    }

    /// A stop that waits, asked while the run waits at prod's approval (a running action that ends only
    /// when answered, so nothing races): the run is Stopping, a second `stop` is refused (it would abandon
    /// instead, as after DuplicatedStopRequestException), and once the approval is answered the run ends
    /// Stopped with prod's deployment never started.
    func testAStopThatWaitsLetsTheRunningActionFinishThenStopsTheRun() async throws {
        try await Self.moto!.setFailingActions([])
        let pushed = try sluice(setup + ["push --yes", "watch"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let id = try XCTUnwrap(try statusJSON()["id"] as? String)
        let stopping = try sluice(["stop reason 'hold the release'"])
        XCTAssertEqual(stopping.status, 0, stopping.stdout + stopping.stderr)
        XCTAssertTrue(stopping.stdout.flattened.contains("run \(id) is stopping: it ends once DeployTo-prod/ApprovePromotionTo-prod finishes"),
                      stopping.stdout)
        XCTAssertEqual(try statusJSON()["state"] as? String, "Stopping")
        let again = try sluice(["stop"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.flattened.contains("error: run \(id) is stopping already (finishing its running actions)"), again.stderr)
        XCTAssertTrue(again.stderr.flattened.contains("`stop \(id) abandon` abandons its running actions"), again.stderr)

        let approved = try sluice(["approve prod"])
        XCTAssertEqual(approved.status, 0, approved.stdout + approved.stderr)
        let deadline = Date() + 30
        var status = try statusJSON()
        while status["state"] as? String != "Stopped", Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            status = try statusJSON()
        }
        XCTAssertEqual(status["state"] as? String, "Stopped", "\(status)")
        let prod = (status["stages"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "DeployTo-prod" }
        let actions = Dictionary(uniqueKeysWithValues: (prod?["actions"] as? [[String: Any]] ?? []).map {
            ($0["name"] as? String ?? "", $0["state"] as? String ?? "")
        })
        XCTAssertEqual(actions["ApprovePromotionTo-prod"], "Succeeded", "the running action finished: \(status)")
        XCTAssertEqual(actions["CreateOrUpdate-api-prod"], "Pending", "nothing after it started: \(status)")
        XCTAssertTrue(try sluice(["history"]).stdout.flattened.contains("hold the release"))
    }

    /// The failed test stage cannot be retried once the pipeline was pushed with other actions: the run
    /// ran another structure (StageNotRetryableException); the aws CLI's RetryStageExecution says the same.
    func testARetryAfterThePipelineChangedIsRefused() throws {
        let pushed = try sluice(setup + ["push --yes", "watch"])
        XCTAssertEqual(pushed.status, 1, "TestCommands fails: \(pushed.stdout)\(pushed.stderr)")
        let id = try XCTUnwrap(try statusJSON()["id"] as? String)
        let name = try pipelineName
        let succeededStage = try cli.run(["codepipeline", "retry-stage-execution", "--pipeline-name", name, "--stage-name", "Build",
                                          "--pipeline-execution-id", id, "--retry-mode", "FAILED_ACTIONS"])
        XCTAssertNotEqual(succeededStage.status, 0)
        XCTAssertTrue(succeededStage.stderr.contains("StageNotRetryableException"), succeededStage.stderr)

        // Test commands are one action (their commands are the build project's): an approval is another action.
        let changed = try sluice(["approval on test", "push --yes"])
        XCTAssertEqual(changed.status, 0, changed.stdout + changed.stderr)
        let refused = try sluice(["retry test"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.flattened.contains(
            "error: the pipeline was pushed with other stages or actions since run \(id), so its stage DeployTo-test cannot be retried"),
            refused.stderr)
        XCTAssertTrue(refused.stderr.flattened.contains("hint: `release` starts a run of the pipeline as pushed"), refused.stderr)
    }

    /// A pipeline made V2 by an override (Copilot applies the same patch) rolls prod back to the first
    /// release: a ROLLBACK execution of the one stage, with the first run's revision. The refusals where
    /// CodePipeline refuses: no earlier success, the Source stage, a rollback as target, a run of another structure.
    func testAV2PipelineRollsProdBackToTheFirstRelease() async throws {
        try await Self.moto!.setFailingActions([])
        let overrides = workspace.appendingPathComponent("copilot/pipelines/shop-main/overrides")
        try FileManager.default.createDirectory(at: overrides, withIntermediateDirectories: true)
        try Data("""
            - op: add
              path: /Resources/Pipeline/Properties/PipelineType
              value: V2

            """.utf8).write(to: overrides.appendingPathComponent("cfn.patches.yml"))
        let first = try sluice(setup + ["push --yes", "watch", "approve prod", "watch"])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let firstRun = try statusJSON()
        let firstID = try XCTUnwrap(firstRun["id"] as? String)
        XCTAssertEqual(firstRun["state"] as? String, "Succeeded")
        let name = try pipelineName
        XCTAssertEqual((try cli.json(["codepipeline", "get-pipeline", "--name", name])["pipeline"] as? [String: Any])?["pipelineType"] as? String, "V2")

        let noEarlier = try sluice(["rollback prod"])
        XCTAssertEqual(noEarlier.status, 1)
        XCTAssertTrue(noEarlier.stderr.flattened.contains("error: no earlier run succeeded in stage DeployTo-prod"), noEarlier.stderr)

        let second = try sluice(["release", "watch", "approve prod", "watch"])
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let secondID = try XCTUnwrap(try statusJSON()["id"] as? String)
        XCTAssertNotEqual(secondID, firstID)

        let source = try sluice(["rollback Source"])
        XCTAssertEqual(source.status, 1)
        XCTAssertTrue(source.stderr.flattened.contains(":1:10: error: the Source stage cannot be rolled back"), source.stderr)

        let rolled = try sluice(["rollback prod", "watch"])
        XCTAssertEqual(rolled.status, 0, rolled.stdout + rolled.stderr)
        // The rollback run waits at prod's approval, as any run does there.
        XCTAssertTrue(rolled.stdout.flattened.contains("Waiting for approval of DeployTo-prod"), rolled.stdout)
        let waiting = try statusJSON()
        XCTAssertEqual(waiting["rollbackTarget"] as? String, firstID, "status follows the rollback run: \(waiting)")
        let approved = try sluice(["approve prod", "watch"])
        XCTAssertEqual(approved.status, 0, approved.stdout + approved.stderr)
        let status = try statusJSON()
        let rollbackID = try XCTUnwrap(status["id"] as? String)
        XCTAssertEqual(status["state"] as? String, "Succeeded", "\(status)")
        XCTAssertEqual(status["rollbackTarget"] as? String, firstID)
        XCTAssertEqual(Array(stageStates(status).keys), ["DeployTo-prod"], "a rollback runs the one stage")
        let described = try cli.json(["codepipeline", "get-pipeline-execution", "--pipeline-name", name, "--pipeline-execution-id", rollbackID])
        let execution = try XCTUnwrap(described["pipelineExecution"] as? [String: Any])
        XCTAssertEqual(execution["executionType"] as? String, "ROLLBACK")
        XCTAssertEqual((execution["rollbackMetadata"] as? [String: Any])?["rollbackTargetPipelineExecutionId"] as? String, firstID)
        XCTAssertTrue(try sluice(["history 1"]).stdout.flattened.contains("started by ManualRollback"))

        let chained = try sluice(["rollback prod to \(rollbackID.prefix(8))"])
        XCTAssertEqual(chained.status, 1)
        XCTAssertTrue(chained.stderr.flattened.contains(":1:18: error: run \(rollbackID) is itself a rollback"), chained.stderr)

        // The harness's RollbackStage, as the aws CLI sees it.
        let cliSource = try cli.run(["codepipeline", "rollback-stage", "--pipeline-name", name, "--stage-name", "Source",
                                     "--target-pipeline-execution-id", firstID])
        XCTAssertNotEqual(cliSource.status, 0)
        XCTAssertTrue(cliSource.stderr.contains("UnableToRollbackStageException"), cliSource.stderr)
        let cliRollback = try cli.json(["codepipeline", "rollback-stage", "--pipeline-name", name, "--stage-name", "DeployTo-test",
                                        "--target-pipeline-execution-id", secondID])
        XCTAssertNotNil(cliRollback["pipelineExecutionId"] as? String, "\(cliRollback)")

        // Pushed with another action, the pipeline cannot go back to a run of the old structure.
        let changed = try sluice(["approval on test", "push --yes"])
        XCTAssertEqual(changed.status, 0, changed.stdout + changed.stderr)
        let outdated = try sluice(["rollback prod to \(secondID)"])
        XCTAssertEqual(outdated.status, 1)
        XCTAssertTrue(outdated.stderr.flattened.contains(
            ":1:18: error: run \(secondID) ran the pipeline with other stages or actions than it has now, so it cannot be rolled back to"),
            outdated.stderr)
    }

    /// `notify add … sns` is a CodeStar Notifications rule patched into the template (where Copilot applies
    /// it too): cfn-lint finds no error, the pushed stack makes the rule (the harness's, read with the aws
    /// CLI), and `notify rm` takes it away again. A webhook cannot be carried on AWS, and is refused.
    func testAnSNSNotificationIsACodeStarNotificationsRuleTheStackDeploys() throws {
        let topic = "arn:aws:sns:us-east-1:123456789012:releases"
        let added = try sluice(setup + ["notify add approvals sns \(topic)", "notify add failures sns \(topic)", "notify ls"])
        XCTAssertEqual(added.status, 0, added.stdout + added.stderr)
        XCTAssertTrue(added.stdout.flattened.contains("shop-main notifies SNS topic \(topic) of approvals: "
                                                      + "copilot/pipelines/shop-main/overrides/cfn.patches.yml adds a CodeStar Notifications rule"),
                      added.stdout)
        XCTAssertTrue(added.stdout.flattened.contains("1. approvals → SNS topic \(topic) (aws target, rule NotifyApprovalsReleases)"), added.stdout)
        XCTAssertTrue(added.stdout.flattened.contains("2. failures → SNS topic \(topic) (aws target, rule NotifyFailuresReleases)"), added.stdout)
        let patches = try String(contentsOf: workspace.appendingPathComponent("copilot/pipelines/shop-main/overrides/cfn.patches.yml"),
                                 encoding: .utf8)
        XCTAssertTrue(patches.contains("AWS::CodeStarNotifications::NotificationRule"), patches)
        XCTAssertTrue(patches.contains("codepipeline-pipeline-manual-approval-needed"), patches)

        let shown = try sluice(["show template"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        try AWSTemplateTests.assertCfnLintFindsNoError(inTemplate: shown.stdout)

        let pushed = try sluice(["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let resources = try cli.json(["cloudformation", "describe-stack-resources", "--stack-name", "pipeline-demo-shop-main"])
        let rules = (resources["StackResources"] as? [[String: Any]] ?? [])
            .filter { $0["ResourceType"] as? String == "AWS::CodeStarNotifications::NotificationRule" }
        XCTAssertEqual(rules.count, 2, "\(resources)")
        let listed = try cli.json(["codestar-notifications", "list-notification-rules"])["NotificationRules"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(listed.compactMap { $0["Arn"] as? String }), Set(rules.compactMap { $0["PhysicalResourceId"] as? String }))
        var described: [String: [String]] = [:]
        for rule in listed {
            let detail = try cli.json(["codestar-notifications", "describe-notification-rule", "--arn", try XCTUnwrap(rule["Arn"] as? String)])
            XCTAssertEqual((detail["Targets"] as? [[String: Any]])?.first?["TargetAddress"] as? String, topic)
            XCTAssertEqual(detail["Resource"] as? String, "arn:aws:codepipeline:us-east-1:123456789012:\(try pipelineName)")
            described[detail["Name"] as? String ?? ""] = (detail["EventTypes"] as? [[String: Any]])?.compactMap { $0["EventTypeId"] as? String }
        }
        XCTAssertEqual(described.values.flatMap { $0 }.sorted(),
                       ["codepipeline-pipeline-manual-approval-needed", "codepipeline-pipeline-pipeline-execution-failed"])

        let removed = try sluice(["notify rm 1", "push --yes"])
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(removed.stdout.flattened.contains("removed: approvals → SNS topic \(topic)"), removed.stdout)
        let left = try cli.json(["codestar-notifications", "list-notification-rules"])["NotificationRules"] as? [[String: Any]] ?? []
        XCTAssertEqual(left.count, 1, "\(left)")

        let notTopic = try sluice(["notify add failures sns arn:aws:sqs:us-east-1:123456789012:q"])
        XCTAssertEqual(notTopic.status, 2, notTopic.stderr)
        XCTAssertTrue(notTopic.stderr.flattened.contains(":1:25: error: arn:aws:sqs:us-east-1:123456789012:q is not an SNS topic's ARN"),
                      notTopic.stderr)
        let webhook = try sluice(["notify add failures webhook https://hooks.example.com/a"])
        XCTAssertEqual(webhook.status, 1)
        XCTAssertTrue(webhook.stderr.flattened.contains(":1:21: error: on AWS a pipeline's notifications are CodeStar Notifications rules"),
                      webhook.stderr)
    }
}

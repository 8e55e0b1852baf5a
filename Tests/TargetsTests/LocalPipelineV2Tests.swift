import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// CodePipeline V2 on the local engine, through the binary on the quickstart (issue 24's local "must show"):
/// settings written as hand-written overrides patches, as Copilot users write them.
extension LocalEndToEndTests {
    /// Writes `copilot/pipelines/release/overrides/cfn.patches.yml` with `patches` after the PipelineType one.
    func writePatches(_ patches: String) throws {
        let file = workspace.appendingPathComponent("copilot/pipelines/release/overrides/cfn.patches.yml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(("""
        - op: add
          path: /Resources/Pipeline/Properties/PipelineType
          value: V2

        """ + patches).utf8).write(to: file)
    }

    static let apiTrigger = """
    - op: add
      path: /Resources/Pipeline/Properties/Triggers
      value:
        - ProviderType: CodeStarSourceConnection
          GitConfiguration:
            SourceActionName: SourceCodeFor-demo
            Push:
              - Branches:
                  Includes: [main]
                FilePaths:
                  Includes: [services/api/**]
                  Excludes: [docs/**]

    """

    func writeFile(_ path: String, _ text: String) throws {
        let file = workspace.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    /// Two commits on the current branch: one touching services/api, then one only docs/; their ids.
    func commitAPIThenDocs() throws -> (api: String, docs: String) {
        try writeFile("services/api/main.go", "package main\n")
        try commit("api change")
        let api = try head()
        try writeFile("docs/guide.md", "# Guide\n")
        try commit("docs only")
        let docs = try head()
        return (api, docs)
    }

    func head() throws -> String {
        try runProcess("/usr/bin/env", ["git", "rev-parse", "HEAD"], directory: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The issue's three commits: one touching services/api, one only docs/ (both on main), one on another branch.
    func testTriggerCheckSaysYesNoNoWithTheRuleThatDecided() throws {
        try writePipeline()
        try writePatches(Self.apiTrigger)
        try commit("pipeline")
        try git("checkout", "-q", "-b", "other")
        try writeFile("services/api/other.go", "package api\n")
        try commit("api work on another branch")
        let other = try head()
        try git("checkout", "-q", "main")
        let (api, docs) = try commitAPIThenDocs()

        let result = try sluice(["-c", "trigger check"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let text = result.stdout.flattened
        XCTAssertTrue(text.contains("\(api.prefix(7)) yes api change branch main matches main; services/api/main.go matches services/api/**"), text)
        XCTAssertTrue(text.contains("\(docs.prefix(7)) no docs only branch main matches main; docs/guide.md is excluded by docs/**"), text)
        XCTAssertTrue(text.contains("\(other.prefix(7)) no api work on another branch branch other matches none of main"), text)

        let one = try sluice(["-c", "trigger check \(docs)"])
        XCTAssertEqual(one.status, 0, one.stdout + one.stderr)
        XCTAssertFalse(one.stdout.contains(String(api.prefix(7))), "one revision is one commit: " + one.stdout)

        let wrong = try sluice(["-c", "trigger check nosuchbranch"])
        XCTAssertEqual(wrong.status, 1, wrong.stdout + wrong.stderr)
        XCTAssertTrue(wrong.stderr.flattened.hasPrefix("<command line>:1:15: error: git cannot read the revision nosuchbranch"), wrong.stderr)
    }

    /// Two releases in QUEUED mode: each stage takes the second run only after the first has left it.
    func testQueuedReleasesRunOneAfterTheOther() throws {
        _ = try writeSlowBuild(seconds: 2)
        try writePipeline(prodApproval: false)
        try writePatches("""
        - op: add
          path: /Resources/Pipeline/Properties/ExecutionMode
          value: QUEUED

        """)
        try commit("queued pipeline")
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)

        let (first, firstOutput) = try startDriver(["release"])
        try waitUntil { try self.buildIsRunning() }
        let (second, secondOutput) = try startDriver(["release"])
        first.waitUntilExit()
        second.waitUntilExit()
        let firstText = try String(contentsOf: firstOutput, encoding: .utf8)
        let secondText = try String(contentsOf: secondOutput, encoding: .utf8)
        XCTAssertEqual(first.terminationStatus, 0, firstText)
        XCTAssertEqual(second.terminationStatus, 0, secondText)
        XCTAssertTrue(secondText.flattened.contains("waits to enter Build: run "), secondText)
        XCTAssertTrue(secondText.flattened.contains("is in it (queued mode)"), secondText)

        let runs = try storedRuns().suffix(2)
        XCTAssertEqual(runs.count, 2)
        let (earlier, later) = (runs.first!, runs.last!)
        for stage in ["Source", "Build", "DeployTo-test", "DeployTo-prod"] {
            let left = try XCTUnwrap(earlier.stage(stage).finished, stage)
            let entered = try XCTUnwrap(later.stage(stage).started, stage)
            XCTAssertGreaterThanOrEqual(entered, left, "\(stage): the later run entered before the earlier one left")
        }
    }

    /// SUPERSEDED mode: of two runs waiting to enter Build, the newer one supersedes the older; it runs after the first.
    func testANewerRunWaitingSupersedesAnOlderOneWaitingAtTheSameStage() throws {
        _ = try writeSlowBuild(seconds: 3)
        try writePipeline(prodApproval: false)
        // SUPERSEDED is CodePipeline's default: a variable makes the pipeline V2 without naming the mode.
        try writePatches("""
        - op: add
          path: /Resources/Pipeline/Properties/Variables
          value:
            - Name: GREETING
              DefaultValue: hello

        """)
        try commit("superseded pipeline")
        XCTAssertEqual(try sluice(["push", "--yes"]).status, 0)
        let (first, _) = try startDriver(["release"])
        try waitUntil { try self.buildIsRunning() }
        let (second, secondOutput) = try startDriver(["release"])
        try waitUntil { try self.storedRuns().contains { $0.waitingForStage == "Build" } }
        let (third, thirdOutput) = try startDriver(["release"])
        for driver in [first, second, third] { driver.waitUntilExit() }
        let runs = try storedRuns()
        XCTAssertEqual(runs.count, 4)
        let (older, newer) = (runs[2], runs[3])
        let (secondText, thirdText) = (try String(contentsOf: secondOutput, encoding: .utf8), try String(contentsOf: thirdOutput, encoding: .utf8))
        XCTAssertEqual(older.state, "Stopped", secondText)
        XCTAssertEqual(older.stopReason, "superseded by run \(newer.id) at the entry of Build")
        XCTAssertTrue(secondText.flattened.contains("is superseded by run \(newer.id), which came to Build after it"), secondText)
        XCTAssertEqual(newer.state, "Succeeded", thirdText)
        XCTAssertEqual(runs[1].state, "Succeeded")
    }

    /// A prod test failing with `OnFailure: ROLLBACK` on prod: prod is redeployed with the previous run's deployment.
    func testAFailingProdTestRollsProdBackToItsPreviousDeployment() throws {
        try writePipeline(prodApproval: false, prodTestCommands: ["test ! -f broken"])
        try writePatches("""
        - op: add
          path: /Resources/Pipeline/Properties/Stages/3/OnFailure
          value:
            Result: ROLLBACK

        """)
        try commit("pipeline that rolls prod back")
        let good = try head()
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertEqual(try prodDeployments().map(\.revision), [good])

        try writeFile("broken", "prod's test fails on this commit\n")
        try commit("break prod")
        let released = try sluice(["release"])
        XCTAssertEqual(released.status, 1, released.stdout + released.stderr)
        XCTAssertTrue(released.stdout.flattened.contains("DeployTo-prod failed: its on-failure setting rolls it back to run "), released.stdout)

        let runs = try storedRuns()
        XCTAssertEqual(runs.count, 3)
        let rollback = try XCTUnwrap(runs.last)
        XCTAssertEqual(rollback.trigger, "AutomatedRollback")
        XCTAssertEqual(rollback.rollbackTarget, runs[0].id)
        XCTAssertEqual(rollback.state, "Succeeded")
        XCTAssertEqual(runs[1].state, "Failed")
        XCTAssertEqual(try prodDeployments().map(\.revision), [good], "prod holds the first run's commit again")
        XCTAssertEqual(try prodDeployments().map(\.execution), [rollback.id])
    }

    /// `OnFailure: RETRY` retries the failed test stage once, in the same run: a test that fails only the first time passes.
    func testOnFailureRetryRunsTheFailedStageAgainOnce() throws {
        let flag = home.url.appendingPathComponent("tried-once").path
        try writePipeline(testCommands: ["test -f \(flag) || { touch \(flag); exit 1; }"], prodApproval: false)
        try writePatches("""
        - op: add
          path: /Resources/Pipeline/Properties/Stages/2/OnFailure
          value:
            Result: RETRY
            RetryConfiguration:
              RetryMode: FAILED_ACTIONS

        """)
        try commit("pipeline that retries its tests")
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("DeployTo-test failed: its on-failure setting retries it (failed-actions) once"), pushed.stdout)
        let runs = try storedRuns()
        XCTAssertEqual(runs.map(\.state), ["Succeeded"], "one run, retried in place")
        XCTAssertEqual(stageStates(try statusJSON())["DeployTo-prod"], "Succeeded")
    }

    /// `trigger follow` starts a run for a push its filters match, with the pushed commit, and says why not for one
    /// they do not; Ctrl-C ends it.
    func testTriggerFollowStartsARunForAMatchingPushOnly() throws {
        try writePipeline(prodApproval: false)
        try writePatches(Self.apiTrigger)
        try commit("pipeline")
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)

        let (follower, output) = try startDriver(["-c", "trigger follow for 60s"])
        func said(_ text: String) -> Bool { ((try? String(contentsOf: output, encoding: .utf8)) ?? "").flattened.contains(text) }
        try waitUntil { said("Following the branches and tags") }
        try writeFile("docs/guide.md", "# Guide\n")
        try commit("docs only")
        let docs = try head()
        try waitUntil { said("\(docs.prefix(7)) on branch main: no run (branch main matches main; docs/guide.md is excluded by docs/**)") }
        try writeFile("services/api/main.go", "package main\n")
        try commit("api change")
        let api = try head()
        try waitUntil { try self.storedRuns().count == 2 && self.storedRuns()[1].state == "Succeeded" }
        kill(follower.processIdentifier, SIGINT)
        follower.waitUntilExit()
        let text = try String(contentsOf: output, encoding: .utf8)
        XCTAssertTrue(text.flattened.contains("\(api.prefix(7)) on branch main: starts a run (branch main matches main; "
                                              + "services/api/main.go matches services/api/**)"), text)
        XCTAssertNotEqual(follower.terminationStatus, 0, "Ctrl-C ends it as interrupted: " + text)
        let run = try XCTUnwrap(storedRuns().last)
        XCTAssertEqual(run.trigger, "WebhookV2")
        XCTAssertEqual(try statusJSON()["sourceRevision"] as? String, api, "the run took the pushed commit")
    }

    /// `#{variables.NAME}` in the Build action's environment takes the variable's default.
    func testAVariableResolvesInTheBuildActionsEnvironment() throws {
        try writePipeline(prodApproval: false)
        try writePatches("""
        - op: add
          path: /Resources/Pipeline/Properties/Variables
          value:
            - Name: GREETING
              DefaultValue: hello
        - op: add
          path: /Resources/Pipeline/Properties/Stages/1/Actions/0/Configuration/EnvironmentVariables
          value: '[{"name":"GREETING","value":"#{variables.GREETING} from v2","type":"PLAINTEXT"}]'

        """)
        try writeFile("buildspec.yml", """
        version: 0.2
        phases:
          build:
            commands:
              - echo "greeting is $GREETING"
              - make all
        artifacts:
          files:
            - 'infrastructure/*'

        """)
        try commit("variables")
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let logs = try sluice(["logs", "Build"])
        XCTAssertTrue(logs.stdout.contains("greeting is hello from v2"), logs.stdout + logs.stderr)
    }

    /// `#{variables.NAME}` in a deployment's stack name: the default, then what `release var` gives.
    func testReleaseVarOverridesTheDefaultInADeploymentsStackName() throws {
        try writePipeline(prodApproval: false)
        let manifest = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "  - name: prod\n", with: """
          - name: prod
            deployments:
              api:
                stack_name: "demo-prod-#{variables.COLOR}"
                template_path: infrastructure/api-prod.stack.yml
                template_config: infrastructure/api-prod.params.json

        """).utf8).write(to: manifest)
        try writePatches("""
        - op: add
          path: /Resources/Pipeline/Properties/Variables
          value:
            - Name: COLOR
              DefaultValue: blue

        """)
        try commit("a variable in prod's stack name")
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let released = try sluice(["-c", "release var COLOR=green"])
        XCTAssertEqual(released.status, 0, released.stdout + released.stderr)
        let prod = workspace.appendingPathComponent(".sluice/local/deployments/prod")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: prod.path).sorted(), ["demo-prod-blue", "demo-prod-green"])
        let status = try sluice(["status"])
        XCTAssertTrue(status.stdout.flattened.contains("Variables COLOR=green"), status.stdout)
    }

    /// The issue's script, in sluice's words: push triggers on main for services/api but not docs, queued, a
    /// variable with a default, rollback on prod; `trigger check` then answers each commit.
    func testTheIssuesScriptThenTriggerCheck() throws {
        try writePipeline(prodApproval: false)
        try commit("pipeline")
        let script = try sluice(["-c", "trigger add push branches main paths 'services/api/**' exclude-paths 'docs/**'; mode queued; "
                                 + "var add GREETING default hello; stage on-failure prod rollback; save"])
        XCTAssertEqual(script.status, 0, script.stdout + script.stderr)
        try commit("V2 settings")
        let (api, docs) = try commitAPIThenDocs()
        let check = try sluice(["-c", "trigger check HEAD~2..HEAD"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.flattened.contains("\(api.prefix(7)) yes api change"), check.stdout)
        XCTAssertTrue(check.stdout.flattened.contains("\(docs.prefix(7)) no docs only branch main matches main; docs/guide.md is excluded by docs/**"),
                      check.stdout)
    }

    /// A closed deployment window holds prod (until a `stop`); an alarm rule needs AWS, and the local run says so.
    func testAClosedDeploymentWindowHoldsTheStageAndAnAlarmRuleIsNamedAsNeedingAWS() throws {
        try writePipeline(prodApproval: false)
        try writePatches("""
        - op: add
          path: /Resources/Pipeline/Properties/Stages/2/BeforeEntry
          value:
            Conditions:
              - Result: FAIL
                Rules:
                  - Name: NoAlarm
                    RuleTypeId: {Category: Rule, Owner: AWS, Provider: CloudWatchAlarm, Version: "1"}
                    Configuration: {AlarmName: api-errors}
        - op: add
          path: /Resources/Pipeline/Properties/Stages/3/BeforeEntry
          value:
            Conditions:
              - Result: FAIL
                Rules:
                  - Name: Freeze
                    RuleTypeId: {Category: Rule, Owner: AWS, Provider: DeploymentWindow, Version: "1"}
                    Configuration: {Cron: "0 0 0 1 1 ? 2199", TimeZone: Europe/Paris}

        """)
        try commit("gated pipeline")
        let (driver, output) = try startDriver(["push", "--yes"])
        func said(_ text: String) -> Bool { ((try? String(contentsOf: output, encoding: .utf8)) ?? "").flattened.contains(text) }
        try waitUntil { said("waits to enter DeployTo-prod: its deployment window Freeze (0 0 0 1 1 ? 2199, Europe/Paris) is closed") }
        XCTAssertEqual(try statusJSON()["state"] as? String, "InProgress")
        let stopped = try sluice(["stop", "reason", "freeze"])
        XCTAssertEqual(stopped.status, 0, stopped.stdout + stopped.stderr)
        driver.waitUntilExit()
        let text = try String(contentsOf: output, encoding: .utf8)
        XCTAssertTrue(text.flattened.contains("DeployTo-test: the gate's rule NoAlarm (CloudWatchAlarm) needs AWS"), text)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Stopped", text)
        XCTAssertEqual(stageStates(status)["DeployTo-test"], "Succeeded")
        XCTAssertEqual(stageStates(status)["DeployTo-prod"], "Pending", "prod was never entered")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(".sluice/local/deployments/prod").path))
    }

    // MARK: Helpers

    struct StoredRun {
        var id: String
        var sequence: Int
        var state: String
        var trigger: String?
        var rollbackTarget: String?
        var stopReason: String?
        var waitingForStage: String?
        var stages: [[String: Any]]

        func stage(_ name: String) -> (started: Date?, finished: Date?) {
            let actions = stages.first { $0["name"] as? String == name }?["actions"] as? [[String: Any]] ?? []
            let formatter = ISO8601DateFormatter()
            let starts = actions.compactMap { ($0["startedAt"] as? String).flatMap(formatter.date) }
            let ends = actions.compactMap { ($0["finishedAt"] as? String).flatMap(formatter.date) }
            return (starts.min(), ends.max())
        }
    }

    /// The executions as stored, oldest first.
    func storedRuns() throws -> [StoredRun] {
        let executions = workspace.appendingPathComponent(".sluice/local/pipelines/release/executions")
        var runs: [StoredRun] = []
        for id in try FileManager.default.contentsOfDirectory(atPath: executions.path) {
            // A run being created has its folder before its record.
            guard let data = FileManager.default.contents(atPath: executions.appendingPathComponent("\(id)/execution.json").path) else { continue }
            let record = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            let snapshot = try XCTUnwrap(record["snapshot"] as? [String: Any])
            runs.append(StoredRun(id: id, sequence: record["sequence"] as? Int ?? 0, state: snapshot["state"] as? String ?? "",
                                  trigger: record["trigger"] as? String, rollbackTarget: snapshot["rollbackTarget"] as? String,
                                  stopReason: snapshot["stopReason"] as? String, waitingForStage: record["waitingForStage"] as? String,
                                  stages: snapshot["stages"] as? [[String: Any]] ?? []))
        }
        return runs.sorted { $0.sequence < $1.sequence }
    }

    /// What prod's stacks hold: the run and commit that deployed each.
    func prodDeployments() throws -> [(execution: String, revision: String)] {
        let prod = workspace.appendingPathComponent(".sluice/local/deployments/prod")
        return try FileManager.default.contentsOfDirectory(atPath: prod.path).sorted().map { stack in
            let data = try Data(contentsOf: prod.appendingPathComponent("\(stack)/deployment.json"))
            let record = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            return (record["execution"] as? String ?? "", record["revision"] as? String ?? "")
        }
    }

    func waitUntil(_ condition: () throws -> Bool) throws {
        let deadline = Date() + 30
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("the condition never held")
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// The local target through the real `sluice` binary, in temporary git repositories made from
/// examples/quickstart: the issue's end-to-end cases.
final class LocalEndToEndTests: XCTestCase {
    var workspace: URL!
    var home: TemporaryDirectory!

    /// Writes the quickstart's pipeline manifest (as `stage add`/`test add`/`approval on` would),
    /// with `testCommands` for the test stage.
    func writePipeline(testCommands: [String] = ["make test", "make integration-test ENV=test"], prodApproval: Bool = true,
                       prodTestCommands: [String] = []) throws {
        let manifest = """
        name: release
        version: 1
        source:
          provider: GitHub
          properties:
            repository: https://github.com/demo/api
            branch: main
        build:
          buildspec: buildspec.yml
        stages:
          - name: test
            test_commands:
        \(testCommands.map { "      - \"\($0)\"" }.joined(separator: "\n"))
          - name: prod
            requires_approval: \(prodApproval)
        \(prodTestCommands.isEmpty ? "" : "    test_commands:\n" + prodTestCommands.map { "      - \"\($0)\"" }.joined(separator: "\n"))

        """
        let file = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(manifest.utf8).write(to: file)
    }

    override func setUpWithError() throws {
        home = try TemporaryDirectory("sluice-e2e")
        workspace = home.url.appendingPathComponent("quickstart")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart"), to: workspace)
        try git("init", "-q", "-b", "main")
        try commit("quickstart")
    }

    override func tearDown() {
        home.remove()
    }

    func testTheQuickstartScriptSucceeds() throws {
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart.sluice"),
                                         to: workspace.appendingPathComponent("quickstart.sluice"))
        let result = try sluice(["quickstart.sluice"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.flattened.contains("Waiting for approval of DeployTo-prod"), result.stdout)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Succeeded", result.stdout)
        XCTAssertEqual(stageStates(status), ["Source": "Succeeded", "Build": "Succeeded",
                                             "DeployTo-test": "Succeeded", "DeployTo-prod": "Succeeded"])
        // Run again, the script changes nothing and says so; its `approve prod` finds the approval
        // answered already, which is an error (nothing is waiting to approve).
        let again = try sluice(["quickstart.sluice"])
        XCTAssertEqual(again.status, 1, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.flattened.contains("up to date"), again.stdout)
        XCTAssertTrue(again.stderr.flattened.hasPrefix("quickstart.sluice:19:1: error: the approval for prod in run "), again.stderr)
        XCTAssertTrue(again.stderr.flattened.contains("was already approved"), again.stderr)
        XCTAssertTrue(again.stderr.flattened.contains("`reset --yes` clears the runs so that `push` starts afresh"), again.stderr)
    }

    /// The README's first command, as CI runs it (with the binary this test run built).
    func testScriptsDemoRunsTheQuickstartUnattended() throws {
        var environment = self.environment
        environment["SLUICE"] = sluiceBinary
        environment["TMPDIR"] = home.path
        let result = try runProcess(packageRoot.appendingPathComponent("scripts/demo").path, environment: environment,
                                    directory: packageRoot, timeout: 120)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.flattened.contains("Execution "), result.stdout)
        XCTAssertTrue(result.stdout.contains("  Status     Succeeded"), result.stdout)
        // The script's comments are its narration; its commands are shown as written.
        XCTAssertTrue(result.stdout.flattened.hasPrefix("The release flow of Copilot's pipelines guide, end to end:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\n> test add test \"make test\"\n"), result.stdout)
    }

    /// scripts/demo passes replay options on: paced, it still ends Succeeded.
    func testScriptsDemoRunsPaced() throws {
        var environment = self.environment
        environment["SLUICE"] = sluiceBinary
        environment["TMPDIR"] = home.path
        let started = Date()
        let result = try runProcess(packageRoot.appendingPathComponent("scripts/demo").path, ["--pace", "300ms"], environment: environment,
                                    directory: packageRoot, timeout: 120)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("  Status     Succeeded"), result.stdout)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 3, "11 pauses of 300ms between the quickstart's 12 commands")
    }

    /// `reset` clears what the local target keeps of the pipeline (runs, logs, the deployments its runs
    /// recorded), asking first: a script must say `--yes`. The next push starts as the first did.
    func testResetClearsTheLocalRunsAndDeploymentsOfThePipeline() throws {
        try writePipeline()
        try commit("pipeline")
        XCTAssertEqual(try sluice(["-c", "push --yes; approve prod"]).status, 0)
        XCTAssertEqual(try statusJSON()["state"] as? String, "Succeeded")
        let local = workspace.appendingPathComponent(".sluice/local")
        let deployments = local.appendingPathComponent("deployments")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: deployments.path).sorted(), ["prod", "test"])
        // Another pipeline's deployment stays.
        let other = deployments.appendingPathComponent("staging/other-stack")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data(#"{"stack":"other-stack","deployment":"api","environment":"staging","pipeline":"other","execution":"1","template":"t","config":"c","deployedAt":"2026-01-01T00:00:00Z"}"#.utf8)
            .write(to: other.appendingPathComponent("deployment.json"))

        let refused = try sluice(["reset"])
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.flattened.contains("error: reset needs confirmation, and a script cannot give it"), refused.stderr)
        XCTAssertTrue(refused.stderr.flattened.contains("hint: write `reset --yes` to clear 1 run (with their logs) and 2 deployments of release"),
                      refused.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: local.appendingPathComponent("pipelines/release").path))

        let reset = try sluice(["reset", "--yes"])
        XCTAssertEqual(reset.status, 0, reset.stdout + reset.stderr)
        XCTAssertEqual(reset.stdout, "reset release on the local target: cleared 1 run (with their logs) and 2\n  deployments\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: local.appendingPathComponent("pipelines/release").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: deployments.path), ["staging"])
        XCTAssertEqual(try sluice(["status"]).stdout, "release has not run yet (`push` starts it)\n")
        XCTAssertEqual(try sluice(["reset", "--yes"]).stdout, "unchanged: release has no runs or deployments on the local target\n")

        let again = try sluice(["push", "--yes"])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.flattened.contains("Create local pipeline release"), again.stdout)
        XCTAssertEqual(try sluice(["history", "--json"]).stdout.components(separatedBy: "\"id\"").count, 2)
    }

    /// Copilot's words — `pipeline deploy`/`update`, `pipeline status`, `pipeline delete` — do what sluice's commands do.
    func testCopilotsPipelineWordsDoWhatSluicesCommandsDo() throws {
        try writePipeline()
        try commit("pipeline")
        let deployed = try sluice(["pipeline", "deploy", "--yes"])
        XCTAssertEqual(deployed.status, 0, deployed.stdout + deployed.stderr)
        XCTAssertTrue(deployed.stdout.flattened.contains("pushed release to the local target; run "), deployed.stdout)
        XCTAssertEqual(try sluice(["pipeline", "status", "--json"]).stdout, try sluice(["status", "--json"]).stdout)
        XCTAssertTrue(try sluice(["pipeline", "update", "--yes"]).stdout.flattened.contains("Pipeline release is up to date on the local target"))
        let help = try sluice(["help", "pipeline", "deploy"])
        XCTAssertTrue(help.stdout.hasPrefix("usage: pipeline deploy [--yes] [--dry-run] [--allow-downgrade] [--diff]\n\n`copilot pipeline deploy` in sluice: the same as `push`."),
                      help.stdout)
        let deleted = try sluice(["pipeline", "delete", "release", "--yes"])
        XCTAssertEqual(deleted.status, 0, deleted.stdout + deleted.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml").path))
    }

    /// Copilot validates the manifest before it deploys: `push` and `release` stop on its errors (nothing is
    /// recorded or run) and print its warnings. A post action beside test commands is such an error.
    func testPushAndReleaseValidateTheManifestFirst() throws {
        try writePipeline()
        let file = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        let valid = try String(contentsOf: file, encoding: .utf8)
        let invalid = valid.replacingOccurrences(of: "  - name: prod\n", with: """
                post_deployments:
                  smoke:
                    buildspec: ops/smoke.yml
              - name: prod

            """)
        try Data(invalid.utf8).write(to: file)
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 1, pushed.stdout + pushed.stderr)
        XCTAssertTrue(pushed.stdout.flattened.contains("error: stage test has both test_commands and post_deployments"), pushed.stdout)
        XCTAssertTrue(pushed.stderr.flattened.contains("push stopped: copilot/pipelines/release/manifest.yml has 1 error"), pushed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(".sluice/local/pipelines/release").path))

        // Warnings are printed and the push goes on; release validates too.
        try Data(valid.replacingOccurrences(of: "version: 1\n", with: "version: 1\ntypo: true\n").utf8).write(to: file)
        let warned = try sluice(["push", "--yes"])
        XCTAssertEqual(warned.status, 0, warned.stdout + warned.stderr)
        XCTAssertTrue(warned.stdout.flattened.contains("warning: typo is not a pipeline manifest setting"), warned.stdout)
        try Data(invalid.utf8).write(to: file)
        let released = try sluice(["release"])
        XCTAssertEqual(released.status, 1, released.stdout + released.stderr)
        XCTAssertTrue(released.stderr.flattened.contains("release stopped:"), released.stderr)
    }

    func testAFailingTestCommandFailsItsStageAndStopsPromotion() throws {
        try writePipeline(testCommands: ["make test", "echo no such page; exit 4"])
        let result = try sluice(["push", "--yes"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let watch = try sluice(["watch"])
        XCTAssertEqual(watch.status, 1, watch.stdout + watch.stderr)
        XCTAssertTrue(watch.stdout.flattened.contains("exited with 4: no such page"), watch.stdout)
        // The failed action's last log lines under it (and under the lines its sentence wraps onto), as on the AWS target.
        XCTAssertNotNil(watch.stdout.range(of: #"TestCommands Failed: [^\n]*\n(  \S[^\n]*\n)*(      │ [^\n]*\n)*      │ no such page\n"#,
                                           options: .regularExpression), watch.stdout)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Failed")
        XCTAssertEqual(stageStates(status)["DeployTo-test"], "Failed")
        XCTAssertEqual(stageStates(status)["DeployTo-prod"], "Pending")
    }

    func testARejectedApprovalStopsTheExecution() throws {
        try writePipeline()
        let result = try sluice(["-c", "push --yes; watch; reject prod comment 'not today'"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Rejected")
        XCTAssertEqual(stageStates(status)["DeployTo-prod"], "Rejected")
        let watch = try sluice(["watch"])
        XCTAssertEqual(watch.status, 1)
    }

    func testAnApprovalLeftWaitingIsApprovedFromANewSluice() throws {
        try writePipeline()
        let first = try sluice(["-c", "push --yes; watch"])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(try statusJSON()["state"] as? String, "InProgress")

        let second = try sluice(["-c", "approve prod; watch"])
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Succeeded")
        XCTAssertEqual(stageStates(status)["DeployTo-prod"], "Succeeded")

        // Each action's log is readable.
        let build = try sluice(["logs", "Build"])
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertTrue(build.stdout.flattened.contains("[Container] Running command make all"), build.stdout)
        // Following a finished action prints its whole log and returns.
        let followed = try sluice(["logs", "Build", "--follow"])
        XCTAssertEqual(followed.status, 0, followed.stderr)
        XCTAssertEqual(followed.stdout, build.stdout)
        let tests = try sluice(["logs", "test", "TestCommands"])
        XCTAssertTrue(tests.stdout.flattened.contains("ok - greets an environment"), tests.stdout)
        let deploy = try sluice(["logs", "prod", "CreateOrUpdate-api-prod"])
        XCTAssertTrue(deploy.stdout.flattened.contains("Stack demo-prod-api in prod: recorded infrastructure/api-prod.stack.yml"), deploy.stdout)
    }

    func testARunWhoseSluiceIsKilledMidBuildIsAbandoned() throws {
        try Data("version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 8\n".utf8)
            .write(to: workspace.appendingPathComponent("buildspec.yml"))
        try commit("a slow build")
        try writePipeline()

        let process = try startSluice(["push", "--yes"])
        let deadline = Date() + 30
        while try !buildIsRunning() {
            XCTAssertLessThan(Date(), deadline, "the build never started")
            if Date() > deadline { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Another sluice looking meanwhile sees it running: the lock is held.
        XCTAssertEqual(try statusJSON()["state"] as? String, "InProgress")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let status = try sluice(["status"])
        XCTAssertTrue(status.stdout.flattened.contains("Abandoned"), status.stdout + status.stderr)
        let json = try statusJSON()
        XCTAssertEqual(json["state"] as? String, "Abandoned")
        XCTAssertEqual(stageStates(json)["Build"], "Abandoned")
    }

    // MARK: Helpers

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["XDG_STATE_HOME"] = home.url.appendingPathComponent("state").path
        environment["NO_COLOR"] = "1"
        return environment
    }

    func sluice(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(sluiceBinary, arguments, environment: environment, directory: workspace, timeout: 60)
    }

    func statusJSON() throws -> [String: Any] {
        let result = try sluice(["status", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
    }

    func stageStates(_ status: [String: Any]) -> [String: String] {
        var states: [String: String] = [:]
        for stage in status["stages"] as? [[String: Any]] ?? [] {
            states[stage["name"] as? String ?? ""] = stage["state"] as? String
        }
        return states
    }

    /// Reads the stored executions directly: true once one has its Build stage in progress.
    func buildIsRunning() throws -> Bool {
        let pipelines = workspace.appendingPathComponent(".sluice/local/pipelines")
        guard let enumerator = FileManager.default.enumerator(atPath: pipelines.path) else { return false }
        for case let path as String in enumerator where path.hasSuffix("execution.json") {
            guard let data = FileManager.default.contents(atPath: pipelines.appendingPathComponent(path).path),
                  let record = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let snapshot = record["snapshot"] as? [String: Any] else { continue }
            if stageStates(snapshot)["Build"] == "InProgress" { return true }
        }
        return false
    }

    func git(_ arguments: String...) throws {
        let result = try runProcess("/usr/bin/env", ["git"] + arguments, directory: workspace)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func commit(_ message: String) throws {
        try git("add", "-A")
        try git("-c", "user.name=sluice", "-c", "user.email=test@sluice.invalid", "commit", "-q", "-m", message)
    }
}

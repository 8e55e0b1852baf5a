import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// Operating the local quickstart's runs through the binary: `stop`, `retry`, `rollback`, `history`.
extension LocalEndToEndTests {
    /// A build whose shell and `sleep` write their process ids, so the test can tell whether any is left.
    func writeSlowBuild(seconds: Int) throws -> URL {
        let pids = home.url.appendingPathComponent("build.pids")
        try Data("""
        version: 0.2
        phases:
          build:
            commands:
              - "sleep \(seconds) & echo $$ $! > \(pids.path); wait"
              - make all
        artifacts:
          files:
            - 'infrastructure/*'

        """.utf8).write(to: workspace.appendingPathComponent("buildspec.yml"))
        try commit("a slow build")
        return pids
    }

    /// Starts sluice without waiting for it, its output kept in a file for the failure messages.
    func startDriver(_ arguments: [String]) throws -> (Process, URL) {
        let output = home.url.appendingPathComponent("driver-\(UUID().uuidString).out")
        try Data().write(to: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sluiceBinary)
        process.arguments = arguments
        process.currentDirectoryURL = workspace
        process.environment = environment
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, output)
    }

    func waitForBuild(_ pids: URL) throws -> [pid_t] {
        let deadline = Date() + 30
        while Date() < deadline {
            if let text = try? String(contentsOf: pids, encoding: .utf8), text.hasSuffix("\n") {
                return text.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("the build never started")
        return []
    }

    func testARunStoppedMidBuildEndsStoppedWithNoProcessLeft() throws {
        let pids = try writeSlowBuild(seconds: 30)
        try writePipeline()
        let (driver, output) = try startDriver(["push", "--yes"])
        let build = try waitForBuild(pids)
        XCTAssertEqual(build.count, 2)

        let stopped = try sluice(["stop", "abandon", "reason", "wrong commit"])
        XCTAssertEqual(stopped.status, 0, stopped.stdout + stopped.stderr)
        XCTAssertTrue(stopped.stdout.flattened.contains("(its running actions abandoned)"), stopped.stdout)
        driver.waitUntilExit()
        let driven = try String(contentsOf: output, encoding: .utf8)
        XCTAssertTrue(driven.contains("Build/Build Abandoned: abandoned by "), driven)
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Stopped", driven)
        XCTAssertEqual(stageStates(status)["Build"], "Stopped")
        XCTAssertEqual(stageStates(status)["DeployTo-test"], "Pending")
        for pid in build {
            XCTAssertTrue(exits(pid), "process \(pid) of the build is left: " + ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""))
        }
        let history = try sluice(["history"])
        XCTAssertTrue(history.stdout.flattened.contains("Stopped"), history.stdout)
        XCTAssertTrue(history.stdout.flattened.contains("wrong commit"), history.stdout)

        // Nothing runs now: a second stop says so, and names the run it found.
        let again = try sluice(["stop"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.flattened.contains("error: no run of release is in progress: the newest,"), again.stderr)
        XCTAssertTrue(again.stderr.flattened.contains("is Stopped"), again.stderr)
    }

    /// Stop and wait: the running build finishes, nothing after it starts, and the run ends Stopped.
    func testAStopWaitsForTheRunningActionThenStopsTheRun() throws {
        let pids = try writeSlowBuild(seconds: 2)
        try writePipeline()
        let driver = try startSluice(["push", "--yes"])
        _ = try waitForBuild(pids)
        let stopping = try sluice(["stop"])
        XCTAssertEqual(stopping.status, 0, stopping.stdout + stopping.stderr)
        XCTAssertTrue(stopping.stdout.flattened.contains("is stopping: it ends once Build/Build finishes"), stopping.stdout)
        XCTAssertEqual(try statusJSON()["state"] as? String, "Stopping")
        let twice = try sluice(["stop"])
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.stderr.flattened.contains("is stopping already (finishing its running actions)"), twice.stderr)
        driver.waitUntilExit()
        let status = try statusJSON()
        XCTAssertEqual(status["state"] as? String, "Stopped")
        XCTAssertEqual(stageStates(status)["Build"], "Succeeded")
        XCTAssertEqual(stageStates(status)["DeployTo-test"], "Pending")
    }

    /// The test fails on something outside the commit; once that is fixed, `retry` runs the test stage
    /// again with the run's artifacts, and Build does not run again.
    func testAFailingTestFixedInTheWorkspaceIsRetriedWithoutRebuilding() throws {
        let flag = workspace.appendingPathComponent("fixture-ready")
        try writePipeline(testCommands: ["test -f \(flag.path)"])
        try commit("pipeline")
        XCTAssertEqual(try sluice(["push", "--yes"]).status, 1)
        let failed = try statusJSON()
        XCTAssertEqual(stageStates(failed)["DeployTo-test"], "Failed")
        let buildFinished = action(failed, "Build", "Build")?["finishedAt"] as? String
        XCTAssertNotNil(buildFinished)

        let refused = try sluice(["retry", "Build"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.flattened.hasPrefix("<command line>:1:7: error: stage Build is Succeeded in run "), refused.stderr)

        try Data().write(to: flag)
        let retried = try sluice(["-c", "retry test; approve prod comment 'ship it'"])
        XCTAssertEqual(retried.status, 0, retried.stdout + retried.stderr)
        let status = try statusJSON()
        XCTAssertEqual(status["id"] as? String, failed["id"] as? String, "the same run goes on")
        XCTAssertEqual(status["state"] as? String, "Succeeded")
        XCTAssertEqual(action(status, "Build", "Build")?["finishedAt"] as? String, buildFinished, "Build did not run again")
        let build = try sluice(["logs", "Build"])
        XCTAssertEqual(build.stdout.components(separatedBy: "Running command make all").count, 2, build.stdout)
        // history shows who approved, with the comment.
        let history = try sluice(["history"])
        XCTAssertTrue(history.stdout.flattened.contains("DeployTo-prod: approved by "), history.stdout)
        XCTAssertTrue(history.stdout.flattened.contains(": ship it"), history.stdout)

        let again = try sluice(["retry", "test"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.flattened.contains("error: stage DeployTo-test is Succeeded in run"), again.stderr)
        XCTAssertTrue(again.stderr.flattened.contains("`rollback DeployTo-test` redeploys an earlier one"), again.stderr)
    }

    func testRollbackProdAfterTwoReleasesPutsBackTheFirstReleasesDeployment() throws {
        try writePipeline()
        try commit("pipeline")
        XCTAssertEqual(try sluice(["-c", "push --yes; approve prod"]).status, 0)
        let first = try statusJSON()
        let firstID = try XCTUnwrap(first["id"] as? String)
        let deployment = workspace.appendingPathComponent(".sluice/local/deployments/prod/demo-prod-api")
        let firstTemplate = try String(contentsOf: deployment.appendingPathComponent("template.yml"), encoding: .utf8)

        let noEarlier = try sluice(["rollback", "prod"])
        XCTAssertEqual(noEarlier.status, 1)
        XCTAssertTrue(noEarlier.stderr.flattened.contains("error: no earlier run succeeded in stage DeployTo-prod"), noEarlier.stderr)

        let template = workspace.appendingPathComponent("templates/service.yml")
        try Data((try String(contentsOf: template, encoding: .utf8) + "# the second release\n").utf8).write(to: template)
        try commit("second release")
        XCTAssertEqual(try sluice(["-c", "release; approve prod"]).status, 0)
        let second = try String(contentsOf: deployment.appendingPathComponent("template.yml"), encoding: .utf8)
        XCTAssertTrue(second.hasSuffix("# the second release\n"), second)

        let source = try sluice(["rollback", "Source"])
        XCTAssertEqual(source.status, 1)
        XCTAssertTrue(source.stderr.flattened.hasPrefix("<command line>:1:10: error: the Source stage cannot be rolled back"), source.stderr)
        let unknown = try sluice(["rollback", "prod", "to", "0000"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.flattened.contains("error: pipeline release has no execution 0000"), unknown.stderr)

        let rolled = try sluice(["-c", "rollback prod; approve prod"])
        XCTAssertEqual(rolled.status, 0, rolled.stdout + rolled.stderr)
        XCTAssertEqual(try String(contentsOf: deployment.appendingPathComponent("template.yml"), encoding: .utf8), firstTemplate)
        let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: deployment.appendingPathComponent("deployment.json")))
            as? [String: Any])
        XCTAssertEqual(record["revision"] as? String, first["sourceRevision"] as? String)
        let status = try statusJSON()
        XCTAssertEqual(status["rollbackTarget"] as? String, firstID)
        XCTAssertEqual(Array(stageStates(status).keys), ["DeployTo-prod"], "a rollback runs the one stage")
        let history = try sluice(["history", "1"])
        XCTAssertTrue(history.stdout.flattened.contains("started by ManualRollback"), history.stdout)

        // A rollback run cannot be the target of another.
        let chained = try sluice(["rollback", "prod", "to", try XCTUnwrap(status["id"] as? String)])
        XCTAssertEqual(chained.status, 1)
        XCTAssertTrue(chained.stderr.flattened.contains("is itself a rollback, which a rollback cannot target"), chained.stderr)
    }

    /// Locally the application's pipelines are those pushed from this workspace: `approvals` finds the one
    /// waiting in a pipeline other than the one being edited, and answers it by name.
    func testApprovalsFindsTheApprovalWaitingInAnotherPushedPipeline() throws {
        try writePipeline()
        let nightly = workspace.appendingPathComponent("copilot/pipelines/nightly")
        try FileManager.default.createDirectory(at: nightly, withIntermediateDirectories: true)
        let manifest = try String(contentsOf: workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml"), encoding: .utf8)
        try Data(manifest.replacingOccurrences(of: "name: release", with: "name: nightly").utf8)
            .write(to: nightly.appendingPathComponent("manifest.yml"))
        try commit("two pipelines")
        XCTAssertEqual(try sluice(["-c", "pipeline use nightly; push --yes"]).status, 0)
        XCTAssertEqual(try sluice(["-c", "pipeline use release; push --yes; approve prod"]).status, 0)

        let listed = try sluice(["pipeline", "ls", "--deployed"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(listed.stdout, "  nightly  copilot/pipelines/nightly/manifest.yml\n  release  copilot/pipelines/release/manifest.yml\n")
        let approvals = try sluice(["approvals"])
        XCTAssertEqual(approvals.status, 0, approvals.stderr)
        XCTAssertTrue(approvals.stdout.hasPrefix("1 approval is waiting in application demo:\n   1. nightly: DeployTo-prod"), approvals.stdout)
        XCTAssertTrue(approvals.stdout.flattened.contains("`approve prod pipeline nightly`"), approvals.stdout)
        XCTAssertEqual(try sluice(["status", "nightly", "--json"]).stdout.flattened.contains(#""state" : "InProgress""#), true)

        let approved = try sluice(["approve", "prod", "pipeline", "nightly"])
        XCTAssertEqual(approved.status, 0, approved.stdout + approved.stderr)
        XCTAssertTrue(approved.stdout.flattened.contains("approved prod in nightly"), approved.stdout)
        XCTAssertEqual(try sluice(["approvals"]).stdout, "no approval is waiting in application demo\n")
        let open = try sluice(["open"])
        XCTAssertEqual(open.status, 1)
        XCTAssertTrue(open.stderr.flattened.contains("error: the local target has no console"), open.stderr)
    }

    /// Whether process `pid` is gone (or dead and waiting to be reaped) within a few seconds of its group's kill.
    func exits(_ pid: pid_t) -> Bool {
        let deadline = Date() + 5
        while Date() < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if stat.split(separator: ")").last?.split(separator: " ").first == "Z" { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    func action(_ status: [String: Any], _ stage: String, _ name: String) -> [String: Any]? {
        let stages = status["stages"] as? [[String: Any]] ?? []
        let actions = stages.first { $0["name"] as? String == stage }?["actions"] as? [[String: Any]] ?? []
        return actions.first { $0["name"] as? String == name }
    }
}

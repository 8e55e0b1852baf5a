import Foundation
import TestSupport
import XCTest

/// The local target's refusals of `stop`, `retry` and `rollback`, each through the binary with the
/// place it points at: where CodePipeline would refuse, and where what a run needs is gone.
extension LocalEndToEndTests {
    func testStopRetryAndRollbackRefuseWithTheReasonWhereCodePipelineWould() throws {
        let flag = workspace.appendingPathComponent("fixture-ready")
        try writePipeline(testCommands: ["test -f \(flag.path)"])
        try commit("pipeline")
        let notRun = try sluice(["stop"])
        XCTAssertEqual(notRun.status, 1)
        XCTAssertTrue(notRun.stderr.flattened.contains("error: pipeline release has not run, so nothing is running to stop"), notRun.stderr)

        XCTAssertEqual(try sluice(["push", "--yes"]).status, 1, "the test stage fails")
        let failed = try XCTUnwrap(try statusJSON()["id"] as? String)
        let ended = try sluice(["stop", failed])
        XCTAssertEqual(ended.status, 1)
        XCTAssertTrue(ended.stderr.flattened.contains("error: run \(failed) is Failed already, so it cannot be stopped"), ended.stderr)
        let neverReached = try sluice(["retry", "prod"])
        XCTAssertEqual(neverReached.status, 1)
        XCTAssertTrue(neverReached.stderr.flattened.hasPrefix(
            "<command line>:1:7: error: no run has reached stage DeployTo-prod, so there is nothing to retry"), neverReached.stderr)
        let notSucceeded = try sluice(["rollback", "prod", "to", String(failed.prefix(8))])
        XCTAssertEqual(notSucceeded.status, 1)
        XCTAssertTrue(notSucceeded.stderr.flattened.hasPrefix(
            "<command line>:1:18: error: stage DeployTo-prod is Pending in run \(failed); a rollback goes back to a run that succeeded there"),
            notSucceeded.stderr)

        // The commit the run took is rewritten away: a retry cannot take it again.
        let revision = try XCTUnwrap(try statusJSON()["sourceRevision"] as? String)
        try Data().write(to: flag)
        try git("commit", "-q", "--amend", "-m", "pipeline, amended")
        try git("reflog", "expire", "--expire=now", "--all")
        try git("gc", "-q", "--prune=now")
        let gone = try sluice(["retry", "test"])
        XCTAssertEqual(gone.status, 1, gone.stdout + gone.stderr)
        XCTAssertTrue(gone.stderr.flattened.contains("error: commit \(revision.prefix(12)) is no longer in the repository"), gone.stderr)
        XCTAssertTrue(gone.stderr.flattened.contains("hint: a rewritten history dropped it; `release` runs the branch as it is now"), gone.stderr)

        XCTAssertEqual(try sluice(["-c", "release; approve prod"]).status, 0)
        let second = try XCTUnwrap(try statusJSON()["id"] as? String)
        XCTAssertEqual(try sluice(["release"]).status, 0)
        let third = try XCTUnwrap(try statusJSON()["id"] as? String)
        let busy = try sluice(["rollback", "prod"])
        XCTAssertEqual(busy.status, 1)
        XCTAssertTrue(busy.stderr.flattened.contains("error: run \(third) is in stage DeployTo-prod now"), busy.stderr)

        XCTAssertEqual(try sluice(["approve", "prod"]).status, 0)
        try FileManager.default.removeItem(at: workspace.appendingPathComponent(".sluice/local/pipelines/release/executions/\(second)/artifacts"))
        let noArtifacts = try sluice(["rollback", "prod"])
        XCTAssertEqual(noArtifacts.status, 1)
        XCTAssertTrue(noArtifacts.stderr.flattened.contains("error: the build artifacts of run \(second) are gone"), noArtifacts.stderr)
    }

    /// A driver that does not act on `stop abandon` (stopped with SIGSTOP) is waited for 10 seconds, then
    /// said; the request stays, and the driver applies it once it goes on.
    func testAStopTheDrivingSluiceDoesNotApplyIsSaidAndAppliedLater() throws {
        try writePipeline()
        let pids = try writeSlowBuild(seconds: 60)
        let (driver, output) = try startDriver(["push", "--yes"])
        defer { if driver.isRunning { kill(driver.processIdentifier, SIGKILL) } }
        _ = try waitForBuild(pids)
        kill(driver.processIdentifier, SIGSTOP)
        let id = try XCTUnwrap(try statusJSON()["id"] as? String)
        let stopped = try sluice(["stop", "abandon"])
        kill(driver.processIdentifier, SIGCONT)
        XCTAssertEqual(stopped.status, 1, stopped.stdout + stopped.stderr)
        XCTAssertTrue(stopped.stderr.flattened.contains(
            "error: the sluice driving run \(id) (pid \(driver.processIdentifier)) did not stop it within 10 seconds"), stopped.stderr)
        XCTAssertTrue(stopped.stderr.flattened.contains("hint: the request stays"), stopped.stderr)
        driver.waitUntilExit()
        XCTAssertEqual(try statusJSON()["state"] as? String, "Stopped", (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}

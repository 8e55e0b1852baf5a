import Foundation
import TestSupport
import XCTest

/// What sluice says around runs on the local target, through the binary: errors located like
/// every script error, runtime refusals as clear as editing ones, exit statuses that tell.
extension LocalEndToEndTests {
    /// The script's implicit save at its end is located there, like every other script error.
    func testASaveRefusedAtTheEndOfAScriptIsLocated() throws {
        let manifest = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        try writePipeline(testCommands: ["echo '# edited meanwhile' >> '\(manifest.path)'"])
        try commit("pipeline")
        let script = "push --yes\ntest add prod 'make smoke'\n"
        try Data(script.utf8).write(to: workspace.appendingPathComponent("release.sluice"))
        let result = try sluice(["release.sluice"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.flattened.hasPrefix("release.sluice:3:1: error: copilot/pipelines/release/manifest.yml"),
                      result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("changed on disk"), result.stderr)
    }
}

extension LocalEndToEndTests {
    /// `approve ENV` says why nothing is waiting there and names where an approval is waiting;
    /// answering an approval already answered is an error, not a success.
    func testApproveSaysWhyNothingIsWaitingThereAndWhereAnApprovalIs() throws {
        try writePipeline()
        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)

        let staging = try sluice(["approve", "staging"])
        XCTAssertNotEqual(staging.status, 0, staging.stdout)
        XCTAssertTrue(staging.stderr.flattened.contains("no stage staging in the pipeline"), staging.stderr)
        XCTAssertTrue(staging.stderr.flattened.contains("hint: stages are: test, prod"), staging.stderr)

        let test = try sluice(["approve", "test"])
        XCTAssertEqual(test.status, 1, test.stdout)
        XCTAssertTrue(test.stderr.flattened.contains("stage test has no manual approval"), test.stderr)
        XCTAssertTrue(test.stderr.flattened.contains("an approval is waiting for prod"), test.stderr)
        XCTAssertFalse(test.stderr.flattened.contains("InProgress"), test.stderr)

        let approved = try sluice(["approve", "prod"])
        XCTAssertEqual(approved.status, 0, approved.stdout + approved.stderr)
        XCTAssertTrue(approved.stdout.flattened.contains("approved prod"), approved.stdout)

        let again = try sluice(["approve", "prod"])
        XCTAssertEqual(again.status, 1, again.stdout + again.stderr)
        XCTAssertTrue(again.stderr.flattened.contains("was already approved"), again.stderr)
        XCTAssertFalse(again.stdout.flattened.contains("approved prod"), again.stdout)
        let rejected = try sluice(["reject", "prod"])
        XCTAssertEqual(rejected.status, 1, rejected.stdout + rejected.stderr)
        XCTAssertTrue(rejected.stderr.flattened.contains("was already approved"), rejected.stderr)
    }

    /// `push` waits on the run it starts on the local target: a failed run fails the push.
    func testPushFailsWhenTheRunItStartedFailed() throws {
        try writePipeline(testCommands: ["echo no such page; exit 4"])
        let result = try sluice(["push", "--yes"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("failed"), result.stderr)
        XCTAssertFalse(result.stdout.flattened.contains("started"), result.stdout)
    }

    /// As its help says, `push` asks before changing anything, and a script must say `--yes`.
    func testPushOnTheLocalTargetNeedsYesInAScript() throws {
        try writePipeline()
        let result = try sluice(["-c", "push"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("push needs confirmation"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(".sluice/local/pipelines/release").path))
        let dryRun = try sluice(["push", "--dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stdout + dryRun.stderr)
    }

    /// `release` runs the pipeline as last pushed, and says so when the manifest changed since.
    func testReleaseWarnsWhenTheManifestChangedSinceThePush() throws {
        try writePipeline()
        XCTAssertEqual(try sluice(["push", "--yes"]).status, 0)
        let unchanged = try sluice(["release"])
        XCTAssertEqual(unchanged.status, 0, unchanged.stdout + unchanged.stderr)
        XCTAssertFalse(unchanged.stdout.flattened.contains("changed since"), unchanged.stdout)

        let changed = try sluice(["-c", "test add test 'make lint'; release"])
        XCTAssertEqual(changed.status, 0, changed.stdout + changed.stderr)
        XCTAssertTrue(changed.stdout.flattened.contains("warning: copilot/pipelines/release/manifest.yml changed since the last push"), changed.stdout)
    }
}

extension LocalEndToEndTests {
    /// `watch --json` draws nothing and prints the execution once it waits or ends.
    func testWatchPrintsJSON() throws {
        try writePipeline()
        XCTAssertEqual(try sluice(["push", "--yes"]).status, 0)
        for arguments in [["watch", "--json"], ["--json", "watch"]] {
            let result = try sluice(arguments)
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
            let snapshot = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
            XCTAssertEqual(snapshot["state"] as? String, "InProgress")
            XCTAssertEqual(stageStates(snapshot)["DeployTo-prod"], "InProgress")
        }
    }
}

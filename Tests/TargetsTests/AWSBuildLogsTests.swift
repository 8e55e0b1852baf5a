import Foundation
import TestSupport
import XCTest

/// `logs`, `logs --follow` and `watch` on a failing build, through the `sluice` binary against
/// moto: Tests/Harness/moto_codepipeline.py makes each CodeBuild action run a build in moto's
/// CodeBuild that writes its output to moto's CloudWatch Logs, and fails the TestCommands action.
final class AWSBuildLogsTests: AWSQuickstartTestCase {
    override class var motoEnvironment: [String: String] {
        ["SLUICE_MOTO_FAILING_ACTIONS": "TestCommands", "SLUICE_MOTO_ACTION_SECONDS": "1.5"]
    }

    override class var sluiceEnvironment: [String: String] {
        ["COLUMNS": "1000"]  // these tests read what is said, not how it is wrapped
    }

    /// A script fails as a whole (its files put back), so the pipeline is set up and pushed first.
    var setup: [String] {
        ["target aws endpoint \(Self.moto!.endpoint)", "source set github acme/shop token-secret github-token-shop",
         "stage add test", "test add test 'make test'", "stage add prod"]
    }

    static let buildLog = [
        "[Container] Running on CodeBuild for ", "[Container] Entering phase BUILD", "[Container] Running command ./run Build",
        "ok  \texample.com/api\t0.012s", "[Container] Phase complete: BUILD State: SUCCEEDED",
    ]

    func testWatchShowsTheFailedBuildsLastLinesAndLogsPrintsEachBuild() throws {
        let pushed = try sluice(setup + ["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stderr)
        let run = try sluice(["watch"])
        XCTAssertEqual(run.status, 1, "the execution fails at TestCommands: \(run.stdout)\(run.stderr)")
        XCTAssertTrue(run.stdout.contains("DeployTo-test/TestCommands Failed: Build terminated with state: FAILED\n"
                                          + "      │ [Container] Running on CodeBuild for "), run.stdout)
        XCTAssertTrue(run.stdout.contains("      │ make: *** [Makefile:7: test] Error 1\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("      │ [Container] Phase complete: BUILD State: FAILED\n"), run.stdout)

        // `logs Build`: the build's whole output, as CloudWatch Logs holds it.
        let build = try sluice(["logs Build"])
        XCTAssertEqual(build.status, 0, build.stderr)
        let lines = build.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, Self.buildLog.count + 1, build.stdout)
        for (line, expected) in zip(lines, Self.buildLog) { XCTAssertTrue(line.hasPrefix(expected), "\(line) ≠ \(expected)") }

        // One environment's actions, each under a header; the deployment has no build log.
        let test = try sluice(["logs test"])
        XCTAssertEqual(test.status, 0, test.stderr)
        XCTAssertTrue(test.stdout.hasPrefix("==> DeployTo-test/CreateOrUpdate-api-test (Succeeded) <==\n(no build log) Succeeded at "),
                      test.stdout)
        XCTAssertTrue(test.stdout.contains("==> DeployTo-test/TestCommands (Failed) <==\n[Container] Running on CodeBuild"), test.stdout)
        XCTAssertTrue(test.stdout.hasSuffix("make: *** [Makefile:7: test] Error 1\n"
                                            + "[Container] Command did not exit successfully ./run TestCommands exit status 2\n"
                                            + "[Container] Phase complete: BUILD State: FAILED\n"), test.stdout)
        let one = try sluice(["logs test TestCommands"])
        XCTAssertEqual(one.stdout, String(test.stdout[test.stdout.range(of: "==> DeployTo-test/TestCommands (Failed) <==\n")!.upperBound...]))

        let missing = try sluice(["logs test Nope"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("stage DeployTo-test has no action Nope"), missing.stderr)
    }

    func testFollowTailsTheBuildFromItsStartToItsEnd() throws {
        let pushed = try sluice(setup + ["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stderr)
        // Pushed just now: the build has not started; --follow waits for it, then prints it to its end.
        let followed = try sluice(["logs Build --follow"])
        XCTAssertEqual(followed.status, 0, followed.stderr)
        var lines = followed.stdout.split(separator: "\n").map(String.init)
        if lines.first?.hasPrefix("(waiting for Build") == true { lines.removeFirst() }
        XCTAssertEqual(lines.count, Self.buildLog.count, followed.stdout)
        for (line, expected) in zip(lines, Self.buildLog) { XCTAssertTrue(line.hasPrefix(expected), "\(line) ≠ \(expected)") }
    }
}

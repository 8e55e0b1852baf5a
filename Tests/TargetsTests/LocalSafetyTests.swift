import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// Nothing lost and nothing left running on the local target (issue 12): what a script saved
/// stays when a later command fails; however sluice ends, a run's processes end with it.
extension LocalEndToEndTests {
    /// The script: `save` and `push` commit, so the failing `watch` puts nothing back,
    /// and `logs test` (which the failure's hint suggests) finds the pipeline and its runs.
    func testAFailingRunKeepsWhatTheScriptSaved() throws {
        let manifest = workspace.appendingPathComponent("copilot/pipeline.yml")
        let result = try sluice(["-c", "source set github https://github.com/acme/api; build buildspec buildspec.yml; "
                                     + "stage add test; test add test \"false\"; save; push --yes; watch"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertFalse(result.stderr.flattened.contains("rolled back"), result.stderr)
        let saved = try String(contentsOf: manifest, encoding: .utf8)
        XCTAssertTrue(saved.contains("- 'false'"), "the saved edit vanished from disk:\n\(saved)")

        let logs = try sluice(["logs", "test"])
        XCTAssertEqual(logs.status, 0, logs.stdout + logs.stderr)
        XCTAssertTrue(logs.stdout.flattened.contains("Running command false"), logs.stdout)
    }

    /// Only what came after the last save goes back, and the failure says so.
    func testAFailingScriptPutsBackOnlyWhatCameAfterItsLastSave() throws {
        try writePipeline(testCommands: ["make test"])
        let manifest = workspace.appendingPathComponent("copilot/pipelines/release/manifest.yml")
        let result = try sluice(["-c", "test add test \"echo saved\"; save; target aws region us-west-2; test add test \"echo unsaved\"; approval on nowhere"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let saved = try String(contentsOf: manifest, encoding: .utf8)
        XCTAssertTrue(saved.contains("echo saved"), saved)
        XCTAssertFalse(saved.contains("echo unsaved"), saved)
        XCTAssertTrue(result.stderr.flattened.contains("rolled back: .sluice/target.json removed (the script created it)"), result.stderr)
        XCTAssertFalse(result.stderr.flattened.contains("rolled back: copilot/pipelines/release/manifest.yml"), result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("not saved: the edits to copilot/pipelines/release/manifest.yml after its last save"),
                      result.stderr)
    }

    /// Real signals to the real binary while the build runs a background child: the child
    /// ends with sluice, and the run says how sluice ended — Stopped by a signal it could
    /// answer, Abandoned (found by the next sluice) after SIGKILL or a crash.
    func testHoweverSluiceEndsTheRunsProcessesEndWithIt() throws {
        let childFile = try commitABuildThatNeverEnds()
        let cases: [(Int32, String)] = [(SIGTERM, "Stopped"), (SIGHUP, "Stopped"), (SIGQUIT, "Stopped"), (SIGINT, "Stopped"),
                                        (SIGKILL, "Abandoned"), (SIGSEGV, "Abandoned")]
        for (index, (signal, state)) in cases.enumerated() {
            try? FileManager.default.removeItem(at: childFile)
            let process = try startSluice([index == 0 ? "push" : "release"] + (index == 0 ? ["--yes"] : []))
            let pid = try XCTUnwrap(ProcessWatch.pid(writtenTo: childFile), "signal \(signal): the build never started its child")
            XCTAssertEqual(kill(pid, 0), 0, "the child should be running")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "signal \(signal)")
            if signal != SIGSEGV {  // a crash: Swift's runtime may end it by another signal
                XCTAssertEqual(process.terminationStatus, signal, "sluice should end by the signal it was sent")
            }
            XCTAssertTrue(ProcessWatch.ends(pid), "signal \(signal): the build's child \(pid) outlived sluice")
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }

            let status = try statusJSON()
            XCTAssertEqual(status["state"] as? String, state, "signal \(signal)")
            let build = (status["stages"] as? [[String: Any]])?.first { $0["name"] as? String == "Build" }
            let action = (build?["actions"] as? [[String: Any]])?.first
            let summary = action?["summary"] as? String ?? ""
            XCTAssertEqual(action?["state"] as? String, state, "signal \(signal)")
            if state == "Stopped" {
                XCTAssertTrue(summary.hasPrefix("stopped: sluice received SIG"), summary)
            } else {
                XCTAssertTrue(summary.contains("ended while this ran"), summary)
            }
        }
    }
}

extension LocalEndToEndTests {
    /// A build action has a time limit, as CodeBuild's (60 minutes; `SLUICE_BUILD_TIMEOUT`): past it the
    /// action fails saying so, and what its commands started ends with it.
    func testABuildPastItsTimeLimitFailsAndItsProcessesEnd() throws {
        let childFile = try commitABuildThatNeverEnds()
        var environment = self.environment
        environment["SLUICE_BUILD_TIMEOUT"] = "2"
        let result = try runProcess(sluiceBinary, ["push", "--yes"], environment: environment, directory: workspace, timeout: 60)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let pid = try XCTUnwrap(ProcessWatch.pid(writtenTo: childFile))
        XCTAssertTrue(ProcessWatch.ends(pid), "the build's child \(pid) outlived its time limit")
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        let build = (try statusJSON()["stages"] as? [[String: Any]])?.first { $0["name"] as? String == "Build" }
        let action = (build?["actions"] as? [[String: Any]])?.first
        XCTAssertEqual(action?["state"] as? String, "Failed")
        XCTAssertTrue((action?["summary"] as? String ?? "").contains("did not finish within 2 s"), "\(action ?? [:])")
        let logs = try sluice(["logs", "Build"])
        XCTAssertTrue(logs.stdout.contains("Build timed out: the action did not finish within 2 s"), logs.stdout)
    }

    /// A pipeline whose build starts a child in the background (its pid in the file returned), then waits for ever.
    func commitABuildThatNeverEnds() throws -> URL {
        let childFile = home.url.appendingPathComponent("child.pid")
        try Data("""
            version: 0.2
            phases:
              build:
                commands:
                  - sleep 300 & echo $! > '\(childFile.path)'
                  - sleep 300

            """.utf8).write(to: workspace.appendingPathComponent("buildspec.yml"))
        try commit("a build that leaves a child running and never ends")
        try writePipeline()
        return childFile
    }

    /// A build that prints a credential from its environment (a `GITHUB_TOKEN` a developer
    /// exported) must not leave it in any file sluice writes: the action's log holds
    /// `<redacted>` in its place, and everything else the commands printed, in order.
    func testATokenABuildPrintsNeverReachesTheLogOnDisk() throws {
        let token = "ghp_" + String(repeating: "Zq7", count: 12)
        try Data("""
            version: 0.2
            phases:
              build:
                commands:
                  - echo "pushing with token=$GITHUB_TOKEN now"
                  - printf 'no newline at the end'
                  - echo "$GITHUB_TOKEN" >&2; printf 'and a partial line %s' "$GITHUB_TOKEN"
                  - echo after
                  - make all
            artifacts:
              files:
                - 'infrastructure/*'

            """.utf8).write(to: workspace.appendingPathComponent("buildspec.yml"))
        try commit("a build that prints its token")
        try writePipeline(testCommands: ["echo $GITHUB_TOKEN and more"])
        let result = try runProcess(sluiceBinary, ["-c", "push --yes; approve prod; watch"],
                                    environment: environment.merging(["GITHUB_TOKEN": token]) { $1 },
                                    directory: workspace, timeout: 120)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        for root in [home.url, workspace!] {
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
            for case let file as URL in files {
                guard let data = try? Data(contentsOf: file) else { continue }
                XCTAssertNil(data.range(of: Data(token.utf8)), "\(file.path) holds the token")
            }
        }

        let logs = try sluice(["logs", "Build"])
        XCTAssertEqual(logs.status, 0, logs.stderr)
        let expected = [
            "pushing with token=<redacted> now\n",
            "no newline at the end\n[Container] ",
            "<redacted>\nand a partial line <redacted>\n[Container] ",
            "Running command echo after\nafter\n",
        ]
        var rest = logs.stdout[...]
        for piece in expected {
            guard let found = rest.range(of: piece) else { return XCTFail("\(piece.debugDescription) missing, in order, from:\n\(logs.stdout)") }
            rest = rest[found.upperBound...]
        }
        let tests = try sluice(["logs", "test"])
        XCTAssertTrue(tests.stdout.contains("<redacted> and more\n"), tests.stdout)
    }
}

import Foundation
import TestSupport
import XCTest

/// `record --all` at a terminal keeps the whole session as a script: replayed in a fresh copy of the
/// workspace it gives the same files and the same run outcome.
final class RecordAllTests: PseudoTerminalTestCase {
    func testAWholeInteractiveSessionReplaysToTheSameFilesAndRun() throws {
        let fresh = home.url.appendingPathComponent("fresh")
        let shell = try startWithARunnablePipeline()
        // The fresh copy is the workspace as the session began (committed, no recording yet).
        try FileManager.default.copyItem(at: workspace, to: fresh)
        try shell.enter("record --all class.sluice", expecting: "recording to class.sluice")
        try shell.enter("stage add staging before prod", expecting: "added stage staging", dirty: true)
        try shell.enter("test add staging 'echo staged'", expecting: "added test to staging", dirty: true)
        try shell.enter("approval on test", expecting: "approval on for test", dirty: true)
        try shell.enter("undo", expecting: "undid: approval on for test", dirty: true)
        try shell.enter("diff", expecting: "+  - name: staging", dirty: true)
        // At the terminal push asks first; the recording writes the answer as `push --yes`.
        try shell.pushAndApproveInsideWatch("push", confirming: true)
        try shell.enter("record stop", expecting: "recorded class.sluice")
        try exit(shell)

        let recording = try String(contentsOf: workspace.appendingPathComponent("class.sluice"), encoding: .utf8)
        XCTAssertEqual(recording, """
            #!/usr/bin/env sluice
            # Recorded by sluice: the whole session (`record --all`) in application demo, pipeline api-main.
            # Replay it in a fresh copy of the workspace: `sluice class.sluice`
            # (`sluice --step class.sluice` presents it one command at a time).
            target local
            stage add staging before prod
            test add staging 'echo staged'
            diff
            push --yes
            watch
            approve prod
            watch

            """)

        try Data(recording.utf8).write(to: fresh.appendingPathComponent("class.sluice"))
        let replay = try runProcess(sluiceBinary, ["class.sluice"], environment: ["HOME": home.path, "NO_COLOR": "1",
                                                                                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                    directory: fresh, timeout: 60)
        XCTAssertEqual(replay.status, 0, replay.stdout + replay.stderr)
        XCTAssertEqual(try files(under: fresh.appendingPathComponent("copilot")), try files(under: workspace.appendingPathComponent("copilot")))
        XCTAssertEqual(try files(under: fresh.appendingPathComponent(".sluice/local/deployments")).keys.sorted(),
                       try files(under: workspace.appendingPathComponent(".sluice/local/deployments")).keys.sorted())
        XCTAssertEqual(try runOutcome(in: fresh), try runOutcome(in: workspace))
        XCTAssertEqual(try runOutcome(in: fresh), "Succeeded: Source Succeeded, Build Succeeded, DeployTo-test Succeeded, "
                       + "DeployTo-staging Succeeded, DeployTo-prod Succeeded")
    }

    /// At a terminal `reset` asks first; no keeps everything, yes clears the runs and deployments.
    func testResetAsksAtTheTerminal() throws {
        let shell = try startWithARunnablePipeline()
        try shell.pushAndApproveInsideWatch()
        let answerReset = { (answer: String, said: String) in
            shell.send("reset\r")
            try shell.expect("Clear 1 run (with their logs) and 2 deployments of api-main from the local target? [y/N] ")
            shell.send(answer + "\r")
            try shell.expect(said)
            try shell.expectPrompt()
        }
        try answerReset("n", "not reset")
        try shell.enter("history", expecting: "Succeeded")
        try answerReset("y", "reset api-main on the local target: cleared 1 run (with their logs) and 2 deployments")
        try shell.enter("status", expecting: "api-main has not run yet")
        try exit(shell)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(".sluice/local/deployments/test").path))
    }

    /// Every regular file under `directory` by its relative path.
    private func files(under directory: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            found[String(url.path.dropFirst(directory.path.count))] = try Data(contentsOf: url)
        }
        XCTAssertFalse(found.isEmpty, "no files under \(directory.path)")
        return found
    }

    /// The newest run's state and its stages' states, from `status --json`.
    private func runOutcome(in directory: URL) throws -> String {
        let status = try runProcess(sluiceBinary, ["status", "--json"], environment: ["HOME": home.path], directory: directory, timeout: 30)
        XCTAssertEqual(status.status, 0, status.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stdout)
        let stages = (json["stages"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "?") \($0["state"] ?? "?")" }
        return "\(json["state"] ?? "?"): " + stages.joined(separator: ", ")
    }
}

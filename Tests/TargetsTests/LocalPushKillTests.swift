import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// `push` on the local target killed at random moments (recording the pipeline, starting its
/// run, driving it): the next `status` and `push` tell the truth and a run can always be started.
/// `SLUICE_STRESS_TRIALS` trials (default 12); `scripts/stress-workspace` runs more.
extension LocalEndToEndTests {
    func testKilledPushesLeaveAStateTheNextPushAndStatusTellTruthfully() throws {
        let trials = Int(ProcessInfo.processInfo.environment["SLUICE_STRESS_TRIALS"] ?? "") ?? 12
        try writePipeline(testCommands: ["make test"])
        try commit("the pipeline")
        let pristine = home.url.appendingPathComponent("pristine")
        try FileManager.default.copyItem(at: workspace, to: pristine)
        let started = Date()
        XCTAssertEqual(try sluice(["push", "--yes"]).status, 0)
        let span = Date().timeIntervalSince(started) * 1.3
        var generator = SplitMix64(seed: 16)
        var outcomes: [String: Int] = [:]
        for trial in 0..<trials {
            try FileManager.default.removeItem(at: workspace)
            try FileManager.default.copyItem(at: pristine, to: workspace)
            let process = try startSluice(["push", "--yes"])
            usleep(useconds_t(Double.random(in: 0..<span, using: &generator) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let status = try sluice(["status"])
            XCTAssertEqual(status.status, 0, "trial \(trial): \(status.stderr)")
            XCTAssertEqual(temporaryFiles(), [], "trial \(trial): a temporary file outlived the next start")
            let neverRan = status.stdout.flattened.contains("has not run yet")
            let push = try sluice(["push", "--yes"])
            XCTAssertEqual(push.status, 0, "trial \(trial): \(push.stdout)\(push.stderr)")
            if push.stdout.flattened.contains("is up to date") {
                // True only if a run of this very pipeline exists; then `release` starts another.
                XCTAssertFalse(neverRan, "trial \(trial): status said it never ran, push said up to date:\n\(push.stdout)")
                let release = try sluice(["release"])
                XCTAssertEqual(release.status, 0, "trial \(trial): \(release.stdout)\(release.stderr)")
                outcomes["up to date, then `release` ran", default: 0] += 1
            } else if push.stdout.flattened.contains("stopped before starting its run") {
                outcomes["recorded but not started: push started it", default: 0] += 1
            } else {
                outcomes["killed before recording: push created it", default: 0] += 1
            }
            // Whichever way, a run now stands at the approval, as an unbroken push leaves it.
            XCTAssertEqual(try statusJSON()["state"] as? String, "InProgress", "trial \(trial)")
            XCTAssertTrue(try sluice(["status"]).stdout.contains("Waiting    ApprovePromotionTo-prod"), "trial \(trial)")
        }
        print("figures: killed local `push --yes`: \(trials) trials, the next status/push truthful and a run started every time; "
            + outcomes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
    }

    /// The state a sluice killed between recording the pushed pipeline and starting its run
    /// leaves (made here by removing the run a whole push made): `push` starts the run.
    func testAPushKilledBetweenRecordingAndStartingIsStartedByTheNextPush() throws {
        try writePipeline(testCommands: ["make test"])
        try commit("the pipeline")
        XCTAssertEqual(try sluice(["push", "--yes"]).status, 0)
        try FileManager.default.removeItem(at: workspace.appendingPathComponent(".sluice/local/pipelines/release/executions"))
        XCTAssertEqual(try sluice(["status"]).stdout, "release has not run yet (`push` starts it)\n")
        let push = try sluice(["push", "--yes"])
        XCTAssertEqual(push.status, 0, push.stderr)
        XCTAssertTrue(push.stdout.flattened.hasPrefix("Pipeline release was recorded by a sluice that stopped before starting its run; starting it now."),
                      push.stdout)
        XCTAssertEqual(try statusJSON()["state"] as? String, "InProgress")
        XCTAssertTrue(try sluice(["push", "--yes"]).stdout.flattened.contains("Pipeline release is up to date on the local target: no new run. `release` starts one;"))
    }

    /// Starts sluice in the workspace without waiting for it (output discarded), to be killed.
    func startSluice(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sluiceBinary)
        process.arguments = arguments
        process.currentDirectoryURL = workspace
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Temporary files of sluice's atomic writes anywhere in the workspace (git's own excluded).
    func temporaryFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: workspace.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in
            let name = (path as NSString).lastPathComponent
            return !path.hasPrefix(".git/")
                && (name.range(of: #"^\..*\.sluice-[0-9]+-[A-Za-z0-9]{6}$"#, options: .regularExpression) != nil || name.contains(".nosync"))
        }
    }
}

import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A terminal closed (SIGHUP) or sluice told to stop (SIGTERM) while a local run's build runs
/// a background child (issue 12): the run is stopped and marked so, the child ends, and sluice
/// ends by the signal with the terminal put back.
final class RunSignalTests: PseudoTerminalTestCase {
    func testASignalDuringARunStopsItAndEndsItsProcesses() throws {
        let childFile = home.url.appendingPathComponent("child.pid")
        try commitBuild(["sleep 300 & echo $! > '\(childFile.path)'", "sleep 300"])
        for (index, signal) in [SIGTERM, SIGHUP].enumerated() {
            try? FileManager.default.removeItem(at: childFile)
            let shell = try start()
            try shell.expectPrompt()
            shell.send(index == 0 ? "push --yes\r" : "release\r")
            let pid = try XCTUnwrap(ProcessWatch.pid(writtenTo: childFile), "the build never started its child")
            shell.signal(signal)
            XCTAssertEqual(try shell.waitForExit(timeout: 30), 128 + signal)
            assertCooked(shell.terminalSettings(), "after signal \(signal) during a run")
            XCTAssertTrue(ProcessWatch.ends(pid), "signal \(signal): the build's child outlived sluice")
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }

            let status = try runProcess(sluiceBinary, ["status", "--json"], environment: ["HOME": home.path, "NO_COLOR": "1"],
                                        directory: workspace, timeout: 30)
            XCTAssertEqual(status.status, 0, status.stderr)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(json["state"] as? String, "Stopped", status.stdout)
            let name = signal == SIGTERM ? "SIGTERM" : "SIGHUP"
            XCTAssertTrue(status.stdout.contains("stopped: sluice received \(name)"), status.stdout)
        }
    }
}

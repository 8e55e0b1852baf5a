import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C during `watch` and `logs --follow` on the AWS target, on a real terminal: watching stops, the execution
/// goes on (in moto, with Tests/Harness/moto_codepipeline.py), and the prompt comes back.
final class AWSWatchInterruptTests: AWSMotoTestCase {
    // Actions that take a minute: the execution is still running when Ctrl-C comes.
    override class var motoEnvironment: [String: String] { ["SLUICE_MOTO_ACTION_SECONDS": "60"] }

    func testCtrlCDuringWatchReturnsToThePrompt() async throws {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        try await cli.seedCopilotApplication("demo", environments: ["test"])
        let home = try TemporaryDirectory("sluice-aws-interrupt")
        defer { home.remove() }
        let workspace = home.url.appendingPathComponent("quickstart")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart"), to: workspace)
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        let setup = try runProcess(sluiceBinary, ["-c", "target aws endpoint \(moto.endpoint); source set github acme/shop; "
                                                  + "stage add test; push --yes"], environment: environment, directory: workspace)
        XCTAssertEqual(setup.status, 0, setup.stdout + setup.stderr)

        environment.merge(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
                           "XDG_STATE_HOME": home.path + "/state", "EDITRC": "/dev/null", "TERM": "xterm", "LANG": "C.UTF-8"]) { _, new in new }
        let shell = try PseudoTerminal(sluiceBinary, directory: workspace, environment: environment)
        try shell.expectPrompt()
        shell.send("watch\r")
        try shell.expect("SourceCodeFor-demo")
        let interrupted = Date()
        shell.send("\u{03}")
        try shell.expectPrompt()
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 10, "Ctrl-C must stop watching at once")
        try shell.enter("echo still-answering", expecting: "still-answering\n")
        // `logs --follow` waits for the build (Source takes a minute here); Ctrl-C stops it too.
        shell.send("logs Build --follow\r")
        try shell.expect("(waiting for Build/its build to start)", timeout: 30)
        let stopped = Date()
        shell.send("\u{03}")
        try shell.expectPrompt()
        XCTAssertLessThan(Date().timeIntervalSince(stopped), 10, "Ctrl-C must stop following at once")
        try shell.enter("echo after-follow", expecting: "after-follow\n")
        shell.send("\u{04}")
        XCTAssertEqual(try shell.waitForExit(), 0)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// A profile's `credential_process` through the `sluice` binary (issue 27): whatever it does — print
/// more than a pipe holds on stderr, hang, ignore signals, start children — sluice reads it whole,
/// stops it in time, ends it with Ctrl-C or a signal, and leaves nothing of it running.
final class CredentialProcessBoundsTests: XCTestCase {
    var home: TemporaryDirectory!

    override func setUp() async throws {
        home = try TemporaryDirectory("sluice-credential-process")
    }

    override func tearDown() {
        home?.remove()
    }

    /// A config whose profile runs `script` (made executable) as its credential_process.
    private func profile(running script: String) throws {
        let aws = home.url.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        let program = home.url.appendingPathComponent("credentials.sh")
        try Data(script.utf8).write(to: program)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
        try Data("[profile helper]\ncredential_process = \(program.path)\nregion = us-east-1\n".utf8)
            .write(to: aws.appendingPathComponent("config"))
    }

    private var environment: [String: String] {
        ["HOME": home.path, "AWS_PROFILE": "helper", "AWS_CONFIG_FILE": home.url.appendingPathComponent(".aws/config").path,
         "AWS_SHARED_CREDENTIALS_FILE": home.url.appendingPathComponent(".aws/credentials").path, "NO_COLOR": "1",
         // Nothing answers here: a test that gets past its credentials fails fast.
         "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]
    }

    private let unsetKeys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"]

    private func startWhoami() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sluiceBinary)
        process.arguments = ["-c", "whoami"]
        var variables = ProcessInfo.processInfo.environment
        for name in unsetKeys { variables[name] = nil }
        process.environment = variables.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Over 64 KiB on stderr before the JSON: sluice read stdout to its end first, the helper blocked
    /// writing stderr, and both waited for ever. Now both are drained together and the keys are used.
    func testAHelperPrintingMoreThanAPipeHoldsOnStderrIsReadWhole() throws {
        try profile(running: """
            #!/bin/sh
            head -c 200000 /dev/zero | tr '\\0' 'x' >&2
            echo '{"Version": 1, "AccessKeyId": "AKIAHELPERKEY0000001", "SecretAccessKey": "secret"}'

            """)
        let result = try runProcess(sluiceBinary, ["-c", "whoami"], environment: environment, removingEnvironment: unsetKeys, timeout: 60)
        // Past the credentials: the call to the endpoint that does not answer is what fails.
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(result.stderr.contains("credential_process"), result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("127.0.0.1:9"), result.stderr)
    }

    /// A failing helper's message carries the end of what it said, not all 60 KB of it.
    func testAFailingHelpersMessageHoldsOnlyTheEndOfItsStderr() throws {
        try profile(running: """
            #!/bin/sh
            i=0
            while [ $i -lt 1500 ]; do echo "progress line $i of the helper's chatter"; i=$((i+1)); done >&2
            echo 'error: the identity provider refused the login' >&2
            exit 3

            """)
        let result = try runProcess(sluiceBinary, ["-c", "whoami"], environment: environment, removingEnvironment: unsetKeys, timeout: 60)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.flattened.contains("exited with status 3: … "), result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("error: the identity provider refused the login"), result.stderr)
        XCTAssertLessThan(result.stderr.utf8.count, 2_000, result.stderr)
    }

    /// A hanging helper (and the child it started) is stopped at its time limit, said with the setting that changes it.
    func testAHangingHelperIsStoppedAtItsTimeLimitWithItsChildren() throws {
        let child = home.url.appendingPathComponent("child.pid")
        try profile(running: """
            #!/bin/sh
            trap '' TERM
            sleep 300 & echo $! > '\(child.path)'
            sleep 300

            """)
        let result = try runProcess(sluiceBinary, ["-c", "whoami"],
                                    environment: environment.merging(["SLUICE_CREDENTIAL_PROCESS_TIMEOUT": "1"]) { $1 },
                                    removingEnvironment: unsetKeys, timeout: 60)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("did not finish within 1 s, so sluice stopped it and everything it started"), result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("hint: if it needs longer, set SLUICE_CREDENTIAL_PROCESS_TIMEOUT"), result.stderr)
        let pid = try XCTUnwrap(ProcessWatch.pid(writtenTo: child))
        XCTAssertTrue(ProcessWatch.ends(pid), "the helper's child \(pid) outlived sluice")
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    /// Ctrl-C (SIGINT) and SIGTERM end sluice at once while a helper hangs, and the helper and its child with it.
    func testASignalEndsSluiceAndTheHelperWithItsChildren() throws {
        let helper = home.url.appendingPathComponent("helper.pid"), child = home.url.appendingPathComponent("child.pid")
        try profile(running: """
            #!/bin/sh
            trap '' INT TERM
            echo $$ > '\(helper.path)'
            sleep 300 & echo $! > '\(child.path)'
            wait

            """)
        for signal in [SIGINT, SIGTERM] {
            try? FileManager.default.removeItem(at: helper)
            try? FileManager.default.removeItem(at: child)
            let sluice = try startWhoami()
            let pids = try [helper, child].map { try XCTUnwrap(ProcessWatch.pid(writtenTo: $0), "signal \(signal): the helper did not start") }
            XCTAssertTrue(ProcessWatch.endsBySignal(sluice, signal), "signal \(signal): sluice went on waiting for the helper")
            for pid in pids {
                XCTAssertTrue(ProcessWatch.ends(pid), "signal \(signal): \(pid) outlived sluice")
                if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
            }
        }
    }

    /// More JSON than any helper prints is not kept: the helper is stopped and the message says why.
    func testAHelperPrintingWithoutEndIsStopped() throws {
        try profile(running: "#!/bin/sh\nexec yes '{\"Version\": 1}'\n")
        let result = try runProcess(sluiceBinary, ["-c", "whoami"], environment: environment, removingEnvironment: unsetKeys, timeout: 60)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.flattened.contains("printed more than 64 KiB, more than sluice keeps, so it was stopped"), result.stderr)
    }
}

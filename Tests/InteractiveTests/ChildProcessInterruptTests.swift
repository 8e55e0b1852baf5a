import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C at a real terminal while a `credential_process` hangs (issue 27): the command stops at once,
/// the prompt comes back, and the helper and what it started are gone. It used to wait for ever.
final class ChildProcessInterruptTests: PseudoTerminalTestCase {
    func testCtrlCStopsAHangingCredentialProcessAndItsChildren() throws {
        let helper = home.url.appendingPathComponent("helper.pid"), child = home.url.appendingPathComponent("child.pid")
        let program = home.url.appendingPathComponent("credentials.sh")
        try Data("#!/bin/sh\ntrap '' INT\necho $$ > '\(helper.path)'\nsleep 300 & echo $! > '\(child.path)'\nwait\n".utf8).write(to: program)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
        let config = home.url.appendingPathComponent("aws-config")
        try Data("[profile helper]\ncredential_process = \(program.path)\nregion = us-east-1\n".utf8).write(to: config)
        let shell = try start(environment: ["NO_COLOR": "1", "AWS_CONFIG_FILE": config.path, "AWS_PROFILE": "helper",
                                            "AWS_SHARED_CREDENTIALS_FILE": home.url.appendingPathComponent("none").path])
        try shell.expectPrompt()
        shell.send("whoami\r")
        let pids = try [helper, child].map { try XCTUnwrap(ProcessWatch.pid(writtenTo: $0), "the helper did not start") }
        let interrupted = Date()
        shell.send("\u{03}")
        try shell.expectPrompt()
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 10, "Ctrl-C must stop the command at once")
        for pid in pids {
            XCTAssertTrue(ProcessWatch.ends(pid), "\(pid) outlived Ctrl-C")
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        try shell.enter("echo still-answering", expecting: "still-answering\n")
        try exit(shell)
    }
}

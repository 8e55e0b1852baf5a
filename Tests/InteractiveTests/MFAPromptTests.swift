import AWS
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// An assume-role profile with `mfa_serial`, against moto's STS with the role's trust policy
/// requiring MFA (Tests/Harness/moto_sts_conditions.py): at a terminal the code is asked
/// without echo, once per session; a script is told why it cannot go on.
final class MFAPromptTests: PseudoTerminalTestCase {
    private let serial = "arn:aws:iam::123456789012:mfa/dev"

    /// moto with the condition-checking STS, a role that requires MFA, and the profiles.
    private func prepare() async throws -> (MotoServer, [String: String]) {
        let moto = try MotoServer(extensions: ["moto_sts_conditions.py"])
        let user = try await moto.reset()
        try await moto.makeRole("admin", conditions: ["Bool": ["aws:MultiFactorAuthPresent": "true"]])
        let aws = home.url.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try "[default]\naws_access_key_id = \(user.accessKeyID)\naws_secret_access_key = \(user.secretAccessKey)\n"
            .write(to: aws.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        try "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\nmfa_serial = \(serial)\nrole_session_name = admin-at-terminal\n"
            .write(to: aws.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        return (moto, ["AWS_ENDPOINT_URL": moto.endpoint, "AWS_REGION": moto.region, "AWS_EC2_METADATA_DISABLED": "true", "NO_COLOR": "1"])
    }

    func testTheMFACodeIsAskedWithoutEchoOncePerSession() async throws {
        let (moto, environment) = try await prepare()
        defer { moto.stop() }
        let shell = try start(environment: environment)
        try shell.expectPrompt()
        try shell.enter("target aws profile admin", expecting: "profile admin")
        shell.send("whoami\r")
        try shell.expect("Enter MFA code for \(serial): ", timeout: 60)
        try shell.awaitLineEditing()
        XCTAssertEqual(shell.terminalSettings().c_lflag & tcflag_t(ECHO), 0, "the MFA prompt turns echo off")
        shell.send("314159\r")
        try shell.expect("arn          arn:aws:sts::123456789012:assumed-role/admin/admin-at-terminal", timeout: 60)
        try shell.expect("source_profile default → shared credentials file")
        try shell.expectPrompt(timeout: 30)
        // The assumed role is kept for the session: no second question.
        shell.send("whoami\r")
        try shell.expect("assumed-role/admin/admin-at-terminal", timeout: 60)
        try shell.expectPrompt(timeout: 30)
        try exit(shell)
        XCTAssertEqual(shell.transcript.components(separatedBy: "Enter MFA code").count - 1, 1, shell.transcript)
        XCTAssertFalse(shell.transcript.contains("314159"), "the code appeared on the terminal")
    }

    func testAScriptCannotAnswerAndSaysSo() async throws {
        let (moto, environment) = try await prepare()
        defer { moto.stop() }
        let result = try runProcess(sluiceBinary, ["-c", "target aws profile admin; whoami"],
                                    environment: ["HOME": home.path].merging(environment) { $1 },
                                    removingEnvironment: ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
                                    directory: workspace, timeout: 60)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.flattened.contains(
            "error: profile 'admin' assumes arn:aws:iam::123456789012:role/admin with an MFA code (mfa_serial \(serial)), and a script has nobody to ask"),
                      result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("hint: run it at a terminal"), result.stderr)
    }
}

import AWS
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The secret prompt on a terminal: `push` to the AWS target (moto on 127.0.0.1) of a pipeline
/// whose GitHub token secret does not exist yet asks for the token without echo.
final class SecretPromptTests: PseudoTerminalTestCase {
    private let token = "ghp_" + "Zq7TypedAtThePrompt0nly" + "x91Kd2Lm"

    func testATokenTypedAtTheSecretPromptIsNeitherShownNorWrittenToDisk() async throws {
        let (moto, aws) = try await seedMoto()
        let shell = try startOnAWS(moto)
        shell.send("push --yes\r")
        try expectTokenPrompt(shell)
        shell.send(token + "\r")
        try shell.expect("Stored the GitHub token", timeout: 60)
        try shell.expectPrompt(timeout: 90)
        try shell.enter("echo after-the-secret", expecting: "\nafter-the-secret\n")
        try exit(shell)

        let stored: SecretValue = try await aws.call(.secretsManager, "GetSecretValue", ["SecretId": "github-token-api"])
        XCTAssertEqual(stored.secretString, token, "the token typed is the one stored in Secrets Manager")
        XCTAssertFalse(shell.transcript.contains(token), "the token appeared on the terminal")
        XCTAssertEqual(try historyEntries().suffix(2), ["push --yes", "echo after-the-secret"])
        XCTAssertEqual(try filesContaining(token, under: home.url), [], "the token was written to disk")
    }

    func testDecliningThePlanAtTheTerminalStoresNoToken() async throws {
        let (moto, aws) = try await seedMoto()
        let shell = try startOnAWS(moto)
        shell.send("push\r")
        try expectTokenPrompt(shell)
        shell.send(token + "\r")
        // The plan, then a yes/no question answered at the terminal (a line read with echo).
        try shell.expect("[y/N] ", timeout: 60)
        try shell.enter("n", expecting: "n\nNothing was deployed.")
        try exit(shell)

        let secrets: SecretList = try await aws.call(.secretsManager, "ListSecrets", AWSEmptyShape())
        XCTAssertEqual(secrets.secretList.count, 0, "a declined push stores no token")
        XCTAssertFalse(shell.transcript.contains(token), "the token appeared on the terminal")
        XCTAssertEqual(try filesContaining(token, under: home.url), [], "the token was written to disk")
    }

    private struct SecretList: Decodable {
        struct Entry: Decodable { let name: String? }
        let secretList: [Entry]
    }

    /// A fresh moto with what `copilot app init demo` and `copilot env init` leave (SSM, the StackSet), and the
    /// workspace's pipeline reading its token from secret `github-token-api` (which does not exist).
    private func seedMoto() async throws -> (MotoServer, AWSClient) {
        let moto = try MotoServer.shared()
        try await moto.reset()
        let aws = AWSClient(configuration: try moto.configuration())
        try AWSCommandLine(moto: moto).seedCopilotApplication("demo", environments: ["test", "prod"])
        let manifest = workspace.appendingPathComponent("copilot/pipelines/api-main/manifest.yml")
        try Self.manifest.replacingOccurrences(of: "    branch: main\n", with: "    branch: main\n    access_token_secret: github-token-api\n")
            .write(to: manifest, atomically: true, encoding: .utf8)
        return (moto, aws)
    }

    /// `sluice` on the AWS target at `moto`.
    private func startOnAWS(_ moto: MotoServer) throws -> PseudoTerminal {
        var environment = moto.environment()
        environment["NO_COLOR"] = "1"
        let shell = try start(environment: environment)
        try shell.expectPrompt()
        try shell.enter("target aws endpoint \(moto.endpoint)", expecting: "aws")
        return shell
    }

    /// Waits for the token prompt and checks it reads without echo.
    private func expectTokenPrompt(_ shell: PseudoTerminal) throws {
        try shell.expect("GitHub personal access token for", timeout: 60)
        try shell.expect(": ")
        try shell.awaitLineEditing()
        XCTAssertEqual(shell.terminalSettings().c_lflag & tcflag_t(ECHO), 0, "the secret prompt turns echo off")
    }

    private struct SecretValue: Decodable {
        let secretString: String?
    }
}

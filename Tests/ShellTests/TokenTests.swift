import Foundation
import TestSupport
import XCTest

/// Nothing leaked (issue 12), through the binary: a token-like value never reaches a file
/// sluice writes. `token-secret` takes a secret's name; a token given there goes to Secrets
/// Manager on the AWS target (moto, checked with the real `aws` CLI) and is refused locally.
final class TokenTests: XCTestCase {
    static let token = "ghp_" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c"
    static let otherToken = "github_pat_" + "11AAAAAAA0abcdefGHIJKL_mnopqrstuvWXYZ0123456789abcdefghijKLMNOPQRSTUV"

    /// Paths of the files under the sandbox (and its home: history, state) holding `text`.
    private func files(holding text: String, in sandbox: Sandbox) -> [String] {
        [sandbox.root.url, sandbox.home.url].flatMap { base -> [String] in
            let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
            var found: [String] = []
            while let url = walker?.nextObject() as? URL {
                if let data = try? Data(contentsOf: url), data.range(of: Data(text.utf8)) != nil { found.append(url.path) }
            }
            return found
        }
    }

    /// A token given as `token-secret` — a `ghp_` one, or a classic 40-hex one, which is a token there,
    /// not a secret's name — is refused on the local target, and written nowhere.
    func testATokenGivenAsTokenSecretIsRefusedOnTheLocalTarget() throws {
        let sandbox = try Sandbox(.quickstart)
        for token in [Self.token, Self.hexToken] {
            let result = try sandbox.run(.sluice("-c", "record setup.sluice; source set github acme/api token-secret \(token); save"))
            XCTAssertEqual(result.status, 1)
            XCTAssertTrue(result.stderr.flattened.hasPrefix("<command line>:1:62: error: token-secret takes the name of a Secrets Manager secret holding the token, not the token"),
                          result.stderr)
            XCTAssertTrue(result.stderr.flattened.contains("hint: store the token in Secrets Manager as github-token-demo-api and write `token-secret github-token-demo-api`"),
                          result.stderr)
            XCTAssertFalse(result.stderr.contains(token))
            XCTAssertNil(sandbox.read("copilot/pipeline.yml"))
            XCTAssertEqual(files(holding: token, in: sandbox), [])
        }

        // A secret's name is taken as it is.
        let named = try sandbox.run(.sluice("-c", "source set github acme/api token-secret github-token-demo-api"))
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertTrue(sandbox.read("copilot/pipeline.yml")?.contains("access_token_secret: github-token-demo-api") == true)
    }

    func testATokenInAnyOtherEditIsRefusedAndNoFileHoldsIt() throws {
        let sandbox = try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline))
        for script in ["test add test \"curl -H 'Authorization: token \(Self.token)' https://api.github.com\"",
                       "build image registry.example.com/build:\(Self.otherToken)",
                       "target aws endpoint https://x:\(Self.token)@example.com"] {
            let result = try sandbox.run(.sluice("-c", script))
            XCTAssertNotEqual(result.status, 0, script)
            XCTAssertFalse(result.stderr.contains(Self.token) || result.stderr.contains(Self.otherToken), result.stderr)
        }
        let edit = try sandbox.run(.sluice("-c", "test add test \"echo \(Self.token)\""))
        XCTAssertTrue(edit.stderr.flattened.hasPrefix("<command line>:1:15: error: 'echo <redacted>' holds what looks like a token, and sluice never writes a token to a file hint:"),
                      edit.stderr)
        XCTAssertEqual(files(holding: "ghp_", in: sandbox), [])
        XCTAssertEqual(files(holding: "github_pat_", in: sandbox), [])
        XCTAssertEqual(sandbox.read("copilot/pipeline.yml"), WorkspaceSafetyTests.savedPipeline["copilot/pipeline.yml"])
    }

    func testATokenGivenAsTokenSecretGoesToSecretsManagerOnTheAWSTarget() async throws {
        let moto = try MotoServer.shared()
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        let sandbox = try Sandbox(.quickstart)
        let result = try sandbox.run(.sluice("-c", "record setup.sluice; target aws; source set github acme/api token-secret \(Self.token)",
                                             environment: moto.environment()))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.flattened.contains("stored the GitHub token in Secrets Manager secret github-token-demo-api; the manifest names the secret"),
                      result.stdout)
        XCTAssertTrue(sandbox.read("copilot/pipeline.yml")?.contains("access_token_secret: github-token-demo-api") == true)
        XCTAssertEqual(files(holding: "ghp_", in: sandbox), [], "a file sluice wrote holds the token")
        XCTAssertTrue(sandbox.read("setup.sluice")?.hasSuffix("\nsource set github acme/api token-secret github-token-demo-api\n") == true,
                      sandbox.read("setup.sluice") ?? "(no recording)")
        let stored = try cli.json(["secretsmanager", "get-secret-value", "--secret-id", "github-token-demo-api"])
        XCTAssertEqual(stored["SecretString"] as? String, Self.token)

        // A new token for the same repository replaces the secret's value.
        let again = try sandbox.run(.sluice("-c", "source set github acme/api token-secret \(Self.otherToken)", environment: moto.environment()))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.flattened.contains("put the GitHub token in the existing Secrets Manager secret github-token-demo-api"), again.stdout)
        let replaced = try cli.json(["secretsmanager", "get-secret-value", "--secret-id", "github-token-demo-api"])
        XCTAssertEqual(replaced["SecretString"] as? String, Self.otherToken)
        XCTAssertEqual(files(holding: "github_pat_", in: sandbox), [])
    }

    /// A token written into the manifest by hand is an error where it stands (it was "valid"): a `ghp_`
    /// one, and a classic 40-hex one (issue 27).
    func testAHandWrittenTokenInTheManifestFailsValidation() throws {
        for token in [Self.token, Self.hexToken] {
            let manifest = WorkspaceSafetyTests.savedPipeline["copilot/pipeline.yml"]!
                .replacingOccurrences(of: "    branch: main\n", with: "    branch: main\n    access_token_secret: \(token)\n")
            let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": manifest,
                                                       "copilot/buildspec.yml": WorkspaceSafetyTests.savedPipeline["copilot/buildspec.yml"]!]))
            let line = manifest.components(separatedBy: "\n").firstIndex { $0.contains("access_token_secret") }! + 1
            let result = try sandbox.run(.sluice("validate"))
            XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
            XCTAssertTrue((result.stdout + result.stderr).flattened.contains("copilot/pipeline.yml:\(line):26: error: access_token_secret holds what looks like a GitHub token, not the name of the Secrets Manager secret holding it"),
                          result.stdout + result.stderr)
            XCTAssertFalse((result.stdout + result.stderr).contains(token))
        }
    }

    // MARK: Every kind of token (issue 27)

    /// One of each kind the detector knows, in the positions people write them.
    static let hexToken = "4f1c2b8e9a7d3f6c0b5e1a2d8c7f9e3b6a4d2c1e"
    static let kinds: [(name: String, text: String)] = [
        ("GitHub classic (40 hex) after `token`", "Authorization: token \(hexToken)"),
        ("GitHub classic (40 hex) as a variable", "GITHUB_TOKEN=\(hexToken)"),
        ("GitHub fine-grained", "github_pat_" + "11ABCDEFG0123456789_abcdefghijKLMNOPQRSTuvwxyz0123456789ABCDEFGHIJKLMNOP"),
        ("Bitbucket app password", "https://user:ATBB" + "3xTrKqWmZp7Yv2Ns9Lc4Hd8Fg6Jb5E1A0@bitbucket.org/acme/api.git"),
        ("GitLab", "glpat-" + "xY7zQ2wE9rT4uI6oP1aS"),
        ("Slack", "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"),
        ("AWS access key", "AKIA" + "IOSFODNN7EXAMPLE"),
        ("JWT", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
    ]

    /// `--echo` and `echo` mask each kind; `record --all` leaves each out (saying so); none reaches a file.
    func testEveryKindOfTokenIsMaskedInEchoAndLeftOutOfRecordings() throws {
        let sandbox = try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline))
        for (name, text) in Self.kinds {
            let result = try sandbox.run(.sluice("--echo", "-c", "record --all r.sluice; echo '\(text)'; record stop"))
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("<redacted>"), "\(name): \(result.stdout)")
            let secret = Self.secretPart(of: text)
            XCTAssertFalse((result.stdout + result.stderr).contains(secret), "\(name) printed: \(result.stdout)")
            XCTAssertTrue(sandbox.read("r.sluice")?.contains("# `echo` not recorded: it had a secret-looking argument") == true,
                          "\(name): \(sandbox.read("r.sluice") ?? "(no recording)")")
            XCTAssertEqual(files(holding: secret, in: sandbox), [], name)
        }
    }

    /// The parts that are the secret, without the words around them.
    static func secretPart(of text: String) -> String {
        text.components(separatedBy: CharacterSet(charactersIn: " =:@")).max { $0.count < $1.count } ?? text
    }

    /// A classic 40-hex GitHub token in a test command after `token` is refused as any other token
    /// (given as `token-secret`: `testATokenGivenAsTokenSecretIsRefusedOnTheLocalTarget`).
    func testAClassicHexTokenIsNeverWrittenIntoTheManifest() throws {
        let saved = try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline))
        let command = try saved.run(.sluice("-c", "test add test \"curl -H 'Authorization: token \(Self.hexToken)' https://api.github.com\""))
        XCTAssertEqual(command.status, 1)
        XCTAssertTrue(command.stderr.flattened.contains("holds what looks like a token, and sluice never writes a token to a file"), command.stderr)
        XCTAssertEqual(files(holding: Self.hexToken, in: saved), [])
        // A commit id is no token where no secret stands.
        let echoed = try saved.run(.sluice("-c", "echo commit \(Self.hexToken)"))
        XCTAssertEqual(echoed.stdout, "commit \(Self.hexToken)\n")
    }
}

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

    func testATokenGivenAsTokenSecretIsRefusedOnTheLocalTarget() throws {
        let sandbox = try Sandbox(.quickstart)
        let result = try sandbox.run(.sluice("-c", "record setup.sluice; source set github acme/api token-secret \(Self.token); save"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.flattened.hasPrefix("<command line>:1:62: error: token-secret takes the name of a Secrets Manager secret holding the token, not the token"),
                      result.stderr)
        XCTAssertTrue(result.stderr.flattened.contains("hint: store the token in Secrets Manager as github-token-demo-api and write `token-secret github-token-demo-api`"),
                      result.stderr)
        XCTAssertFalse(result.stderr.contains(Self.token))
        XCTAssertNil(sandbox.read("copilot/pipeline.yml"))
        XCTAssertEqual(files(holding: "ghp_", in: sandbox), [])

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

    /// A token written into the manifest by hand is an error where it stands (it was "valid").
    func testAHandWrittenTokenInTheManifestFailsValidation() throws {
        let manifest = WorkspaceSafetyTests.savedPipeline["copilot/pipeline.yml"]!
            .replacingOccurrences(of: "    branch: main\n", with: "    branch: main\n    access_token_secret: \(Self.token)\n")
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": manifest,
                                                   "copilot/buildspec.yml": WorkspaceSafetyTests.savedPipeline["copilot/buildspec.yml"]!]))
        let line = manifest.components(separatedBy: "\n").firstIndex { $0.contains("access_token_secret") }! + 1
        let result = try sandbox.run(.sluice("validate"))
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue((result.stdout + result.stderr).flattened.contains("copilot/pipeline.yml:\(line):26: error: access_token_secret holds what looks like a GitHub token, not the name of the Secrets Manager secret holding it"),
                      result.stdout + result.stderr)
        XCTAssertFalse((result.stdout + result.stderr).contains(Self.token))
    }
}

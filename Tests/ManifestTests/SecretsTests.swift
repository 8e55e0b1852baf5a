import Manifest
import XCTest

/// The token detector every writer and printer asks (history, record, --echo, edits, the validator).
final class SecretsTests: XCTestCase {
    func testTokenDetection() {
        for token in ["ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github_pat_11ABCDEFG0123456789_abcdefghij",
                      "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"] {
            XCTAssertTrue(Secrets.looksLikeToken(token), token)
        }
        for word in ["https://github.com/acme/api", "copilot/pipelines/api-main/manifest.yml",
                     "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "demo-test-api-stack-with-a-long-name",
                     "aws/codebuild/amazonlinux2-x86_64-standard:5.0", "make test"] {
            XCTAssertFalse(Secrets.looksLikeToken(word), word)
        }
        XCTAssertEqual(Secrets.redacted("token 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' here"), "token '<redacted>' here")
        // Inside the punctuation around values too: only the token is masked.
        XCTAssertEqual(Secrets.redacted("GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 https://x:ghp_abcdefghijklmnopqrstuvwxyz0123456789@h"),
                       "GITHUB_TOKEN=<redacted> https://x:<redacted>@h")
    }
}

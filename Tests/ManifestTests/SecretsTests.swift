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
                     "aws/codebuild/amazonlinux2-x86_64-standard:5.0", "make test",
                     // Paths with a random part and names CloudFormation generates: short words, not a token.
                     "/tmp/sluice-network-074A43C3/config", "pipeline-demo-billing-main-Pipeline-SIVGC9JJS4ZY"] {
            XCTAssertFalse(Secrets.looksLikeToken(word), word)
        }
        // Where a secret stands, base64 broken by `/` every few characters is still one.
        XCTAssertEqual(Secrets.redacted("aws_secret_access_key = abcDEF1234/ghiJKL5678/mnoPQR9012/stu"), "aws_secret_access_key = <redacted>")
        XCTAssertEqual(Secrets.redacted("token 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' here"), "token '<redacted>' here")
        // Inside the punctuation around values too: only the token is masked.
        XCTAssertEqual(Secrets.redacted("GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 https://x:ghp_abcdefghijklmnopqrstuvwxyz0123456789@h"),
                       "GITHUB_TOKEN=<redacted> https://x:<redacted>@h")
    }

    /// A Slack webhook is a token wherever its host and path stand in a piece: at its start, at its
    /// very end, in a piece that is not the line's first.
    func testSlackWebhooksAnywhereInAPiece() {
        for url in ["hooks.slack.com/services/", "https://hooks.slack.com/services/T0/B0/x", "x=https://hooks.slack.com/services/"] {
            XCTAssertTrue(Secrets.looksLikeToken(url), url)
            // The scheme and `x=` stand before the masked piece, as around any token.
            let masked = Secrets.redacted("curl -d @body \(url) -s")
            XCTAssertTrue(masked.hasPrefix("curl -d @body ") && masked.hasSuffix("<redacted> -s") && !masked.contains("slack"), masked)
        }
        for near in ["hooks.slack.com/service", "https://hooks.slack.com/", "hooks.slack.com/Services/T0"] {
            XCTAssertFalse(Secrets.looksLikeToken(near), near)
            XCTAssertEqual(Secrets.redacted("curl \(near)"), "curl \(near)", near)
        }
    }

    /// A build's output is masked as bytes: what is not UTF-8 around a token stays byte for byte.
    func testRedactingBytesKeepsWhatIsNotUTF8() {
        var bytes: [UInt8] = [0xff, 0x20] + Array("ghp_abcdefghijklmnopqrstuvwxyz0123456789".utf8) + [0x0a, 0xc3]
        XCTAssertTrue(Secrets.redact(&bytes))
        XCTAssertEqual(bytes, [0xff, 0x20] + Array("<redacted>".utf8) + [0x0a, 0xc3])
        var plain: [UInt8] = [0xff] + Array(" nothing secret in this line\n".utf8)
        XCTAssertFalse(Secrets.redact(&plain))
    }
}

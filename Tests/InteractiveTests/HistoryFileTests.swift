import Foundation
import TestSupport
import XCTest

/// The history file among the files sluice writes (issue 12).
final class HistoryFileTests: PseudoTerminalTestCase {
    /// The history file kept elsewhere through a symbolic link (dotfiles): written through the
    /// link, which stays; a token typed at the prompt is in no file afterwards.
    func testHistoryIsWrittenThroughALinkAndNeverHoldsAToken() throws {
        let dotfiles = home.url.appendingPathComponent("dotfiles/sluice-history")
        try FileManager.default.createDirectory(at: dotfiles.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: historyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: historyFile.path, withDestinationPath: dotfiles.path)
        let token = "ghp_" + "Zy9xWv8uTs7rQp6oNm5lKj4iHg3fEd2cBa1z"
        let shell = try start()
        try shell.expectPrompt()
        try shell.enter("echo kept", expecting: "kept\n")
        try shell.enter("echo GITHUB_TOKEN=\(token)", expecting: "GITHUB_TOKEN=<redacted>\n")
        try exit(shell)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: historyFile.path), dotfiles.path,
                       "the history's link was replaced by a file")
        XCTAssertTrue(try String(contentsOf: dotfiles, encoding: .utf8).contains("kept"), "libedit writes the entry there")
        XCTAssertEqual(try filesContaining(token, under: home.url), [])
    }

    /// Every kind the token detector knows stays out of the history (issue 27): a classic 40-hex
    /// GitHub token after `token`, a Bitbucket app password, a JWT.
    func testNoKindOfTokenIsKeptInTheHistory() throws {
        let secrets = ["4f1c2b8e9a7d3f6c0b5e1a2d8c7f9e3b6a4d2c1e", "ATBB" + "3xTrKqWmZp7Yv2Ns9Lc4Hd8Fg6Jb5E1A0",
                       "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"]
        let shell = try start()
        try shell.expectPrompt()
        try shell.enter("echo kept", expecting: "kept\n")
        try shell.enter("echo 'Authorization: token \(secrets[0])'", expecting: "Authorization: token <redacted>\n")
        try shell.enter("echo https://me:\(secrets[1])@bitbucket.org", expecting: "https://me:<redacted>@bitbucket.org\n")
        try shell.enter("echo Bearer \(secrets[2])", expecting: "Bearer <redacted>\n")
        try exit(shell)
        XCTAssertTrue(try String(contentsOf: historyFile, encoding: .utf8).contains("kept"))
        for secret in secrets { XCTAssertEqual(try filesContaining(secret, under: home.url), [], secret) }
    }
}

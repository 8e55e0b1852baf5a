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
}

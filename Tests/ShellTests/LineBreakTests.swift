import Foundation
import TestSupport
import XCTest

/// Manifests in each line-break convention YAML readers know (LF, CRLF, CR, mixed, NEL/LS/PS), with
/// and without a byte-order mark, edited through the binary: the file keeps its own convention, and
/// only the edited lines change.
final class LineBreakTests: XCTestCase {
    static let lines = [
        "# The pipeline.",
        "name: demo-main",
        "version: 1",
        "source:",
        "  provider: GitHub",
        "  properties:",
        "    repository: https://github.com/acme/api",
        "    branch: main",
        "stages:",
        "  - name: test",
        "  - name: prod",
        "    requires_approval: true",
    ]
    static let edit = #"test add test "make check"; approval off prod; save"#

    /// `lines` joined with `breaks` (one after each line), `bom` first.
    static func text(_ lines: [String], _ breaks: [String], bom: Bool = false) -> String {
        (bom ? "\u{FEFF}" : "") + zip(lines, breaks).map { $0 + $1 }.joined()
    }

    /// What the edit must give: two lines inserted after test's name with `newline`, and prod's approval
    /// commented out, keeping its own break.
    static func edited(_ breaks: [String], newline: String, bom: Bool = false) -> String {
        var lines = Self.lines, breaks = breaks
        lines[11] = "    # requires_approval: true"
        lines.insert(contentsOf: ["    test_commands:", "      - make check"], at: 10)
        breaks.insert(contentsOf: [newline, newline], at: 10)
        return text(lines, breaks, bom: bom)
    }

    func assertEdit(_ breaks: [String], newline: String, bom: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": Self.text(Self.lines, breaks, bom: bom)]))
        let result = try sandbox.run(.script(Self.edit))
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let expected = Self.edited(breaks, newline: newline, bom: bom)
        XCTAssertEqual(sandbox.read("copilot/pipeline.yml").map { Array($0.unicodeScalars) }, Array(expected.unicodeScalars),
                       file: file, line: line)
        // Read back by a new sluice: the edit is there, so doing it again changes nothing.
        let again = try sandbox.run(.script(Self.edit))
        XCTAssertTrue(again.stdout.contains("unchanged: test already runs make check"), again.stdout, file: file, line: line)
    }

    /// `usual` after every line but those `except` names.
    static func breaks(_ usual: String, except: [Int: String] = [:]) -> [String] {
        Self.lines.indices.map { except[$0] ?? usual }
    }

    func testEachConventionIsKept() throws {
        for convention in ["\n", "\r\n", "\r"] {
            let breaks = Self.breaks(convention)
            try assertEdit(breaks, newline: convention)
            try assertEdit(breaks, newline: convention, bom: true)
        }
    }

    /// A lone CR inside what an LF file would call one line is a line break to YAML: the edit must not
    /// shift by it (it once commented out the wrong line and reported success).
    func testMixedBreaksKeepTheirOwnAndNewLinesTakeTheCommonest() throws {
        try assertEdit(Self.breaks("\n", except: [0: "\r", 3: "\r\n", 11: "\r\n"]), newline: "\n")
        try assertEdit(Self.breaks("\r\n", except: [2: "\n"]), newline: "\r\n", bom: true)
    }

    /// NEL, LS and PS break lines for YAML 1.1 readers (libyaml among them): in comments and as a break.
    func testUnicodeLineBreaksInCommentsAndBetweenLines() throws {
        try assertEdit(Self.breaks("\n", except: [0: "\u{85}", 2: "\u{2029}", 7: " # tracked\u{2028}"]), newline: "\n")
    }

    /// Values with characters that YAML would fold or refuse are written escaped and read back as given,
    /// and a `'` before a combining mark (one Character with it) is doubled inside single quotes.
    /// (Not a value that starts with U+FEFF: Yams decodes scalars with Foundation, which drops it.)
    func testValuesWithLineBreaksAndControlCharactersReadBack() throws {
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": Self.text(Self.lines, Self.breaks("\n"))]))
        for value in ["a\u{85}b", "a\u{2028}b", "a\u{2029}b", "bell\u{7}", "c1\u{90}", "del\u{7F}", "mid\u{FEFF}bom", "tab\tx", "cr\rlf\n",
                      "'\u{747}quoted"] {
            let add = "test add test \(Quoting.shell(value)); save"
            let first = try sandbox.run(.script(add))
            XCTAssertEqual(first.status, 0, "\(value.debugDescription): \(first.stderr)")
            let again = try sandbox.run(.script(add))
            XCTAssertEqual(again.status, 0, again.stderr)
            XCTAssertTrue(again.stdout.contains("unchanged: test already runs"), "\(value.debugDescription) read back otherwise: \(again.stdout)")
        }
        let written = try XCTUnwrap(sandbox.read("copilot/pipeline.yml"))
        XCTAssertFalse(written.unicodeScalars.contains { [0x85, 0x2028, 0x2029, 0x7, 0x90, 0x7F, 0xFEFF].contains($0.value) },
                       "the file holds a raw character YAML would fold or refuse:\n\(written)")
    }
}

private enum Quoting {
    /// Single quotes for the sluice language (a `'` inside written `'\''`).
    static func shell(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''", options: .literal) + "'" }
}

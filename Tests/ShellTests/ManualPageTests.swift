import Foundation
import Shell
import TestSupport
import XCTest

/// docs/sluice.1 is what `sluice --man` writes from the command table: the committed page may
/// not fall behind the commands, and what man shows holds every command's usage and example.
final class ManualPageTests: XCTestCase {
    static let regenerate = "swift build --product sluice && .build/debug/sluice --man > docs/sluice.1"

    private func generatedPage() throws -> String {
        let result = try runProcess(sluiceBinary, ["--man"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        return result.stdout
    }

    func testCommittedPageIsWhatTheCommandTableGives() throws {
        let committed = try String(contentsOf: packageRoot.appendingPathComponent("docs/sluice.1"), encoding: .utf8)
        let generated = try generatedPage()
        guard committed != generated else { return }
        let committedLines = committed.components(separatedBy: "\n"), generatedLines = generated.components(separatedBy: "\n")
        let first = zip(committedLines, generatedLines).enumerated().first { $0.element.0 != $0.element.1 }
        XCTFail("""
            docs/sluice.1 differs from `sluice --man` (the command table) at line \((first?.offset ?? min(committedLines.count, generatedLines.count)) + 1):
              committed: \(first?.element.0 ?? "(end)")
              generated: \(first?.element.1 ?? "(end)")
            regenerate it: \(Self.regenerate)
            """)
    }

    /// The page as man prints it to a pipe, one paragraph a line (very wide, no hyphenation).
    func testRenderedPageShowsEveryCommandWithItsUsageAndExample() throws {
        guard let man = try locateTool("man") else { return }
        let page = try TemporaryDirectory("sluice-man")
        defer { page.remove() }
        let file = page.url.appendingPathComponent("sluice.1")
        try Data(try generatedPage().utf8).write(to: file)
        let result = try runProcess(man, ["--warnings", "-l", file.path],
                                    environment: ["MANWIDTH": "2000", "MANOPT": "", "LANG": "C.UTF-8", "MAN_KEEP_FORMATTING": ""],
                                    removingEnvironment: ["MANPAGER", "PAGER", "MAN_KEEP_FORMATTING"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "", "man reports warnings")
        // Plain text: minus signs and quotes as typed, one space between words.
        let text = result.stdout.replacingOccurrences(of: "\u{2212}", with: "-").replacingOccurrences(of: "\u{2010}", with: "-")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for section in ["SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "ENVIRONMENT", "FILES", "EXIT STATUS"] {
            XCTAssertTrue(text.contains(section), "no \(section) section")
        }
        for command in CommandTable.standard.commands {
            let help = command.help.replacingOccurrences(of: "`", with: "")  // `code` is set in bold
            XCTAssertTrue(text.contains(command.usage + " " + help), "\(command.name): usage and help")
            XCTAssertTrue(text.contains("Example: " + command.example), "\(command.name): example")
        }
        XCTAssertTrue(text.contains("sluice --version [--json]"))
    }

    /// Each variable the sources read from the environment is in the page's ENVIRONMENT section.
    func testEveryEnvironmentVariableReadIsDocumented() throws {
        let page = try generatedPage()
        guard let start = page.range(of: ".SH ENVIRONMENT\n"), let end = page.range(of: "\n.SH ", range: start.upperBound..<page.endIndex) else {
            return XCTFail("no ENVIRONMENT section")
        }
        let documented = page[start.upperBound..<end.lowerBound]
        // A read is `environment["NAME"]` not followed by an assignment (the local target sets
        // CodeBuild's variables for the commands it runs), or the AWS layer's `setting("NAME", …)`
        // and `variable("NAME")`.
        let read = try NSRegularExpression(
            pattern: #"environment\["([A-Z][A-Z0-9_]*)"\](?!\s*=[^=])|\b(?:setting|variable)\("([A-Z][A-Z0-9_]*)""#)
        let sources = FileManager.default.enumerator(at: packageRoot.appendingPathComponent("Sources"), includingPropertiesForKeys: nil)
        var names = Set<String>()
        while let url = sources?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in read.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let name = (1...2).compactMap { Range(match.range(at: $0), in: text) }.first!
                names.insert(String(text[name]))
            }
        }
        XCTAssertTrue(names.contains("AWS_PROFILE") && names.contains("NO_COLOR"), "the scan finds the reads: \(names.sorted())")
        for name in names.sorted() {
            XCTAssertTrue(documented.contains(name), "\(name) is read but not in the manual's ENVIRONMENT (ManualPage.environment)")
        }
    }

    /// The tool on PATH; nil (skipped) when absent outside CI, a failure under CI.
    private func locateTool(_ name: String) throws -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        if path == nil {
            if SharedData.isCI { XCTFail("\(name) is not installed, and CI needs it (scripts/bootstrap.sh, ensure_man_tools)") }
            else { throw XCTSkip("\(name) is not installed (scripts/test installs it)") }
        }
        return path
    }
}

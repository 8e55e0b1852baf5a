import Foundation
import TestSupport
import XCTest

/// README's "A first session", taken from the README text itself and replayed as printed: its
/// shell lines in a shell (from the clone, as a reader runs them), then `sluice` on a real
/// pseudo-terminal, each line typed at the prompt the README shows, each output line the README
/// prints found in what sluice prints after it. So the README and sluice cannot drift apart.
final class FirstSessionTests: XCTestCase {
    /// One line of the README's session.
    enum Line: Equatable {
        /// `$ COMMAND`: typed at the reader's shell.
        case shell(String)
        /// `PROMPT> COMMAND`: typed at sluice's prompt, which reads PROMPT.
        case sluice(prompt: String, command: String)
        /// What the command before printed (`…` stands for anything).
        case output(String)
    }

    /// The first console block after the heading `## A first session`.
    static func session(inREADME text: String) throws -> [Line] {
        let heading = try XCTUnwrap(text.range(of: "\n## A first session\n"), "README has no section \"A first session\"")
        let rest = text[heading.upperBound...]
        let start = try XCTUnwrap(rest.range(of: "```console\n"), "the section has no console block")
        let end = try XCTUnwrap(rest[start.upperBound...].range(of: "\n```"), "the console block does not end")
        return rest[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if line.hasPrefix("$ ") { return .shell(String(line.dropFirst(2))) }
            if let prompt = line.range(of: #"^[A-Za-z0-9/_.-]* \[[a-z]+\]\*?> "#, options: .regularExpression) {
                return .sluice(prompt: String(line[prompt]), command: String(line[prompt.upperBound...]))
            }
            return .output(String(line))
        }
    }

    func testTheREADMEsFirstSessionWorksAsPrinted() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = try Self.session(inREADME: readme)
        let shellLines = lines.prefix { if case .shell = $0 { return true }; return false }.map { line -> String in
            guard case .shell(let command) = line else { return "" }
            return command
        }
        XCTAssertEqual(shellLines.last, "sluice", "the session starts sluice after its shell lines")

        // The reader's home, with git knowing who they are; the shell lines run from the clone.
        let home = try TemporaryDirectory("sluice-first-session")
        defer { home.remove() }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let environment = ["HOME": home.path, "PATH": path, "LANG": "C.UTF-8",
                           "GIT_AUTHOR_NAME": "Reader", "GIT_AUTHOR_EMAIL": "reader@example.invalid",
                           "GIT_COMMITTER_NAME": "Reader", "GIT_COMMITTER_EMAIL": "reader@example.invalid"]
        let setup = try runProcess("/bin/sh", ["-e", "-c", shellLines.dropLast().joined(separator: "\n") + "\npwd"],
                                   environment: environment, directory: packageRoot, timeout: 60)
        XCTAssertEqual(setup.status, 0, setup.stdout + setup.stderr)
        let directory = URL(fileURLWithPath: try XCTUnwrap(setup.stdout.split(separator: "\n").last.map(String.init)))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("copilot/.workspace").path))

        var terminalEnvironment = environment
        terminalEnvironment.merge(["TERM": "xterm", "NO_COLOR": "1", "EDITRC": "/dev/null",
                                   "XDG_STATE_HOME": home.path + "/state"]) { _, new in new }
        let shell = try PseudoTerminal(sluiceBinary, [], directory: directory, environment: terminalEnvironment, columns: 100, rows: 40)
        let session = Array(lines.drop { if case .shell = $0 { return true }; return false })
        guard case .sluice(let firstPrompt, _)? = session.first else { return XCTFail("no sluice line after `$ sluice`") }
        try shell.expectInput(firstPrompt, timeout: 30)
        for (index, line) in session.enumerated() {
            guard case .sluice(_, let command) = line else { continue }
            shell.send(command + "\r")
            // What it prints: up to the next prompt the README shows (or the end of the session).
            let expected = session[(index + 1)...].prefix { if case .output = $0 { return true }; return false }
                .compactMap { line -> String? in if case .output(let text) = line { return text }; return nil }
            let printed: String
            if case .sluice(let prompt, _)? = session[(index + 1)...].first(where: { if case .sluice = $0 { return true }; return false }) {
                printed = try shell.expectInput(prompt, timeout: 120)
            } else {
                printed = shell.pendingOutput(waiting: 5)
                shell.send("\u{04}")
                XCTAssertEqual(try shell.waitForExit(timeout: 30), 0)
            }
            assertPrinted(expected, in: printed, after: command)
        }

        // Where the session ends: prod approved, the run Succeeded.
        let status = try runProcess(sluiceBinary, ["status", "--json"], environment: environment, directory: directory, timeout: 30)
        XCTAssertEqual(status.status, 0, status.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["state"] as? String, "Succeeded", status.stdout)
    }

    /// Each expected line, in order, in `printed`: a line holding `…` matches whatever stands there,
    /// and its blanks match any blanks or line breaks (sluice wraps a message to the terminal's width).
    private func assertPrinted(_ expected: [String], in printed: String, after command: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        var rest = printed[...]
        for text in expected where !text.trimmingCharacters(in: .whitespaces).isEmpty && text != "…" {
            let pattern = text.components(separatedBy: "…").map { part in
                part.split(separator: " ").map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: #"\s+"#)
            }.joined(separator: #"[\s\S]*?"#)
            guard let found = rest.range(of: pattern, options: .regularExpression) else {
                XCTFail("after `\(command)` README prints \(text.debugDescription); sluice printed:\n\(printed)", file: file, line: line)
                return
            }
            rest = rest[found.upperBound...]
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// The transaction rule as a property (issue 12), through the binary, in a workspace under git:
/// seeded random scripts of edits, `save`, `undo` and failing commands, some killed with SIGKILL
/// at a random moment. After each (and the next sluice's start), every file holds its last
/// committed content or what the last completed save wrote — never anything else.
///
/// What a save writes comes from sluice itself, run on a copy: the script cut after each of its
/// saves. A script that runs through must leave what it runs to; one that fails must leave
/// exactly what its prefix up to its last save before the failure leaves (nothing put back that
/// was saved, nothing kept that was not); a killed one any of those, whole.
/// `SLUICE_PROPERTY_STEPS` scripts (default 30), `SLUICE_PROPERTY_SEED` (default 12).
final class TransactionPropertyTests: XCTestCase {
    static let files = ["copilot/pipeline.yml", "copilot/buildspec.yml"]

    func testEveryFileIsItsLastCommittedOrLastSavedContent() throws {
        let environment = ProcessInfo.processInfo.environment
        let steps = Int(environment["SLUICE_PROPERTY_STEPS"] ?? "") ?? 30
        var generator = SplitMix64(seed: UInt64(environment["SLUICE_PROPERTY_SEED"] ?? "") ?? 12)
        let sandbox = try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline))
        try git(sandbox, "init", "-q", "-b", "main")
        try commitAll(sandbox)
        var counts = ["completed": 0, "failed": 0, "killed": 0, "commits": 1]

        for step in 0..<steps {
            let before = contents(sandbox)
            let lines = (0..<Int.random(in: 1...8, using: &generator)).map { _ in Self.randomLine(&generator) }
            let script = lines.joined(separator: "\n")

            // What the script does, run on a copy: its end state, the line it fails at, and what
            // each prefix ending in a `save` leaves.
            let started = Date()
            let (whole, wholeResult) = try shadowRun(before, script)
            let duration = Date().timeIntervalSince(started)
            let failingLine = Self.failingLine(wholeResult.stderr)
            var saved: [(line: Int, files: [String: String?])] = []
            for (index, line) in lines.enumerated() where line == "save" && index + 1 < (failingLine ?? Int.max) {
                saved.append((index + 1, try shadowRun(before, lines[...index].joined(separator: "\n")).files))
            }
            if failingLine != nil {
                XCTAssertEqual(whole, saved.last?.files ?? before,
                               "step \(step): a failing script left something else than its last save:\n\(script)\n\(wholeResult.stderr)")
            }

            let killed = Bool.random(using: &generator)
            let delay = Double.random(in: 0...(duration * 1.3), using: &generator)
            if killed {
                let process = try start(sandbox, script)
                usleep(useconds_t(delay * 1_000_000))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                counts["killed", default: 0] += 1
            } else {
                let result = try sandbox.run(.sluice("-c", script))
                XCTAssertEqual(result.status, wholeResult.status, "step \(step): \(result.stderr)")
                counts[result.status == 0 ? "completed" : "failed", default: 0] += 1
            }
            // The next sluice's start completes or tidies what a kill left.
            let next = try sandbox.run(.sluice("pipeline", "ls"))
            XCTAssertEqual(next.status, 0, "step \(step): \(next.stderr)")
            let after = contents(sandbox)
            let allowed = [before, whole] + saved.map(\.files)
            if killed {
                XCTAssertTrue(allowed.contains(after), "step \(step): after a kill the files are neither committed nor saved content:\n\(script)\n\(after)")
            } else {
                XCTAssertEqual(after, whole, "step \(step):\n\(script)")
            }
            XCTAssertEqual(temporaryFiles(sandbox), [], "step \(step)")
            if Int.random(in: 0..<4, using: &generator) == 0 {
                try commitAll(sandbox)
                counts["commits", default: 0] += 1
            }
        }
        print("figures: transaction property: \(steps) scripts: "
            + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    /// An editing command, `save`, `undo`, or (rarely) one that fails.
    static func randomLine(_ generator: inout SplitMix64) -> String {
        let number = Int.random(in: 1...99, using: &generator)
        switch Int.random(in: 0..<12, using: &generator) {
        case 0, 1: return "save"
        case 2: return "undo"
        case 3: return "approval on prod"
        case 4: return "approval off prod"
        case 5, 6: return "test add test \"echo step \(number)\""
        case 7: return "test add prod \"make smoke-\(number)\""
        case 8: return "test rm test 1"
        case 9: return "stage add test"
        case 10: return "approval on nowhere"
        default: return "stage rm prod; stage add prod"
        }
    }

    /// The line of the `-c:LINE:COL: error:` a failing script reports.
    static func failingLine(_ stderr: String) -> Int? {
        guard let match = stderr.range(of: #"^-c:[0-9]+:"#, options: .regularExpression) else { return nil }
        return Int(stderr[match].dropFirst(3).dropLast())
    }

    /// Runs `script` in a fresh copy holding `files`; what the files are after, and the result.
    private func shadowRun(_ files: [String: String?], _ script: String) throws -> (files: [String: String?], result: ProcessResult) {
        let shadow = try Sandbox(.quickstartWith(files.compactMapValues { $0 }))
        let result = try shadow.run(.sluice("-c", script))
        return (contents(shadow), result)
    }

    private func contents(_ sandbox: Sandbox) -> [String: String?] {
        Dictionary(uniqueKeysWithValues: Self.files.map { ($0, sandbox.read($0)) })
    }

    private func start(_ sandbox: Sandbox, _ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sluiceBinary)
        process.arguments = ["-c", script]
        process.currentDirectoryURL = sandbox.root.url
        process.environment = ["HOME": sandbox.home.path, "NO_COLOR": "1", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func temporaryFiles(_ sandbox: Sandbox) -> [String] {
        sandbox.snapshot().keys.filter { $0.contains(".sluice-") || $0.hasSuffix("intent.json") }.sorted()
    }

    private func git(_ sandbox: Sandbox, _ arguments: String...) throws {
        let result = try runProcess("/usr/bin/env", ["git", "-C", sandbox.root.path] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    private func commitAll(_ sandbox: Sandbox) throws {
        try git(sandbox, "add", "-A")
        try git(sandbox, "-c", "user.name=sluice", "-c", "user.email=test@sluice.invalid", "commit", "-q", "--allow-empty", "-m", "step")
    }
}

import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// A save killed at any moment leaves the old file or the new one, never a partial file.
///
/// The parent test runs this very test binary again as a child that writes two versions of a large
/// manifest in turn through `AtomicFile.write` (what `ManifestDocument.save(in:)` writes with), kills it
/// with SIGKILL at a random moment, and checks the file each time. The child is `testChildWriteLoop`,
/// active only with SLUICE_SAVE_LOOP_FILE set.
final class KilledSaveTests: XCTestCase {
    private static let fileVariable = "SLUICE_SAVE_LOOP_FILE"
    private static let rounds = 30

    /// Copilot's template, with the prod stage's approval off or on, and 8 MB of comments: a write long
    /// enough to be interrupted midway (Linux stops a write at a page boundary when SIGKILL arrives).
    private static func versions() throws -> [Data] {
        let comment = "# " + String(repeating: "a long comment line that only makes the file bigger ", count: 2) + "\n"
        let padding = String(repeating: comment, count: 8_000_000 / comment.utf8.count)
        var approved = try ManifestDocument(text: copilotTemplate)
        _ = try approved.setApproval(true, stage: "prod")
        return [Data((copilotTemplate + padding).utf8), Data((approved.text + padding).utf8)]
    }

    func testAKilledSaveNeverLeavesAPartialFile() throws {
        let directory = try TemporaryDirectory("sluice-kill")
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("pipeline.yml")
        let versions = try Self.versions()
        try versions[0].write(to: url)

        var generator = SystemRandomNumberGenerator()
        var seenVersions = Set<Int>()
        for round in 0..<Self.rounds {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
            child.arguments = ["ManifestTests.KilledSaveTests/testChildWriteLoop"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.fileVariable: url.path]) { _, new in new }
            let output = Pipe()
            child.standardOutput = output
            child.standardError = FileHandle.nullDevice
            try child.run()
            // The child prints a line after each write; after the first, kill it within about two writes.
            // (XCTest prints its own lines too, so count only the child's.)
            var started = Date(), cycle = 0.0
            var seen = ""
            while seen.components(separatedBy: "written\n").count - 1 < 2 {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                let before = seen.components(separatedBy: "written\n").count
                seen += String(decoding: chunk, as: UTF8.self)
                if before == 1, seen.components(separatedBy: "written\n").count > 1 { started = Date() }
            }
            cycle = Date().timeIntervalSince(started)
            usleep(UInt32.random(in: 0...UInt32(2 * cycle * 1_000_000), using: &generator))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            XCTAssertEqual(child.terminationReason, .uncaughtSignal, "round \(round): the child was killed, not finished")
            let content = try Data(contentsOf: url)
            guard let version = versions.firstIndex(of: content) else {
                XCTFail("round \(round): the file is neither version (\(content.count) bytes)")
                break
            }
            seenVersions.insert(version)
        }
        XCTAssertEqual(seenVersions, [0, 1], "kills landed at different points of the loop")
        XCTAssertNoThrow(try ManifestDocument.load(contentsOf: url))
        // Temporary files a kill left behind are hidden beside the manifest and never read.
        let visible = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(visible, ["pipeline.yml"])
    }

    /// The child: write the two versions in turn, forever, until killed.
    func testChildWriteLoop() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.fileVariable] else {
            throw XCTSkip("runs only as the child of testAKilledSaveNeverLeavesAPartialFile")
        }
        let url = URL(fileURLWithPath: path)
        let versions = try Self.versions()
        for turn in 0... {
            try AtomicFile.write(versions[(turn + 1) % 2], to: url)
            print("written")
            fflush(stdout)
        }
    }
}

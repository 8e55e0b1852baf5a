import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// Compare-and-swap commits, the intent a killed multi-file write leaves and its completion,
/// and the removal of killed writes' temporary files.
final class WorkspaceFilesTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var files: WorkspaceFiles { WorkspaceFiles(root: directory.url) }

    override func setUpWithError() throws { directory = try TemporaryDirectory("sluice-workspace-files") }
    override func tearDown() { directory.remove() }

    private func url(_ path: String) -> URL { directory.url.appendingPathComponent(path) }
    private func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: url(path).path).map { String(decoding: $0, as: UTF8.self) }
    }
    private func change(_ path: String, _ expected: FileChange.Expectation, _ text: String?) -> FileChange {
        FileChange(url: url(path), displayPath: path, expected: expected, replacement: text.map { Data($0.utf8) })
    }

    func testACommitWhoseExpectationFailsWritesNoFileAtAll() throws {
        try writeFile(directory.url, "copilot/buildspec.yml", "theirs\n")
        let error = manifestError {
            try files.commit([change("copilot/pipeline.yml", .absent, "name: a\n"), change("copilot/buildspec.yml", .absent, "ours\n")])
        }
        XCTAssertEqual(error?.file, "copilot/buildspec.yml")
        XCTAssertEqual(error?.message, "the file was created by someone else since sluice started this pipeline; nothing was saved")
        XCTAssertNil(read("copilot/pipeline.yml"))
        XCTAssertEqual(read("copilot/buildspec.yml"), "theirs\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: url(".sluice/intent.json").path))
    }

    func testACommitReturnsWhatTheFilesHeldAndLeavesNoIntent() throws {
        try writeFile(directory.url, "a.yml", "old\n")
        let before = try files.commit([change("a.yml", .contents(Data("old\n".utf8)), "new\n"), change("b.yml", .absent, "b\n")])
        XCTAssertEqual(before, [Data("old\n".utf8), nil])
        XCTAssertEqual(read("a.yml"), "new\n")
        XCTAssertEqual(read("b.yml"), "b\n")
        XCTAssertEqual(read(".sluice/.gitignore"), "*\n", "the lock's directory is kept out of git")
        XCTAssertFalse(FileManager.default.fileExists(atPath: url(".sluice/intent.json").path))
    }

    /// The state a sluice killed between the two writes of a new pipeline leaves.
    private func writeHalfDoneIntent(manifestNow: String?) throws {
        let intent = WorkspaceFiles.Intent(pid: 99999, changes: [
            .init(path: url("copilot/buildspec.yml").path, displayPath: "copilot/buildspec.yml", before: nil, after: Data("spec\n".utf8)),
            .init(path: url("copilot/pipeline.yml").path, displayPath: "copilot/pipeline.yml", before: nil, after: Data("name: a\n".utf8)),
        ])
        try writeFile(directory.url, ".sluice/intent.json", String(decoding: try JSONEncoder().encode(intent), as: UTF8.self))
        try writeFile(directory.url, "copilot/buildspec.yml", "spec\n")
        if let manifestNow { try writeFile(directory.url, "copilot/pipeline.yml", manifestNow) }
    }

    func testTheNextSluiceCompletesAHalfDoneWriteAndSaysSo() throws {
        try writeHalfDoneIntent(manifestNow: nil)
        XCTAssertEqual(files.recover(), ["a sluice (pid 99999) was killed while writing copilot/buildspec.yml and copilot/pipeline.yml; "
            + "completed its write of copilot/buildspec.yml, copilot/pipeline.yml"])
        XCTAssertEqual(read("copilot/pipeline.yml"), "name: a\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: url(".sluice/intent.json").path))
        XCTAssertEqual(files.recover(), [], "nothing left to do")
    }

    func testAFileChangedSinceTheKillIsLeftAsItIsAndSaidSo() throws {
        try writeHalfDoneIntent(manifestNow: "name: someone else's\n")
        XCTAssertEqual(files.recover(), ["a sluice (pid 99999) was killed while writing copilot/buildspec.yml and copilot/pipeline.yml; "
            + "completed its write of copilot/buildspec.yml; left as they are, since changed by someone else: copilot/pipeline.yml"])
        XCTAssertEqual(read("copilot/pipeline.yml"), "name: someone else's\n")
    }

    func testTemporaryFilesOfEndedWritersGoAndALiveWritersStay() throws {
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let ended = ".pipeline.yml.sluice-\(finished.processIdentifier)-AbC123"
        let live = ".pipeline.yml.sluice-\(getpid())-XyZ789"
        for name in [ended, live, ".pipeline.yml.sluice-notapid-AbC123", "pipeline.yml"] {
            try writeFile(directory.url, "copilot/\(name)", "x")
        }
        XCTAssertEqual(files.recover(), ["removed 1 temporary file left by a killed sluice: copilot/\(ended)"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url("copilot").path).sorted(),
                       [".pipeline.yml.sluice-notapid-AbC123", live, "pipeline.yml"].sorted())
    }

    func testAtomicWritesNameTheirTemporaryFilesSoTheyAreRecognised() {
        XCTAssertEqual(AtomicFile.writer(ofTemporary: ".manifest.yml.sluice-4242-a1B2c3"), 4242)
        XCTAssertNil(AtomicFile.writer(ofTemporary: "manifest.yml.sluice-4242-a1B2c3"), "not hidden: not ours")
        XCTAssertNil(AtomicFile.writer(ofTemporary: ".manifest.yml.sluice-4242"))
        XCTAssertNil(AtomicFile.writer(ofTemporary: ".manifest.yml"))
    }
}

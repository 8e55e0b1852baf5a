import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import XCTest

/// Where sluice's writes land (issue 12), through the binary: through a symbolic link to the
/// file behind it, never over a device, FIFO or directory, never onto a file the session edits.
final class FileWriteTests: XCTestCase {
    private func sandboxWithPipeline() throws -> Sandbox {
        try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline))
    }

    private func isSymbolicLink(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    func testARecordingThroughALinkLandsInTheLinkedFile() throws {
        let sandbox = try sandboxWithPipeline()
        try sandbox.write("# mine\n", to: "scripts/setup.sluice")
        let link = sandbox.root.url.appendingPathComponent("setup.sluice")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "scripts/setup.sluice")
        let result = try sandbox.run(.sluice("-c", "record setup.sluice; approval on prod"))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(isSymbolicLink(link), "the link was replaced by a file")
        XCTAssertTrue(sandbox.read("scripts/setup.sluice")?.hasSuffix("approval on prod\n") == true,
                      sandbox.read("scripts/setup.sluice") ?? "(absent)")
    }

    func testSavingAManifestThatIsALinkWritesTheLinkedFile() throws {
        let sandbox = try sandboxWithPipeline()
        let manifest = sandbox.root.url.appendingPathComponent("copilot/pipeline.yml")
        try sandbox.write(WorkspaceSafetyTests.savedPipeline["copilot/pipeline.yml"]!, to: "shared/pipeline.yml")
        try FileManager.default.removeItem(at: manifest)
        try FileManager.default.createSymbolicLink(atPath: manifest.path, withDestinationPath: "../shared/pipeline.yml")
        let result = try sandbox.run(.sluice("-c", "approval on prod"))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(isSymbolicLink(manifest), "the manifest's link was replaced by a file")
        XCTAssertTrue(sandbox.read("shared/pipeline.yml")?.contains("requires_approval: true") == true)
    }

    func testAPathThatIsNotARegularFileIsNeverReplaced() throws {
        let sandbox = try sandboxWithPipeline()
        let fifo = sandbox.root.url.appendingPathComponent("pipe.sluice")
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        try FileManager.default.createDirectory(at: sandbox.root.url.appendingPathComponent("folder.sluice"),
                                                withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: sandbox.root.url.appendingPathComponent("null.sluice").path,
                                                   withDestinationPath: "/dev/null")
        for (path, what) in [("pipe.sluice", "it is a FIFO (named pipe)"), ("folder.sluice", "it is a directory"),
                             ("/dev/null", "it is a character device"), ("null.sluice", "it is a link to /dev/null, a character device")] {
            let result = try sandbox.run(.sluice("-c", "record \(path)"))
            XCTAssertEqual(result.status, 1, path)
            XCTAssertTrue(result.stderr.contains("cannot write the recording \(path): \(what), not a file; sluice writes only regular files"),
                          result.stderr)
        }
        var status = stat()
        XCTAssertEqual(lstat("/dev/null", &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFCHR, "/dev/null is no longer a device")
        XCTAssertEqual(lstat(fifo.path, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO)
        XCTAssertTrue(isSymbolicLink(sandbox.root.url.appendingPathComponent("null.sluice")))
    }

    func testRecordingOntoAFileTheSessionEditsIsRefused() throws {
        let sandbox = try sandboxWithPipeline()
        try FileManager.default.createSymbolicLink(atPath: sandbox.root.url.appendingPathComponent("alias.yml").path,
                                                   withDestinationPath: "copilot/pipeline.yml")
        for (path, what) in [("copilot/pipeline.yml", "the manifest of pipeline api-main"),
                             ("alias.yml", "the manifest of pipeline api-main"),
                             ("copilot/../copilot/buildspec.yml", "the buildspec of pipeline api-main"),
                             (".sluice/target.json", "sluice's own state")] {
            let result = try sandbox.run(.sluice("-c", "record \(path); approval on prod"))
            XCTAssertEqual(result.status, 1, path)
            XCTAssertTrue(result.stderr.hasPrefix("-c:1:8: error: \(path) is \(what): recording there would overwrite it\n"),
                          result.stderr)
        }
        XCTAssertEqual(sandbox.read("copilot/pipeline.yml"), WorkspaceSafetyTests.savedPipeline["copilot/pipeline.yml"])
        XCTAssertEqual(sandbox.read("copilot/buildspec.yml"), WorkspaceSafetyTests.savedPipeline["copilot/buildspec.yml"])

        // In a workspace with no pipeline yet, where its first one will be written.
        let fresh = try Sandbox(.quickstart)
        let result = try fresh.run(.sluice("-c", "record copilot/pipeline.yml; source set github acme/api"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("copilot/pipeline.yml is where Copilot keeps the pipeline's manifest"), result.stderr)
    }

    /// `record --cast` and `--transcript` write through the same writer: the same refusals, and a
    /// link followed to the file behind it.
    func testCastsAndTranscriptsGoThroughTheOneWriter() throws {
        let sandbox = try sandboxWithPipeline()
        for kind in ["--cast", "--transcript"] {
            let onto = try sandbox.run(.sluice("-c", "record \(kind) copilot/pipeline.yml"))
            XCTAssertEqual(onto.status, 1, onto.stderr)
            XCTAssertTrue(onto.stderr.contains("copilot/pipeline.yml is the manifest of pipeline api-main: recording there would overwrite it"),
                          onto.stderr)
            let directory = try sandbox.run(.sluice("-c", "record \(kind) copilot"))
            XCTAssertEqual(directory.status, 1, directory.stderr)
            XCTAssertTrue(directory.stderr.contains("cannot write the recording copilot: it is a directory"), directory.stderr)
        }
        try sandbox.write("", to: "notes/class.md")
        let link = sandbox.root.url.appendingPathComponent("class.md")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "notes/class.md")
        let both = try sandbox.run(.sluice("-c", "record --cast --transcript x.cast"))
        XCTAssertEqual(both.status, 2, both.stderr)
        let result = try sandbox.run(.sluice("--echo", "-c", "record --transcript class.md; say Why stages; stage ls; record stop"))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(isSymbolicLink(link), "the link was replaced by a file")
        let notes = sandbox.read("notes/class.md") ?? "(absent)"
        XCTAssertTrue(notes.contains("\nWhy stages\n\n```console\n"), notes)
        XCTAssertEqual(notes.components(separatedBy: "stage ls").count, 2, "the echoed command is in the notes once: \(notes)")
    }
}

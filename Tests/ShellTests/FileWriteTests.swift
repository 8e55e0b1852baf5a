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
            XCTAssertTrue(result.stderr.flattened.contains("cannot write the recording \(path): \(what), not a file; sluice writes only regular files"),
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
                             (".sluice/target.json", "in sluice's own state (.sluice/)")] {
            let result = try sandbox.run(.sluice("-c", "record \(path); approval on prod"))
            XCTAssertEqual(result.status, 1, path)
            XCTAssertTrue(result.stderr.flattened.hasPrefix("<command line>:1:8: error: \(path) is \(what): writing the recording there would overwrite it hint:"),
                          result.stderr)
        }
        XCTAssertEqual(sandbox.read("copilot/pipeline.yml"), WorkspaceSafetyTests.savedPipeline["copilot/pipeline.yml"])
        XCTAssertEqual(sandbox.read("copilot/buildspec.yml"), WorkspaceSafetyTests.savedPipeline["copilot/buildspec.yml"])

        // In a workspace with no pipeline yet, where its first one will be written.
        let fresh = try Sandbox(.quickstart)
        let result = try fresh.run(.sluice("-c", "record copilot/pipeline.yml; source set github acme/api"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.flattened.contains("copilot/pipeline.yml is where Copilot keeps the pipeline's manifest"), result.stderr)
    }

    // MARK: One rule for every file the user names (issue 27)

    /// The buildspec the manifest points at — saved or not —, the environments' and the workloads'
    /// manifests: files the pipeline reads are never a recording's or a picture's, by any name.
    func testNoFileThePipelineReadsIsEverWrittenAsARecordingOrAPicture() throws {
        let sandbox = try sandboxWithPipeline()
        try sandbox.write("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n", to: "buildspec.yml")
        let before = sandbox.snapshot().filter { $0.key.hasPrefix("copilot/environments/") || $0.key.hasPrefix("copilot/api/") }
        for (script, located, message) in [
            ("build buildspec buildspec.yml; save; record buildspec.yml", "<command line>:1:45",
             "buildspec.yml is the buildspec pipeline api-main runs in its build: writing the recording there would overwrite it"),
            ("build buildspec buildspec.yml; record ./buildspec.yml", "<command line>:1:39",
             "./buildspec.yml is the buildspec pipeline api-main runs in its build: writing the recording there would overwrite it"),
            ("record copilot/environments/test/manifest.yml", "<command line>:1:8",
             "copilot/environments/test/manifest.yml is the manifest of environment test: writing the recording there would overwrite it"),
            ("record copilot/api/manifest.yml", "<command line>:1:8",
             "copilot/api/manifest.yml is the manifest of workload api: writing the recording there would overwrite it"),
            ("export graph copilot/environments/prod/addons/picture.svg", "<command line>:1:14",
             "copilot/environments/prod/addons/picture.svg is in the addons of environment prod: writing the picture there would overwrite it"),
            ("export graph .sluice/g.svg", "<command line>:1:14",
             ".sluice/g.svg is in sluice's own state (.sluice/): writing the picture there would overwrite it"),
        ] {
            try assertRefused(script, in: sandbox, "\(located): error: \(message)\n")
        }
        XCTAssertEqual(sandbox.snapshot().filter { $0.key.hasPrefix("copilot/environments/") || $0.key.hasPrefix("copilot/api/") }, before)
        XCTAssertNil(sandbox.read(".sluice/g.svg"))
        XCTAssertEqual(sandbox.read("buildspec.yml"), "version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    }

    /// A recording in progress is not overwritten by a picture; and when an edit makes the recording's
    /// path a file the pipeline reads, the recording stops writing there, at that edit.
    func testTheRecordingInProgressIsNotOverwrittenAndStopsWhereThePipelineReads() throws {
        let sandbox = try sandboxWithPipeline()
        try assertRefused("record --all g.svg; approval on prod; export graph g.svg", in: sandbox,
                          "<command line>:1:52: error: g.svg is a recording in progress: writing the picture there would overwrite it\n")
        try assertRefused("record steps.yml; approval on prod; build buildspec steps.yml", in: sandbox,
                          "<command line>:1:37: error: steps.yml is the buildspec pipeline api-main runs in its build: writing the recording there would overwrite it\n")
    }

    /// `script` fails (status 1) with `error` on stderr.
    private func assertRefused(_ script: String, in sandbox: Sandbox, _ error: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try sandbox.run(.sluice("-c", script))
        XCTAssertEqual(result.status, 1, script, file: file, line: line)
        // Read flattened: what is said, whatever the width wraps.
        XCTAssertTrue(result.stderr.flattened.contains(error.flattened), "\(script):\n\(result.stderr)", file: file, line: line)
    }

    /// sluice makes no directory for a file the user names: not for a missing one, not where a dangling link leads.
    func testNoDirectoryIsEverMadeForANamedFile() throws {
        let sandbox = try sandboxWithPipeline()
        try assertRefused("record nodir/x.sluice", in: sandbox, "<command line>:1:8: error: cannot write the recording nodir/x.sluice: there is no directory nodir\n")
        try assertRefused("export graph no/such/g.dot", in: sandbox, "<command line>:1:14: error: cannot write the picture no/such/g.dot: there is no directory no/such\n")
        // A link to a file in directories that do not exist (at the file system's root, in the issue).
        let away = sandbox.home.url.appendingPathComponent("missing/deeper/x.sluice")
        try FileManager.default.createSymbolicLink(atPath: sandbox.root.url.appendingPathComponent("link.sluice").path,
                                                   withDestinationPath: away.path)
        try assertRefused("record link.sluice", in: sandbox, "<command line>:1:8: error: cannot write the recording link.sluice: there is no directory ")
        for directory in ["nodir", "no"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.url.appendingPathComponent(directory).path), directory)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.home.url.appendingPathComponent("missing").path))
    }

    /// `record --cast` and `--transcript` write through the same writer: the same refusals, and a
    /// link followed to the file behind it.
    func testCastsAndTranscriptsGoThroughTheOneWriter() throws {
        let sandbox = try sandboxWithPipeline()
        for kind in ["--cast", "--transcript"] {
            let column = 9 + kind.count
            try assertRefused("record \(kind) copilot/pipeline.yml", in: sandbox,
                              "<command line>:1:\(column): error: copilot/pipeline.yml is the manifest of pipeline api-main: writing the recording there would overwrite it\n")
            // Written again after the entry, it is refused at the entry's last command, and stopped.
            let later = try sandboxWithPipeline().run(.sluice("-c", "record \(kind) steps.yml; approval on prod; build buildspec steps.yml"))
            XCTAssertTrue(later.stderr.flattened.contains("<command line>:1:\(column + 29): error: steps.yml is the buildspec pipeline api-main runs in its build: writing the recording there would overwrite it"),
                          later.stderr)
            let directory = try sandbox.run(.sluice("-c", "record \(kind) copilot"))
            XCTAssertEqual(directory.status, 1, directory.stderr)
            XCTAssertTrue(directory.stderr.flattened.contains("cannot write the recording copilot: it is a directory"), directory.stderr)
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

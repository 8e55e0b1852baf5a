import Foundation
import XCTest
import TestSupport
@testable import Manifest

final class SaveTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory("sluice-save") }
    override func tearDown() { directory.remove() }
    private var files: WorkspaceFiles { WorkspaceFiles(root: directory.url) }

    func testSaveRefusesToOverwriteAFileChangedOnDisk() throws {
        let url = directory.url.appendingPathComponent("pipeline.yml")
        try copilotTemplate.write(to: url, atomically: false, encoding: .utf8)
        var document = try ManifestDocument.load(contentsOf: url)
        let theirs = copilotTemplate.replacingOccurrences(of: "branch: main", with: "branch: theirs")
        try theirs.write(to: url, atomically: false, encoding: .utf8)
        let error = manifestError { try document.save(in: files) }
        XCTAssertEqual(error?.message, "the file changed on disk since sluice loaded it; saving would overwrite that change; nothing was saved")
        XCTAssertEqual(error?.hint, "`reload` to read the file again (your unsaved edits are dropped), then repeat them")
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), theirs)
        let reloaded = try document.reloaded()
        XCTAssertEqual(reloaded.manifest.source.properties.branch, "theirs")
    }

    func testANewDocumentCreatesItsFileButNeverReplacesOneThatAppeared() throws {
        let url = directory.url.appendingPathComponent("copilot/pipelines/x/manifest.yml")
        var document = try ManifestDocument(text: copilotTemplate, path: url)
        try document.save(in: files)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), copilotTemplate)
        XCTAssertFalse(document.hasUnsavedChanges)
        var other = try ManifestDocument(text: "name: other\nversion: 1\n", path: url)
        XCTAssertEqual(manifestError { try other.save(in: files) }?.message,
                       "the file was created by someone else since sluice started this pipeline; nothing was saved")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        XCTAssertEqual(leftovers, ["manifest.yml"], "no temporary files stay behind")
    }

    func testSaveKeepsTheFilesPermissions() throws {
        let url = directory.url.appendingPathComponent("pipeline.yml")
        try copilotTemplate.write(to: url, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: url.path)
        var document = try ManifestDocument.load(contentsOf: url)
        try AtomicFile.write(Data("name: changed\n".utf8), to: url)
        document = try document.reloaded()
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, 0o640)
        XCTAssertEqual(document.manifest.name, "changed")
    }
}

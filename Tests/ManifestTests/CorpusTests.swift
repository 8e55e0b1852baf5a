import Foundation
import XCTest
import TestSupport
@testable import Manifest

final class CorpusTests: XCTestCase {
    func testEveryManifestLoadsAndEveryBuildspecIsRejectedWithALocation() throws {
        let files = try PipelineCorpusFile.all()
        XCTAssertGreaterThan(files.count, 60)
        for file in files {
            if file.isManifest {
                XCTAssertNoThrow(try ManifestDocument.load(contentsOf: file.url), file.name)
            } else {
                // A buildspec is a mapping too, but its `version: 0.2` and `phases:` are no manifest's.
                let error = manifestError { _ = try ManifestDocument.load(contentsOf: file.url) }
                XCTAssertGreaterThan(error?.line ?? 0, 0, "\(file.name): \(error?.description ?? "")")
                XCTAssertGreaterThan(error?.column ?? 0, 0, file.name)
            }
        }
    }

    func testLoadThenSaveWithoutEditIsByteIdentical() throws {
        let directory = try TemporaryDirectory("sluice-corpus")
        defer { directory.remove() }
        for (number, file) in try PipelineCorpusFile.all().enumerated() where file.isManifest {
            let original = try Data(contentsOf: file.url)
            let loaded = try ManifestDocument.load(contentsOf: file.url)
            let copy = directory.url.appendingPathComponent("\(number).yml")
            var written = try ManifestDocument(text: loaded.text, path: copy)
            try written.save(in: WorkspaceFiles(root: directory.url))
            XCTAssertEqual(try Data(contentsOf: copy), original, file.name)
        }
    }
}

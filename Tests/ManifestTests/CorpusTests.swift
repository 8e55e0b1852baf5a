import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// One file of ../shared/data/pipeline-corpus as INDEX.tsv describes it.
struct CorpusFile {
    let url: URL
    let name: String
    /// `legacy-pipeline.yml`, `pipelines-manifest` or `buildspec`.
    let kind: String

    var isManifest: Bool { kind != "buildspec" }

    /// Every file INDEX.tsv lists, or nil (after skipping or failing the test) when the corpus is absent.
    static func all() throws -> [CorpusFile] {
        let directory: URL
        switch SharedData.locate("pipeline-corpus") {
        case .success(let url): directory = url
        case .failure(let missing):
            if SharedData.isCI { XCTFail(missing.description); return [] }
            throw XCTSkip(missing.description)
        }
        let index = try String(contentsOf: directory.appendingPathComponent("INDEX.tsv"), encoding: .utf8)
        return index.split(separator: "\n").dropFirst().map { row in
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return CorpusFile(url: directory.appendingPathComponent(columns[0]), name: columns[0], kind: columns[5])
        }
    }
}

final class CorpusTests: XCTestCase {
    func testEveryManifestLoadsAndEveryBuildspecIsRejectedWithALocation() throws {
        let files = try CorpusFile.all()
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
        for (number, file) in try CorpusFile.all().enumerated() where file.isManifest {
            let original = try Data(contentsOf: file.url)
            let loaded = try ManifestDocument.load(contentsOf: file.url)
            let copy = directory.url.appendingPathComponent("\(number).yml")
            var written = try ManifestDocument(text: loaded.text, path: copy)
            try written.save()
            XCTAssertEqual(try Data(contentsOf: copy), original, file.name)
        }
    }
}

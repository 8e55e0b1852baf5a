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

    /// The corpus files that are not valid, and why; every other manifest validates with no finding
    /// except the listed warnings. (Line:column, severity, start of the message.)
    static let expectedFindings: [String: [String]] = [
        "DaviRolim__kalah_backend/copilot__pipeline.yml":
            ["6:7 error: pipeline name pipeline-kalah-backend-kalah_backend must start with a letter"],
        "Y-Fujikawa__sample_aws_copilot/copilot__pipeline.yml":
            ["4:7 error: pipeline name pipeline-sample-aws-copilot-Y-Fujikawa-sample_aws_copilot must start with a letter"],
        "bperin__amastay/copilot__pipelines__amastay-master__manifest.yml": [
            "9:10 error: version 3 is not supported",
            "20:21 error: connection_arn amastay_github_connection is not a CodeStar Connections ARN",
        ],
        "rababahmed__fondoo/api__copilot__pipeline.yml":
            ["19:17 error: repository https://github.com/rababahmed/tezzbites/tree/prod/api is not a GitHub repository URL"],
        "Abid-MadeTech__hard-to-heat-homes-pipeline/copilot__pipelines__pipeline__manifest.yml":
            ["32:1 warning: secrets is not a pipeline manifest setting"],
        "bperin__amastay/copilot__pipelines__scraper__manifest.yml": [
            "24:5 warning: stages[1].deploy is not a pipeline manifest setting",
            "30:5 warning: stages[2].deploy is not a pipeline manifest setting",
            "36:5 warning: stages[3].deploy is not a pipeline manifest setting",
        ],
        "bperin__amastay/copilot__pipelines__amastay-master__manifest.yml@867bedf": [
            "32:9 warning: stages[0].deployments.deploy-env.release is not a pipeline manifest setting",
            "45:9 warning: stages[1].deployments.deploy-env.release is not a pipeline manifest setting",
            "58:9 warning: stages[2].deployments.deploy-env.release is not a pipeline manifest setting",
        ],
    ]

    func testValidManifestsValidateAndInvalidOnesSayWhereAndWhy() throws {
        let files = try PipelineCorpusFile.all().filter(\.isManifest)
        XCTAssertEqual(Set(Self.expectedFindings.keys).subtracting(files.map(\.name)), [], "every listed file exists")
        for file in files {
            let findings = PipelineValidator().validate(try ManifestDocument.load(contentsOf: file.url))
            let expected = Self.expectedFindings[file.name] ?? []
            XCTAssertEqual(findings.count, expected.count, "\(file.name): \(findings)")
            for (finding, prefix) in zip(findings, expected) {
                let location = finding.location.map { "\($0.line):\($0.column)" } ?? "-"
                let summary = "\(location) \(finding.severity.rawValue): \(finding.message)"
                XCTAssertTrue(summary.hasPrefix(prefix), "\(file.name): \(summary)")
                XCTAssertNotNil(finding.hint, file.name)
            }
        }
    }
}

import Foundation
import XCTest
import TestSupport
import Manifest
@testable import CopilotRules

final class PipelineValidatorTests: XCTestCase {
    func testTheBaseManifestIsValid() throws {
        XCTAssertEqual(try findings(validManifest), [])
        let validated = try XCTUnwrap(try validation(validManifest).manifest)
        XCTAssertEqual(validated.manifest.name, "shop")
    }

    func testDiagnosticsPrintLikeACompiler() throws {
        let document = try ManifestDocument(text: replacing("version: 1", "version: 2"),
                                            path: URL(fileURLWithPath: "copilot/pipeline.yml", relativeTo: URL(fileURLWithPath: "/w")))
        XCTAssertEqual(PipelineValidator().validate(document).diagnostics.map {
            $0.problem.lines(severity: $0.severity.rawValue).joined(separator: "\n")
        }, ["copilot/pipeline.yml:2:10: error: version 2 is not supported; Copilot knows only version 1\n  hint: write `version: 1`"])
    }

    /// Findings come in file order, whichever rule made them; each rule's own order among equals.
    func testFindingsAreInFileOrder() throws {
        let text = replacing("name: shop", "name: 9shop").replacingOccurrences(of: "version: 1", with: "version: 3")
            + "\n    deploy: []\n  - name: test"
        XCTAssertEqual(try findings(text).map { String($0.prefix(5)) }, ["1:7 e", "2:10 ", "9:5 w", "10:11"])
    }

    /// A manifest asked for as a validated one says why it is not.
    func testAnInvalidManifestHasNoValidatedOne() throws {
        let invalid = try validation(replacing("version: 1", "version: 2"))
        XCTAssertNil(invalid.manifest)
        XCTAssertThrowsError(try invalid.validated()) { error in
            XCTAssertEqual((error as? InvalidManifest)?.problem.message, "<input>: version 2 is not supported; Copilot knows only version 1")
        }
        let twice = try validation(replacing("version: 1", "version: 2").replacingOccurrences(of: "provider: GitHub", with: "provider: GitLab"))
        XCTAssertThrowsError(try twice.validated()) { error in
            XCTAssertEqual((error as? InvalidManifest)?.problem.message,
                           "<input> has 2 errors, the first: version 2 is not supported; Copilot knows only version 1")
        }
    }

    /// A manifest made in code is checked by the same rules; its findings have no location.
    func testAManifestMadeInCodeIsCheckedAlike() {
        let manifest = PipelineManifest(name: "p", source: Source(provider: .gitHub, properties: SourceProperties(repository: "acme/shop")),
                                        stages: [Stage(name: "test", testCommands: ["make test"],
                                                       postDeployments: [DeploymentAction(name: "smoke", buildspec: "s.yml")])])
        let found = PipelineValidator().validate(manifest)
        XCTAssertEqual(found.diagnostics.map(\.constraint), [.stage(.testCommandsAndPostDeployments(stage: "test"))])
        XCTAssertEqual(found.diagnostics.map(\.location), [nil])
        XCTAssertNil(found.manifest)
    }

    /// The corpus files that are not valid, and why; every other manifest validates with no finding
    /// except the listed warnings. (Line:column, severity, start of the message.)
    static let expectedCorpusFindings: [String: [String]] = [
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

    func testCorpusManifestsValidateAndInvalidOnesSayWhereAndWhy() throws {
        let files = try PipelineCorpusFile.all().filter(\.isManifest)
        XCTAssertEqual(Set(Self.expectedCorpusFindings.keys).subtracting(files.map(\.name)), [], "every listed file exists")
        for file in files {
            let found = PipelineValidator().validate(try ManifestDocument.load(contentsOf: file.url))
            let expected = Self.expectedCorpusFindings[file.name] ?? []
            XCTAssertEqual(found.diagnostics.count, expected.count, "\(file.name): \(found.diagnostics)")
            XCTAssertEqual(found.manifest == nil, expected.contains { $0.contains(" error: ") }, file.name)
            for (finding, prefix) in zip(found.diagnostics, expected) {
                let location = finding.location.map { "\($0.line):\($0.column)" } ?? "-"
                let summary = "\(location) \(finding.severity.rawValue): \(finding.message)"
                XCTAssertTrue(summary.hasPrefix(prefix), "\(file.name): \(summary)")
                XCTAssertNotNil(finding.hint, file.name)
            }
        }
    }
}

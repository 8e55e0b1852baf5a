import XCTest
import Manifest
@testable import CopilotRules

final class FieldGuideTests: XCTestCase {
    /// A manifest with every field Copilot reads: the reader knows each key, and the guide has words for each.
    static let everyField = """
        name: shop
        version: 1
        source:
          provider: GitHub
          properties:
            repository: https://github.com/acme/shop
            branch: main
            connection_name: shop-connection
            connection_arn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
            access_token_secret: gh-token
            output_artifact_format: CODE_ZIP
        build:
          image: aws/codebuild/amazonlinux2-x86_64-standard:5.0
          buildspec: copilot/buildspec.yml
          additional_policy:
            PolicyDocument:
              Version: 2012-10-17
              Statement: []
        stages:
          - name: test
            requires_approval: true
            test_commands: [make test]
            deployments:
              api:
                stack_name: shop-test-api
                template_path: infrastructure/api-test.stack.yml
                template_config: infrastructure/api-test.params.json
                depends_on: [db]
              db:
            pre_deployments:
              migrate:
                buildspec: migrate.yml
                depends_on: []
          - name: prod
            post_deployments:
              smoke:
                buildspec: smoke.yml
                depends_on: []
        """

    func testTheGuideHasWordsForEveryFieldTheReaderKnows() throws {
        XCTAssertEqual(try ManifestDocument(text: Self.everyField).unknownKeys, [])
        for entry in try YAMLOutline(text: Self.everyField, file: "<input>").entries
        where !(entry.path.last ?? "").hasPrefix("[") && !FieldGuide.manifest.isInsideFreeForm(entry.path) {
            XCTAssertNotNil(FieldGuide.manifest.field(at: entry.path), entry.path.joined(separator: "."))
        }
        XCTAssertNil(FieldGuide.manifest.field(at: ["stages", "[0]", "deploy"]))
    }

    /// Names in the guide's words are the rule book's.
    func testTheGuideSaysCopilotsNames() throws {
        let stageName = try XCTUnwrap(FieldGuide.manifest.field(at: ["stages", "[1]", "name"]))
        XCTAssertTrue(stageName.meaning.contains(StageName.deploy("NAME")), stageName.meaning)
        let name = try XCTUnwrap(FieldGuide.manifest.field(at: ["name"]))
        XCTAssertTrue(name.meaning.contains(StackNames.pipeline(application: "APP", pipeline: "NAME")), name.meaning)
    }

    func testAbsentFieldsAreTheOptionalOnesUnderAMapping() {
        XCTAssertEqual(FieldGuide.manifest.optionalFields(under: ["source", "properties"]).map(\.name),
                       ["source.properties.branch", "source.properties.connection_name", "source.properties.output_artifact_format"])
        XCTAssertTrue(FieldGuide.manifest.isInsideFreeForm(["build", "additional_policy", "PolicyDocument", "Statement"]))
    }
}

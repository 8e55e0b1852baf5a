import Foundation
import XCTest
import TestSupport
@testable import Manifest

final class LoadTests: XCTestCase {
    func testReadsCopilotsTemplate() throws {
        let document = try ManifestDocument(text: copilotTemplate, path: URL(fileURLWithPath: "copilot/pipeline.yml"))
        XCTAssertEqual(document.manifest, PipelineManifest(
            name: "demo", version: 1,
            source: Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/acme/demo", branch: "main")),
            stages: [Stage(name: "test"), Stage(name: "prod")]))
        XCTAssertEqual(document.locations.key("stages[1].name"), SourceLocation(line: 32, column: 7))
        XCTAssertEqual(document.locations.value("source.properties.repository"), SourceLocation(line: 19, column: 17))
    }

    func testReadsEveryField() throws {
        let text = """
            name: full
            version: 1
            source:
              provider: CodeCommit
              properties:
                repository: https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop
                branch: trunk
                access_token_secret: token
                connection_name: conn
                connection_arn: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc
                output_artifact_format: CODEBUILD_CLONE_REF
            build:
              image: aws/codebuild/standard:7.0
              buildspec: copilot/pipelines/full/buildspec.yml
              additional_policy:
                PolicyDocument:
                  Version: 2012-10-17
                  Statement:
                    - Effect: Allow
                      Action: [s3:GetObject]
                      Resource: '*'
            stages:
              - name: test
                requires_approval: yes
                test_commands: [make test, 'echo "ok"']
                deployments:
                  api:
                  web:
                    stack_name: shop-test-web
                    template_path: infrastructure/web-test.stack.yml
                    template_config: infrastructure/web-test.params.json
                    depends_on: [api]
                pre_deployments:
                  migrate:
                    buildspec: copilot/pipelines/full/migrate.yml
                post_deployments:
                  smoke:
                    buildspec: smoke.yml
                    depends_on:
                      - migrate
            """
        let manifest = try ManifestDocument(text: text).manifest
        XCTAssertEqual(manifest.source.provider, .codeCommit)
        XCTAssertEqual(manifest.source.properties, SourceProperties(
            repository: "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop", branch: "trunk",
            accessTokenSecret: "token", connectionName: "conn",
            connectionARN: "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc",
            outputArtifactFormat: "CODEBUILD_CLONE_REF"))
        XCTAssertEqual(manifest.build?.image, "aws/codebuild/standard:7.0")
        XCTAssertEqual(manifest.build?.buildspec, "copilot/pipelines/full/buildspec.yml")
        // YAML 1.1 would make this a date; it stays the text the user wrote.
        XCTAssertEqual(manifest.build?.additionalPolicy?["Version"], .scalar("2012-10-17"))
        XCTAssertEqual(manifest.build?.additionalPolicy?["Statement"], .sequence([.mapping([
            .init(key: "Effect", value: .scalar("Allow")),
            .init(key: "Action", value: .sequence([.scalar("s3:GetObject")])),
            .init(key: "Resource", value: .scalar("*")),
        ])]))
        XCTAssertEqual(manifest.stages, [Stage(
            name: "test", requiresApproval: true, testCommands: ["make test", "echo \"ok\""],
            deployments: [Deployment(name: "api"),
                          Deployment(name: "web", stackName: "shop-test-web", templatePath: "infrastructure/web-test.stack.yml",
                                     templateConfig: "infrastructure/web-test.params.json", dependsOn: ["api"])],
            preDeployments: [DeploymentAction(name: "migrate", buildspec: "copilot/pipelines/full/migrate.yml")],
            postDeployments: [DeploymentAction(name: "smoke", buildspec: "smoke.yml", dependsOn: ["migrate"])])])
    }

    func testYAMLSyntaxErrorsAreLocated() {
        let error = manifestError { _ = try ManifestDocument(text: "name: x\nstages:\n  - name: test\n   bad: [\n",
                                                           path: URL(fileURLWithPath: "copilot/pipeline.yml", relativeTo: URL(fileURLWithPath: "/w"))) }
        XCTAssertEqual(error?.file, "copilot/pipeline.yml")
        XCTAssertEqual(error?.line, 4)
        XCTAssertTrue(error?.problem.lines().first?.hasPrefix("copilot/pipeline.yml:4:") == true, error?.description ?? "")
        XCTAssertNotNil(error?.hint)
    }

    func testSchemaErrorsAreLocated() {
        let cases: [(String, String)] = [
            ("name: x\nversion: one\n", "<input>:2:10: error: version must be a whole number, not \"one\""),
            ("name: x\nstages:\n  test: {}\n", "<input>:3:3: error: stages must be a list of environments"),
            ("name: x\nstages:\n  - name: [a]\n", "<input>:3:11: error: name must be a single value, not a list"),
            ("name: x\nstages:\n  - name: t\n    requires_approval: maybe\n", "<input>:4:24: error: requires_approval must be true or false, not \"maybe\""),
            ("name: x\nstages:\n  - name: t\n    test_commands: make test\n", "<input>:4:20: error: test_commands must be a list"),
            ("name: x\nstages:\n  - name: a\n    name: b\n", "<input>:3:5: error: name appears more than once in the same mapping"),
            ("", "<input>:1:1: error: the manifest is empty"),
            ("- a\n", "<input>:1:1: error: the manifest must be a mapping of keys to values"),
            ("version: 0.2\nphases:\n  build:\n    commands: [make]\n", "<input>:2:1: error: this is a CodeBuild buildspec, not a pipeline manifest"),
        ]
        for (text, expected) in cases {
            let error = manifestError { _ = try ManifestDocument(text: text) }
            XCTAssertEqual(error?.problem.lines().first, expected, text)
        }
    }

    func testUnknownKeysLoadAndAreListed() throws {
        let document = try ManifestDocument(text: "name: x\nversion: 1\nsecrets:\n  A: b\nstages:\n  - name: t\n    deploy: []\n")
        XCTAssertEqual(document.unknownKeys, [UnknownKey(path: "secrets", location: SourceLocation(line: 3, column: 1)),
                                              UnknownKey(path: "stages[0].deploy", location: SourceLocation(line: 7, column: 5))])
    }
}

import Errors
import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// Each edit on Copilot's template: the exact lines it changes, what it leaves alone, and convergence.
final class EditTests: XCTestCase {
    private func template() throws -> ManifestDocument { try ManifestDocument(text: copilotTemplate) }

    /// Asserts that going from `before` to `after` removed exactly `removed` lines and added exactly `added`.
    private func assertDiff(_ before: ManifestDocument, _ after: ManifestDocument, removed: [String], added: [String],
                            file: StaticString = #filePath, line: UInt = #line) {
        let diff = changedLines(from: before.text, to: after.text)
        // Sorted: where repeated lines (Copilot's comments) align is the diff's choice, not the edit's.
        XCTAssertEqual(diff.removed.sorted(), removed.sorted(), "removed lines", file: file, line: line)
        XCTAssertEqual(diff.added.sorted(), added.sorted(), "added lines", file: file, line: line)
    }

    func testAddStageCopiesCopilotsItemStyleAndConverges() throws {
        let original = try template()
        var document = original
        XCTAssertTrue(try document.addStage("staging", at: .after("test")))
        assertDiff(original, document, removed: [], added: [
            "    - # The name of the environment.",
            "      name: staging",
            "      # Optional: flag for manual approval action before deployment.",
            "      # requires_approval: true",
            "      # Optional: use test commands to validate this stage of your build.",
            "      # test_commands: [echo 'running tests', make test]",
        ])
        XCTAssertEqual(document.manifest.stages.map(\.name), ["test", "staging", "prod"])
        XCTAssertFalse(try document.addStage("staging", at: .after("test")), "the same line twice converges")
        XCTAssertFalse(try document.addStage("staging"), "a script re-run adding the stage again converges")
        XCTAssertEqual(manifestError { _ = try document.addStage("staging", at: .before("test")) }?.message,
                       "stage staging already exists, elsewhere in the order")
        XCTAssertTrue(try document.removeStage("staging"))
        XCTAssertEqual(document.text, original.text)
    }

    func testAddStageAtTheEndAndInACompactFile() throws {
        var document = try ManifestDocument(text: "name: x\nversion: 1\nstages:\n  - name: test\n    test_commands:\n      - make\n")
        XCTAssertTrue(try document.addStage("prod"))
        XCTAssertEqual(document.text, "name: x\nversion: 1\nstages:\n  - name: test\n    test_commands:\n      - make\n  - name: prod\n")
        XCTAssertTrue(try document.addStage("dev", at: .before("test")))
        XCTAssertEqual(document.manifest.stages.map(\.name), ["dev", "test", "prod"])
        XCTAssertTrue(document.text.hasPrefix("name: x\nversion: 1\nstages:\n  - name: dev\n  - name: test\n"))
    }

    func testTheFirstStageOfAFileWithoutStagesFollowsCopilotsTemplate() throws {
        var document = try ManifestDocument(text: "name: x\nversion: 1\n")
        XCTAssertTrue(try document.addStage("test"))
        XCTAssertEqual(document.text, """
            name: x
            version: 1

            # This section defines the order of the environments your pipeline will deploy to.
            stages:
            \(copilotStageItem("test"))
            """)
        var empty = try ManifestDocument(text: "name: x\nstages: []\n")
        XCTAssertTrue(try empty.addStage("test"))
        XCTAssertEqual(empty.manifest.stages.map(\.name), ["test"])
    }

    func testRemoveAndMoveKeepBlankLineSeparation() throws {
        let text = "stages:\n  - name: a\n\n  - name: b\n\n  - name: c\n# trailing comment\n"
        var document = try ManifestDocument(text: text)
        XCTAssertTrue(try document.removeStage("c"))
        XCTAssertEqual(document.text, "stages:\n  - name: a\n\n  - name: b\n# trailing comment\n")
        document = try ManifestDocument(text: text)
        XCTAssertTrue(try document.removeStage("a"))
        XCTAssertEqual(document.text, "stages:\n  - name: b\n\n  - name: c\n# trailing comment\n")
        document = try ManifestDocument(text: text)
        XCTAssertTrue(try document.moveStage("c", to: .before("a")))
        XCTAssertEqual(document.text, "stages:\n  - name: c\n\n  - name: a\n\n  - name: b\n# trailing comment\n")
        XCTAssertTrue(try document.moveStage("c", to: .end))
        XCTAssertEqual(document.text, text)
        XCTAssertFalse(try document.moveStage("b", to: .after("a")))
        XCTAssertEqual(manifestError { _ = try document.moveStage("b", to: .after("b")) }?.message,
                       "a stage cannot be placed relative to itself")
    }

    func testMoveCarriesTheStagesLinesAndComments() throws {
        let original = try template()
        var document = original
        XCTAssertTrue(try document.setApproval(true, stage: "prod"))
        XCTAssertTrue(try document.moveStage("prod", to: .before("test")))
        XCTAssertEqual(document.manifest.stages, [Stage(name: "prod", requiresApproval: true), Stage(name: "test")])
        XCTAssertTrue(try document.moveStage("test", to: .before("prod")))
        XCTAssertTrue(try document.setApproval(false, stage: "prod"))
        XCTAssertEqual(document.text, original.text)
    }

    func testApprovalUncommentsCopilotsLineAndCommentsItBackOut() throws {
        let original = try template()
        var document = original
        XCTAssertTrue(try document.setApproval(true, stage: "prod"))
        assertDiff(original, document, removed: ["      # requires_approval: true"], added: ["      requires_approval: true"])
        XCTAssertFalse(try document.setApproval(true, stage: "prod"))
        XCTAssertTrue(try document.setApproval(false, stage: "prod"))
        XCTAssertEqual(document.text, original.text)

        var plain = try ManifestDocument(text: "stages:\n  - name: prod\n    requires_approval: false # not yet\n")
        XCTAssertTrue(try plain.setApproval(true, stage: "prod"))
        XCTAssertEqual(plain.text, "stages:\n  - name: prod\n    requires_approval: true # not yet\n")
        var bare = try ManifestDocument(text: "stages:\n  - name: prod\n")
        XCTAssertTrue(try bare.setApproval(true, stage: "prod"))
        XCTAssertEqual(bare.text, "stages:\n  - name: prod\n    requires_approval: true\n")
    }

    /// Every edit of a stage the pipeline lacks throws the one error, with its suggestion; the document is unchanged.
    func testMissingStagesAreTheOneError() throws {
        var document = try template()
        let before = document.text
        let edits: [(inout ManifestDocument) throws -> Bool] = [
            { try $0.setApproval(true, stage: "qa") }, { try $0.removeStage("qa") }, { try $0.moveStage("qa", to: .after("test")) },
            { try $0.addStage("staging", at: .before("qa")) }, { try $0.addTestCommand("make", stage: "qa") },
            { try $0.addDeployment(Deployment(name: "api"), stage: "qa") }, { try $0.removeAction(named: "a", .pre, stage: "qa") },
        ]
        for edit in edits {
            XCTAssertThrowsError(try edit(&document)) { error in
                XCTAssertEqual(error as? NoSuchStage, NoSuchStage(name: "qa", stages: ["test", "prod"]))
            }
        }
        XCTAssertEqual(document.text, before)
        XCTAssertEqual(NoSuchStage(name: "qa", stages: ["test", "prod"]).problem, Problem("no stage qa in the pipeline", hint: "stages are: test, prod"))
        XCTAssertEqual(NoSuchStage(name: "prd", stages: ["test", "prod"]).problem.hint, "did you mean 'prod'?")
        XCTAssertThrowsError(try document.manifest.requiredStage("qa")) { XCTAssertEqual($0 as? NoSuchStage, NoSuchStage(name: "qa", stages: ["test", "prod"])) }
    }

    func testTestCommandsInBlockAndFlowStyle() throws {
        let original = try template()
        var document = original
        XCTAssertTrue(try document.addTestCommand("make test", stage: "test"))
        assertDiff(original, document, removed: ["      # test_commands: [echo 'running tests', make test]"],
                   added: ["      test_commands:", "        - make test"])
        XCTAssertTrue(try document.addTestCommand("echo \"woo! Tests passed\"", stage: "test"))
        XCTAssertFalse(try document.addTestCommand("make test", stage: "test"))
        XCTAssertEqual(document.manifest.stages[0].testCommands, ["make test", "echo \"woo! Tests passed\""])
        XCTAssertTrue(document.text.contains("        - make test\n        - echo \"woo! Tests passed\"\n    - # The name of the environment.\n      name: prod\n"))
        XCTAssertTrue(try document.removeTestCommand(at: 1, stage: "test"))
        XCTAssertEqual(document.manifest.stages[0].testCommands, ["echo \"woo! Tests passed\""])
        XCTAssertEqual(manifestError { _ = try document.removeTestCommand(at: 2, stage: "test") }?.message,
                       "stage test has 1 test command; there is no number 2")
        XCTAssertTrue(try document.removeTestCommand(at: 1, stage: "test"))
        XCTAssertFalse(document.text.contains("test_commands:\n"))

        var flow = try ManifestDocument(text: "stages:\n  - name: t\n    test_commands: [make, 'a: b'] # keep\n")
        XCTAssertTrue(try flow.addTestCommand("make lint, twice", stage: "t"))
        XCTAssertEqual(flow.text, "stages:\n  - name: t\n    test_commands: [make, 'a: b', 'make lint, twice'] # keep\n")
        XCTAssertTrue(try flow.removeTestCommand(at: 1, stage: "t"))
        XCTAssertEqual(flow.manifest.stages[0].testCommands, ["a: b", "make lint, twice"])
    }

    func testDeploymentsAndActions() throws {
        let original = try template()
        var document = original
        let web = Deployment(name: "web", stackName: "demo-test-web", templatePath: "infrastructure/web-test.stack.yml",
                             templateConfig: "infrastructure/web-test.params.json", dependsOn: ["api"])
        XCTAssertTrue(try document.addDeployment(Deployment(name: "api"), stage: "test"))
        XCTAssertTrue(try document.addDeployment(web, stage: "test"))
        XCTAssertFalse(try document.addDeployment(web, stage: "test"))
        XCTAssertTrue(try document.addAction(DeploymentAction(name: "migrate", buildspec: "copilot/migrate.yml"), .pre, stage: "test"))
        XCTAssertTrue(try document.addAction(DeploymentAction(name: "smoke", buildspec: "smoke.yml", dependsOn: ["migrate"]), .post, stage: "test"))
        assertDiff(original, document, removed: [], added: [
            "      deployments:",
            "        api:",
            "        web:",
            "          stack_name: demo-test-web",
            "          template_path: infrastructure/web-test.stack.yml",
            "          template_config: infrastructure/web-test.params.json",
            "          depends_on:",
            "            - api",
            "      pre_deployments:",
            "        migrate:",
            "          buildspec: copilot/migrate.yml",
            "      post_deployments:",
            "        smoke:",
            "          buildspec: smoke.yml",
            "          depends_on:",
            "            - migrate",
        ])
        XCTAssertEqual(document.manifest.stages[0].deployments, [Deployment(name: "api"), web])
        var changed = web
        changed.dependsOn = []
        XCTAssertTrue(try document.addDeployment(changed, stage: "test"))
        XCTAssertEqual(document.manifest.stages[0].deployments, [Deployment(name: "api"), changed])
        XCTAssertEqual(manifestError { _ = try document.removeDeployment(named: "db", stage: "test") }?.message,
                       "stage test has no deployment named db; deployments are: api, web")
        XCTAssertTrue(try document.removeDeployment(named: "web", stage: "test"))
        XCTAssertTrue(try document.removeDeployment(named: "api", stage: "test"))
        XCTAssertTrue(try document.removeAction(named: "migrate", .pre, stage: "test"))
        XCTAssertTrue(try document.removeAction(named: "smoke", .post, stage: "test"))
        XCTAssertEqual(document.text, original.text)
    }

    func testSourceEditsReplaceValuesInPlace() throws {
        let original = try template()
        var document = original
        XCTAssertTrue(try document.setSource(provider: .gitHub, repository: "https://github.com/acme/shop", branch: "release",
                                             connectionName: "acme-github"))
        assertDiff(original, document,
                   removed: ["    branch: main", "    repository: https://github.com/acme/demo", "    # connection_name: a-connection"],
                   added: ["    branch: release", "    repository: https://github.com/acme/shop", "    connection_name: acme-github"])
        XCTAssertFalse(try document.setSource(provider: .gitHub, repository: "https://github.com/acme/shop", branch: "release",
                                              connectionName: "acme-github"))
        XCTAssertTrue(try document.setSource(provider: .gitHub, repository: "acme/shop", accessTokenSecret: "github-token"))
        XCTAssertEqual(document.manifest.source.properties, SourceProperties(repository: "acme/shop", branch: "release",
                                                                             accessTokenSecret: "github-token"))
        XCTAssertTrue(try document.setSource(provider: .codeCommit, repository: "shop"))
        XCTAssertEqual(document.manifest.source, Source(provider: .codeCommit, properties: SourceProperties(repository: "shop", branch: "release")))
        XCTAssertTrue(document.text.contains("  provider: CodeCommit\n"))
    }

    func testSwitchingToBitbucketDropsTheGitHubTokenSecret() throws {
        var document = try template()
        XCTAssertTrue(try document.setSource(provider: .gitHub, repository: "acme/shop", accessTokenSecret: "github-token"))
        XCTAssertTrue(try document.setSource(provider: .bitbucket, repository: "https://bitbucket.org/acme/shop"))
        XCTAssertEqual(document.manifest.source, Source(provider: .bitbucket,
                                                        properties: SourceProperties(repository: "https://bitbucket.org/acme/shop", branch: "main")))
        XCTAssertFalse(document.text.contains("access_token_secret: github-token"))
        XCTAssertFalse(try document.setSource(provider: .bitbucket, repository: "https://bitbucket.org/acme/shop"))
    }

    func testBuildSettingsGoBeforeStagesAndThePolicyKeepsItsStrings() throws {
        let original = try template()
        var document = original
        XCTAssertTrue(try document.setBuildImage("aws/codebuild/amazonlinux2-x86_64-standard:5.0"))
        XCTAssertTrue(try document.setBuildspecPath("copilot/buildspec.yml"))
        XCTAssertTrue(try document.setAdditionalPolicy(fromFileContent: """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": "*"}]}
            """, file: "policy.json"))
        assertDiff(original, document, removed: [], added: [
            "build:",
            "  image: aws/codebuild/amazonlinux2-x86_64-standard:5.0",
            "  buildspec: copilot/buildspec.yml",
            "  additional_policy:",
            "    PolicyDocument:",
            "      Version: '2012-10-17'",
            "      Statement:",
            "        - Effect: Allow",
            "          Action:",
            "            - ssm:GetParameter",
            "          Resource: '*'",
            "",
        ])
        XCTAssertTrue(document.text.contains("  buildspec: copilot/buildspec.yml\n  additional_policy:\n"))
        XCTAssertTrue(document.text.contains("      Resource: '*'\n\n# This section defines the order"))
        XCTAssertEqual(document.manifest.build?.additionalPolicy?["Version"], .scalar("2012-10-17"))
        XCTAssertFalse(try document.setAdditionalPolicy(fromFileContent: "PolicyDocument:\n  Version: 2012-10-17\n  Statement:\n    - Effect: Allow\n      Action: [ssm:GetParameter]\n      Resource: '*'\n", file: "policy.yml"))
        XCTAssertEqual(manifestError { _ = try document.setAdditionalPolicy(fromFileContent: "Version: 1\n", file: "p.yml") }?.problem.lines().joined(separator: "\n"),
                       "p.yml:1:1: error: the policy document has no Statement\n  hint: add `Statement:` with at least one `Effect`/`Action`/`Resource` entry")
    }

    func testCRLFFilesStayCRLF() throws {
        let text = copilotTemplate.replacingOccurrences(of: "\n", with: "\r\n")
        var document = try ManifestDocument(text: text)
        XCTAssertTrue(try document.addTestCommand("make test", stage: "prod"))
        XCTAssertTrue(try document.setSource(provider: .gitHub, repository: "https://github.com/acme/x", branch: "dev"))
        XCTAssertFalse(document.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
        XCTAssertEqual(document.manifest.source.properties.branch, "dev")
    }

    func testRemovingAStageKeepsTheCommentAboutTheNextOne() throws {
        var document = try ManifestDocument(text: "stages:\n  - name: test\n\n  # prod waits for a person\n  - name: prod\n    requires_approval: true\n")
        XCTAssertTrue(try document.removeStage("test"))
        XCTAssertEqual(document.text, "stages:\n  # prod waits for a person\n  - name: prod\n    requires_approval: true\n")
    }

    func testAMissingSourceGoesBeforeTheStages() throws {
        var document = try ManifestDocument(text: "name: x\nversion: 1\n\nstages:\n  - name: test\n")
        XCTAssertTrue(try document.setSource(provider: .gitHub, repository: "acme/x", branch: "main"))
        XCTAssertEqual(document.text, """
            name: x
            version: 1

            source:
              provider: GitHub
              properties:
                repository: acme/x
                branch: main

            stages:
              - name: test

            """)
    }
}

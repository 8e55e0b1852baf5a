import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// One test per validation rule: the message, the severity and the line:column it points at.
final class ValidationTests: XCTestCase {
    private let valid = """
        name: shop
        version: 1
        source:
          provider: GitHub
          properties:
            repository: https://github.com/acme/shop
        stages:
          - name: test
        """

    /// The findings for `text` as "LINE:COL severity: message".
    private func findings(_ text: String, workspace: Workspace? = nil) throws -> [String] {
        PipelineValidator(workspace: workspace).validate(try ManifestDocument(text: text)).map { finding in
            "\(finding.location.map { "\($0.line):\($0.column)" } ?? "-") \(finding.severity.rawValue): \(finding.message)"
        }
    }

    private func replacing(_ old: String, _ new: String) -> String {
        precondition(valid.contains(old))
        return valid.replacingOccurrences(of: old, with: new)
    }

    func testTheBaseManifestIsValid() throws {
        XCTAssertEqual(try findings(valid), [])
    }

    func testVersionMustBeOne() throws {
        XCTAssertEqual(try findings(replacing("version: 1", "version: 2")), ["2:10 error: version 2 is not supported; Copilot knows only version 1"])
        XCTAssertEqual(try findings(replacing("version: 1\n", "")), ["1:1 error: version is missing"])
    }

    func testNameIsRequiredAndMadeOfStackNameCharacters() throws {
        XCTAssertEqual(try findings(replacing("name: shop\n", "")), ["1:1 error: the pipeline has no name"])
        XCTAssertEqual(try findings(replacing("name: shop", "name: 9shop")),
                       ["1:7 error: pipeline name 9shop must start with a letter and hold only letters, digits and hyphens"])
        XCTAssertEqual(try findings(replacing("name: shop", "name: shop_main")),
                       ["1:7 error: pipeline name shop_main must start with a letter and hold only letters, digits and hyphens"])
    }

    func testStackNameFitsCloudFormationsLimit() throws {
        let root = try TemporaryDirectory("sluice-validate")
        defer { root.remove() }
        try writeFile(root.url, "copilot/.workspace", "application: \(String(repeating: "a", count: 60))\n")
        let workspace = try Workspace.locate(from: root.url)
        let longName = String(repeating: "p", count: 60)
        XCTAssertEqual(try findings(replacing("name: shop", "name: \(longName)"), workspace: workspace).first,
                       "1:7 error: the stack name pipeline-\(String(repeating: "a", count: 60))-\(longName) is longer than 128 characters")
        XCTAssertEqual(PipelineValidator.stackName(application: "shop", pipeline: "main"), "pipeline-shop-main")
        XCTAssertEqual(try findings(replacing("name: shop", "name: \(String(repeating: "p", count: 58))"), workspace: workspace)
            .filter { $0.contains("stack name") }, [], "58 + 70 = 128 fits")
    }

    func testProviderMustBeKnown() throws {
        XCTAssertEqual(try findings(replacing("provider: GitHub", "provider: GitLab")), ["4:13 error: unknown source provider GitLab"])
    }

    func testRepositoryMustBePresentAndParseableForItsProvider() throws {
        XCTAssertEqual(try findings(replacing("    repository: https://github.com/acme/shop", "    branch: main")),
                       ["5:3 error: the source has no repository"])
        for good in ["https://github.com/acme/shop", "https://github.com/acme/shop.git", "git@github.com:acme/shop.git", "acme/shop",
                     "https://github.com/acme/shop/"] {
            XCTAssertEqual(try findings(replacing("https://github.com/acme/shop", good)), [], good)
        }
        XCTAssertEqual(try findings(replacing("https://github.com/acme/shop", "https://gitlab.com/acme/shop")),
                       ["6:17 error: repository https://gitlab.com/acme/shop is not a GitHub repository URL"])
        XCTAssertEqual(try findings(replacing("https://github.com/acme/shop", "https://github.com/acme/shop/tree/main")).count, 1)

        let codeCommit = replacing("provider: GitHub", "provider: CodeCommit")
        // Copilot's deploy parses the console URL only (deploy.ccRepoExp); clone URLs would fail there.
        let console = "https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/browse"
        XCTAssertEqual(try findings(codeCommit.replacingOccurrences(of: "https://github.com/acme/shop", with: console)), [])
        for bad in ["https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop", "ssh://git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop",
                    "codecommit::eu-west-1://shop", "https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop"] {
            XCTAssertEqual(try findings(codeCommit.replacingOccurrences(of: "https://github.com/acme/shop", with: bad)),
                           ["6:17 error: repository \(bad) is not a CodeCommit repository URL"], bad)
        }
        XCTAssertEqual(try findings(codeCommit), ["6:17 error: repository https://github.com/acme/shop is not a CodeCommit repository URL"])
        XCTAssertEqual(RepositoryLocation(console, provider: .codeCommit), RepositoryLocation(owner: nil, name: "shop", region: "eu-west-1"))

        let bitbucket = replacing("provider: GitHub", "provider: Bitbucket")
        for good in ["https://bitbucket.org/acme/shop", "https://jo@bitbucket.org/acme/shop.git", "git@bitbucket.org:acme/shop.git"] {
            XCTAssertEqual(try findings(bitbucket.replacingOccurrences(of: "https://github.com/acme/shop", with: good)), [], good)
        }
        XCTAssertEqual(RepositoryLocation("git@bitbucket.org:acme/shop.git", provider: .bitbucket)?.fullName, "acme/shop")
    }

    /// Copilot's provider names, exactly spelled: GitHubV1 is one (`pipeline init --github-access-token`), `github` is none.
    func testProvidersAreCopilotsExactlySpelled() throws {
        let v1 = replacing("provider: GitHub", "provider: GitHubV1")
            .replacingOccurrences(of: "    repository: https://github.com/acme/shop", with: "    repository: https://github.com/acme/shop\n    access_token_secret: gh-token")
        XCTAssertEqual(try findings(v1), [])
        XCTAssertEqual(try findings(replacing("provider: GitHub", "provider: GitHubV1")),
                       ["4:13 error: provider GitHubV1 needs access_token_secret, the Secrets Manager secret holding the GitHub token"])
        XCTAssertEqual(try findings(replacing("provider: GitHub", "provider: github")), ["4:13 error: unknown source provider github"])
    }

    /// CodePipeline allows pipeline names of at most 100 characters, and Copilot refuses longer ones.
    func testAPipelineNameLongerThanCodePipelineAllowsIsAnError() throws {
        let long = "p" + String(repeating: "a", count: 100)
        XCTAssertEqual(try findings(replacing("name: shop", "name: \(long)")),
                       ["1:7 error: pipeline name \(long) is longer than 100 characters"])
        XCTAssertEqual(try findings(replacing("name: shop", "name: " + String(long.dropLast()))), [])
    }

    func testConnectionARNMustBeAnARN() throws {
        XCTAssertEqual(try findings(replacing("    repository: https://github.com/acme/shop", "    repository: https://github.com/acme/shop\n    connection_arn: my-connection")),
                       ["7:21 error: connection_arn my-connection is not a CodeStar Connections ARN"])
    }

    func testAPipelineWithoutStagesIsAWarning() throws {
        XCTAssertEqual(try findings(replacing("stages:\n  - name: test", "stages: []")),
                       ["7:1 warning: the pipeline has no stages; it would build but deploy nowhere"])
    }

    func testStagesNeedANameAndNoNameTwice() throws {
        XCTAssertEqual(try findings(valid + "\n  - requires_approval: true"), ["9:5 error: stage 2 has no name"])
        XCTAssertEqual(try findings(valid + "\n  - name: test"), ["9:11 error: stage test appears twice (first as stage 1)"])
    }

    func testStagesShouldNameEnvironmentsOfTheWorkspace() throws {
        let root = try TemporaryDirectory("sluice-validate")
        defer { root.remove() }
        try writeFile(root.url, "copilot/.workspace", "application: shop\n")
        try writeFile(root.url, "copilot/environments/prod/manifest.yml", "name: prod\n")
        let workspace = try Workspace.locate(from: root.url)
        XCTAssertEqual(try findings(valid, workspace: workspace), ["8:11 warning: the workspace has no environment named test"])
        XCTAssertEqual(try findings(replacing("name: test", "name: prod"), workspace: workspace), [])
    }

    func testTestCommandsAndPostDeploymentsExcludeEachOther() throws {
        XCTAssertEqual(try findings(valid + "\n    test_commands: [make test]\n    post_deployments:\n      smoke:\n        buildspec: smoke.yml"),
                       ["10:5 error: stage test has both test_commands and post_deployments; Copilot allows only one of them"])
    }

    func testActionsNeedABuildspec() throws {
        XCTAssertEqual(try findings(valid + "\n    pre_deployments:\n      migrate:\n    post_deployments:\n      smoke:\n        depends_on: []"), [
            "10:7 error: pre-deployment action migrate of stage test has no buildspec",
            "12:7 error: post-deployment action smoke of stage test has no buildspec",
        ])
    }

    func testDependsOnMustNameASibling() throws {
        XCTAssertEqual(try findings(valid + "\n    deployments:\n      api:\n      web:\n        depends_on: [api, db]"),
                       ["12:27 error: web depends on db, which is not in deployments of stage test"])
        XCTAssertEqual(try findings(valid + "\n    pre_deployments:\n      a:\n        buildspec: a.yml\n        depends_on: [web]"),
                       ["12:22 error: a depends on web, which is not in pre_deployments of stage test"])
    }

    func testDependsOnMustNotFormACycle() throws {
        XCTAssertEqual(try findings(valid + "\n    deployments:\n      api:\n        depends_on: [db]\n      db:\n        depends_on: [web]\n      web:\n        depends_on: [api]"),
                       ["10:7 error: deployments of stage test depend on each other in a cycle: api → db → web → api"])
        XCTAssertEqual(try findings(valid + "\n    deployments:\n      api:\n        depends_on: [api]"),
                       ["10:7 error: deployments of stage test depend on each other in a cycle: api → api"])
    }

    func testUnknownKeysAreWarnings() throws {
        XCTAssertEqual(try findings(valid + "\n    deploy: []"), ["9:5 warning: stages[0].deploy is not a pipeline manifest setting; Copilot ignores it"])
    }

    func testDiagnosticsPrintLikeACompiler() throws {
        let document = try ManifestDocument(text: replacing("version: 1", "version: 2"), path: URL(fileURLWithPath: "copilot/pipeline.yml", relativeTo: URL(fileURLWithPath: "/w")))
        XCTAssertEqual(PipelineValidator().validate(document).map { $0.problem(path: $0.file).lines(severity: $0.severity.rawValue).joined(separator: "\n") },
                       ["copilot/pipeline.yml:2:10: error: version 2 is not supported; Copilot knows only version 1\n  hint: write `version: 1`"])
    }
}

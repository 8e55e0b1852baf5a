import XCTest
import Manifest
@testable import CopilotRules

final class SourceRuleTests: XCTestCase {
    func testProviderMustBeKnown() throws {
        XCTAssertEqual(try findings(replacing("provider: GitHub", "provider: GitLab")), ["4:13 error: unknown source provider GitLab"])
        XCTAssertEqual(try constraints(replacing("  provider: GitHub\n", "")), [.source(.missingProvider)])
    }

    /// Copilot's provider names, exactly spelled: GitHubV1 is one (`pipeline init --github-access-token`), `github` is none.
    func testProvidersAreCopilotsExactlySpelled() throws {
        let v1 = replacing("provider: GitHub", "provider: GitHubV1")
            .replacingOccurrences(of: "    repository: https://github.com/acme/shop",
                                  with: "    repository: https://github.com/acme/shop\n    access_token_secret: gh-token")
        XCTAssertEqual(try findings(v1), [])
        XCTAssertEqual(try findings(replacing("provider: GitHub", "provider: GitHubV1")),
                       ["4:13 error: provider GitHubV1 needs access_token_secret, the Secrets Manager secret holding the GitHub token"])
        XCTAssertEqual(try findings(replacing("provider: GitHub", "provider: github")), ["4:13 error: unknown source provider github"])
        let misspelled = try validation(replacing("provider: GitHub", "provider: github")).diagnostics
        XCTAssertEqual(misspelled.map(\.constraint), [.source(.misspelledProvider("github", spelled: .gitHub))])
        XCTAssertEqual(misspelled.first?.hint, "Copilot spells it GitHub (provider names are case-sensitive)")
    }

    /// GitHub with an empty `access_token_secret` would be a token source with no secret to read.
    func testAnEmptyTokenSecretIsAnError() throws {
        let empty = replacing("    repository: https://github.com/acme/shop",
                              "    repository: https://github.com/acme/shop\n    access_token_secret: ''")
        XCTAssertEqual(try findings(empty), ["7:26 error: access_token_secret is empty"])
        XCTAssertNil(try validation(empty).manifest)
    }

    func testATokenInTheManifestIsAnError() throws {
        let token = "ghp_" + String(repeating: "a", count: 36)
        let leaked = replacing("    repository: https://github.com/acme/shop",
                               "    repository: https://github.com/acme/shop\n    access_token_secret: \(token)")
        XCTAssertEqual(try constraints(leaked), [.source(.tokenInManifest)])
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
        XCTAssertEqual(try constraints(replacing("https://github.com/acme/shop", "https://github.com/acme/shop/tree/main")),
                       [.source(.repositoryNamesBranch(repository: "https://github.com/acme/shop/tree/main", branch: "main",
                                                       url: "https://github.com/acme/shop"))])

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

        let bitbucket = replacing("provider: GitHub", "provider: Bitbucket")
        for good in ["https://bitbucket.org/acme/shop", "https://jo@bitbucket.org/acme/shop.git", "git@bitbucket.org:acme/shop.git"] {
            XCTAssertEqual(try findings(bitbucket.replacingOccurrences(of: "https://github.com/acme/shop", with: good)), [], good)
        }
    }

    func testConnectionARNMustBeAnARN() throws {
        let named = replacing("    repository: https://github.com/acme/shop",
                              "    repository: https://github.com/acme/shop\n    connection_arn: my-connection")
        XCTAssertEqual(try findings(named), ["7:21 error: connection_arn my-connection is not a CodeStar Connections ARN"])
    }

    /// Only a source without an error becomes the source action the plan is made from.
    func testASourceWithoutErrorsBecomesItsSourceAction() throws {
        XCTAssertEqual(try validation(validManifest).manifest?.source,
                       .connection(provider: "GitHub", fullRepositoryID: "acme/shop", branch: "main",
                                   connection: .created(name: "copilot-acme-shop"), outputArtifactFormat: nil))
        XCTAssertNil(try validation(replacing("provider: GitHub", "provider: GitLab")).manifest)
    }
}

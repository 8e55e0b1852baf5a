import XCTest
import Manifest
@testable import CopilotRules

final class RepositoryLocationTests: XCTestCase {
    func testEachProviderHasItsParser() {
        let console = "https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/browse"
        XCTAssertEqual(RepositoryLocation(console, provider: .codeCommit), RepositoryLocation(owner: nil, name: "shop", region: "eu-west-1"))
        XCTAssertEqual(RepositoryLocation("git@bitbucket.org:acme/shop.git", provider: .bitbucket)?.fullName, "acme/shop")
        XCTAssertEqual(RepositoryLocation("https://github.com/acme/shop/tree/prod", provider: .gitHub)?.branch, "prod")
        // A branch page whose branch may hold a slash is ambiguous, so no repository.
        XCTAssertNil(RepositoryLocation("https://github.com/acme/shop/tree/prod/api", provider: .gitHub))
        XCTAssertNil(RepositoryLocation("acme/shop", provider: .other("GitLab")))
        XCTAssertEqual(RepositoryLocation.codeCommitURL(name: "shop", region: "eu-west-1"), console)
    }

    func testAHostedArgumentInAnyFormGivesTheURLCopilotWrites() throws {
        XCTAssertEqual(try RepositoryLocation.hosted("git@github.com:acme/api.git", provider: .gitHub).url(.gitHub), "https://github.com/acme/api")
        XCTAssertThrowsError(try RepositoryLocation.hosted("https://gitlab.com/acme/api", provider: .gitHub)) { error in
            XCTAssertEqual(error as? RepositoryArgumentProblem, .notHosted("https://gitlab.com/acme/api", .gitHub))
        }
    }

    /// A name is placed in the pipeline's region, asked for only then; a clone URL names its own.
    func testACodeCommitArgumentBecomesTheConsoleURL() throws {
        var asked = 0
        let region = { () -> String? in asked += 1; return "eu-west-3" }
        XCTAssertEqual(try RepositoryLocation.codeCommitConsoleURL("demo-api", region: region),
                       RepositoryLocation.codeCommitURL(name: "demo-api", region: "eu-west-3"))
        XCTAssertEqual(asked, 1)
        XCTAssertEqual(try RepositoryLocation.codeCommitConsoleURL("https://git-codecommit.us-west-2.amazonaws.com/v1/repos/demo-api", region: region),
                       RepositoryLocation.codeCommitURL(name: "demo-api", region: "us-west-2"))
        XCTAssertEqual(asked, 1, "a clone URL names its region")
        XCTAssertThrowsError(try RepositoryLocation.codeCommitConsoleURL("demo-api", region: { nil })) { error in
            XCTAssertEqual(error as? RepositoryArgumentProblem, .noRegion("demo-api"))
        }
        XCTAssertThrowsError(try RepositoryLocation.codeCommitConsoleURL("acme/demo-api", region: region)) { error in
            XCTAssertEqual(error as? RepositoryArgumentProblem, .notCodeCommitName("acme/demo-api"))
        }
        XCTAssertThrowsError(try RepositoryLocation.codeCommitConsoleURL("https://example.com/v1/repos/x", region: region)) { error in
            XCTAssertEqual(error as? RepositoryArgumentProblem, .notCodeCommitURL("https://example.com/v1/repos/x"))
        }
    }

    /// `git remote -v` as `copilot pipeline init` reads it: only hosts Copilot knows.
    func testRemotesOnHostsCopilotKnows() {
        XCTAssertEqual(RepositoryLocation.remote("git@github.com:acme/api.git")?.repository, "https://github.com/acme/api")
        XCTAssertEqual(RepositoryLocation.remote("https://jo@bitbucket.org/acme/api.git")?.provider, .bitbucket)
        XCTAssertEqual(RepositoryLocation.remote("ssh://git-codecommit.eu-west-1.amazonaws.com/v1/repos/api")?.repository,
                       RepositoryLocation.codeCommitURL(name: "api", region: "eu-west-1"))
        XCTAssertNil(RepositoryLocation.remote("git@gitlab.com:acme/api.git"))
        XCTAssertEqual(RepositoryArgumentProblem.unknownHost("git@gitlab.com:acme/api.git").problem.message,
                       "'git@gitlab.com:acme/api.git' is not a GitHub, Bitbucket or CodeCommit repository URL")
    }
}

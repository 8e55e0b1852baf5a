import Foundation
import TestSupport
import XCTest

/// `source set` and `validate` read a repository by one rule: every form `git remote -v` or a
/// browser shows is accepted, and the manifest gets the URL `copilot pipeline init` writes.
final class SourceFormTests: XCTestCase {
    private static let manifest = "copilot/pipeline.yml"

    private func repositoryLines(_ sandbox: Sandbox) -> [String] {
        (sandbox.read(Self.manifest) ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("repository:") || $0.hasPrefix("branch:") }
    }

    func testCloneURLsAreStoredAsCopilotWritesThemAndValidate() throws {
        for form in ["git@github.com:acme/api.git", "https://github.com/acme/api.git", "ssh://git@github.com/acme/api.git",
                     "https://github.com/acme/api/", "acme/api"] {
            let sandbox = try Sandbox(.quickstart)
            let result = try sandbox.run(.sluice("-c", "source set github \(form); validate"))
            XCTAssertEqual(result.status, 0, form + "\n" + result.stdout + result.stderr)
            XCTAssertEqual(repositoryLines(sandbox), ["branch: main", "repository: https://github.com/acme/api"], form)
            XCTAssertTrue(result.stdout.contains("copilot/pipeline.yml is valid"), result.stdout)
        }
        let bitbucket = try Sandbox(.quickstart)
        let result = try bitbucket.run(.sluice("-c", "source set bitbucket https://someone@bitbucket.org/acme/api.git; validate"))
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(repositoryLines(bitbucket), ["branch: main", "repository: https://bitbucket.org/acme/api"])
    }

    /// A browser URL names the branch being looked at: it is the branch tracked.
    func testABrowserURLSetsTheBranch() throws {
        let sandbox = try Sandbox(.quickstart)
        let result = try sandbox.run(.sluice("-c", "source set github https://github.com/acme/api/tree/release; validate"))
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(repositoryLines(sandbox), ["branch: release", "repository: https://github.com/acme/api"])

        // A branch with a slash or a folder of a branch: the URL cannot tell, so it is refused.
        let ambiguous = try sandbox.run(.sluice("-c", "source set github https://github.com/acme/api/tree/prod/api"))
        XCTAssertEqual(ambiguous.status, 2, ambiguous.stdout)
        XCTAssertTrue(ambiguous.stderr.flattened.contains("is not a GitHub repository"), ambiguous.stderr)

        let conflicting = try sandbox.run(.sluice("-c", "source set github https://github.com/acme/api/tree/main branch dev"))
        XCTAssertEqual(conflicting.status, 2)
        XCTAssertEqual(conflicting.stderr, "<command line>:1:64: error: the URL shows branch main but `branch dev` is given\n  hint: give one of them\n")
    }

    func testValidateReadsTheManifestByTheSameRule() throws {
        let sandbox = try Sandbox(.quickstart)
        XCTAssertEqual(try sandbox.run(.sluice("-c", "source set github acme/api")).status, 0)
        let saved = try XCTUnwrap(sandbox.read(Self.manifest))
        try sandbox.write(saved.replacingOccurrences(of: "repository: https://github.com/acme/api", with: "repository: git@github.com:acme/api.git"),
                          to: Self.manifest)
        let ssh = try sandbox.run(.sluice("validate"))
        XCTAssertEqual(ssh.status, 0, ssh.stdout + ssh.stderr)

        try sandbox.write(saved.replacingOccurrences(of: "repository: https://github.com/acme/api",
                                                     with: "repository: https://github.com/acme/api/tree/main"), to: Self.manifest)
        let tree = try sandbox.run(.sluice("validate"))
        XCTAssertEqual(tree.status, 1, tree.stdout + tree.stderr)
        XCTAssertTrue(tree.stdout.flattened.contains("error: repository https://github.com/acme/api/tree/main names branch main"), tree.stdout)
        XCTAssertTrue(tree.stdout.flattened.contains("hint: write `repository: https://github.com/acme/api` and `branch: main`"), tree.stdout)
    }

    func testAnotherHostIsRefusedWithTheFormsThatWork() throws {
        let sandbox = try Sandbox(.quickstart)
        let result = try sandbox.run(.sluice("-c", "source set github git@gitlab.com:acme/api.git"))
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr.flattened, """
            <command line>:1:19: error: 'git@gitlab.com:acme/api.git' is not a GitHub repository
              hint: write https://github.com/OWNER/REPO (or OWNER/REPO); a clone URL (git@…, https://….git) or a branch's page (…/tree/BRANCH) works too
            """.flattened)
        XCTAssertNil(sandbox.read(Self.manifest))
    }

    /// Git branch names hold `/` and `.` (`release/2.x`): tracked as given, and the pipeline made
    /// for them gets a name CloudFormation accepts, as Copilot's REPO-BRANCH lowercased.
    func testABranchWithASlashIsTrackedAndNamesAValidPipeline() throws {
        let sandbox = try Sandbox(.quickstart)
        let result = try sandbox.run(.sluice("-c", "source set github acme/api branch Release/2.x; validate"))
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(repositoryLines(sandbox), ["branch: Release/2.x", "repository: https://github.com/acme/api"])
        XCTAssertTrue(result.stdout.hasPrefix("created pipeline api-release-2-x (copilot/pipeline.yml, written on save)\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("copilot/pipeline.yml is valid"), result.stdout)
    }

    /// What git itself refuses as a branch is refused where it is typed, saying why.
    func testANameGitRefusesAsABranchIsRefused() throws {
        let sandbox = try Sandbox(.quickstart)
        for (branch, why) in [("release..2", "it holds '..'"), ("feature/", "it ends with '/'"), ("x.lock", "a part ends with '.lock'"),
                              ("a~1", "it holds '~'"), ("-f", "it starts with '-'"), ("up@{1}", "it holds '@{'")] {
            let result = try sandbox.run(.sluice("-c", "source set github acme/api branch '\(branch)'"))
            XCTAssertEqual(result.status, 2, branch)
            XCTAssertEqual(result.stderr.flattened, """
                <command line>:1:35: error: BRANCH '\(branch)' is not a git branch name: \(why)
                  hint: usage: source set github REPO [branch BRANCH] [connection CONNECTION] [token-secret SECRET]
                """.flattened, branch)
        }
        XCTAssertNil(sandbox.read(Self.manifest))
    }
}

import Manifest
import XCTest
@testable import CopilotRules

final class TriggerRuleTests: XCTestCase {
    func testTriggersOnAConnectionSourceAreValid() throws {
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(triggers: [trigger([pushOnMain(paths: ["services/api/**"], excluding: ["docs/**"])])]))), [])
    }

    func testTriggersAreRefusedForGitHubV1WithTheReason() throws {
        let manifest = replacing("repository: https://github.com/acme/shop", "repository: https://github.com/acme/shop\n    access_token_secret: gh")
        let overrides = v2Overrides(PipelineV2(triggers: [trigger([pushOnMain()])]))
        XCTAssertEqual(try v2Findings(overrides, manifest: manifest), [
            "\(patchesFile):7:3 error: triggers need a source reached through a CodeStar connection (GitHub or Bitbucket), "
                + "and this one is GitHub v1 (access_token_secret)",
        ])
        XCTAssertEqual(try v2Hints(overrides, manifest: manifest).first??.hasPrefix("GitHub v1 (a token) is polled and has no filters"), true)
    }

    func testTriggersAreRefusedForCodeCommitWithTheReason() throws {
        let manifest = replacing("provider: GitHub", "provider: CodeCommit")
            .replacingOccurrences(of: "https://github.com/acme/shop", with: "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop")
        let overrides = v2Overrides(PipelineV2(triggers: [trigger([pushOnMain()])]))
        XCTAssertEqual(try v2Findings(overrides, manifest: manifest), [
            "\(patchesFile):7:3 error: triggers need a source reached through a CodeStar connection (GitHub or Bitbucket), and this one is CodeCommit",
        ])
        XCTAssertEqual(try v2Hints(overrides, manifest: manifest).first??.hasPrefix("a CodeCommit source starts the pipeline on every push"), true)
    }

    func testAtMostEightPatternsPerList() throws {
        let eight = (1...8).map { "services/s\($0)/**" }
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(triggers: [trigger([pushOnMain(paths: eight)])]))), [])
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(triggers: [trigger([pushOnMain(paths: eight + ["x/**"], excluding: eight + ["y"])])]))), [
            "\(patchesFile):7:3 error: the file paths to include of filter 1 has 9 patterns; CodePipeline allows 8 in each include or exclude list",
            "\(patchesFile):7:3 error: the file paths to exclude of filter 1 has 9 patterns; CodePipeline allows 8 in each include or exclude list",
        ])
    }

    func testAtMostThreeFiltersOfAKind() throws {
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(triggers: [trigger(Array(repeating: pushOnMain(), count: 4))]))), [
            "\(patchesFile):7:3 error: the trigger has 4 push filters; CodePipeline allows 3",
        ])
    }

    func testAFilterMustMatchSomething() throws {
        let tagsAndBranches = PipelineV2.PushFilter(branches: .init(includes: ["main"]), tags: .init(includes: ["v*"]))
        let pathsOnly = PipelineV2.PushFilter(filePaths: .init(includes: ["api/**"]))
        let request = PipelineV2.PullRequestFilter(events: ["OPEN", "MERGED"])
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(triggers: [trigger([tagsAndBranches, pathsOnly], pullRequest: [request])]))), [
            "\(patchesFile):7:3 error: push filter 1 matches both tags and branches; a push filter matches one or the other",
            "\(patchesFile):7:3 error: push filter 2 has file paths but no branches",
            "\(patchesFile):7:3 error: pull-request filter 3 names no branches",
            "\(patchesFile):7:3 error: pull-request filter 3 has event MERGED, not one of OPEN, UPDATED, CLOSED",
        ])
    }

    func testTheTriggerNamesThePipelinesSourceAction() throws {
        let validator = PipelineValidator(workspace: try workspace("demo", environments: ["test"], self))
        var settings = PipelineV2(triggers: [trigger([pushOnMain()])])
        settings.triggers[0].sourceActionName = "Source"
        let diagnostics = validator.validate(try ManifestDocument(text: validManifest), overrides: v2Overrides(settings)).diagnostics
        XCTAssertEqual(diagnostics.map(\.constraint), [.trigger(.wrongSourceAction("Source", expected: "SourceCodeFor-demo"))])
    }
}

import CopilotRules
import XCTest

/// How a push meets a pipeline's trigger filters, as CodePipeline documents it.
final class TriggerDecisionTests: XCTestCase {
    func settings(_ filters: PipelineV2.PushFilter...) -> PipelineV2 {
        PipelineV2(triggers: [PipelineV2.Trigger(sourceActionName: "SourceCodeFor-api", push: filters)])
    }

    let api = PipelineV2.PushFilter(branches: .init(includes: ["main"]),
                                    filePaths: .init(includes: ["services/api/**"], excludes: ["docs/**"]))

    func decide(_ ref: TriggerPush.Ref, _ files: [String], _ settings: PipelineV2?) throws -> TriggerDecision {
        try TriggerDecision.decide(TriggerPush(ref: ref, changedFiles: files), settings: settings, sourceBranch: "main")
    }

    func testWithoutTriggersOnlyPushesToTheSourceBranchStart() throws {
        XCTAssertTrue(try decide(.branch("main"), ["a"], nil).starts)
        XCTAssertEqual(try decide(.branch("dev"), ["a"], nil).reason, "branch dev is not main, the source branch (no trigger filters)")
        XCTAssertFalse(try decide(.tag("v1"), [], PipelineV2()).starts)
    }

    func testAnIncludedFileNotExcludedStartsIt() throws {
        let yes = try decide(.branch("main"), ["README.md", "services/api/main.go"], settings(api))
        XCTAssertEqual(yes, TriggerDecision(starts: true, reason: "branch main matches main; services/api/main.go matches services/api/**", filter: 1))
    }

    func testExcludesWin() throws {
        let both = PipelineV2.PushFilter(branches: .init(includes: ["main"]), filePaths: .init(includes: ["**"], excludes: ["docs/**"]))
        let no = try decide(.branch("main"), ["docs/guide.md"], settings(both))
        XCTAssertEqual(no.reason, "branch main matches main; docs/guide.md is excluded by docs/**")
        XCTAssertFalse(no.starts)
        let branchExcluded = PipelineV2.PushFilter(branches: .init(includes: ["release/**"], excludes: ["release/old"]))
        XCTAssertEqual(try decide(.branch("release/old"), ["a"], settings(branchExcluded)).reason, "branch release/old is excluded by release/old")
        XCTAssertTrue(try decide(.branch("release/new"), ["a"], settings(branchExcluded)).starts)
    }

    func testAFileMatchingNoIncludeDoesNotStartIt() throws {
        let no = try decide(.branch("main"), ["services/web/app.js", "docs/a.md"], settings(api))
        XCTAssertFalse(no.starts)
        XCTAssertEqual(no.reason, "branch main matches main; none of the 2 changed files matches services/api/** (1 of them excluded, docs/a.md by docs/**)")
        XCTAssertEqual(try decide(.branch("main"), ["README.md"], settings(api)).reason, "branch main matches main; README.md matches none of services/api/**")
        XCTAssertEqual(try decide(.branch("other"), ["services/api/x.go"], settings(api)).reason, "branch other matches none of main")
    }

    func testTagFiltersAnswerTagPushesOnly() throws {
        let tags = PipelineV2.PushFilter(tags: .init(includes: ["v*"], excludes: ["v0*"]))
        XCTAssertTrue(try decide(.tag("v1.2"), [], settings(tags)).starts)
        XCTAssertEqual(try decide(.tag("v0.9"), [], settings(tags)).reason, "tag v0.9 is excluded by v0*")
        XCTAssertEqual(try decide(.branch("main"), ["x"], settings(tags)).reason, "branch main: the filter answers tag pushes")
        XCTAssertEqual(try decide(.tag("v1"), [], settings(api)).reason, "tag v1: the filter answers branch pushes")
    }

    func testAnyFilterMatchingStartsItAndEachSaysWhyNot() throws {
        let tags = PipelineV2.PushFilter(tags: .init(includes: ["v*"]))
        let yes = try decide(.tag("v2"), [], settings(api, tags))
        XCTAssertEqual(yes, TriggerDecision(starts: true, reason: "filter 2: tag v2 matches v*", filter: 2))
        let no = try decide(.tag("x"), [], settings(api, tags))
        XCTAssertEqual(no.reason, "filter 1: tag x: the filter answers branch pushes; filter 2: tag x matches none of v*")
    }

    func testPullRequestFiltersDoNotAnswerPushes() throws {
        let pullRequests = PipelineV2(triggers: [PipelineV2.Trigger(sourceActionName: "S", pullRequest: [.init(events: ["OPEN"])])])
        XCTAssertEqual(try decide(.branch("main"), ["a"], pullRequests),
                       TriggerDecision(starts: false, reason: "the triggers answer pull requests only, and this is a push"))
    }
}

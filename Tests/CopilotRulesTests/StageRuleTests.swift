import XCTest
@testable import CopilotRules

final class StageRuleTests: XCTestCase {
    func testAPipelineWithoutStagesIsAWarning() throws {
        XCTAssertEqual(try findings(replacing("stages:\n  - name: test", "stages: []")),
                       ["7:1 warning: the pipeline has no stages; it would build but deploy nowhere"])
        // A warning does not stand in the way of the plan.
        XCTAssertNotNil(try validation(replacing("stages:\n  - name: test", "stages: []")).manifest)
    }

    func testStagesNeedANameAndNoNameTwice() throws {
        XCTAssertEqual(try findings(validManifest + "\n  - requires_approval: true"), ["9:5 error: stage 2 has no name"])
        XCTAssertEqual(try findings(validManifest + "\n  - name: test"), ["9:11 error: stage test appears twice (first as stage 1)"])
        XCTAssertEqual(try constraints(validManifest + "\n  - name: test"), [.stage(.duplicate("test", firstNumber: 1))])
    }

    /// Copilot names the stage `DeployTo-ENV`; CodePipeline takes at most 100 characters.
    func testAStageNameCodePipelineWouldRefuseIsAnError() throws {
        let longest = String(repeating: "e", count: 91)
        XCTAssertEqual(try findings(replacing("name: test", "name: \(longest)")), [])
        XCTAssertEqual(try constraints(replacing("name: test", "name: \(longest)e")), [.stage(.stageNameTooLong(longest + "e"))])
        XCTAssertEqual(try findings(replacing("name: test", "name: \(longest)e")), [
            "8:11 error: stage eeeeeeeeeeeeeeeeeeee… makes the CodePipeline stage DeployTo-eeeeeeeeeeeeeeeeeeee…, 101 characters; "
                + "CodePipeline allows at most 100",
        ])
    }

    func testStagesShouldNameEnvironmentsOfTheWorkspace() throws {
        let workspace = try workspace("shop", environments: ["prod"], self)
        XCTAssertEqual(try findings(validManifest, workspace: workspace), ["8:11 warning: the workspace has no environment named test"])
        XCTAssertEqual(try findings(replacing("name: test", "name: prod"), workspace: workspace), [])
    }

    func testTestCommandsAndPostDeploymentsExcludeEachOther() throws {
        XCTAssertEqual(try findings(validManifest + "\n    test_commands: [make test]\n    post_deployments:\n      smoke:\n        buildspec: smoke.yml"),
                       ["10:5 error: stage test has both test_commands and post_deployments; Copilot allows only one of them"])
    }

    func testActionsNeedABuildspec() throws {
        XCTAssertEqual(try findings(validManifest + "\n    pre_deployments:\n      migrate:\n    post_deployments:\n      smoke:\n        depends_on: []"), [
            "10:7 error: pre-deployment action migrate of stage test has no buildspec",
            "12:7 error: post-deployment action smoke of stage test has no buildspec",
        ])
        XCTAssertEqual(try constraints(validManifest + "\n    pre_deployments:\n      migrate:"),
                       [.stage(.actionWithoutBuildspec(.pre, action: "migrate", stage: "test"))])
    }
}

import XCTest
@testable import CopilotRules

/// CodePipeline's stage and action names as Copilot's deploy/pipeline.go makes them.
final class StageNameTests: XCTestCase {
    func testStageNamesAreCopilots() {
        XCTAssertEqual([StageName.source, StageName.build, StageName.deploy("prod")], ["Source", "Build", "DeployTo-prod"])
        XCTAssertEqual(StageName.environment(of: StageName.deploy("prod")), "prod")
        XCTAssertNil(StageName.environment(of: StageName.build))
    }

    func testActionNamesAreCopilots() {
        XCTAssertEqual(StageName.sourceAction(application: "shop"), "SourceCodeFor-shop")
        XCTAssertEqual(StageName.approvalAction("prod"), "ApprovePromotionTo-prod")
        XCTAssertTrue(StageName.isApproval(StageName.approvalAction("prod")))
        XCTAssertFalse(StageName.isApproval(StageName.deploymentAction("api", "prod")))
        XCTAssertEqual(StageName.deploymentAction("api", "prod"), "CreateOrUpdate-api-prod")
        XCTAssertEqual(StageName.testAction, "TestCommands")
    }
}

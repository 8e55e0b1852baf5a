import XCTest
@testable import CopilotRules

final class StageFailureRuleTests: XCTestCase {
    func testTheSourceStageCannotRollBack() throws {
        let overrides = v2Overrides(PipelineV2(stages: [PipelineV2.StageSettings(stage: "Source", onFailure: .rollback)]))
        XCTAssertEqual(try v2Findings(overrides), ["\(patchesFile):40:3 error: the Source stage cannot be rolled back"])
        XCTAssertEqual(try v2Hints(overrides).first??.hasSuffix("set rollback on a DeployTo stage"), true)
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(stages: [PipelineV2.StageSettings(stage: "Build", onFailure: .rollback)]))), [])
    }
}

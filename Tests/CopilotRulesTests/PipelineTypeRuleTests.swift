import XCTest
@testable import CopilotRules

final class PipelineTypeRuleTests: XCTestCase {
    func testEveryV2SettingNeedsPipelineTypeV2() throws {
        let settings = PipelineV2(executionMode: .queued, variables: [.init(name: "REGION", defaultValue: "eu-west-1")],
                                  stages: [.init(stage: "DeployTo-prod", onFailure: .rollback)])
        XCTAssertEqual(try v2Findings(v2Overrides(settings)), [])
        XCTAssertEqual(try v2Findings(v2Overrides(settings, pipelineType: nil)), [
            "\(patchesFile):4:3 error: ExecutionMode QUEUED needs a V2 pipeline, and PipelineType is not set (V1)",
            "\(patchesFile):20:3 error: Variables needs a V2 pipeline, and PipelineType is not set (V1)",
            "\(patchesFile):49:3 error: OnFailure of DeployTo-prod needs a V2 pipeline, and PipelineType is not set (V1)",
        ])
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(), pipelineType: "V3")), ["\(patchesFile):1:3 error: PipelineType is V3, not V1 or V2"])
    }
}

import XCTest
@testable import CopilotRules

final class ExecutionModeRuleTests: XCTestCase {
    func testParallelCannotBeCombinedWithRollback() throws {
        let rollback = [PipelineV2.StageSettings(stage: "DeployTo-prod", onFailure: .rollback)]
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(executionMode: .queued, stages: rollback))), [])
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(executionMode: .parallel, stages: rollback))), [
            "\(patchesFile):4:3 error: execution mode PARALLEL cannot be combined with rollback, and DeployTo-prod rolls back on failure",
        ])
        XCTAssertEqual(try v2Hints(v2Overrides(PipelineV2(executionMode: .parallel, stages: rollback))), [
            "CodePipeline offers no stage rollback in PARALLEL mode: use `mode queued` (or superseded), or `stage on-failure prod retry` / `fail`",
        ])
        // Retrying is fine in parallel mode.
        let retry = [PipelineV2.StageSettings(stage: "DeployTo-prod", onFailure: .retry(.allActions))]
        XCTAssertEqual(try v2Findings(v2Overrides(PipelineV2(executionMode: .parallel, stages: retry))), [])
    }
}

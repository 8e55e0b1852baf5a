import CopilotRules
import Foundation
import Manifest
@testable import Targets
import XCTest

/// How two runs meet at a stage's entry in each execution mode, as CodePipeline's "How pipeline executions
/// work" describes them.
final class StageEntryTests: XCTestCase {
    var plan: PipelinePlan!

    override func setUpWithError() throws {
        plan = try PipelinePlanTests.plan(PipelineManifest(name: "p", source: AWSTemplateTests.github, stages: [Stage(name: "test")]))
    }

    /// Run `sequence`, in Build (`inBuild`) or waiting at its entry.
    func run(_ sequence: Int, inBuild: Bool = false, waiting: Bool = false) -> ExecutionRecord {
        var record = ExecutionRecord(id: "run\(sequence)", sequence: sequence, trigger: "release", pipeline: plan, now: Date())
        record.setAction(0, 0, .succeeded, now: Date())
        if inBuild { record.setAction(1, 0, .inProgress, now: Date()) }
        if waiting { record.waitingForStage = StageName.build }
        return record
    }

    func decide(_ record: ExecutionRecord, _ mode: PipelineV2.ExecutionMode?, _ others: [ExecutionRecord]) -> StageEntry {
        StageEntry.decide(record, stage: StageName.build, mode: mode, others: others + [record])
    }

    func testAStageHoldsOneRunInSupersededAndQueuedMode() {
        let first = run(1, inBuild: true)
        XCTAssertEqual(decide(run(2), .queued, [first]), .wait(behind: "run1", inStage: true))
        XCTAssertEqual(decide(run(2), .superseded, [first]), .wait(behind: "run1", inStage: true))
        XCTAssertEqual(decide(run(2), .parallel, [first]), .enter, "parallel runs do not wait for each other")
        XCTAssertEqual(decide(run(2), nil, [first]), .enter, "a V1 pipeline keeps the local engine's way")
    }

    func testANewerRunWaitingSupersedesAnOlderOneWaiting() {
        let newer = run(3, waiting: true)
        XCTAssertEqual(decide(run(2, waiting: true), .superseded, [run(1, inBuild: true), newer]), .superseded(by: "run3"))
        XCTAssertEqual(decide(newer, .superseded, [run(1, inBuild: true), run(2, waiting: true)]), .wait(behind: "run1", inStage: true))
    }

    func testQueuedRunsEnterInTheOrderTheyCame() {
        let older = run(2, waiting: true)
        let newer = run(3, waiting: true)
        XCTAssertEqual(decide(older, .queued, [newer]), .enter, "the stage is free and the older run came first")
        XCTAssertEqual(decide(newer, .queued, [older]), .wait(behind: "run2", inStage: false))
    }

    func testFinishedRunsHoldNothing() {
        var ended = run(1, inBuild: true)
        ended.finish(.failed, now: Date())
        XCTAssertEqual(decide(run(2), .queued, [ended]), .enter)
    }
}

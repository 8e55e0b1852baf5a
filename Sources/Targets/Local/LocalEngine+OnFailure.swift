import CopilotRules
import Foundation

// A stage's OnFailure (CodePipeline V2) on the local engine: `retry` runs the failed stage again once,
// in the same run, as RetryStageExecution would; `rollback` starts a rollback run of the stage to the
// last run that succeeded there, as RollbackStage would (its trigger AutomatedRollback).
extension LocalEngine {
    static let automatedRollbackTrigger = "AutomatedRollback"
    /// Who asks for a retry the stage's OnFailure makes.
    static let onFailureRetrier = "on-failure"

    /// When stage `index` of the failed `record` retries on failure and has not been retried so yet,
    /// makes the run ready to go on (see ``prepareRetry``) and says so; true when it does.
    func retryOnFailure(_ record: inout ExecutionRecord, stage index: Int) async throws -> Bool {
        let stage = record.snapshot.stages[index].name
        guard case .retry(let mode)? = record.pipeline.v2?.settings(ofStage: stage)?.onFailure,
              !(record.retries ?? []).contains(where: { $0.stage == stage && $0.by == Self.onFailureRetrier }) else { return false }
        let retryMode: StageRetryMode = mode == .allActions ? .allActions : .failedActions
        try prepareRetry(&record, stage: stage, mode: retryMode, pushed: record.pipeline, by: Self.onFailureRetrier)
        try await restoreSource(record, retrying: stage)
        try save(record)
        console.message("\(stage) failed: its on-failure setting retries it (\(mode.word)) once")
        return true
    }

    /// When stage `index` of the failed `record` rolls back on failure, starts the rollback run of the stage to
    /// the newest other run that succeeded there (what a rollback run redeployed counts as its target's).
    func rollBackOnFailure(_ record: ExecutionRecord, stage index: Int) async throws {
        let stage = record.snapshot.stages[index].name
        guard case .rollback? = record.pipeline.v2?.settings(ofStage: stage)?.onFailure else { return }
        let earlier = try records(record.pipeline.name).first { candidate in
            candidate.snapshot.id != record.snapshot.id && candidate.snapshot.stages.first { $0.name == stage }?.state == .succeeded
        }
        guard let earlier else {
            console.message("\(stage) failed; its on-failure setting rolls it back, but no earlier run succeeded there: nothing to roll back to")
            return
        }
        let target = earlier.snapshot.rollbackTarget ?? earlier.snapshot.id
        console.message("\(stage) failed: its on-failure setting rolls it back to run \(target)")
        _ = try await rollBack(record.pipeline, stage: stage, to: target, trigger: Self.automatedRollbackTrigger)
    }
}

import CopilotRules
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Operating the runs of the local engine as CodePipeline's StopPipelineExecution, RetryStageExecution
// and RollbackStage operate a pipeline's: a plain API, so on-failure handling can use it too. Each
// operation is a pure change of an execution record (`prepareRetry`, `prepareRollback`) and a part that
// takes the run's lock and drives it.

/// A `stop` asked of an execution another sluice may be driving: written beside the execution
/// (`stop.json`), acted on by whoever drives it before its next action (at once for `abandon`, which
/// cancels the running action), and removed when the execution ends.
struct StopRequest: Codable, Equatable, Sendable {
    var mode: StopMode
    var reason: String?
    var by: String
    var at: Date
}

extension LocalEngine {
    func stopFile(_ pipeline: String, _ id: String) -> URL {
        store.executionDirectory(pipeline, id).appendingPathComponent("stop.json")
    }

    func pendingStop(_ record: ExecutionRecord) throws -> StopRequest? {
        try store.read(StopRequest.self, from: stopFile(record.pipeline.name, record.snapshot.id))
    }

    /// Takes a pending stop request into the record (its reason) and removes it.
    func clearStop(_ record: inout ExecutionRecord) throws {
        let file = stopFile(record.pipeline.name, record.snapshot.id)
        guard let request = try store.read(StopRequest.self, from: file) else { return }
        record.snapshot.stopReason = Self.stopSummary("stopped", request)
        try? FileManager.default.removeItem(at: file)
    }

    /// "stopped by alice: deploy freeze".
    static func stopSummary(_ verb: String, _ request: StopRequest?) -> String {
        guard let request else { return "\(verb) by a stop request" }
        return "\(verb) by \(request.by)" + (request.reason.map { ": \($0)" } ?? "")
    }

    // MARK: Finding runs and stages

    /// The execution `typed` names: its id, or a prefix of exactly one id.
    func execution(_ pipeline: String, named typed: String) throws -> ExecutionRecord {
        let all = try records(pipeline)
        if let exact = all.first(where: { $0.snapshot.id == typed }) { return exact }
        let matches = all.filter { $0.snapshot.id.hasPrefix(typed.lowercased()) }
        guard matches.count <= 1 else { throw RunRefusal.ambiguousExecution(typed, matches: matches.map(\.snapshot.id)) }
        guard let found = matches.first else { throw RunRefusal.noSuchExecution(typed, pipeline: pipeline) }
        return found
    }

    /// The stage of the pushed pipeline `typed` names (Source, Build, a deploy stage or its environment).
    static func stage(_ typed: String, of pipeline: PipelinePlan) throws -> String {
        let names = [StageName.source, StageName.build] + pipeline.stages.map(\.name)
        guard let name = StageName.named(typed, among: names) else { throw RunRefusal.noSuchStage(typed, stages: names) }
        return name
    }

    // MARK: stop

    /// Stops execution `id` (the newest one not finished when nil). A run parked at an approval is stopped
    /// here; a run another sluice drives is asked to stop, and for `abandon` this waits (up to 10 s) until
    /// its driver has abandoned the running action.
    func stop(_ pipeline: String, execution id: String?, mode: StopMode, reason: String?) async throws -> ExecutionSnapshot {
        try reapAbandoned(pipeline)
        let all = try records(pipeline)
        let chosen: ExecutionRecord
        if let id {
            chosen = try execution(pipeline, named: id)
        } else if let running = all.first(where: { !$0.snapshot.state.isFinal }) {
            chosen = running
        } else {
            throw RunRefusal.nothingToStop(pipeline: pipeline, latest: all.first?.snapshot.id, state: all.first?.snapshot.state)
        }
        let runID = chosen.snapshot.id
        guard !chosen.snapshot.state.isFinal else { throw RunRefusal.notStoppable(runID, state: chosen.snapshot.state) }
        if let asked = try pendingStop(chosen), mode == .finishRunningActions || asked.mode == .abandon {
            throw RunRefusal.alreadyStopping(runID, mode: asked.mode)
        }
        try store.write(StopRequest(mode: mode, reason: reason, by: Self.userName, at: now()), to: stopFile(pipeline, runID))

        let lock = try FileLock(lockFile(pipeline, runID))
        if lock.tryLock() {
            // Nobody drives it: it is parked at an approval (or its sluice just ended), and this sluice stops it.
            defer { lock.unlock() }
            var record = try record(pipeline, runID)
            guard !record.snapshot.state.isFinal else { return record.snapshot }
            if mode == .abandon || record.needsDriver {
                let request = try pendingStop(record)
                for (stage, actions) in record.snapshot.stages.enumerated() {
                    for (action, item) in actions.actions.enumerated() where item.state == .waitingForApproval || item.state == .inProgress {
                        record.setAction(stage, action, .abandoned, summary: Self.stopSummary("abandoned", request), now: now())
                    }
                }
                return try finishStopped(&record, display: nil)
            }
            // Stop and wait: the approval is a running action; the run ends Stopped once it is answered.
            try save(record)
            return record.snapshot
        }
        guard mode == .abandon else { return try record(pipeline, runID).snapshot }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            let record = try record(pipeline, runID)
            if record.snapshot.state.isFinal { return record.snapshot }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RunRefusal.stopNotApplied(runID, driver: try record(pipeline, runID).driverPID)
    }

    // MARK: retry

    /// Runs stage `typed` of the latest execution that reached it again, from its failed actions or all
    /// of them, with that execution's source revision and artifacts; Build and the stages before it are
    /// not run again. `pushed` is the pipeline as last pushed, whose structure must still be the run's.
    func retry(_ pushed: PipelinePlan, stage typed: String, mode: StageRetryMode) async throws -> ExecutionSnapshot {
        let pipeline = pushed.name
        try reapAbandoned(pipeline)
        let stage = try Self.stage(typed, of: pushed)
        guard let latest = try records(pipeline).first(where: { $0.snapshot.stages.first { $0.name == stage }.map(Self.reached) ?? false })
        else { throw RunRefusal.stageNeverRan(stage) }
        let id = latest.snapshot.id
        let lock = try FileLock(lockFile(pipeline, id))
        guard lock.tryLock() else { throw RunRefusal.executionBusy(id, driver: latest.driverPID) }
        defer { lock.unlock() }
        var record = try record(pipeline, id)
        try prepareRetry(&record, stage: stage, mode: mode, pushed: pushed)
        try await restoreSource(record, retrying: stage)
        try save(record)
        return try await drive(&record, display: ExecutionDisplay(console: console))
    }

    /// Makes `record` ready to run stage `stage` again: its failed, stopped or abandoned actions (or all
    /// of them) pending, the run in progress again, the retry remembered. Refuses as CodePipeline does.
    func prepareRetry(_ record: inout ExecutionRecord, stage: String, mode: StageRetryMode, pushed: PipelinePlan,
                      by asker: String = LocalEngine.userName) throws {
        let id = record.snapshot.id
        guard let index = record.snapshot.stages.firstIndex(where: { $0.name == stage }) else {
            throw RunRefusal.stageNeverRan(stage)
        }
        let state = record.snapshot.stages[index].state
        guard record.snapshot.state.isFinal, [.failed, .rejected, .stopped, .abandoned].contains(state) else {
            throw RunRefusal.stageNotRetryable(stage: stage, execution: id, state: record.snapshot.state.isFinal ? state : record.snapshot.state)
        }
        guard record.structure(from: stage) == ExecutionRecord.structure(of: pushed, from: stage) else {
            throw RunRefusal.structureChanged(stage: stage, execution: id)
        }
        for (action, item) in record.snapshot.stages[index].actions.enumerated()
        where mode == .allActions || [.failed, .rejected, .stopped, .abandoned].contains(item.state) {
            record.snapshot.stages[index].actions[action] = ActionSnapshot(name: item.name, state: .pending)
        }
        record.snapshot.stages[index].state = ExecutionRecord.stageState(record.snapshot.stages[index].actions)
        record.snapshot.state = .inProgress
        record.snapshot.finishedAt = nil
        record.snapshot.stopReason = nil
        record.retries = (record.retries ?? []) + [.init(stage: stage, mode: mode, by: asker, at: now())]
        record.driverPID = getpid()
        record.updatedAt = now()
    }

    /// A run that ended lost its source snapshot (see ``save``); a retry of a stage after Source takes the
    /// run's revision again.
    func restoreSource(_ record: ExecutionRecord, retrying stage: String) async throws {
        guard stage != StageName.source, let revision = record.snapshot.sourceRevision else { return }
        _ = try await GitSource(workspaceRoot: workspaceRoot).snapshot(revision: revision, into: ExecutionRun(store: store, record: record).source)
    }

    /// Whether a run reached a stage: one of its actions started.
    static func reached(_ stage: StageSnapshot) -> Bool {
        stage.actions.contains { $0.state != .pending } || stage.state == .stopped
    }

    // MARK: rollback

    /// Starts a rollback execution of stage `typed`: its actions run again with the source revision and
    /// build artifacts of `target` (by default the newest run before the one deployed in the stage now
    /// that succeeded there), so its deployments record what that run deployed.
    func rollBack(_ pushed: PipelinePlan, stage typed: String, to target: String?,
                  trigger: String = ExecutionRecord.rollbackTrigger) async throws -> ExecutionSnapshot {
        let pipeline = pushed.name
        try reapAbandoned(pipeline)
        let stage = try Self.stage(typed, of: pushed)
        guard stage != StageName.source else { throw RunRefusal.sourceCannotRollBack }
        let all = try records(pipeline)
        let chosen = try rollbackTarget(all, stage: stage, named: target, pushed: pushed)
        let artifacts = ExecutionRun(store: store, record: chosen).artifacts
        guard stage == StageName.build || FileManager.default.fileExists(atPath: artifacts.path) else {
            throw RunRefusal.artifactsGone(chosen.snapshot.id)
        }
        var (record, lock) = try await create(pushed, trigger: trigger) { record in
            try Self.prepareRollback(&record, stage: stage, target: chosen)
            let run = ExecutionRun(store: store, record: record)
            if let revision = chosen.snapshot.sourceRevision {
                _ = try await GitSource(workspaceRoot: workspaceRoot).snapshot(revision: revision, into: run.source)
            }
            if stage != StageName.build {
                try FileManager.default.copyItem(at: artifacts, to: run.artifacts)
            }
        }
        defer { lock.unlock() }
        return try await drive(&record, display: ExecutionDisplay(console: console))
    }

    /// Shapes a new execution as the rollback of `stage` to `target`: that one stage, pending, with
    /// the target's source revision.
    static func prepareRollback(_ record: inout ExecutionRecord, stage: String, target: ExecutionRecord) throws {
        guard let planned = record.snapshot.stages.first(where: { $0.name == stage }) else {
            throw RunRefusal.noSuchStage(stage, stages: record.snapshot.stages.map(\.name))
        }
        record.snapshot.stages = [planned]
        record.snapshot.rollbackTarget = target.snapshot.id
        record.snapshot.variables = target.snapshot.variables
        record.snapshot.sourceRevision = target.snapshot.sourceRevision
        record.snapshot.sourceSummary = target.snapshot.sourceSummary
        record.workspacePrefix = target.workspacePrefix
    }

    /// The run a rollback of `stage` goes back to: the one named, or the newest standard run that succeeded
    /// there before the one whose deployment the stage holds now (a rollback's target for a rollback run).
    func rollbackTarget(_ all: [ExecutionRecord], stage: String, named typed: String?, pushed: PipelinePlan) throws -> ExecutionRecord {
        func stageState(_ record: ExecutionRecord) -> RunState? { record.snapshot.stages.first { $0.name == stage }?.state }
        if let busy = all.first(where: { !$0.snapshot.state.isFinal && [.inProgress, .waitingForApproval].contains(stageState($0)) }) {
            throw RunRefusal.stageBusy(stage: stage, execution: busy.snapshot.id)
        }
        let structure = ExecutionRecord.structure(of: pushed, from: StageName.source)
        let chosen: ExecutionRecord
        if let typed {
            chosen = try execution(pushed.name, named: typed)
            guard chosen.snapshot.rollbackTarget == nil else { throw RunRefusal.targetIsRollback(chosen.snapshot.id) }
            let state = stageState(chosen) ?? .pending
            guard state == .succeeded else { throw RunRefusal.targetDidNotSucceed(chosen.snapshot.id, stage: stage, state: state) }
        } else {
            let succeeded = all.filter { stageState($0) == .succeeded }
            guard let current = succeeded.first else { throw RunRefusal.noEarlierSuccess(stage: stage) }
            let deployed = current.snapshot.rollbackTarget.flatMap { id in all.first { $0.snapshot.id == id } } ?? current
            guard let previous = succeeded.first(where: { $0.snapshot.rollbackTarget == nil && $0.sequence < deployed.sequence }) else {
                throw RunRefusal.noEarlierSuccess(stage: stage)
            }
            chosen = previous
        }
        guard chosen.structure(from: StageName.source) == structure else { throw RunRefusal.targetOutdated(chosen.snapshot.id) }
        return chosen
    }
}

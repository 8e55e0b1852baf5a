import CopilotRules
import Foundation

/// What one action of an execution does: Source and Build, or an action of the plan's
/// DeployTo stages.
enum LocalStep {
    case source
    case build
    case planned(PipelinePlan.Action)
}

/// One execution as stored in `execution.json`.
struct ExecutionRecord: Codable, Sendable {
    /// Starts at 1 per pipeline; orders `history`.
    var sequence: Int
    /// What started it: "push", "release", or ``ExecutionRecord/rollbackTrigger``.
    var trigger: String
    /// The pipeline as `push` recorded it; its stages and actions are `snapshot`'s, in the same order
    /// (a rollback execution's snapshot holds the one stage it runs).
    var pipeline: PipelinePlan
    var snapshot: ExecutionSnapshot
    /// The sluice process driving it now, for messages; the lock is what counts.
    var driverPID: Int32?
    /// Where the workspace sits inside the repository ("" at its top), found by Source.
    var workspacePrefix: String?
    var updatedAt: Date
    /// Each `retry` of a stage of this execution, oldest first.
    var retries: [StageRetry]?
    /// The commit a trigger started it for (`trigger follow`), which Source takes instead of the branch's head.
    var pushedCommit: PushedCommit?

    struct PushedCommit: Codable, Equatable {
        var commit: String
        /// "branch main", "tag v1.2".
        var ref: String
    }

    /// The stage whose entry it waits at (another run is in it, or its gate is closed); nil when it waits for none.
    var waitingForStage: String?

    /// A `retry`: which stage, which actions, who asked and when.
    struct StageRetry: Codable, Equatable {
        var stage: String
        var mode: StageRetryMode
        var by: String
        var at: Date
    }

    /// CodePipeline's trigger type of a rollback a person asked for.
    static let rollbackTrigger = "ManualRollback"

    /// A new execution: every stage and action pending.
    init(id: String, sequence: Int, trigger: String, by user: String? = nil, pipeline: PipelinePlan, now: Date) {
        self.sequence = sequence
        self.trigger = trigger
        self.pipeline = pipeline
        var stages = [
            StageSnapshot(name: StageName.source, state: .pending,
                          actions: [ActionSnapshot(name: pipeline.sourceActionName, state: .pending)]),
            StageSnapshot(name: StageName.build, state: .pending, actions: [ActionSnapshot(name: StageName.buildAction, state: .pending)]),
        ]
        stages += pipeline.stages.map { stage in
            StageSnapshot(name: stage.name, state: .pending, actions: stage.actions.map { ActionSnapshot(name: $0.name, state: .pending) })
        }
        snapshot = ExecutionSnapshot(pipeline: pipeline.name, id: id, state: .inProgress, startedAt: now, stages: stages,
                                     trigger: ExecutionTrigger(type: trigger, detail: user))
        updatedAt = now
    }

    /// What action `action` of stage `stage` does.
    func step(_ stage: Int, _ action: Int) -> LocalStep {
        switch snapshot.stages[stage].name {
        case StageName.source: return .source
        case StageName.build: return .build
        case let name: return .planned(pipeline.stages.first { $0.name == name }!.actions[action])
        }
    }

    /// The next action to run: the first pending one, in stage and action order.
    var nextAction: (stage: Int, action: Int)? {
        for (stageIndex, stage) in snapshot.stages.enumerated() {
            if let actionIndex = stage.actions.firstIndex(where: { $0.state == .pending }) {
                return (stageIndex, actionIndex)
            }
        }
        return nil
    }

    /// An execution no process is moving: one that is not final and not parked at an approval.
    var needsDriver: Bool {
        !snapshot.state.isFinal && snapshot.waitingApprovals.isEmpty
    }

    /// The environment of stage `index` (nil for Source and Build).
    func environment(ofStage index: Int) -> String? {
        StageName.environment(of: snapshot.stages[index].name)
    }

    mutating func setAction(_ stage: Int, _ action: Int, _ state: RunState, summary: String? = nil, hint: String? = nil,
                            by: String? = nil, now: Date) {
        var item = snapshot.stages[stage].actions[action]
        if state == .inProgress || (state == .waitingForApproval && item.startedAt == nil) { item.startedAt = now }
        if state.isFinal { item.finishedAt = now }
        item.state = state
        if let summary { item.summary = summary }
        if let hint { item.hint = hint }
        if let by { item.updatedBy = by }
        snapshot.stages[stage].actions[action] = item
        snapshot.stages[stage].state = Self.stageState(snapshot.stages[stage].actions)
        updatedAt = now
    }

    /// Ends the execution in `state` (Succeeded, Failed, Rejected, Stopped, Abandoned).
    mutating func finish(_ state: RunState, now: Date) {
        snapshot.state = state
        snapshot.finishedAt = now
        driverPID = nil
        updatedAt = now
    }

    /// A stage is as far as its actions: failed if one failed, succeeded when all did,
    /// pending until one starts, otherwise in progress (an approval waiting included).
    static func stageState(_ actions: [ActionSnapshot]) -> RunState {
        if actions.isEmpty { return .pending }
        if let final = actions.first(where: { [.failed, .rejected, .stopped, .abandoned].contains($0.state) }) { return final.state }
        if actions.allSatisfy({ $0.state == .succeeded }) { return .succeeded }
        if actions.allSatisfy({ $0.state == .pending }) { return .pending }
        return .inProgress
    }

    /// The stage and action names from stage `name` on: what a retry or a rollback needs unchanged in the
    /// pipeline as pushed (CodePipeline's "pipeline structure").
    func structure(from name: String) -> [[String]] {
        Self.structure(of: pipeline, from: name)
    }

    /// Source and Build come before every deploy stage, so from either of them the structure is the whole pipeline's.
    static func structure(of pipeline: PipelinePlan, from name: String) -> [[String]] {
        let stages = name == StageName.source || name == StageName.build ? pipeline.stages[...] : pipeline.stages.drop { $0.name != name }
        return [[pipeline.sourceActionName]] + stages.map { [$0.name] + $0.actions.map(\.name) }
    }
}

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
struct ExecutionRecord: Codable {
    /// Starts at 1 per pipeline; orders `history`.
    var sequence: Int
    /// "push" or "release".
    var trigger: String
    /// The pipeline as `push` recorded it; its stages and actions are `snapshot`'s, in the same order.
    var pipeline: PipelinePlan
    var snapshot: ExecutionSnapshot
    /// The sluice process driving it now, for messages; the lock is what counts.
    var driverPID: Int32?
    /// Where the workspace sits inside the repository ("" at its top), found by Source.
    var workspacePrefix: String?
    var updatedAt: Date

    /// A new execution: every stage and action pending.
    init(id: String, sequence: Int, trigger: String, pipeline: PipelinePlan, now: Date) {
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
        snapshot = ExecutionSnapshot(pipeline: pipeline.name, id: id, state: .inProgress, startedAt: now, stages: stages)
        updatedAt = now
    }

    /// What action `action` of stage `stage` does.
    func step(_ stage: Int, _ action: Int) -> LocalStep {
        switch stage {
        case 0: return .source
        case 1: return .build
        default: return .planned(pipeline.stages[stage - 2].actions[action])
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

    mutating func setAction(_ stage: Int, _ action: Int, _ state: RunState, summary: String? = nil, now: Date) {
        var item = snapshot.stages[stage].actions[action]
        if state == .inProgress || (state == .waitingForApproval && item.startedAt == nil) { item.startedAt = now }
        if state.isFinal { item.finishedAt = now }
        item.state = state
        if let summary { item.summary = summary }
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
}

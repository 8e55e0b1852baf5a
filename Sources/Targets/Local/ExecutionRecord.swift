import Foundation

/// What one action of an execution does; kept beside the snapshot so a later sluice
/// (after an approval, say) knows how to carry on.
enum PlannedAction: Codable, Equatable {
    case source
    case build
    case approval
    case preDeployment(ActionDefinition)
    case deployment(DeploymentDefinition)
    case postDeployment(ActionDefinition)
    case tests([String])
}

/// One execution as stored in `execution.json`.
struct ExecutionRecord: Codable {
    /// Starts at 1 per pipeline; orders `history`.
    var sequence: Int
    /// "push" or "release".
    var trigger: String
    var definition: PipelineDefinition
    /// One list per stage, parallel to `snapshot.stages[i].actions`.
    var plan: [[PlannedAction]]
    var snapshot: ExecutionSnapshot
    /// The sluice process driving it now, for messages; the lock is what counts.
    var driverPID: Int32?
    /// Where the workspace sits inside the repository ("" at its top), found by Source.
    var workspacePrefix: String?
    var updatedAt: Date

    /// A new execution: every stage and action pending; deployments that depend on the
    /// workloads found in the source are added when Source has run.
    init(id: String, sequence: Int, trigger: String, definition: PipelineDefinition, now: Date) throws {
        self.sequence = sequence
        self.trigger = trigger
        self.definition = definition
        var plan: [[PlannedAction]] = [[.source], [.build]]
        for stage in definition.stages { plan.append(try stage.plannedActions()) }
        let names = [StageName.source, StageName.build] + definition.stages.map { StageName.deploy($0.environment) }
        let environments: [String?] = [nil, nil] + definition.stages.map(\.environment)
        let stages = plan.indices.map { index in
            StageSnapshot(name: names[index], state: .pending, actions: plan[index].map {
                ActionSnapshot(name: $0.actionName(application: definition.application, environment: environments[index]),
                               state: .pending)
            })
        }
        self.plan = plan
        snapshot = ExecutionSnapshot(pipeline: definition.name, id: id, state: .inProgress, startedAt: now, stages: stages)
        updatedAt = now
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

extension StageDefinition {
    /// The stage's actions in the order they run: the approval, pre-deployments, deployments
    /// and post-deployments (each in depends_on order), then the test commands.
    func plannedActions() throws -> [PlannedAction] {
        var actions: [PlannedAction] = requiresApproval ? [.approval] : []
        actions += try dependencyOrder(preDeployments, name: \.name, dependsOn: \.dependsOn).map { .preDeployment($0) }
        actions += try dependencyOrder(deployments, name: \.name, dependsOn: \.dependsOn).map { .deployment($0) }
        actions += try dependencyOrder(postDeployments, name: \.name, dependsOn: \.dependsOn).map { .postDeployment($0) }
        if !testCommands.isEmpty { actions.append(.tests(testCommands)) }
        return actions
    }
}

extension PlannedAction {
    /// CodePipeline's action name, as Copilot names it.
    func actionName(application: String, environment: String?) -> String {
        switch self {
        case .source: return StageName.sourceAction(application: application)
        case .build: return StageName.buildAction
        case .approval: return StageName.approvalAction(environment ?? "")
        case .preDeployment(let action), .postDeployment(let action): return action.name
        case .deployment(let deployment): return StageName.deploymentAction(deployment.name, environment ?? "")
        case .tests: return StageName.testAction
        }
    }
}

import AWS
import CopilotRules
import Foundation

// Executions as `watch` and `status` draw them, from CodePipeline's answers.
//
// One GetPipelineState per poll: the Source stage's latest execution is always the newest
// one (every execution starts there), and the stages that execution has reached carry its
// state. ListPipelineExecutions is asked only when a new execution appears (for its start
// time and source revision) and when the state looks final (for the exact outcome).

/// The execution `watch` is following, as ListPipelineExecutions described it.
struct FollowedExecution: Sendable {
    var id: String
    var startedAt: Date?
    var sourceRevision: String?
    var sourceSummary: String?
    var trigger: ExecutionTrigger?
    var rollbackTarget: String?
    var stopReason: String?
    /// What a V2 pipeline's variables resolved to (nil until asked).
    var variables: [PipelineV2.VariableValue]?
    /// Set once ListPipelineExecutions confirmed the end.
    var final: (state: CodePipeline.ExecutionStatus, at: Date?)?
}

/// CodePipeline asked `watch` to slow down.
struct CodePipelineThrottled: ThrottlingError {
    var retryAfter: Duration? { nil }
}

extension AWSTarget {
    public func latestExecution(_ pipeline: PipelineContext) async throws -> ExecutionSnapshot? {
        do {
            let aws = try aws()
            let name = try await pipelineName(pipeline, aws)
            let state = try await aws.codePipeline.getPipelineState(.init(name: name))
            guard let newest = state.stageStates?.first?.latestExecution?.pipelineExecutionId else { return nil }
            var execution: FollowedExecution
            if let known = follow(name), known.id == newest {
                execution = known
            } else {
                execution = try await describe(newest, of: name, aws)
            }
            var snapshot = snapshot(of: execution, in: state, pipeline: name)
            if execution.final == nil, snapshot.state.isFinal {
                execution = try await describe(newest, of: name, aws)
                snapshot = self.snapshot(of: execution, in: state, pipeline: name)
            }
            let (declaration, links) = try await described(name, aws)
            // Asked once per execution, with its description.
            if execution.variables == nil, declaration?.variables?.isEmpty == false {
                execution.variables = try await resolvedVariables(name, execution: execution.id, declaration: declaration, aws) ?? []
            }
            snapshot.variables = execution.variables.flatMap { $0.isEmpty ? nil : $0 }
            remember(execution, for: name)
            var buildIDs: [String: String] = [:]
            for stage in state.stageStates ?? [] {
                for action in stage.actionStates ?? [] {
                    if let id = action.latestExecution?.externalExecutionId { buildIDs["\(stage.stageName ?? "")/\(action.actionName ?? "")"] = id }
                }
            }
            return await withFailureTails(Self.linked(snapshot, declaration: declaration, links: links, buildIDs: buildIDs), state, aws)
        } catch let error as AWSError where error.isThrottling {
            throw CodePipelineThrottled()
        }
    }

    /// The snapshot with the last lines of each failed build's log under its action.
    private func withFailureTails(_ snapshot: ExecutionSnapshot, _ state: CodePipeline.GetPipelineStateOutput,
                                  _ aws: AWSClients) async -> ExecutionSnapshot {
        var snapshot = snapshot
        for (stageIndex, stage) in snapshot.stages.enumerated() {
            let actionStates = state.stageStates?.first { $0.stageName == stage.name }?.actionStates ?? []
            for (actionIndex, action) in stage.actions.enumerated() where action.state == .failed {
                guard let buildID = actionStates.first(where: { $0.actionName == action.name })?.latestExecution?.externalExecutionId
                else { continue }
                snapshot.stages[stageIndex].actions[actionIndex].logTail = await failureTail(ofBuild: buildID, aws)
            }
        }
        return snapshot
    }

    /// One execution's summary, looked up among the newest hundred.
    private func describe(_ id: String, of name: String, _ aws: AWSClients) async throws -> FollowedExecution {
        let listed = try await aws.codePipeline.listPipelineExecutions(.init(pipelineName: name, maxResults: 100))
        guard let summary = listed.pipelineExecutionSummaries?.first(where: { $0.pipelineExecutionId == id }) else {
            throw AWSTargetError("pipeline \(name) has no execution \(id) among its latest 100", hint: "`history` lists them")
        }
        let status = summary.status ?? .inProgress
        let running = status == .inProgress || status == .stopping
        return FollowedExecution(id: id, startedAt: summary.startTime,
                                 sourceRevision: summary.sourceRevisions?.first?.revisionId,
                                 sourceSummary: summary.sourceRevisions?.first?.revisionSummary,
                                 trigger: summary.trigger?.triggerType.map {
                                     ExecutionTrigger(type: $0, detail: summary.trigger?.triggerDetail.flatMap(IAMIdentity.readable))
                                 },
                                 rollbackTarget: summary.rollbackMetadata?.rollbackTargetPipelineExecutionId,
                                 stopReason: summary.stopTrigger?.reason,
                                 final: running ? nil : (status, summary.lastUpdateTime))
    }

    func snapshot(of execution: FollowedExecution, in state: CodePipeline.GetPipelineStateOutput,
                  pipeline name: String) -> ExecutionSnapshot {
        let now = Date()
        var stages: [StageSnapshot] = []
        for stage in state.stageStates ?? [] {
            let reached = stage.latestExecution?.pipelineExecutionId == execution.id
            var actions: [ActionSnapshot] = []
            for action in stage.actionStates ?? [] {
                let actionName = action.actionName ?? "?"
                // An action's latest execution may be an older pipeline execution's, in a stage this one
                // reached but an action it has not: those changed before this execution started.
                guard reached, let latest = action.latestExecution,
                      (latest.lastStatusChange ?? .distantFuture) >= (execution.startedAt ?? .distantPast).addingTimeInterval(-1)
                else {
                    actions.append(ActionSnapshot(name: actionName, state: .pending))
                    continue
                }
                let running = latest.status == .inProgress
                let started = latest.actionExecutionId.flatMap {
                    actionStart($0, seenRunningAt: running ? (latest.lastStatusChange ?? now) : nil)
                }
                let actionState = Self.runState(action: actionName, latest)
                var summary = latest.summary
                var who: String?
                if actionState == .failed, let message = latest.errorDetails?.message { summary = message }
                if StageName.isApproval(actionName), actionState == .succeeded || actionState == .rejected,
                   let updatedBy = latest.lastUpdatedBy {
                    who = IAMIdentity.shortName(updatedBy)
                    summary = ApprovalSummary.text(approved: actionState == .succeeded, by: who ?? updatedBy, comment: latest.summary)
                }
                actions.append(ActionSnapshot(name: actionName, state: actionState, startedAt: started,
                                              finishedAt: running ? nil : latest.lastStatusChange, summary: summary, updatedBy: who))
            }
            var stageState: RunState = .pending
            if reached {
                switch stage.latestExecution?.status {
                case .succeeded?: stageState = .succeeded
                case .failed?: stageState = actions.contains { $0.state == .rejected } ? .rejected : .failed
                case .stopping?: stageState = .stopping
                case .stopped?, .cancelled?: stageState = .stopped
                default: stageState = actions.contains { $0.state == .waitingForApproval } ? .waitingForApproval : .inProgress
                }
            }
            stages.append(StageSnapshot(name: stage.stageName ?? "?", state: stageState,
                                        transitionEnabled: stage.inboundTransitionState?.enabled ?? true, actions: actions))
        }
        let rejected = stages.contains { $0.state == .rejected }
        let overall: RunState
        if let final = execution.final {
            overall = Self.runState(execution: final.state, rejected: rejected)
        } else if let failed = stages.first(where: { $0.state == .failed || $0.state == .rejected }) {
            overall = failed.state
        } else if !stages.isEmpty, stages.allSatisfy({ $0.state == .succeeded }) {
            overall = .succeeded
        } else if stages.contains(where: { $0.state == .stopping }) {
            overall = .stopping
        } else if stages.contains(where: { $0.state == .waitingForApproval }) {
            overall = .waitingForApproval
        } else {
            overall = .inProgress
        }
        return ExecutionSnapshot(pipeline: name, id: execution.id, state: overall, startedAt: execution.startedAt,
                                 finishedAt: execution.final?.at, sourceRevision: execution.sourceRevision,
                                 sourceSummary: execution.sourceSummary, stages: stages, trigger: execution.trigger,
                                 rollbackTarget: execution.rollbackTarget, stopReason: execution.stopReason)
    }

    /// A pipeline execution's status in the shared vocabulary.
    static func runState(execution status: CodePipeline.ExecutionStatus?, rejected: Bool) -> RunState {
        switch status {
        case .succeeded?: return .succeeded
        case .failed?: return rejected ? .rejected : .failed
        case .stopping?: return .stopping
        case .stopped?, .cancelled?, .superseded?: return .stopped
        default: return .inProgress
        }
    }

    /// An action's latest execution in the shared vocabulary: a failed approval was rejected.
    static func runState(action name: String, _ latest: CodePipeline.ActionExecution?) -> RunState {
        switch latest?.status {
        case .inProgress?: return latest?.token != nil ? .waitingForApproval : .inProgress
        case .succeeded?: return .succeeded
        case .failed?: return StageName.isApproval(name) ? .rejected : .failed
        case .abandoned?: return .abandoned
        default: return .pending
        }
    }
}

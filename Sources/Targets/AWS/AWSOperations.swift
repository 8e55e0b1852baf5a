import AWS
import CopilotRules
import Foundation

// stop, retry, rollback and the runs of `history`, from CodePipeline: StopPipelineExecution,
// RetryStageExecution, RollbackStage, ListPipelineExecutions and ListActionExecutions. What
// CodePipeline would refuse is refused before the call where its state tells (with the same
// reasons as the local target), and its own refusals are said the same way.

extension AWSTarget {
    public func stop(_ pipeline: PipelineContext, execution: String?, mode: StopMode, reason: String?) async throws -> ExecutionSnapshot {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let summaries = try await recentExecutions(name, aws)
        let chosen: CodePipeline.PipelineExecutionSummary
        if let execution {
            chosen = try Self.execution(named: execution, among: summaries, pipeline: name)
        } else if let running = summaries.first(where: { $0.status == .inProgress || $0.status == .stopping }) {
            chosen = running
        } else {
            throw RunRefusal.nothingToStop(pipeline: name, latest: summaries.first?.pipelineExecutionId,
                                           state: summaries.first.map { Self.runState(execution: $0.status, rejected: false) })
        }
        let id = chosen.pipelineExecutionId ?? ""
        let state = Self.runState(execution: chosen.status, rejected: false)
        if chosen.status == .stopping, mode == .finishRunningActions { throw RunRefusal.alreadyStopping(id, mode: mode) }
        guard !state.isFinal else { throw RunRefusal.notStoppable(id, state: state) }
        do {
            _ = try await aws.codePipeline.stopPipelineExecution(.init(pipelineName: name, pipelineExecutionId: id,
                                                                       abandon: mode == .abandon, reason: reason))
        } catch let error as AWSError where error.code == .pipelineExecutionNotStoppableException {
            throw RunRefusal.notStoppable(id, state: Self.runState(execution: try await recentExecutions(name, aws)
                .first { $0.pipelineExecutionId == id }?.status, rejected: false))
        } catch let error as AWSError where error.code == .duplicatedStopRequestException {
            throw RunRefusal.alreadyStopping(id, mode: .finishRunningActions)
        }
        return try await self.execution(pipeline, id: id)
    }

    public func retry(_ pipeline: PipelineContext, stage typed: String, mode: StageRetryMode) async throws -> ExecutionSnapshot {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let state = try await aws.codePipeline.getPipelineState(.init(name: name))
        let stages = (state.stageStates ?? []).compactMap(\.stageName)
        guard let stage = StageName.named(typed, among: stages) else { throw RunRefusal.noSuchStage(typed, stages: stages) }
        guard let latest = state.stageStates?.first(where: { $0.stageName == stage })?.latestExecution else {
            throw RunRefusal.stageNeverRan(stage)
        }
        let id = latest.pipelineExecutionId
        guard [.failed, .stopped].contains(latest.status) else {
            throw RunRefusal.stageNotRetryable(stage: stage, execution: id, state: Self.stageRunState(latest.status))
        }
        do {
            _ = try await aws.codePipeline.retryStageExecution(.init(
                pipelineName: name, stageName: stage, pipelineExecutionId: id,
                retryMode: mode == .allActions ? "ALL_ACTIONS" : "FAILED_ACTIONS"))
        } catch let error as AWSError where error.code == .stageNotRetryableException {
            throw RunRefusal.structureChanged(stage: stage, execution: id)
        } catch let error as AWSError where error.code == .notLatestPipelineExecutionException || error.code == .conflictException {
            throw RunRefusal.stageNotRetryable(stage: stage, execution: id, state: .inProgress)
        }
        return try await execution(pipeline, id: id)
    }

    public func rollBack(_ pipeline: PipelineContext, stage typed: String, to target: String?) async throws -> ExecutionSnapshot {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let declaration = try await aws.codePipeline.getPipeline(.init(name: name)).pipeline
        withLock { declarations[name] = nil }
        let stages = declaration?.stages.map(\.name) ?? []
        guard let stage = StageName.named(typed, among: stages) else { throw RunRefusal.noSuchStage(typed, stages: stages) }
        guard stage != stages.first else { throw RunRefusal.sourceCannotRollBack }
        guard declaration?.pipelineType == "V2" else { throw RunRefusal.rollbackNeedsV2(pipeline: name) }
        let state = try await aws.codePipeline.getPipelineState(.init(name: name))
        if let busy = state.stageStates?.first(where: { $0.stageName == stage })?.latestExecution,
           busy.status == .inProgress || busy.status == .stopping {
            throw RunRefusal.stageBusy(stage: stage, execution: busy.pipelineExecutionId)
        }
        let recent = try await recentExecutions(name, aws)
        let chosen: String
        if let target {
            let named = try Self.execution(named: target, among: recent, pipeline: name)
            let id = named.pipelineExecutionId ?? target
            guard named.executionType != "ROLLBACK" else { throw RunRefusal.targetIsRollback(id) }
            let succeeded = try await aws.codePipeline.listPipelineExecutions(.init(
                pipelineName: name, maxResults: 100, filter: .init(succeededInStage: stage))).pipelineExecutionSummaries ?? []
            guard succeeded.contains(where: { $0.pipelineExecutionId == id }) else {
                let inStage = try await actionDetails(name, execution: id, aws).filter { $0.stageName == stage }
                throw RunRefusal.targetDidNotSucceed(id, stage: stage, state: Self.stageState(of: inStage))
            }
            chosen = id
        } else {
            let succeeded = try await aws.codePipeline.listPipelineExecutions(.init(
                pipelineName: name, maxResults: 100, filter: .init(succeededInStage: stage))).pipelineExecutionSummaries ?? []
            guard let current = succeeded.first else { throw RunRefusal.noEarlierSuccess(stage: stage) }
            let deployed = current.rollbackMetadata?.rollbackTargetPipelineExecutionId ?? current.pipelineExecutionId
            let deployedStart = (succeeded.first { $0.pipelineExecutionId == deployed } ?? current).startTime ?? .distantFuture
            guard let previous = succeeded.first(where: {
                $0.executionType != "ROLLBACK" && $0.pipelineExecutionId != deployed && ($0.startTime ?? .distantPast) < deployedStart
            })?.pipelineExecutionId else { throw RunRefusal.noEarlierSuccess(stage: stage) }
            chosen = previous
        }
        let started: CodePipeline.ExecutionID
        do {
            started = try await aws.codePipeline.rollbackStage(.init(pipelineName: name, stageName: stage, targetPipelineExecutionId: chosen))
        } catch let error as AWSError where error.code == .pipelineExecutionOutdatedException {
            throw RunRefusal.targetOutdated(chosen)
        } catch let error as AWSError where error.code == .conflictException {
            throw RunRefusal.stageBusy(stage: stage, execution: state.stageStates?.first { $0.stageName == stage }?
                .latestExecution?.pipelineExecutionId ?? "?")
        } catch let error as AWSError where error.code == .unableToRollbackStageException {
            throw RunRefusal.targetIsRollback(chosen)
        }
        guard let id = started.pipelineExecutionId else {
            throw AWSTargetError("CodePipeline started a rollback of \(stage) but returned no id", hint: "`history` lists it")
        }
        return try await execution(pipeline, id: id)
    }

    // MARK: Runs in full

    public func history(_ pipeline: PipelineContext, limit: Int) async throws -> [ExecutionSummary] {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let summaries = try await aws.codePipeline.listPipelineExecutions(.init(pipelineName: name, maxResults: max(1, min(limit, 100))))
            .pipelineExecutionSummaries ?? []
        var runs: [ExecutionSummary] = []
        for summary in summaries.prefix(limit) {
            runs.append(ExecutionSummary(try await fullSnapshot(summary, name, aws), updatedAt: summary.lastUpdateTime))
        }
        return runs
    }

    /// Execution `id` (an id, or the prefix of one among the newest hundred) with every action it ran.
    public func execution(_ pipeline: PipelineContext, id: String) async throws -> ExecutionSnapshot {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let summary = try Self.execution(named: id, among: try await recentExecutions(name, aws), pipeline: name)
        return try await fullSnapshot(summary, name, aws)
    }

    /// An execution with every action it ran (ListActionExecutions) and their console addresses.
    private func fullSnapshot(_ summary: CodePipeline.PipelineExecutionSummary, _ name: String,
                              _ aws: AWSClients) async throws -> ExecutionSnapshot {
        let (declaration, links) = try await described(name, aws)
        let details = try await actionDetails(name, execution: summary.pipelineExecutionId ?? "", aws)
        var buildIDs: [String: String] = [:]
        for detail in details.reversed() {
            if let id = detail.output?.executionResult?.externalExecutionId { buildIDs["\(detail.stageName ?? "")/\(detail.actionName ?? "")"] = id }
        }
        var snapshot = Self.snapshot(summary, pipeline: name, declaration: declaration, details: details)
        snapshot.variables = try await resolvedVariables(name, execution: snapshot.id, declaration: declaration, aws)
        return Self.linked(snapshot, declaration: declaration, links: links, buildIDs: buildIDs)
    }

    /// The variables an execution of a pipeline that declares some resolved (GetPipelineExecution); nil for one that declares none.
    func resolvedVariables(_ name: String, execution id: String, declaration: CodePipeline.PipelineDeclaration?,
                           _ aws: AWSClients) async throws -> [PipelineV2.VariableValue]? {
        guard declaration?.variables?.isEmpty == false else { return nil }
        let execution = try await aws.codePipeline.getPipelineExecution(.init(pipelineName: name, pipelineExecutionId: id)).pipelineExecution
        return execution?.variables?.compactMap { variable in
            variable.name.map { PipelineV2.VariableValue(name: $0, value: variable.resolvedValue ?? "") }
        }
    }

    func recentExecutions(_ name: String, _ aws: AWSClients) async throws -> [CodePipeline.PipelineExecutionSummary] {
        try await aws.codePipeline.listPipelineExecutions(.init(pipelineName: name, maxResults: 100)).pipelineExecutionSummaries ?? []
    }

    func actionDetails(_ name: String, execution: String, _ aws: AWSClients) async throws -> [CodePipeline.ActionExecutionDetail] {
        try await Pages.collect({ token in
            try await aws.codePipeline.listActionExecutions(.init(pipelineName: name, execution: execution, nextToken: token))
        }, items: \.actionExecutionDetails, next: \.nextToken)
    }

    /// The execution `typed` names among `summaries`: its id, or the prefix of exactly one.
    static func execution(named typed: String, among summaries: [CodePipeline.PipelineExecutionSummary],
                          pipeline: String) throws -> CodePipeline.PipelineExecutionSummary {
        if let exact = summaries.first(where: { $0.pipelineExecutionId == typed }) { return exact }
        let matches = summaries.filter { $0.pipelineExecutionId?.hasPrefix(typed.lowercased()) ?? false }
        guard matches.count <= 1 else { throw RunRefusal.ambiguousExecution(typed, matches: matches.compactMap(\.pipelineExecutionId)) }
        guard let found = matches.first else { throw RunRefusal.noSuchExecution(typed, pipeline: pipeline) }
        return found
    }

    /// An execution as ListActionExecutions tells it: the stages in the pipeline's order, each action's
    /// latest attempt in this execution (a retry's, after one), who answered each approval.
    static func snapshot(_ summary: CodePipeline.PipelineExecutionSummary, pipeline name: String,
                         declaration: CodePipeline.PipelineDeclaration?,
                         details: [CodePipeline.ActionExecutionDetail]) -> ExecutionSnapshot {
        var stages: [StageSnapshot] = []
        for stage in declaration?.stages ?? [] {
            let ran = details.filter { $0.stageName == stage.name }
            var actions: [ActionSnapshot] = []
            for action in stage.actions {
                let attempts = ran.filter { $0.actionName == action.name }
                guard let latest = attempts.max(by: { ($0.startTime ?? .distantPast) < ($1.startTime ?? .distantPast) }) else {
                    actions.append(ActionSnapshot(name: action.name, state: .pending))
                    continue
                }
                let isApproval = action.actionTypeId.category == "Approval"
                let result = latest.output?.executionResult
                var state = actionState(latest.status, isApproval: isApproval)
                var summary = result?.errorDetails?.message ?? result?.externalExecutionSummary
                var who: String?
                if isApproval, state == .succeeded || state == .rejected, let updatedBy = latest.updatedBy {
                    who = IAMIdentity.shortName(updatedBy)
                    summary = ApprovalSummary.text(approved: state == .succeeded, by: who ?? updatedBy,
                                                   comment: result?.externalExecutionSummary)
                }
                if state == .inProgress, isApproval { state = .waitingForApproval }
                actions.append(ActionSnapshot(name: action.name, state: state, startedAt: latest.startTime,
                                              finishedAt: state.isFinal ? latest.lastUpdateTime : nil, summary: summary, updatedBy: who))
            }
            let reached = actions.contains { $0.state != .pending }
            guard reached || summary.executionType != "ROLLBACK" else { continue }
            stages.append(StageSnapshot(name: stage.name, state: reached ? ExecutionRecord.stageState(actions) : .pending, actions: actions))
        }
        let rejected = stages.contains { $0.state == .rejected }
        return ExecutionSnapshot(
            pipeline: name, id: summary.pipelineExecutionId ?? "?", state: runState(execution: summary.status, rejected: rejected),
            startedAt: summary.startTime, finishedAt: summary.status.map { $0 == .inProgress || $0 == .stopping } == false ? summary.lastUpdateTime : nil,
            sourceRevision: summary.sourceRevisions?.first?.revisionId, sourceSummary: summary.sourceRevisions?.first?.revisionSummary,
            stages: stages,
            trigger: summary.trigger?.triggerType.map { ExecutionTrigger(type: $0, detail: summary.trigger?.triggerDetail.flatMap(IAMIdentity.readable)) },
            rollbackTarget: summary.rollbackMetadata?.rollbackTargetPipelineExecutionId, stopReason: summary.stopTrigger?.reason)
    }

    static func actionState(_ status: CodePipeline.ExecutionStatus?, isApproval: Bool) -> RunState {
        switch status {
        case .inProgress?: return .inProgress
        case .succeeded?: return .succeeded
        case .failed?: return isApproval ? .rejected : .failed
        case .abandoned?: return .abandoned
        case .stopped?, .stopping?, .cancelled?, .superseded?: return .stopped
        default: return .pending
        }
    }

    /// A stage's state from its actions' latest attempts.
    static func stageState(of details: [CodePipeline.ActionExecutionDetail]) -> RunState {
        details.isEmpty ? .pending : ExecutionRecord.stageState(details.map {
            ActionSnapshot(name: $0.actionName ?? "?", state: actionState($0.status, isApproval: false))
        })
    }

    /// A stage's latest execution status in the shared vocabulary.
    static func stageRunState(_ status: CodePipeline.ExecutionStatus) -> RunState {
        switch status {
        case .succeeded: return .succeeded
        case .failed: return .failed
        case .stopped, .cancelled, .superseded: return .stopped
        case .stopping: return .stopping
        default: return .inProgress
        }
    }
}

/// IAM identities as a person reads them in a run's history.
enum IAMIdentity {
    /// `arn:aws:iam::1:user/alice` → alice; `arn:aws:sts::1:assumed-role/Admin/alice` → alice (Admin).
    static func shortName(_ arn: String) -> String {
        guard arn.hasPrefix("arn:"), let resource = arn.split(separator: ":", maxSplits: 5).last else { return arn }
        let parts = resource.split(separator: "/").map(String.init)
        switch parts.first {
        case "user": return parts.last ?? arn
        case "assumed-role" where parts.count >= 3: return "\(parts[2]) (\(parts[1]))"
        default: return String(resource)
        }
    }

    /// A trigger's detail: an identity shortened, anything else (a commit, a rule) as it is.
    static func readable(_ detail: String) -> String {
        detail.hasPrefix("arn:aws") && (detail.contains(":iam::") || detail.contains(":sts::")) ? shortName(detail) : detail
    }
}

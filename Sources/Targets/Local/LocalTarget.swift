import CopilotRules
import Foundation
import Manifest

/// The local target: pipelines run on this machine, state under the workspace's `.sluice/`.
///
/// `push`, `release` and `approve` drive the execution in this process until it ends or parks
/// at an approval, drawing progress on the console; so in a script, the line after them sees a
/// settled execution, and `watch` reports it at once. Ctrl-C (task cancellation) stops the
/// running action and marks the execution Stopped.
public final class LocalTarget: PipelineTarget, @unchecked Sendable {
    public let kind = "local"
    public var pollingPolicy: PollingPolicy { PollingPolicy(initial: .milliseconds(200), maximum: .seconds(1)) }
    let engine: LocalEngine

    public init(workspaceRoot: URL, console: WatchConsole = .standardOutput()) {
        engine = LocalEngine(store: LocalStore(workspaceRoot: workspaceRoot), console: console)
    }

    private var store: LocalStore { engine.store }

    public func push(_ pipeline: PipelineContext, plan: PipelinePlan, options: PushOptions, ui: any TargetUI) async throws -> PushOutcome {
        let recorded = try store.read(PipelinePlan.self, from: store.definitionFile(plan.name))
        if recorded == plan {
            // Recording and starting are two steps: a sluice killed between them left a plan whose
            // run never began, which this push starts.
            if try engine.records(plan.name).first?.pipeline == plan {
                // As on AWS, an unchanged pipeline starts no run: a demo replayed in the same workspace needs a clean slate.
                ui.say("Pipeline \(plan.name) is up to date on the local target: no new run. `release` starts one; "
                       + "`reset --yes` clears its runs, so that `push` starts afresh (a demo's second showing).")
                return .upToDate
            }
            ui.say("Pipeline \(plan.name) was recorded by a sluice that stopped before starting its run; starting it now.")
        } else {
            ui.say("\(recorded == nil ? "Create" : "Update") local pipeline \(plan.name): \(plan.stageNames.joined(separator: " → "))")
            if recorded == nil, plan.stages.contains(where: { $0.actions.contains { if case .deployment = $0.kind { return true }; return false } }) {
                ui.say("(On this machine a CreateOrUpdate action checks its template and configuration in the build's output "
                       + "and records them under .sluice/local/deployments; it calls no CloudFormation.)")
            }
        }
        // A run that cannot get far on this machine is refused before anything is recorded.
        try await BuildPreflight.check(plan, workspaceRoot: pipeline.workspaceRoot)
        if options.dryRun { return .planned }
        // As on AWS, nothing changes unasked; a script's answer is `--yes` (the shell says so).
        if !options.assumeYes {
            guard ui.isInteractive, await ui.confirm("Record pipeline \(plan.name) and start a run?") else { return .planned }
        }
        if recorded != plan {
            try store.prepare()
            try store.write(plan, to: store.definitionFile(plan.name))
        }
        let snapshot = try await engine.start(plan, trigger: "push")
        return .deployed(executionID: snapshot.id, settled: snapshot)
    }

    @discardableResult
    public func release(_ pipeline: PipelineContext, variables: [PipelineV2.VariableValue]) async throws -> StartedRun {
        let definition = try pushedDefinition(pipeline)
        try await BuildPreflight.check(definition, workspaceRoot: pipeline.workspaceRoot)
        // What CodePipeline would refuse of the variables is refused before anything is recorded.
        let settled = try await engine.start(definition, trigger: "release", variables: variables)
        return StartedRun(id: settled.id, settled: settled)
    }

    public func differsFromPushed(_ pipeline: PipelineContext, plan: PipelinePlan) async throws -> Bool {
        guard let recorded = try store.read(PipelinePlan.self, from: store.definitionFile(pipeline.manifest.name)) else { return false }
        return recorded != plan
    }

    public func latestExecution(_ pipeline: PipelineContext) async throws -> ExecutionSnapshot? {
        try engine.reapAbandoned(pipeline.manifest.name)
        return try engine.records(pipeline.manifest.name).first.map(withFailureTails)
    }

    /// The snapshot with the last lines of each failed action's log, which `watch` shows under the failure.
    private func withFailureTails(_ record: ExecutionRecord) -> ExecutionSnapshot {
        var snapshot = record.snapshot
        let run = ExecutionRun(store: store, record: record)
        for (stageIndex, stage) in snapshot.stages.enumerated() {
            for (actionIndex, action) in stage.actions.enumerated() where action.state == .failed {
                guard let log = FileManager.default.contents(atPath: run.logFile(stage: stage.name, action: action.name).path) else { continue }
                let lines = String(decoding: log, as: UTF8.self).split(separator: "\n").map(String.init)
                snapshot.stages[stageIndex].actions[actionIndex].logTail = Array(lines.suffix(ActionLogText.failureTailLines))
            }
        }
        return snapshot
    }

    /// `id` is an execution's id or a prefix of exactly one.
    public func execution(_ pipeline: PipelineContext, id: String) async throws -> ExecutionSnapshot {
        try engine.reapAbandoned(pipeline.manifest.name)
        return withFailureTails(try engine.execution(pipeline.manifest.name, named: id))
    }

    public func history(_ pipeline: PipelineContext, limit: Int) async throws -> [ExecutionSummary] {
        try engine.reapAbandoned(pipeline.manifest.name)
        return try engine.records(pipeline.manifest.name).prefix(limit).map { ExecutionSummary($0.snapshot, updatedAt: $0.updatedAt) }
    }

    public func waitingApprovals(_ pipeline: PipelineContext) async throws -> [PendingApproval] {
        try engine.reapAbandoned(pipeline.manifest.name)
        return try engine.records(pipeline.manifest.name).flatMap { record in
            record.snapshot.waitingApprovals.map { approval in
                PendingApproval(pipeline: record.pipeline.name, stage: approval.stage, action: approval.action,
                                execution: record.snapshot.id,
                                since: record.snapshot.stages.first { $0.name == approval.stage }?
                                    .actions.first { $0.name == approval.action }?.startedAt)
            }
        }
    }

    /// The pipelines pushed from this workspace.
    public func applicationPipelines(application: String) async throws -> [ApplicationPipeline] {
        let directory = store.root.appendingPathComponent("pipelines", isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.sorted().compactMap { name in
            try store.read(PipelinePlan.self, from: store.definitionFile(name)).map {
                ApplicationPipeline(name: $0.name, resourceName: $0.name)
            }
        }
    }

    public func stop(_ pipeline: PipelineContext, execution: String?, mode: StopMode, reason: String?) async throws -> ExecutionSnapshot {
        try await engine.stop(pipeline.manifest.name, execution: execution, mode: mode, reason: reason)
    }

    public func retry(_ pipeline: PipelineContext, stage: String, mode: StageRetryMode) async throws -> ExecutionSnapshot {
        try await engine.retry(try pushedDefinition(pipeline), stage: stage, mode: mode)
    }

    public func rollBack(_ pipeline: PipelineContext, stage: String, to target: String?) async throws -> ExecutionSnapshot {
        try await engine.rollBack(try pushedDefinition(pipeline), stage: stage, to: target)
    }

    @discardableResult
    public func approve(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot? {
        try await engine.answerApproval(pipeline.manifest.name, environment: environment, approve: true, comment: comment)
    }

    @discardableResult
    public func reject(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot? {
        try await engine.answerApproval(pipeline.manifest.name, environment: environment, approve: false, comment: comment)
    }

    /// `stage` is a stage's name (Source, Build, a deploy stage) or just its environment; without `action`, every action of the stage.
    public func logs(_ pipeline: PipelineContext, stage: String, action: String?) async throws -> String {
        try engine.reapAbandoned(pipeline.manifest.name)
        guard let record = try engine.records(pipeline.manifest.name).first else {
            throw LocalTargetError("pipeline \(pipeline.manifest.name) has not run", hint: "`push` or `release` first")
        }
        let stages = record.snapshot.stages
        guard let name = StageName.named(stage, among: stages.map(\.name)), let found = stages.first(where: { $0.name == name }) else {
            throw LocalTargetError("execution \(record.snapshot.id) has no stage \(stage)",
                                   hint: "stages: \(stages.map(\.name).joined(separator: ", "))")
        }
        var actions = found.actions
        if let action {
            actions = actions.filter { $0.name.caseInsensitiveCompare(action) == .orderedSame }
            guard !actions.isEmpty else {
                throw LocalTargetError("stage \(found.name) has no action \(action)",
                                       hint: "actions: \(found.actions.map(\.name).joined(separator: ", "))")
            }
        }
        let run = ExecutionRun(store: store, record: record)
        var text = ""
        for item in actions {
            let log = FileManager.default.contents(atPath: run.logFile(stage: found.name, action: item.name).path)
            if actions.count > 1 { text += ActionLogText.header(stage: found.name, action: item.name, state: item.state) }
            text += log.map { String(decoding: $0, as: UTF8.self) } ?? "(no log: \(item.name) is \(item.state.rawValue))\n"
        }
        return text
    }

    public func remove(_ pipeline: PipelineContext, ui: any TargetUI) async throws {
        let name = pipeline.manifest.name
        guard let count = try removeRecordedPipeline(name, then: "remove the pipeline") else {
            ui.say("Pipeline \(name) is not on the local target; nothing to remove.")
            return
        }
        ui.say("Removed local pipeline \(name) and its \(count) execution\(count == 1 ? "" : "s").")
    }

    public func resetSummary(_ pipeline: PipelineContext) throws -> ResetSummary? {
        let name = pipeline.manifest.name
        let runs = store.executionIDs(name).count
        let deployments = deploymentDirectories(of: name).count
        let pushed = FileManager.default.fileExists(atPath: store.pipelineDirectory(name).path)
        return pushed || deployments > 0 ? ResetSummary(runs: runs, deployments: deployments) : nil
    }

    /// The pipeline's recorded definition, its executions with their logs, and the deployments its runs
    /// recorded go; the next `push` starts from nothing, as a first push does.
    public func reset(_ pipeline: PipelineContext) async throws -> ResetSummary {
        let name = pipeline.manifest.name
        let deployments = deploymentDirectories(of: name)
        let runs = try removeRecordedPipeline(name, then: "reset it") ?? 0
        for directory in deployments {
            try FileManager.default.removeItem(at: directory)
            // The environment's folder goes with its last stack.
            let environment = directory.deletingLastPathComponent()
            if (try? FileManager.default.contentsOfDirectory(atPath: environment.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: environment)
            }
        }
        return ResetSummary(runs: runs, deployments: deployments.count)
    }

    /// Removes `.sluice/local/pipelines/NAME` unless an execution is being driven by another sluice;
    /// the number of executions removed, nil when the pipeline was never pushed here.
    private func removeRecordedPipeline(_ name: String, then action: String) throws -> Int? {
        let directory = store.pipelineDirectory(name)
        guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
        try engine.reapAbandoned(name)
        if let running = try engine.records(name).first(where: { $0.needsDriver }) {
            throw LocalTargetError("execution \(running.snapshot.id) of \(name) is running in another sluice",
                                   hint: "wait for it to end (or stop that sluice), then \(action)")
        }
        let count = store.executionIDs(name).count
        try FileManager.default.removeItem(at: directory)
        return count
    }

    /// `deployments/ENV/STACK/` folders whose last deployment came from a run of `pipeline`.
    private func deploymentDirectories(of pipeline: String) -> [URL] {
        let root = store.root.appendingPathComponent("deployments", isDirectory: true)
        let manager = FileManager.default
        var found: [URL] = []
        for environment in ((try? manager.contentsOfDirectory(atPath: root.path)) ?? []).sorted() {
            for stack in ((try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(environment).path)) ?? []).sorted() {
                let directory = store.deploymentDirectory(environment: environment, stack: stack)
                let record = (try? store.read(DeploymentRecord.self, from: directory.appendingPathComponent("deployment.json"))) ?? nil
                if record?.pipeline == pipeline { found.append(directory) }
            }
        }
        return found
    }

    /// The one directory that holds the temporary files of the local target's atomic writes
    /// (and the leftovers of killed ones).
    public static func temporaryDirectory(workspaceRoot: URL) -> URL {
        LocalStore(workspaceRoot: workspaceRoot).root
    }

    func pushedDefinition(_ pipeline: PipelineContext) throws -> PipelinePlan {
        guard let definition = try store.read(PipelinePlan.self, from: store.definitionFile(pipeline.manifest.name)) else {
            throw LocalTargetError("pipeline \(pipeline.manifest.name) has not been pushed to the local target",
                                   hint: "`push` records it and starts the first execution")
        }
        return definition
    }
}

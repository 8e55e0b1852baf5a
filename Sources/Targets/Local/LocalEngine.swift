import CopilotRules
import Errors
import Foundation
import Manifest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs executions on this machine the way CodePipeline would, one action at a time, saving
/// the execution after every step. Whoever drives an execution holds its lock; an execution
/// parked at an approval is held by nobody until `approve` or `reject` picks it up.
final class LocalEngine: @unchecked Sendable {
    let store: LocalStore
    let console: WatchConsole
    let now: @Sendable () -> Date

    init(store: LocalStore, console: WatchConsole, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.console = console
        self.now = now
    }

    var workspaceRoot: URL { store.workspaceRoot }

    // MARK: Reading

    func records(_ pipeline: String) throws -> [ExecutionRecord] {
        try store.executionIDs(pipeline).compactMap {
            try store.read(ExecutionRecord.self, from: executionFile(pipeline, $0)).map(withStopRequest)
        }.sorted { $0.sequence > $1.sequence }
    }

    func record(_ pipeline: String, _ id: String) throws -> ExecutionRecord {
        guard let record = try store.read(ExecutionRecord.self, from: executionFile(pipeline, id)) else {
            throw RunRefusal.noSuchExecution(id, pipeline: pipeline)
        }
        return try withStopRequest(record)
    }

    /// An execution a `stop` asked to end is Stopping until its driver (or the stop) ends it.
    private func withStopRequest(_ record: ExecutionRecord) throws -> ExecutionRecord {
        guard !record.snapshot.state.isFinal, try pendingStop(record) != nil else { return record }
        var stopping = record
        stopping.snapshot.state = .stopping
        return stopping
    }

    private func executionFile(_ pipeline: String, _ id: String) -> URL {
        store.executionDirectory(pipeline, id).appendingPathComponent("execution.json")
    }

    /// Saves the record; once the execution is over, its source snapshot and working copies
    /// go too (logs and artifacts stay), so old executions cost little disk.
    func save(_ record: ExecutionRecord) throws {
        try store.write(record, to: executionFile(record.pipeline.name, record.snapshot.id))
        guard record.snapshot.state.isFinal else { return }
        let run = ExecutionRun(store: store, record: record)
        for directory in [run.source, run.workingCopies] {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Marks Abandoned every execution whose driving sluice died: not final, not parked at an
    /// approval, and its lock free.
    func reapAbandoned(_ pipeline: String) throws {
        for candidate in try records(pipeline) where candidate.needsDriver {
            let lock = try FileLock(lockFile(pipeline, candidate.snapshot.id))
            guard lock.tryLock() else { continue }
            defer { lock.unlock() }
            var record = try record(pipeline, candidate.snapshot.id)
            guard record.needsDriver else { continue }
            let moment = now()
            let reason = "sluice" + (record.driverPID.map { " (pid \($0))" } ?? "") + " ended while this ran"
            for (stage, actions) in record.snapshot.stages.enumerated() {
                for (action, item) in actions.actions.enumerated() where item.state == .inProgress {
                    record.setAction(stage, action, .abandoned, summary: reason, now: moment)
                }
            }
            // A run whose stop was asked ends as asked, not as abandoned.
            record.finish(try pendingStop(record) != nil ? .stopped : .abandoned, now: moment)
            try clearStop(&record)
            try save(record)
        }
    }

    // MARK: Driving

    /// Creates an execution of `pipeline` with the pipeline variables' values `given` over their defaults (shaped
    /// by `prepare`) and drives it until it ends or parks at an approval.
    func start(_ pipeline: PipelinePlan, trigger: String, variables given: [PipelineV2.VariableValue] = [],
               prepare: (inout ExecutionRecord) async throws -> Void = { _ in }) async throws -> ExecutionSnapshot {
        let values = try (pipeline.v2 ?? PipelineV2()).resolveVariables(given: given)
        var (record, executionLock) = try await create(pipeline, trigger: trigger) { record in
            record.snapshot.variables = values.isEmpty ? nil : values
            try await prepare(&record)
        }
        defer { executionLock.unlock() }
        return try await drive(&record, display: ExecutionDisplay(console: console))
    }

    /// Records a new execution of `pipeline`, shaped by `prepare` before anyone can see it, and returns it
    /// with its lock held: a fresh id nobody else can hold.
    func create(_ pipeline: PipelinePlan, trigger: String,
                prepare: (inout ExecutionRecord) async throws -> Void) async throws -> (ExecutionRecord, FileLock) {
        try store.prepare()
        let pipelineLock = try FileLock(store.pipelineLockFile(pipeline.name))
        guard try await pipelineLock.lock(timeout: .seconds(10)) else {
            throw LocalTargetError("another sluice is starting an execution of \(pipeline.name)", hint: "try again in a moment")
        }
        defer { pipelineLock.unlock() }
        let sequence = (try records(pipeline.name).map(\.sequence).max() ?? 0) + 1
        let id = UUID().uuidString.lowercased()
        let executionLock = try FileLock(lockFile(pipeline.name, id))
        _ = executionLock.tryLock()
        var record = ExecutionRecord(id: id, sequence: sequence, trigger: trigger, by: Self.userName, pipeline: pipeline, now: now())
        record.driverPID = getpid()
        do {
            try await prepare(&record)
        } catch {
            executionLock.unlock()
            try? FileManager.default.removeItem(at: store.executionDirectory(pipeline.name, id))
            throw error
        }
        try save(record)
        return (record, executionLock)
    }

    func lockFile(_ pipeline: String, _ id: String) -> URL {
        store.executionDirectory(pipeline, id).appendingPathComponent("lock")
    }

    /// Answers the approval waiting before the deploy stage of `environment` in the newest execution
    /// parked there; an approval goes on driving the execution.
    func answerApproval(_ pipeline: String, environment: String, approve: Bool, comment: String?) async throws -> ExecutionSnapshot {
        try reapAbandoned(pipeline)
        let stageName = StageName.deploy(environment)
        guard let waiting = try records(pipeline).first(where: { record in
            record.snapshot.waitingApprovals.contains { $0.stage == stageName }
        }) else {
            throw try nothingWaiting(pipeline, environment: environment)
        }
        let id = waiting.snapshot.id
        let lock = try FileLock(lockFile(pipeline, id))
        guard try await lock.lock(timeout: .seconds(5)) else {
            throw LocalTargetError("another sluice is answering this approval", hint: "`status` shows the outcome")
        }
        defer { lock.unlock() }
        var record = try record(pipeline, id)
        guard let stage = record.snapshot.stages.firstIndex(where: { $0.name == stageName }),
              let action = record.snapshot.stages[stage].actions.firstIndex(where: { $0.state == .waitingForApproval }) else {
            throw LocalTargetError("the approval for \(environment) was answered meanwhile", hint: "`status` shows the outcome")
        }
        let display = ExecutionDisplay(console: console)
        display.prime(record.snapshot)
        let who = Self.userName
        let summary = ApprovalSummary.text(approved: approve, by: who, comment: comment)
        let moment = now()
        if approve {
            record.setAction(stage, action, .succeeded, summary: summary, by: who, now: moment)
            record.driverPID = getpid()
            try save(record)
            return try await drive(&record, display: display)
        }
        record.setAction(stage, action, .rejected, summary: summary, by: who, now: moment)
        // An execution asked to stop ends Stopped once its running actions are answered.
        record.finish(try pendingStop(record) != nil ? .stopped : .rejected, now: moment)
        try clearStop(&record)
        try save(record)
        // A rejection fails the run, as in CodePipeline.
        try await notify(.failures, &record, stage: stage, action: action)
        display.show(record.snapshot, now: moment)
        return record.snapshot
    }

    func drive(_ record: inout ExecutionRecord, display: ExecutionDisplay) async throws -> ExecutionSnapshot {
        defer { display.end() }
        display.show(record.snapshot, now: now())
        while let (stage, action) = record.nextAction {
            if try pendingStop(record) != nil {
                return try finishStopped(&record, display: display)
            }
            if record.snapshot.stages[stage].state == .pending, record.snapshot.stages[stage].actions.allSatisfy({ $0.state == .pending }) {
                guard try await awaitEntry(&record, stage: stage, display: display) else { return record.snapshot }
            }
            let planned = record.step(stage, action)
            if case .planned(let approval) = planned, approval.kind == .approval {
                record.setAction(stage, action, .waitingForApproval, now: now())
                record.driverPID = nil
                try save(record)
                try supersedeOlderApprovals(than: record, stage: record.snapshot.stages[stage].name)
                // Told once the approval can be answered (it is saved), before anyone could have answered it.
                try await notify(.approvals, &record, stage: stage, action: action)
                display.show(record.snapshot, now: now())
                return record.snapshot
            }
            record.setAction(stage, action, .inProgress, now: now())
            try save(record)
            display.show(record.snapshot, now: now())
            switch await performTicking(planned, stage: stage, action: action, record: record, display: display) {
            case .success(let result):
                if let source = result.source {
                    record.snapshot.sourceRevision = source.commit
                    record.snapshot.sourceSummary = "\(source.commit.prefix(7)) \(source.subject)"
                    record.workspacePrefix = source.workspacePrefix
                }
                record.setAction(stage, action, .succeeded, summary: result.summary, now: now())
                try save(record)
            case .failure(let error) where error is CancellationError && Task.isCancelled:
                record.setAction(stage, action, .stopped, summary: Interruption.reason, now: now())
                record.finish(.stopped, now: now())
                try save(record)
                display.show(record.snapshot, now: now())
                throw CancellationError()
            case .failure(let error) where error is CancellationError:
                // `stop abandon` from another sluice cancelled the action.
                let request = try pendingStop(record)
                record.setAction(stage, action, .abandoned, summary: Self.stopSummary("abandoned", request), now: now())
                return try finishStopped(&record, display: display)
            case .failure(let error):
                // The error's message is the action's summary and its hint the action's own, said apart.
                let problem = (error as? any ReportableError)?.problem
                record.setAction(stage, action, .failed, summary: problem.map { ($0.location.map { "\($0): " } ?? "") + $0.message }
                                    ?? "\(error)".replacingOccurrences(of: "\n", with: "; "),
                                 hint: problem?.hint, now: now())
                let stopAsked = try pendingStop(record) != nil
                record.finish(stopAsked ? .stopped : .failed, now: now())
                try clearStop(&record)
                try save(record)
                try await notify(.failures, &record, stage: stage, action: action)
                display.show(record.snapshot, now: now())
                if !stopAsked, try await retryOnFailure(&record, stage: stage) { continue }
                if !stopAsked { try await rollBackOnFailure(record, stage: stage) }
                return record.snapshot
            }
            display.show(record.snapshot, now: now())
        }
        // Stages left with no action at all (no workloads, no tests) have nothing to wait for.
        for index in record.snapshot.stages.indices where record.snapshot.stages[index].actions.isEmpty {
            record.snapshot.stages[index].state = .succeeded
        }
        record.finish(try pendingStop(record) != nil ? .stopped : .succeeded, now: now())
        try clearStop(&record)
        try save(record)
        try await notify(.successes, &record)
        display.show(record.snapshot, now: now())
        return record.snapshot
    }

    /// Delivers `event`'s notifications of the saved run (a run that ended otherwise, e.g. stopped, has
    /// none to deliver); what could not be delivered is kept with the run, which goes on as it was.
    private func notify(_ event: NotificationEvent, _ record: inout ExecutionRecord, stage: Int? = nil, action: Int? = nil) async throws {
        guard event == .approvals || record.snapshot.state == (event == .successes ? .succeeded : .failed)
                || (event == .failures && record.snapshot.state == .rejected) else { return }
        let stageSnapshot = stage.map { record.snapshot.stages[$0] }
        let failures = await NotificationDelivery(workspaceRoot: workspaceRoot, environment: ProcessInfo.processInfo.environment)
            .deliver(event, of: record.snapshot, stage: stageSnapshot?.name, action: action.flatMap { stageSnapshot?.actions[$0].name }, at: now())
        guard !failures.isEmpty else { return }
        record.snapshot.notificationFailures = (record.snapshot.notificationFailures ?? []) + failures
        try save(record)
    }

    /// Ends an execution a `stop` asked to end (drawn on `display`, if any): what its stages had started and not
    /// finished is Stopped.
    func finishStopped(_ record: inout ExecutionRecord, display: ExecutionDisplay?) throws -> ExecutionSnapshot {
        for index in record.snapshot.stages.indices {
            let stage = record.snapshot.stages[index]
            // An abandoned action leaves its stage Stopped, as CodePipeline's stage states have no Abandoned.
            if [.inProgress, .abandoned].contains(stage.state) || (stage.state == .pending && stage.actions.contains { $0.state != .pending }) {
                record.snapshot.stages[index].state = .stopped
            }
        }
        record.finish(.stopped, now: now())
        try clearStop(&record)
        try save(record)
        display?.show(record.snapshot, now: now())
        return record.snapshot
    }

    /// Performs an action in a task of its own, which a `stop abandon` from another sluice cancels
    /// (the stop request is looked for every 100 ms) as Ctrl-C cancels the driving task. On a live
    /// console the tree is redrawn every second meanwhile, so the running action's time moves. Neither
    /// helper draws or looks any more when this returns.
    private func performTicking(_ planned: LocalStep, stage: Int, action: Int, record: ExecutionRecord,
                                display: ExecutionDisplay) async -> Result<ActionResult, Error> {
        let work = Task { try await self.perform(planned, stage: stage, action: action, record: record) }
        let stopFile = self.stopFile(record.pipeline.name, record.snapshot.id)
        let store = self.store
        let watcher = Task {
            while (try? await Task.sleep(for: .milliseconds(100))) != nil {
                if (try? store.read(StopRequest.self, from: stopFile))??.mode == .abandon {
                    work.cancel()
                    return
                }
            }
        }
        let snapshot = record.snapshot
        let now = self.now
        let ticker = console.live ? Task {
            while (try? await Task.sleep(for: .seconds(1))) != nil {
                display.show(snapshot, now: now())
            }
        } : nil
        let result = await withTaskCancellationHandler { await work.result } onCancel: { work.cancel() }
        for helper in [watcher, ticker].compactMap({ $0 }) {
            helper.cancel()
            await helper.value
        }
        return result
    }

    /// An older execution parked at the same approval is superseded, as in CodePipeline.
    private func supersedeOlderApprovals(than newer: ExecutionRecord, stage stageName: String) throws {
        let pipeline = newer.pipeline.name
        for older in try records(pipeline) where older.sequence < newer.sequence
            && older.snapshot.waitingApprovals.contains(where: { $0.stage == stageName }) {
            let lock = try FileLock(lockFile(pipeline, older.snapshot.id))
            guard lock.tryLock() else { continue }
            defer { lock.unlock() }
            var record = try record(pipeline, older.snapshot.id)
            guard let stage = record.snapshot.stages.firstIndex(where: { $0.name == stageName }),
                  let action = record.snapshot.stages[stage].actions.firstIndex(where: { $0.state == .waitingForApproval }) else { continue }
            record.setAction(stage, action, .stopped, summary: "superseded by execution \(newer.snapshot.id)", now: now())
            record.finish(.stopped, now: now())
            try save(record)
        }
    }

    /// Why no approval waits for `environment` (no such stage, no approval there, answered
    /// already, not reached), and where one is waiting instead.
    private func nothingWaiting(_ pipeline: String, environment: String) throws -> LocalTargetError {
        let records = try records(pipeline)
        guard let latest = records.first?.snapshot else {
            return LocalTargetError("pipeline \(pipeline) has not run, so no approval is waiting", hint: "`push` or `release` first")
        }
        // A run that ended waits for nothing: a new one does (a demo shown again needs a clean slate).
        let again = latest.state.isFinal ? "; `release` starts a new run, or `reset --yes` clears the runs so that `push` starts afresh" : ""
        let hint = WaitingApproval.hint(waitingFor: records.flatMap(\.snapshot.waitingApprovals).map(\.environment),
                                        otherwise: "no approval is waiting anywhere; `status` shows where run \(latest.id) is" + again)
        guard let stage = latest.stages.first(where: { $0.name == StageName.deploy(environment) }) else {
            return LocalTargetError("pipeline \(pipeline) as last pushed has no stage \(environment)", hint: hint)
        }
        guard let approval = stage.actions.first(where: { $0.name == StageName.approvalAction(environment) }) else {
            return LocalTargetError("stage \(environment) has no manual approval (`approval on \(environment)` adds one, then `push`)", hint: hint)
        }
        switch approval.state {
        case .succeeded, .rejected:
            let verdict = approval.state == .succeeded ? "approved" : "rejected"
            return LocalTargetError("the approval for \(environment) in run \(latest.id) was already \(verdict)"
                                    + (approval.summary.map { " (\($0))" } ?? ""), hint: hint)
        default:
            let run = latest.state.isFinal ? "ended \(latest.state.rawValue.lowercased()) before" : "has not reached"
            return LocalTargetError("run \(latest.id) \(run) the approval for \(environment)", hint: hint)
        }
    }

    /// Who answers an approval: the login name, as CodePipeline records the IAM identity.
    static var userName: String {
        let environment = ProcessInfo.processInfo.environment
        if let name = environment["USER"] ?? environment["LOGNAME"], !name.isEmpty { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }


    // MARK: Actions

    /// What an action did: its summary, and for Source the snapshot it took.
    struct ActionResult: Sendable {
        var summary: String
        var source: GitSource.Snapshot?
    }

    private func perform(_ planned: LocalStep, stage: Int, action: Int, record: ExecutionRecord) async throws -> ActionResult {
        let run = ExecutionRun(store: store, record: record)
        let log = try ActionLog(run.logFile(stage: record.snapshot.stages[stage].name,
                                            action: record.snapshot.stages[stage].actions[action].name))
        let environment = record.environment(ofStage: stage) ?? ""
        switch planned {
        case .source:
            let branch = record.pipeline.source.branch
            let snapshot: GitSource.Snapshot
            if let pushed = record.pushedCommit {
                // A trigger started the run for a commit pushed to any branch or tag its filters match.
                snapshot = try await GitSource(workspaceRoot: workspaceRoot).snapshot(revision: pushed.commit, into: run.source)
                log.note("Snapshot of \(pushed.ref) at \(snapshot.commit): \(snapshot.subject)")
            } else {
                snapshot = try await GitSource(workspaceRoot: workspaceRoot).snapshot(branch: branch, into: run.source)
                log.note("Snapshot of \(branch) at \(snapshot.commit): \(snapshot.subject)")
            }
            return ActionResult(summary: "\(snapshot.commit.prefix(7)) \(snapshot.subject)", source: snapshot)

        case .build:
            let spec = try run.buildspec(record.pipeline.build.buildspec)
            let work = try run.workingCopy("Build")
            // The Build action's EnvironmentVariables go over the project's and the buildspec's, as a
            // StartBuild override does in CodeBuild.
            let environment = run.variables(workingDirectory: work, spec: spec, project: record.pipeline.build)
                .merging(try run.buildActionVariables()) { $1 }
            let runner = try BuildRunner(shell: try Self.shell(spec.env.shell), directory: work, environment: environment, log: log)
            if let failure = try await runner.run(spec) { throw failure }
            guard let artifacts = spec.artifacts else { return ActionResult(summary: "succeeded, no artifacts") }
            let count = try ArtifactCollector.collect(artifacts, from: work, into: run.artifacts)
            log.note("Uploaded \(count) artifact file\(count == 1 ? "" : "s")")
            return ActionResult(summary: "\(count) artifact file\(count == 1 ? "" : "s")")

        case .planned(let planned):
            switch planned.kind {
            case .approval:
                preconditionFailure("approvals park the execution before perform")

            case .preDeployment(let project), .postDeployment(let project):
                let spec = try run.buildspec(project.buildspec)
                let work = try run.workingCopy("\(environment)-\(planned.name)")
                let runner = try BuildRunner(shell: try Self.shell(spec.env.shell), directory: work,
                                         environment: run.variables(workingDirectory: work, spec: spec, project: project), log: log)
                if let failure = try await runner.run(spec) { throw failure }
                return ActionResult(summary: "succeeded")

            case .deployment(let deployment):
                return ActionResult(summary: try run.recordDeployment(try run.resolved(deployment), environment: environment, log: log, at: now()))

            case .testCommands(let commands):
                let work = try run.workingCopy("\(environment)-tests")
                let runner = try BuildRunner(directory: work,
                                         environment: run.variables(workingDirectory: work, spec: nil, project: nil), log: log)
                if let failure = try await runner.run(commands) { throw failure }
                return ActionResult(summary: "\(commands.count) command\(commands.count == 1 ? "" : "s") passed")
            }
        }
    }

    /// `env.shell` of a buildspec: /bin/sh unless it asks for bash (or a path).
    static func shell(_ requested: String?) throws -> String {
        guard let requested else { return "/bin/sh" }
        let path = requested.hasPrefix("/") ? requested : "/bin/\(requested)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LocalTargetError("the buildspec asks for the shell \(requested), which this machine lacks",
                                   hint: "install \(requested), or remove env.shell to use /bin/sh")
        }
        return path
    }
}

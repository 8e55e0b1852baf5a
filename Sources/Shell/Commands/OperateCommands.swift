import CopilotRules
import Foundation
import Targets

/// Operating the runs of the pipeline: stop, retry, rollback, history.
enum OperateCommands {
    static func stop(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try TargetCommands.resolve("stop", session)
        let mode: StopMode = invocation.has("abandon") ? .abandon : .finishRunningActions
        let snapshot = try await located(invocation, "EXECUTION") {
            try await TargetCommands.call("stop", session) {
                try await target.stop(context, execution: invocation["EXECUTION"], mode: mode, reason: invocation["TEXT"])
            }
        }
        if snapshot.state.isFinal {
            session.output.message("stopped run \(snapshot.id)" + (mode == .abandon ? " (its running actions abandoned)" : ""))
            return
        }
        let running = snapshot.stages.flatMap { stage in
            stage.actions.filter { $0.state == .inProgress || $0.state == .waitingForApproval }.map { "\(stage.name)/\($0.name)" }
        }
        session.output.message("run \(snapshot.id) is stopping: it ends once "
            + (running.isEmpty ? "its running actions finish" : running.joined(separator: ", ") + (running.count == 1 ? " finishes" : " finish"))
            + " (`stop \(snapshot.id) abandon` abandons \(running.count == 1 ? "it" : "them"))")
    }

    static func retry(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try TargetCommands.resolve("retry", session)
        let mode = invocation["MODE"].flatMap(StageRetryMode.init(rawValue:)) ?? .failedActions
        let snapshot = try await located(invocation, "STAGE") {
            try await TargetCommands.call("retry", session) {
                try await target.retry(context, stage: invocation.required("STAGE"), mode: mode)
            }
        }
        try report(snapshot, started: "retrying \(invocation.required("STAGE")) of run \(snapshot.id)", session)
    }

    static func rollback(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try TargetCommands.resolve("rollback", session)
        let snapshot = try await located(invocation, "STAGE") {
            try await TargetCommands.call("rollback", session) {
                try await target.rollBack(context, stage: invocation.required("STAGE"), to: invocation["EXECUTION"])
            }
        }
        try report(snapshot, started: "rolling back \(invocation.required("STAGE")) to run \(snapshot.rollbackTarget ?? "?") "
                   + "in run \(snapshot.id)", session)
    }

    /// What a retry or rollback did: a target that drove the run here (local) drew it; one that started it
    /// elsewhere (AWS) says so. A run that ended badly fails the command, as `push` does.
    private static func report(_ snapshot: ExecutionSnapshot, started: String, _ session: Session) throws {
        if let failure = TargetCommands.runFailure(snapshot) { throw failure }
        if snapshot.state.isFinal || !snapshot.waitingApprovals.isEmpty {
            session.output.message("run \(snapshot.id) \(snapshot.waitingApprovals.isEmpty ? snapshot.state.rawValue.lowercased() : "waits for an approval")")
        } else {
            session.output.message("\(started) (`watch` follows it)")
        }
    }

    /// A refusal about an argument points at the argument (`rollback Source`: at `Source`).
    private static func located<Result>(_ invocation: Invocation, _ placeholder: String,
                                        _ operation: () async throws -> Result) async throws -> Result {
        do {
            return try await operation()
        } catch let refusal as RunRefusal {
            switch refusal {
            case .noSuchStage, .stageNotRetryable, .stageNeverRan, .sourceCannotRollBack, .noSuchExecution, .ambiguousExecution, .targetIsRollback,
                 .targetDidNotSucceed, .targetOutdated:
                let argument = invocation.argument(placeholder) ?? invocation.argument("EXECUTION")
                throw ShellError.failure(refusal, at: argument?.location ?? invocation.location)
            default:
                throw refusal
            }
        }
    }

    // MARK: history

    /// `history [COUNT]`: the newest runs, each with what started it, its stages and the answers to its
    /// approvals; `history EXECUTION`: one run in full.
    static func history(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try TargetCommands.resolve("history", session)
        let argument = invocation["RUN"]
        if let argument, !(argument.count <= 3 && Int(argument) != nil) {
            let snapshot = try await located(invocation, "RUN") {
                try await TargetCommands.call("history", session) { try await target.execution(context, id: argument) }
            }
            if session.printsJSON(invocation) {
                session.output.write(try StatusTable.json(snapshot))
            } else {
                showRun(snapshot, session)
            }
            return
        }
        let limit = argument.flatMap(Int.init) ?? 10
        guard (1...100).contains(limit) else {
            throw ShellError.usage("COUNT is a number from 1 to 100, not \(limit)", hint: "`history` shows 10 runs",
                                   at: invocation.location(of: "RUN"))
        }
        let runs = try await TargetCommands.call("history", session) { try await target.history(context, limit: limit) }
        if session.printsJSON(invocation) {
            try session.output.line(JSONText.encode(runs))
            return
        }
        guard !runs.isEmpty else {
            session.output.message("\(context.manifest.name) has not run yet (`push` starts it)")
            return
        }
        // Each run's first line in columns under a header: its id, state, start (this machine's time, to
        // the second) and duration, 73 columns at most; what it did follows, indented.
        let started = startTimes()
        let heads = runs.map { run in
            [run.id, run.state.rawValue, run.startedAt.map { started.string(from: $0) } ?? "-",
             run.startedAt.flatMap { start in run.state.isFinal ? run.updatedAt.map { formatElapsed($0.timeIntervalSince(start)) } : nil } ?? ""]
        }
        let header = ["RUN", "STATE", "STARTED", "TOOK"]
        let widths = header.indices.map { column in ([header] + heads).map { $0[column].count }.max() ?? 0 }
        let theme = session.output.theme
        session.output.line(zip(header, widths).map { $0.padded(to: $1) }.joined(separator: "  ").trailingSpacesRemoved)
        for (run, head) in zip(runs, heads) {
            let cells = zip(head, widths).enumerated().map { column, cell in
                let padding = String(repeating: " ", count: cell.1 - cell.0.count)
                return (column == 1 ? theme.map { $0.paint(cell.0, run.state.tone) } ?? cell.0 : cell.0) + padding
            }
            session.output.line(cells.joined(separator: "  ").trailingSpacesRemoved)
            showSummary(run, session)
        }
    }

    /// How `history` shows when a run started: this machine's time, to the second.
    private static func startTimes() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }

    /// The lines under a run's first line in `history`: what started it, a line of stages, each approval's answer.
    private static func showSummary(_ run: ExecutionSummary, _ session: Session) {
        let output = session.output
        output.message("  " + cause(trigger: run.trigger, detail: run.triggerDetail, rollbackTarget: run.rollbackTarget,
                                    revision: run.sourceRevision), hanging: "    ")
        if let variables = run.variables, !variables.isEmpty { output.message("  variables " + PipelineV2.describe(variables), hanging: "    ") }
        let items = run.stages.map { stage -> String in
            let time = stage.elapsed(now: Date())
            return "\(stage.name) \(stage.state.symbol)" + (time.map { " \($0)" } ?? "")
        }
        for line in packed(items, separator: " · ", width: max(20, output.columns - 2)) { output.line("  " + line) }
        for line in answers(run.stages) { output.message("  " + line, hanging: "    ") }
        if let reason = run.stopReason { output.message("  " + reason, hanging: "    ") }
        for failure in run.notificationFailures ?? [] {
            output.message("  notification not delivered: \(failure)", hanging: "    ")
        }
    }

    /// `history EXECUTION`: the run's particulars, then every stage and action as `watch` draws them.
    private static func showRun(_ snapshot: ExecutionSnapshot, _ session: Session) {
        let output = session.output
        output.line("Execution \(snapshot.id) of \(snapshot.pipeline): \(snapshot.state.rawValue)", style: .bold)
        var about: [(String, String)] = []
        about.append(("Started by", cause(trigger: snapshot.trigger?.type, detail: snapshot.trigger?.detail,
                                          rollbackTarget: snapshot.rollbackTarget, revision: nil)))
        if let source = snapshot.sourceSummary ?? snapshot.sourceRevision { about.append(("Source", source)) }
        if let variables = snapshot.variables, !variables.isEmpty { about.append(("Variables", PipelineV2.describe(variables))) }
        if let started = snapshot.startedAt { about.append(("Started", startTimes().string(from: started))) }
        if let started = snapshot.startedAt, let finished = snapshot.finishedAt {
            about.append(("Took", formatElapsed(finished.timeIntervalSince(started))))
        }
        if let reason = snapshot.stopReason { about.append(("Stopped", reason)) }
        if let reason = snapshot.failureReason { about.append(("Reason", reason)) }
        for answer in answers(snapshot.stages) { about.append(("Approval", answer)) }
        for failure in snapshot.notificationFailures ?? [] { about.append(("Notification", "not delivered: \(failure)")) }
        let width = about.map(\.0.count).max() ?? 0
        for (label, value) in about {
            output.message("  " + label.padded(to: width) + "  " + value, hanging: String(repeating: " ", count: width + 4))
        }
        for line in StatusTable.tree(snapshot, theme: output.theme).dropFirst() { output.line(line) }
    }

    /// "release by alice", "ManualRollback by alice: rolls back to run …", with the source revision.
    private static func cause(trigger: String?, detail: String?, rollbackTarget: String?, revision: String?) -> String {
        var text = "started by " + (trigger ?? "an unknown trigger") + (detail.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? "")
        if let rollbackTarget { text += ", rolling back to run \(rollbackTarget)" }
        if let revision { text += ", source \(revision.prefix(7))" }
        return text
    }

    /// Each answered approval: its stage, who answered and the comment ("…: approved by bob: ship it").
    private static func answers(_ stages: [StageSnapshot]) -> [String] {
        stages.flatMap { stage in
            stage.actions.filter { StageName.isApproval($0.name) && ($0.state == .succeeded || $0.state == .rejected) }
                .map { "\(stage.name): " + ($0.summary ?? ($0.state == .succeeded ? "approved" : "rejected")) }
        }
    }

    /// `items` joined by `separator` in lines of at most `width` characters, never splitting an item.
    static func packed(_ items: [String], separator: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for item in items {
            if !line.isEmpty, line.count + separator.count + item.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : separator) + item
        }
        return line.isEmpty ? lines : lines + [line]
    }
}

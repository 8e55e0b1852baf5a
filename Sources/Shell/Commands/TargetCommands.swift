import CopilotRules
import Errors
import Foundation
import Text
import Manifest
import Targets

/// target, and what acts through the target: push, release, watch, status,
/// history, approve, reject, logs.
enum TargetCommands {
    static func show(_ invocation: Invocation, _ session: Session) async throws {
        session.output.message("target: \(describe(session.targets.choice))")
    }

    static func useLocal(_ invocation: Invocation, _ session: Session) async throws {
        try choose(.local, session)
    }

    static func useAWS(_ invocation: Invocation, _ session: Session) async throws {
        try choose(.aws(profile: invocation["PROFILE"], region: invocation["REGION"], endpoint: invocation["URL"]), session)
    }

    private static func choose(_ choice: TargetChoice, _ session: Session) throws {
        let workspace = try session.requireWorkspace()
        if choice == session.targets.choice, FileManager.default.fileExists(atPath: TargetStore.file(workspace.root).path) {
            session.output.message("unchanged: target \(describe(choice))")
            return
        }
        try TargetStore.save(choice, workspaceRoot: workspace.root, session: session)
        session.targets.choice = choice
        session.output.message("target: \(describe(choice))")
    }

    /// The `target` command that chooses `choice` (a `record --all` recording starts with it).
    static func scriptLine(for choice: TargetChoice) -> String {
        switch choice {
        case .local:
            return "target local"
        case .aws(let profile, let region, let endpoint):
            let options = [("profile", profile), ("region", region), ("endpoint", endpoint)]
                .compactMap { keyword, value in value.map { "\(keyword) \(ShellEscaping.quoted($0))" } }
            return (["target aws"] + options).joined(separator: " ")
        }
    }

    static func describe(_ choice: TargetChoice) -> String {
        switch choice {
        case .local:
            return "local (this machine)"
        case .aws(let profile, let region, let endpoint):
            let details = [profile.map { "profile \($0)" }, region.map { "region \($0)" }, endpoint.map { "endpoint \($0)" }]
                .compactMap { $0 }
            return details.isEmpty ? "aws" : "aws (\(details.joined(separator: ", ")))"
        }
    }

    static func push(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try resolve("push", session)
        if invocation.has("--diff"), case .local = session.targets.choice {
            throw ShellError.failure("`push --diff` compares CloudFormation templates, and the local target deploys none",
                                     hint: "`target aws` deploys one; here `show graph` and `show manifest` show what push runs",
                                     at: invocation.location(ofArgument: "--diff"))
        }
        try session.savePendingEdits()
        let plan = try await deployedPlan(before: "push", target, context, session, warning: true)
        let options = PushOptions(assumeYes: invocation.has("--yes"), dryRun: invocation.has("--dry-run"),
                                  allowDowngrade: invocation.has("--allow-downgrade"), showDiff: invocation.has("--diff"))

        let outcome = try await call("push", session) { try await target.push(context, plan: plan, options: options, ui: session.targetUI) }
        if session.targetUI.isInteractive, !options.assumeYes, !options.dryRun {
            // The person's answer, as a script gives it: yes, or nothing was done.
            session.recording.scriptEquivalent = outcome == .planned ? []
                : ["push --yes" + (options.allowDowngrade ? " --allow-downgrade" : "") + (options.showDiff ? " --diff" : "")]
        }
        switch outcome {
        case .upToDate:
            break  // the target said so
        case .planned:
            if !options.dryRun, !options.assumeYes, !session.targetUI.isInteractive {
                throw session.confirmationNeeded(invocation, doing: "deploy without asking (or `push --dry-run` for the plan only)")
            }
            session.output.message(options.dryRun ? "dry run: nothing deployed" : "not deployed")
        case .deployed(let executionID, let settled):
            if let settled, let failure = runFailure(settled) { throw failure }
            session.output.message("pushed \(context.manifest.name) to the \(target.kind) target"
                + (executionID.map { "; run \($0) " + (settled.map(whereItStands) ?? "started") } ?? ""))
        }
    }

    /// Where a run this command drove settled: "succeeded", or the approval it waits for and how to answer it.
    private static func whereItStands(_ snapshot: ExecutionSnapshot) -> String {
        if let approval = snapshot.waitingApprovals.first {
            return "waits for approval of \(approval.environment): `approve \(approval.environment)` or `reject \(approval.environment)`"
        }
        return snapshot.state.isFinal ? snapshot.state.rawValue.lowercased() : "is \(snapshot.state.rawValue)"
    }

    /// Why a run that ended did not succeed, as `watch` and `push` report it; nil while it goes on or after success.
    static func runFailure(_ snapshot: ExecutionSnapshot) -> ShellError? {
        guard snapshot.state.isFinal, snapshot.state != .succeeded else { return nil }
        let again = "`release` starts another run"
        var hint = again
        if let failed = snapshot.failedAction {
            if let own = failed.action.hint {
                hint = own
            } else if failed.action.state == .failed {
                // A rejection or an abandoned action wrote no log worth reading; a failure did.
                hint = "`logs \(StageName.environment(of: failed.stage) ?? failed.stage) \(failed.action.name)` prints what it wrote; " + again
            }
        }
        return ShellError.failure("run \(snapshot.id) \(snapshot.state.rawValue.lowercased())"
            + (snapshot.failureReason.map { ": \($0)" } ?? ""), hint: hint)
    }

    static func release(_ invocation: Invocation, _ session: Session) async throws {
        let variables = try V2Commands.releaseVariables(invocation)
        if invocation["VAR"] == nil, let first = invocation.rest.first {
            throw ShellError.usage("release takes variables after `var`", hint: "`release var \(first.text)`", at: first.location)
        }
        let (target, context) = try resolve("release", session)
        let plan = try await deployedPlan(before: "release", target, context, session, warning: false)
        if try await call("release", session, { try await target.differsFromPushed(context, plan: plan) }) {
            session.output.finding(Problem("\(context.manifestPath) changed since the last push; release runs the pipeline as last pushed",
                                           hint: "`push` deploys the changes and starts a run"), severity: "warning")
        }
        let run = try await call("release", session) { try await target.release(context, variables: variables) }
        if let settled = run.settled, let failure = runFailure(settled) { throw failure }
        session.output.message("started run \(run.id)" + (run.settled.map { ", which " + whereItStands($0) } ?? ""))
    }

    static func watch(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try resolve("watch", session)
        let graph = invocation.has("--graph") ? PipelineGraph(plan: try context.plan(try session.validatePipeline(printing: false).validated())) : nil
        let json = session.printsJSON(invocation)
        // JSON is for programs: nothing is drawn while waiting, and nobody is asked.
        let console = json ? WatchConsole(live: false, theme: nil) { _ in } : session.console
        // After an answer given here, a script needs the answer's own line between two watches.
        defer { session.recording.scriptEquivalent?.append("watch") }
        while true {
            let outcome = try await call("watch", session) {
                try await Targets.watch(target: target, pipeline: context, console: console,
                                        graph: json ? nil : graph, columns: GraphCommands.columns(session))
            }
            switch outcome {
            case .neverRan:
                throw ShellError.failure("\(context.manifest.name) has not run yet", hint: "`push` deploys it and starts a run")
            case .awaitingApproval(_, let snapshot) where json, .finished(let snapshot) where json:
                session.output.write(try StatusTable.json(snapshot))
                if let failure = runFailure(snapshot) { throw failure }
                return
            case .awaitingApproval(let approval, _):
                // A person at the terminal answers without leaving watch; a script's next line answers.
                guard let answered = try await answerApproval(approval, target: target, context: context, session: session) else { return }
                // A target that drives the run itself (the local one) drew it to its end while answering:
                // watching again would draw the same tree a second time. The picture (`--graph`) is not
                // what it drew, so that is drawn once more, with the final states.
                if graph == nil, let settled = answered, settled.state.isFinal {
                    if let failure = runFailure(settled) { throw failure }
                    return
                }
            case .finished(let snapshot):
                if let failure = runFailure(snapshot) { throw failure }
                return
            }
        }
    }

    /// Asks whether to approve or reject the waiting approval; nil to leave watch with the approval
    /// still waiting, else (watching goes on) the run as the target left it when it drove it on.
    private static func answerApproval(_ approval: WaitingApproval, target: any PipelineTarget, context: PipelineContext,
                                       session: Session) async throws -> ExecutionSnapshot?? {
        while true {
            guard let reply = await session.targetUI.ask("Approve \(approval.stage)? [a]pprove, [r]eject, Enter leaves watch:") else {
                return nil
            }
            switch reply.trimmingCharacters(in: .whitespaces).lowercased() {
            case "a", "approve":
                let settled = try await call("approve", session) { try await target.approve(context, environment: approval.environment, comment: nil) }
                session.recording.scriptEquivalent = (session.recording.scriptEquivalent ?? []) + ["watch", "approve \(ShellEscaping.quoted(approval.environment))"]
                session.output.message("approved \(approval.environment)")
                return .some(settled)
            case "r", "reject":
                let settled = try await call("reject", session) { try await target.reject(context, environment: approval.environment, comment: nil) }
                session.recording.scriptEquivalent = (session.recording.scriptEquivalent ?? []) + ["watch", "reject \(ShellEscaping.quoted(approval.environment))"]
                session.output.message("rejected \(approval.environment)")
                return .some(settled)
            case "":
                return nil
            default:
                // Only the offered answers count: a typo must not leave (or answer) by accident.
                session.targetUI.say("answer a (approve), r (reject), or Enter (leave watch)")
            }
        }
    }

    /// The newest run of the workspace's pipeline, or of pipeline NAME of the application, its files here or not.
    static func status(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = if let name = invocation["NAME"] {
            try await ApplicationCommands.context(named: name, "status", session, at: invocation.location(of: "NAME"))
        } else {
            try resolve("status", session)
        }
        let snapshot = try await call("status", session) { try await target.latestExecution(context) }
        guard let snapshot else {
            if session.printsJSON(invocation) {
                session.output.line("null")
            } else {
                session.output.message("\(context.manifest.name) has not run yet (`push` starts it)")
            }
            return
        }
        if session.printsJSON(invocation) {
            session.output.write(try StatusTable.json(snapshot))
        } else {
            session.output.write(StatusTable.render(snapshot, theme: session.output.theme, columns: session.output.columns))
        }
    }

    static func approve(_ invocation: Invocation, _ session: Session) async throws {
        try await answer(approved: true, invocation, session)
    }

    static func reject(_ invocation: Invocation, _ session: Session) async throws {
        try await answer(approved: false, invocation, session)
    }

    /// Answers the approval before ENV in the workspace's pipeline, or (`pipeline NAME`) in any pipeline of
    /// the application, its files here or not.
    private static func answer(approved: Bool, _ invocation: Invocation, _ session: Session) async throws {
        let verb = approved ? "approve" : "reject"
        let environment = invocation.required("ENV")
        let other = invocation["NAME"]
        let (target, context) = if let other {
            try await ApplicationCommands.context(named: other, verb, session, at: invocation.location(of: "NAME"))
        } else {
            try resolve(verb, session)
        }
        if other == nil || context.deployed == nil { _ = try context.manifest.requiredStage(environment) }
        let settled = try await call(verb, session) {
            if approved {
                try await target.approve(context, environment: environment, comment: invocation["TEXT"])
            } else {
                try await target.reject(context, environment: environment, comment: invocation["TEXT"])
            }
        }
        try reportAnswer(approved: approved, environment, in: other, settled: settled, session)
    }

    /// Says which approval was answered (in `pipeline`, when not the workspace's) and, where the target drove
    /// the run on here, where it settled; throws when an approved run then failed (a rejection ends it as asked).
    static func reportAnswer(approved: Bool, _ environment: String, in pipeline: String?, settled: ExecutionSnapshot?,
                             _ session: Session) throws {
        let answered = "\(approved ? "approved" : "rejected") \(environment)" + (pipeline.map { " in \($0)" } ?? "")
        if approved, let settled, let failure = runFailure(settled) {
            session.output.message(answered)
            throw failure
        }
        session.output.message(answered + (settled.map { "; run \($0.id) " + whereItStands($0) } ?? ""))
    }

    static func logs(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try resolve("logs", session)
        if invocation.has("--follow") {
            let output = session.output
            try await call("logs", session) {
                try await target.followLogs(context, stage: invocation.required("STAGE"), action: invocation["ACTION"]) { text in
                    output.write(text)
                    output.flush()
                }
            }
            return
        }
        let text = try await call("logs", session) {
            try await target.logs(context, stage: invocation.required("STAGE"), action: invocation["ACTION"])
        }
        session.output.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
    }

    /// Clears the local target's runs, logs and deployments of the pipeline, after asking (`--yes` in scripts).
    static func reset(_ invocation: Invocation, _ session: Session) async throws {
        let workspace = try session.requireWorkspace()
        let context = try session.pipelineContext()
        let name = context.manifest.name
        let target = try session.targets.target(workspaceRoot: workspace.root)
        let found: ResetSummary?
        do {
            found = try target.resetSummary(context)
        } catch is TargetUnavailable {
            throw ShellError.failure("`reset` clears the local target's runs; the \(target.kind) target keeps its own history",
                                     hint: "`target local` first to reset the pipeline's local runs")
        }
        guard let found else {
            session.output.message("unchanged: \(name) has no runs or deployments on the local target")
            return
        }
        guard try await session.confirmed(invocation, "Clear \(found.description) of \(name) from the local target?",
                                          declined: "not reset", doing: "clear \(found.description) of \(name)") else { return }
        let cleared = try await target.reset(context)
        session.output.message("reset \(name) on the local target: cleared \(cleared.description)")
    }

    /// The target the workspace chose and the pipeline it acts on.
    static func resolve(_ command: String, _ session: Session) throws -> (any PipelineTarget, PipelineContext) {
        let workspace = try session.requireWorkspace()
        let target: any PipelineTarget
        do {
            target = try session.targets.target(workspaceRoot: workspace.root)
        } catch is TargetUnavailable {
            throw unavailable(command, session)
        }
        return (target, try session.pipelineContext())
    }

    /// Copilot validates the manifest before it deploys: errors stop here, warnings are printed and the command goes on.
    private static func validated(before command: String, _ session: Session) throws -> ValidatedManifest {
        let validation = try session.validatePipeline(printing: true)
        guard let manifest = validation.manifest else {
            let errors = validation.errors.count
            throw ShellError.failure("\(command) stopped: \(validation.file) has \(errors) error\(errors == 1 ? "" : "s")",
                                     hint: "fix what the lines above say, then `\(command)` again")
        }
        return manifest
    }

    /// The plan the target deploys: of the validated manifest, with the workloads the application registered
    /// (Copilot's deploy lists them so). With `warning`, says which workspace workloads and stages that leaves out.
    private static func deployedPlan(before command: String, _ target: any PipelineTarget, _ context: PipelineContext,
                                     _ session: Session, warning: Bool) async throws -> PipelinePlan {
        let manifest = try validated(before: command, session)
        let registered = try await call(command, session) { try await target.registeredWorkloads(application: context.application) }
        let plan = try context.plan(manifest, registered: registered)
        guard warning else { return plan }
        if let registered, manifest.manifest.stages.contains(where: { $0.deployments.isEmpty }) {
            for workload in PipelineWorkloads.unregistered(workspace: try Workspace.load(root: context.workspaceRoot).workloads,
                                                                   registered: registered) {
                session.output.finding(PipelineWorkloads.unregisteredProblem(workload, application: context.application), severity: "warning")
            }
        }
        for stage in plan.omittedStages {
            session.output.finding(PipelineWorkloads.emptyStageProblem(stage), severity: "warning")
        }
        return plan
    }

    /// What a command that changes something unasked needs in a script, which nobody can ask: `--yes`.
    private static func confirmationNeeded(_ command: String, yes doing: String) -> ShellError {
        ShellError.failure("\(command) needs confirmation, and a script cannot give it", hint: "write `\(command) --yes` to \(doing)")
    }

    /// Runs a target operation, naming the command in "not available" answers.
    static func call<Result>(_ command: String, _ session: Session,
                                     _ operation: () async throws -> Result) async throws -> Result {
        do {
            return try await operation()
        } catch is TargetUnavailable {
            throw unavailable(command, session)
        }
    }

    private static func unavailable(_ command: String, _ session: Session) -> ShellError {
        ShellError.failure("`\(command)` is not available for the \(session.targetKind) target yet",
                           hint: "editing and saving the pipeline work now; `target` shows which target is chosen")
    }
}

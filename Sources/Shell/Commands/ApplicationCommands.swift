import CopilotRules
import Errors
import Foundation
import Manifest
import Targets
import Text

/// The application's pipelines, wherever their files are: `watch all`, `approvals`, `pipeline ls --deployed`
/// and `open`, and the context `status NAME` and `approve/reject … pipeline NAME` act in.
enum ApplicationCommands {
    /// A pipeline of the application and what acts on it: this workspace's files when it has them, else
    /// the pipeline as the target found it deployed (Copilot's tags on AWS).
    static func context(named name: String, _ command: String, _ session: Session,
                        at location: ScriptLocation) async throws -> (any PipelineTarget, PipelineContext) {
        let workspace = try session.requireWorkspace()
        let (target, _) = try targetOnly(command, session)
        if let open = session.pipeline, open.name == name || open.files.name == name {
            return (target, try session.pipelineContext())
        }
        if let files = workspace.pipeline(named: name) {
            let manifest = try ManifestDocument.load(contentsOf: files.manifest).manifest
            return (target, PipelineContext(workspaceRoot: workspace.root, application: workspace.application, manifest: manifest,
                                            manifestPath: files.manifestPathInWorkspace, buildspecPath: session.relativePath(files.buildspec)))
        }
        let deployed = try await TargetCommands.call(command, session) { try await target.applicationPipelines(application: workspace.application) }
        guard let found = deployed.first(where: { $0.name == name || $0.resourceName == name }) else {
            let known = Set(workspace.pipelines.map(\.name) + deployed.map(\.name)).sorted()
            throw ShellError.failure("application \(workspace.application) has no pipeline \(name) "
                                     + (target.kind == "aws" ? "deployed here or in this workspace" : "in this workspace"),
                                     hint: Suggestions.hint(for: name, among: known)
                                         ?? (known.isEmpty ? "`pipeline ls --deployed` lists them" : "its pipelines are: \(known.joined(separator: ", "))"),
                                     at: location)
        }
        return (target, PipelineContext(deployed: found, workspaceRoot: workspace.root, application: workspace.application))
    }

    private static func targetOnly(_ command: String, _ session: Session) throws -> (any PipelineTarget, Workspace) {
        let workspace = try session.requireWorkspace()
        do {
            return (try session.targets.target(workspaceRoot: workspace.root), workspace)
        } catch is TargetUnavailable {
            throw ShellError.failure("`\(command)` is not available for the \(session.targetKind) target",
                                     hint: "`target` shows which target is chosen")
        }
    }

    /// Every pipeline of the application the target runs (deployed on AWS, pushed locally), files here or not.
    static func everyPipeline(_ command: String, _ session: Session) async throws -> (any PipelineTarget, [PipelineContext]) {
        let (target, workspace) = try targetOnly(command, session)
        let deployed = try await TargetCommands.call(command, session) { try await target.applicationPipelines(application: workspace.application) }
        return (target, deployed.map { PipelineContext(deployed: $0, workspaceRoot: workspace.root, application: workspace.application) })
    }

    // MARK: pipeline ls --deployed

    static func listDeployed(_ invocation: Invocation, _ session: Session) async throws {
        let (target, workspace) = try targetOnly("pipeline ls", session)
        let deployed = try await TargetCommands.call("pipeline ls", session) { try await target.applicationPipelines(application: workspace.application) }
        let rows = deployed.map { pipeline in
            DeployedListing(name: pipeline.name, pipeline: pipeline.resourceName, legacy: pipeline.isLegacy,
                            manifest: workspace.pipeline(named: pipeline.name)?.manifestPathInWorkspace, link: pipeline.link)
        }
        if session.printsJSON(invocation) {
            session.output.line(try JSONText.encode(rows))
            return
        }
        guard !rows.isEmpty else {
            session.output.message(target.kind == "aws" ? "application \(workspace.application) has no pipeline deployed in this account and region"
                                   : "no pipeline of \(workspace.application) has been pushed to the local target")
            return
        }
        let width = rows.map(\.name.count).max() ?? 0
        for row in rows {
            let files = row.manifest ?? "(files not in this workspace)"
            session.output.row("  \(row.name.padded(to: width))  \(files)" + (row.legacy ? "  (legacy)" : ""))
            if target.kind == "aws", row.pipeline != row.name || row.link != nil {
                session.output.row("  \(String(repeating: " ", count: width))  CodePipeline \(row.pipeline)")
            }
        }
    }

    // MARK: watch all

    /// One view of every pipeline of the application with a run in progress, redrawn as they move, until
    /// none is (each ended or waits for an approval); Ctrl-C leaves it.
    static func watchAll(_ invocation: Invocation, _ session: Session) async throws {
        let (target, contexts) = try await everyPipeline("watch all", session)
        guard !contexts.isEmpty else {
            throw ShellError.failure("application \(try session.requireWorkspace().application) has no pipelines to watch",
                                     hint: "`pipeline ls --deployed` lists what the target runs")
        }
        try await TargetCommands.call("watch all", session) {
            try await Targets.watchAll(target: target, pipelines: contexts, console: session.console)
        }
    }

    // MARK: approvals

    static func approvals(_ invocation: Invocation, _ session: Session) async throws {
        let (target, contexts) = try await everyPipeline("approvals", session)
        var waiting: [(PendingApproval, PipelineContext)] = []
        for context in contexts {
            let found = try await TargetCommands.call("approvals", session) { try await target.waitingApprovals(context) }
            waiting += found.map { ($0, context) }
        }
        if session.printsJSON(invocation) {
            session.output.line(try JSONText.encode(waiting.map(\.0)))
            return
        }
        let application = try session.requireWorkspace().application
        guard !waiting.isEmpty else {
            session.output.message("no approval is waiting in application \(application)")
            return
        }
        session.output.message("\(waiting.count) approval\(waiting.count == 1 ? " is" : "s are") waiting in application \(application):")
        for (index, (approval, context)) in waiting.enumerated() {
            var line = "\(index + 1). \(context.manifest.name): \(approval.stage) (\(approval.action)), run \(approval.execution)"
            if let since = approval.since { line += ", waiting \(formatElapsed(Date().timeIntervalSince(since)))" }
            session.output.message("   " + line, hanging: "   ")
            if let link = approval.link { session.output.line("   \(link)") }
            session.output.message("   `approve \(approval.environment) pipeline \(context.manifest.name)` or "
                                   + "`reject \(approval.environment) pipeline \(context.manifest.name)`", hanging: "   ")
        }
        try await answer(waiting, target: target, session)
    }

    /// At a terminal: which approval to answer, and how; Enter leaves them waiting.
    private static func answer(_ waiting: [(PendingApproval, PipelineContext)], target: any PipelineTarget, _ session: Session) async throws {
        while session.targetUI.isInteractive {
            guard let reply = await session.targetUI.ask("Answer which? a number, then a (approve) or r (reject), e.g. 1a; Enter leaves:")?
                .trimmingCharacters(in: .whitespaces).lowercased(), !reply.isEmpty else { return }
            guard let verdict = reply.last, verdict == "a" || verdict == "r", let number = Int(reply.dropLast()),
                  waiting.indices.contains(number - 1) else {
                session.targetUI.say("answer a number from 1 to \(waiting.count) followed by a or r (e.g. 1a), or Enter")
                continue
            }
            let (approval, context) = waiting[number - 1]
            let words = "\(verdict == "a" ? "approve" : "reject") \(ShellEscaping.quoted(approval.environment)) pipeline \(ShellEscaping.quoted(context.manifest.name))"
            let settled = try await TargetCommands.call(verdict == "a" ? "approve" : "reject", session) {
                if verdict == "a" {
                    try await target.approve(context, environment: approval.environment, comment: nil)
                } else {
                    try await target.reject(context, environment: approval.environment, comment: nil)
                }
            }
            session.recording.scriptEquivalent = (session.recording.scriptEquivalent ?? ["approvals"]) + [words]
            try TargetCommands.reportAnswer(approved: verdict == "a", approval.environment, in: context.manifest.name,
                                            settled: settled, session)
            return
        }
    }

    // MARK: open

    /// Prints the console address of the pipeline, a run (`open EXECUTION`) or an action of the newest run
    /// (`open STAGE [ACTION]`), and hands it to the desktop's opener where there is one.
    static func open(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try TargetCommands.resolve("open", session)
        guard target.kind == "aws" else {
            throw ShellError.failure("the local target has no console: its runs are on this machine",
                                     hint: "`status`, `history` and `logs STAGE` show them")
        }
        let link: String?
        if let what = invocation["WHAT"] {
            link = try await self.link(what, action: invocation["ACTION"], target: target, context: context, invocation: invocation, session)
        } else {
            link = try await TargetCommands.call("open", session) { try await target.pipelineLink(context) }
        }
        guard let link else {
            throw ShellError.failure("the AWS console of this partition is reached only from inside it, so sluice has no address for it",
                                     hint: "open the console from inside the partition")
        }
        session.output.line(link)
        switch DesktopOpener.open(link, environment: ProcessInfo.processInfo.environment) {
        case .opened, .noOpener: break
        case .failed(let program, let reason): session.output.diagnostic("note: \(program) could not open it: \(reason)")
        }
    }

    private static func link(_ what: String, action: String?, target: any PipelineTarget, context: PipelineContext,
                             invocation: Invocation, _ session: Session) async throws -> String? {
        if let latest = try await TargetCommands.call("open", session, { try await target.latestExecution(context) }),
           let stageName = StageName.named(what, among: latest.stages.map(\.name)),
           let stage = latest.stages.first(where: { $0.name == stageName }) {
            let actions = action.map { name in stage.actions.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame } } ?? stage.actions
            guard !actions.isEmpty else {
                throw ShellError.failure("stage \(stageName) has no action \(action ?? "")",
                                         hint: "its actions are: \(stage.actions.map(\.name).joined(separator: ", "))",
                                         at: invocation.location(of: "ACTION"))
            }
            let chosen = actions.first { [.failed, .waitingForApproval, .inProgress].contains($0.state) } ?? actions.last { $0.link != nil }
            guard let found = chosen?.link else {
                throw ShellError.failure("no action of stage \(stageName) has run in run \(latest.id) yet",
                                         hint: "`open` without an argument opens the pipeline", at: invocation.location(of: "WHAT"))
            }
            return found
        }
        do {
            return try await TargetCommands.call("open", session) { try await target.execution(context, id: what) }.link
        } catch let refusal as RunRefusal {
            throw ShellError.failure(refusal, at: invocation.location(of: "WHAT"))
        }
    }
}

/// A line of `pipeline ls --deployed --json`.
private struct DeployedListing: Encodable {
    var name: String
    var pipeline: String
    var legacy: Bool
    /// The manifest in this workspace, if it is here.
    var manifest: String?
    var link: String?
}

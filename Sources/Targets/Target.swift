import CopilotRules
import Foundation
import Manifest

// Where `push`, `release`, `watch`, `status`, `history`, `approve`, `reject` and `logs`
// act. Two implementations: the local engine and AWS CodePipeline. The shell sees only
// this protocol, and the watch renderer draws the snapshots either one returns.

/// What a target needs to know about the pipeline it acts on.
public struct PipelineContext: Sendable {
    /// The directory holding `copilot/`.
    public var workspaceRoot: URL
    public var application: String
    public var manifest: PipelineManifest
    /// Paths relative to `workspaceRoot`.
    public var manifestPath: String
    public var buildspecPath: String
    /// A pipeline of the application found where it is deployed, whose files may be in another
    /// workspace: its manifest here holds its name only, and only what reads its runs works.
    public var deployed: ApplicationPipeline?
    /// The pipeline's overrides as being edited (unsaved edits included); nil reads them from the workspace.
    public var overrides: PipelineOverrides?

    public init(workspaceRoot: URL, application: String, manifest: PipelineManifest,
                manifestPath: String, buildspecPath: String, overrides: PipelineOverrides? = nil) {
        self.workspaceRoot = workspaceRoot
        self.application = application
        self.manifest = manifest
        self.manifestPath = manifestPath
        self.buildspecPath = buildspecPath
        self.overrides = overrides
    }

    /// A pipeline of the application as `applicationPipelines` found it.
    public init(deployed: ApplicationPipeline, workspaceRoot: URL, application: String) {
        self.init(workspaceRoot: workspaceRoot, application: application,
                  manifest: PipelineManifest(name: deployed.name, source: Source(provider: .other(""), properties: SourceProperties())),
                  manifestPath: "", buildspecPath: "")
        self.deployed = deployed
    }

    /// Copilot's stack name for the pipeline.
    public var stackName: String { StackNames.pipeline(application: application, pipeline: manifest.name) }
}

/// A pipeline of the application where a target runs it: on AWS one CodePipeline tagged with the
/// application (Copilot's `copilot-application`, and `copilot-pipeline` for its name but on a legacy
/// one), locally one pushed from this workspace.
public struct ApplicationPipeline: Codable, Equatable, Sendable {
    /// The pipeline's name as its manifest gives it.
    public var name: String
    /// The CodePipeline's own name (locally the same as `name`).
    public var resourceName: String
    /// Deployed by Copilot before v1.16: its stack and CodePipeline are named as the manifest.
    public var isLegacy: Bool
    /// Its page in the AWS console; nil locally.
    public var link: String?

    public init(name: String, resourceName: String, isLegacy: Bool = false, link: String? = nil) {
        self.name = name
        self.resourceName = resourceName
        self.isLegacy = isLegacy
        self.link = link
    }
}

/// An approval waiting for an answer, wherever in the application it waits.
public struct PendingApproval: Codable, Equatable, Sendable {
    public var pipeline: String
    public var stage: String
    public var action: String
    public var execution: String
    public var since: Date?
    /// The console's review page; nil locally.
    public var link: String?

    public init(pipeline: String, stage: String, action: String, execution: String, since: Date? = nil, link: String? = nil) {
        self.pipeline = pipeline
        self.stage = stage
        self.action = action
        self.execution = execution
        self.since = since
        self.link = link
    }

    /// The environment whose deploy stage it guards (`approve ENV` names it).
    public var environment: String { StageName.environment(of: stage) ?? stage }
}

/// How the target talks back to the person (or script) while it works.
public protocol TargetUI: Sendable {
    /// True when a person is at a terminal (live redraw, prompts possible).
    var isInteractive: Bool { get }
    /// One line of progress or result.
    func say(_ line: String)
    /// Asks a yes/no question; a non-interactive UI answers false.
    func confirm(_ question: String) async -> Bool
    /// Reads a secret without echo; nil when no terminal can ask.
    func readSecret(_ prompt: String) async -> String?
    /// Reads one line of reply to `question`; nil when nobody can answer (a script).
    func ask(_ question: String) async -> String?
    /// A unified diff, shown as it is (never wrapped: each line is a line of a file).
    func show(diff: String)
}

extension TargetUI {
    /// A UI without colours says each line of the diff.
    public func show(diff: String) {
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { say(String(line)) }
    }
}

public struct PushOptions: Sendable {
    /// Skip the confirmation after the plan.
    public var assumeYes: Bool
    /// Stop after showing the plan.
    public var dryRun: Bool
    /// Overwrite a pipeline a newer Copilot release rendered (Copilot's `--allow-downgrade`).
    public var allowDowngrade: Bool
    /// Show the deployed template's diff against the new one first (Copilot's `--diff`).
    public var showDiff: Bool

    public init(assumeYes: Bool = false, dryRun: Bool = false, allowDowngrade: Bool = false, showDiff: Bool = false) {
        self.assumeYes = assumeYes
        self.dryRun = dryRun
        self.allowDowngrade = allowDowngrade
        self.showDiff = showDiff
    }
}

public enum PushOutcome: Equatable, Sendable {
    /// Nothing to change.
    case upToDate
    /// `--dry-run`, the person declined the plan, or nobody could confirm it (a script without `--yes`).
    case planned
    /// Deployed; an execution may have been started. `settled` is that execution as it stands
    /// when push returns, from a target that drives it until it ends or waits (the local one).
    case deployed(executionID: String?, settled: ExecutionSnapshot? = nil)
}

/// The state of a pipeline execution, a stage or an action — one vocabulary for both targets.
public enum RunState: String, Codable, Equatable, Sendable {
    case pending = "Pending"
    case inProgress = "InProgress"
    case waitingForApproval = "WaitingForApproval"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case rejected = "Rejected"
    /// Asked to stop: its running actions finish (or are abandoned), nothing after them starts.
    case stopping = "Stopping"
    case stopped = "Stopped"
    case abandoned = "Abandoned"

    /// Nothing more will happen to it.
    public var isFinal: Bool {
        switch self {
        case .pending, .inProgress, .waitingForApproval, .stopping: return false
        case .succeeded, .failed, .rejected, .stopped, .abandoned: return true
        }
    }
}

public struct ActionSnapshot: Codable, Equatable, Sendable {
    public var name: String
    public var state: RunState
    public var startedAt: Date?
    public var finishedAt: Date?
    /// A short line: the commit for Source, the error for a failure, who approved.
    public var summary: String?
    /// What to do about a failure, when the error said (the local target's own errors do).
    public var hint: String?
    /// The last lines of a failed action's log, which `watch` shows under the failure.
    public var logTail: [String]?
    /// Who answered an approval (the login name locally, the IAM identity on AWS).
    public var updatedBy: String?
    /// Its page in the AWS console (a build, a stack, the approval's review); nil locally.
    public var link: String?

    public init(name: String, state: RunState, startedAt: Date? = nil, finishedAt: Date? = nil, summary: String? = nil,
                hint: String? = nil, logTail: [String]? = nil, updatedBy: String? = nil) {
        self.name = name
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.summary = summary
        self.hint = hint
        self.logTail = logTail
        self.updatedBy = updatedBy
    }
}

public struct StageSnapshot: Codable, Equatable, Sendable {
    /// CodePipeline's stage name: Source, Build, or an environment's deploy stage (``StageName``).
    public var name: String
    public var state: RunState
    /// Whether the inbound transition is enabled (Copilot's status "Transition" column).
    public var transitionEnabled: Bool
    public var actions: [ActionSnapshot]

    public init(name: String, state: RunState, transitionEnabled: Bool = true, actions: [ActionSnapshot]) {
        self.name = name
        self.state = state
        self.transitionEnabled = transitionEnabled
        self.actions = actions
    }
}

/// What started an execution, in CodePipeline's words (`ExecutionTrigger`): its type
/// (StartPipelineExecution, Webhook, ManualRollback…) and who or what (an IAM identity, a login name).
public struct ExecutionTrigger: Codable, Equatable, Sendable {
    public var type: String
    public var detail: String?

    public init(type: String, detail: String? = nil) {
        self.type = type
        self.detail = detail
    }
}

/// One execution as `watch` and `status` draw it.
public struct ExecutionSnapshot: Codable, Equatable, Sendable {
    public var pipeline: String
    public var id: String
    public var state: RunState
    public var startedAt: Date?
    public var finishedAt: Date?
    public var sourceRevision: String?
    public var sourceSummary: String?
    public var stages: [StageSnapshot]
    public var trigger: ExecutionTrigger?
    /// A rollback execution redeploys what this execution deployed.
    public var rollbackTarget: String?
    /// Why it was stopped, as `stop … reason` gave it.
    public var stopReason: String?
    /// Notifications that could not be delivered (they never fail the run).
    public var notificationFailures: [String]?
    /// The execution's page in the AWS console; nil locally.
    public var link: String?
    /// The CodePipeline V2 variables it runs with, as resolved at its start (nil: none).
    public var variables: [PipelineV2.VariableValue]?

    public init(pipeline: String, id: String, state: RunState, startedAt: Date? = nil, finishedAt: Date? = nil,
                sourceRevision: String? = nil, sourceSummary: String? = nil, stages: [StageSnapshot],
                trigger: ExecutionTrigger? = nil, rollbackTarget: String? = nil, stopReason: String? = nil,
                notificationFailures: [String]? = nil, variables: [PipelineV2.VariableValue]? = nil) {
        self.pipeline = pipeline
        self.id = id
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.sourceRevision = sourceRevision
        self.sourceSummary = sourceSummary
        self.stages = stages
        self.trigger = trigger
        self.rollbackTarget = rollbackTarget
        self.stopReason = stopReason
        self.notificationFailures = notificationFailures
        self.variables = variables
    }
}

/// How `stop` ends an execution (StopPipelineExecution): its running actions finish first, or are abandoned.
public enum StopMode: String, Codable, Equatable, Sendable {
    case finishRunningActions = "wait"
    case abandon
}

/// What `retry` runs again of a failed stage (RetryStageExecution's retryMode).
public enum StageRetryMode: String, Codable, CaseIterable, Equatable, Sendable {
    case failedActions = "failed-actions"
    case allActions = "all-actions"
}

/// A run a command started or answered: its id and, on a target that drives runs in this process
/// (the local one), the state it settled in (ended, or waiting at an approval); nil where the run
/// goes on elsewhere (CodePipeline).
public struct StartedRun: Equatable, Sendable {
    public var id: String
    public var settled: ExecutionSnapshot?

    public init(id: String, settled: ExecutionSnapshot? = nil) {
        self.id = id
        self.settled = settled
    }
}

/// What `reset` clears (or cleared).
public struct ResetSummary: Equatable, Sendable {
    public var runs: Int
    public var deployments: Int

    public init(runs: Int, deployments: Int) {
        self.runs = runs
        self.deployments = deployments
    }

    /// "2 runs (with their logs) and 1 deployment".
    public var description: String {
        "\(runs) run\(runs == 1 ? "" : "s") (with their logs) and \(deployments) deployment\(deployments == 1 ? "" : "s")"
    }
}

/// A run of `history`: its outcome, what started it, each stage's state and time, and every
/// approval's answer (who, with their comment, in the action's summary).
public struct ExecutionSummary: Codable, Equatable, Sendable {
    public var id: String
    public var state: RunState
    public var startedAt: Date?
    public var updatedAt: Date?
    public var sourceRevision: String?
    /// CodePipeline's trigger type (StartPipelineExecution, Webhook, ManualRollback…).
    public var trigger: String?
    /// Who or what started it.
    public var triggerDetail: String?
    public var rollbackTarget: String?
    public var stopReason: String?
    public var stages: [StageSnapshot]
    public var notificationFailures: [String]?
    /// The CodePipeline V2 variables it ran with (nil: none).
    public var variables: [PipelineV2.VariableValue]?

    public init(id: String, state: RunState, startedAt: Date? = nil, updatedAt: Date? = nil,
                sourceRevision: String? = nil, trigger: String? = nil, triggerDetail: String? = nil,
                rollbackTarget: String? = nil, stopReason: String? = nil, stages: [StageSnapshot] = [],
                notificationFailures: [String]? = nil, variables: [PipelineV2.VariableValue]? = nil) {
        self.id = id
        self.state = state
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.sourceRevision = sourceRevision
        self.trigger = trigger
        self.triggerDetail = triggerDetail
        self.rollbackTarget = rollbackTarget
        self.stopReason = stopReason
        self.stages = stages
        self.notificationFailures = notificationFailures
        self.variables = variables
    }

    /// The summary of an execution as a snapshot holds it.
    public init(_ snapshot: ExecutionSnapshot, updatedAt: Date?) {
        self.init(id: snapshot.id, state: snapshot.state, startedAt: snapshot.startedAt, updatedAt: updatedAt,
                  sourceRevision: snapshot.sourceRevision, trigger: snapshot.trigger?.type,
                  triggerDetail: snapshot.trigger?.detail, rollbackTarget: snapshot.rollbackTarget,
                  stopReason: snapshot.stopReason, stages: snapshot.stages,
                  notificationFailures: snapshot.notificationFailures, variables: snapshot.variables)
    }
}

/// The operations every target offers. Calls are cancellable: a cancelled task
/// (Ctrl-C) stops waiting and throws `CancellationError`.
public protocol PipelineTarget: AnyObject, Sendable {
    /// "local" or "aws", as the prompt shows it.
    var kind: String { get }
    /// How often `watch` polls this target (default `.remote`, in Watch/Watch.swift).
    var pollingPolicy: PollingPolicy { get }

    /// Deploys (or records) the pipeline as `plan` says; on the local target also starts an execution.
    /// Nothing changes unasked: without `options.assumeYes` a target that cannot confirm (a script)
    /// returns `.planned`, and the shell says what a script writes instead.
    func push(_ pipeline: PipelineContext, plan: PipelinePlan, options: PushOptions, ui: any TargetUI) async throws -> PushOutcome
    /// Starts a new execution with `variables` (`release var NAME=VALUE`; the pipeline's V2 variables not
    /// given take their defaults, as ``PipelineV2/resolveVariables(given:)`` says).
    @discardableResult
    func release(_ pipeline: PipelineContext, variables: [PipelineV2.VariableValue]) async throws -> StartedRun
    /// True when `plan` would push something other than what the target last got, so
    /// `release` (which runs the pipeline as pushed) says so; false when it never got one.
    func differsFromPushed(_ pipeline: PipelineContext, plan: PipelinePlan) async throws -> Bool
    /// The newest execution, or nil if the pipeline never ran.
    func latestExecution(_ pipeline: PipelineContext) async throws -> ExecutionSnapshot?
    func execution(_ pipeline: PipelineContext, id: String) async throws -> ExecutionSnapshot
    /// Newest first.
    func history(_ pipeline: PipelineContext, limit: Int) async throws -> [ExecutionSummary]
    /// Stops an execution (the newest running one when `execution` is nil): its running actions finish
    /// first, or are abandoned. Returns it as it stands once the request is made.
    func stop(_ pipeline: PipelineContext, execution: String?, mode: StopMode, reason: String?) async throws -> ExecutionSnapshot
    /// Runs a failed or stopped stage of the latest execution that reached it again, with that
    /// execution's artifacts: its failed actions, or all of them.
    func retry(_ pipeline: PipelineContext, stage: String, mode: StageRetryMode) async throws -> ExecutionSnapshot
    /// Starts a rollback execution that runs `stage` again with what `target` (by default the run
    /// before the one deployed there now) deployed: its source revision and artifacts.
    func rollBack(_ pipeline: PipelineContext, stage: String, to target: String?) async throws -> ExecutionSnapshot
    /// Answers the approval waiting before the deploy stage of `environment`; the run's settled state
    /// where the target drives it on in this process.
    @discardableResult
    func approve(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot?
    @discardableResult
    func reject(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot?
    /// The log of one action of a stage (Build, Source, or an environment's deploy stage), of the newest execution.
    func logs(_ pipeline: PipelineContext, stage: String, action: String?) async throws -> String
    /// The same log as it is written, given to `emit` piece by piece until the action ends.
    func followLogs(_ pipeline: PipelineContext, stage: String, action: String?,
                    emit: @escaping @Sendable (String) -> Void) async throws
    /// Removes what `push` created.
    func remove(_ pipeline: PipelineContext, ui: any TargetUI) async throws
    /// Removes what `push` created, and with `deleteSecret` the source's token secret too.
    func remove(_ pipeline: PipelineContext, deleteSecret: Bool, ui: any TargetUI) async throws
    /// What `reset` would clear of the pipeline's runs and deployments; nil when there is nothing.
    func resetSummary(_ pipeline: PipelineContext) throws -> ResetSummary?
    /// Clears the pipeline's runs (with their logs) and the deployments they recorded, so the next
    /// `push` starts as the first did.
    func reset(_ pipeline: PipelineContext) async throws -> ResetSummary
    /// What `push` would deploy for the plan, as `show template` prints it. The plan is asked for only by a
    /// target that deploys a template (one that does not says so whatever the manifest holds), given the
    /// workloads the application registered.
    func deploymentTemplate(_ pipeline: PipelineContext, plan: ([CopilotWorkload]?) throws -> PipelinePlan) async throws -> String
    /// The pipeline as deployed, for `pipeline show`: lines to print after the manifest's summary; with
    /// `resources`, also its stack's resources (Copilot's `pipeline show --resources`).
    func deployedDescription(_ pipeline: PipelineContext, resources: Bool) async throws -> [String]
    /// The approvals waiting in the pipeline, in any of its runs.
    func waitingApprovals(_ pipeline: PipelineContext) async throws -> [PendingApproval]
    /// Every pipeline of the application the target runs, files here or not, by name.
    func applicationPipelines(application: String) async throws -> [ApplicationPipeline]
    /// The pipeline's page in the AWS console; nil on a target without one.
    func pipelineLink(_ pipeline: PipelineContext) async throws -> String?
    /// The application's environments as the target knows them (Copilot's SSM parameters on AWS,
    /// where an environment needs no folder in this workspace); nil when it knows none of its own.
    func environments(application: String) async throws -> [String]?
    /// The services and jobs the application registered (Copilot's SSM parameters on AWS), which limit what
    /// a stage without `deployments` deploys; nil when the target knows no such records.
    func registeredWorkloads(application: String) async throws -> [CopilotWorkload]?
}

extension PipelineTarget {
    /// Targets that deploy no template say so.
    public func deploymentTemplate(_ pipeline: PipelineContext, plan: ([CopilotWorkload]?) throws -> PipelinePlan) async throws -> String {
        throw TargetUnavailable(kind: kind, operation: "show template")
    }

    /// Only the local target keeps runs of its own to clear (CodePipeline keeps its history).
    public func resetSummary(_ pipeline: PipelineContext) throws -> ResetSummary? {
        throw TargetUnavailable(kind: kind, operation: "reset")
    }

    public func reset(_ pipeline: PipelineContext) async throws -> ResetSummary {
        throw TargetUnavailable(kind: kind, operation: "reset")
    }

    /// Targets that keep no secret remove as without it.
    public func remove(_ pipeline: PipelineContext, deleteSecret: Bool, ui: any TargetUI) async throws {
        try await remove(pipeline, ui: ui)
    }

    /// Targets without a separately deployed pipeline add nothing.
    public func deployedDescription(_ pipeline: PipelineContext, resources: Bool) async throws -> [String] {
        if resources { throw TargetUnavailable(kind: kind, operation: "pipeline show --resources") }
        return []
    }

    public func pipelineLink(_ pipeline: PipelineContext) async throws -> String? { nil }

    /// The local target knows the workspace's environments only.
    public func environments(application: String) async throws -> [String]? { nil }

    /// The local target deploys every workload of the workspace.
    public func registeredWorkloads(application: String) async throws -> [CopilotWorkload]? { nil }
}

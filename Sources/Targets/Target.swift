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

    public init(workspaceRoot: URL, application: String, manifest: PipelineManifest,
                manifestPath: String, buildspecPath: String) {
        self.workspaceRoot = workspaceRoot
        self.application = application
        self.manifest = manifest
        self.manifestPath = manifestPath
        self.buildspecPath = buildspecPath
    }

    /// Copilot's stack name for the pipeline.
    public var stackName: String { StackNames.pipeline(application: application, pipeline: manifest.name) }
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
}

public struct PushOptions: Sendable {
    /// Skip the confirmation after the plan.
    public var assumeYes: Bool
    /// Stop after showing the plan.
    public var dryRun: Bool
    /// Overwrite a pipeline a newer Copilot release rendered (Copilot's `--allow-downgrade`).
    public var allowDowngrade: Bool

    public init(assumeYes: Bool = false, dryRun: Bool = false, allowDowngrade: Bool = false) {
        self.assumeYes = assumeYes
        self.dryRun = dryRun
        self.allowDowngrade = allowDowngrade
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
    case stopped = "Stopped"
    case abandoned = "Abandoned"

    /// Nothing more will happen to it.
    public var isFinal: Bool {
        switch self {
        case .pending, .inProgress, .waitingForApproval: return false
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
    /// The last lines of a failed action's log, which `watch` shows under the failure.
    public var logTail: [String]?

    public init(name: String, state: RunState, startedAt: Date? = nil, finishedAt: Date? = nil, summary: String? = nil,
                logTail: [String]? = nil) {
        self.name = name
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.summary = summary
        self.logTail = logTail
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

    public init(pipeline: String, id: String, state: RunState, startedAt: Date? = nil, finishedAt: Date? = nil,
                sourceRevision: String? = nil, sourceSummary: String? = nil, stages: [StageSnapshot]) {
        self.pipeline = pipeline
        self.id = id
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.sourceRevision = sourceRevision
        self.sourceSummary = sourceSummary
        self.stages = stages
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

/// A line of `history`.
public struct ExecutionSummary: Codable, Equatable, Sendable {
    public var id: String
    public var state: RunState
    public var startedAt: Date?
    public var updatedAt: Date?
    public var sourceRevision: String?
    public var trigger: String?

    public init(id: String, state: RunState, startedAt: Date? = nil, updatedAt: Date? = nil,
                sourceRevision: String? = nil, trigger: String? = nil) {
        self.id = id
        self.state = state
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.sourceRevision = sourceRevision
        self.trigger = trigger
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
    /// Starts a new execution; returns its id.
    func release(_ pipeline: PipelineContext) async throws -> String
    /// True when `plan` would push something other than what the target last got, so
    /// `release` (which runs the pipeline as pushed) says so; false when it never got one.
    func differsFromPushed(_ pipeline: PipelineContext, plan: PipelinePlan) async throws -> Bool
    /// The newest execution, or nil if the pipeline never ran.
    func latestExecution(_ pipeline: PipelineContext) async throws -> ExecutionSnapshot?
    func execution(_ pipeline: PipelineContext, id: String) async throws -> ExecutionSnapshot
    /// Newest first.
    func history(_ pipeline: PipelineContext, limit: Int) async throws -> [ExecutionSummary]
    /// Answers the approval waiting before the deploy stage of `environment`.
    func approve(_ pipeline: PipelineContext, environment: String, comment: String?) async throws
    func reject(_ pipeline: PipelineContext, environment: String, comment: String?) async throws
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
    /// The pipeline as deployed, for `pipeline show`: lines to print after the manifest's summary.
    func deployedDescription(_ pipeline: PipelineContext) async throws -> [String]
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
    public func deployedDescription(_ pipeline: PipelineContext) async throws -> [String] { [] }

    /// The local target knows the workspace's environments only.
    public func environments(application: String) async throws -> [String]? { nil }

    /// The local target deploys every workload of the workspace.
    public func registeredWorkloads(application: String) async throws -> [CopilotWorkload]? { nil }
}

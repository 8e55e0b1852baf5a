// Implementation-only: AWS (and swift-algorithms behind it) must not leak extension members into
// the modules that import Targets.
import AWS
import Foundation
import Manifest

/// `target aws`: the pipeline as the CloudFormation stack `pipeline-APP-NAME`, its executions
/// read from CodePipeline. Creating one touches no network and loads no HTTP stack; the
/// configuration is resolved and the clients made on the first call that needs them.
public final class AWSTarget: PipelineTarget, @unchecked Sendable {
    public let kind = "aws"
    let profile: String?
    let region: String?
    /// Process environment, with `target aws endpoint URL` applied over it.
    let environment: [String: String]

    private let lock = NSLock()
    private var clients: AWSClients?
    /// Physical pipeline names, by stack name: the stack's `Pipeline` resource never changes name.
    private var pipelineNames: [String: String] = [:]
    /// What `watch` follows, by pipeline name; see `latestExecution`.
    private var followed: [String: FollowedExecution] = [:]
    /// When each action execution was first seen running, for elapsed times once it has finished.
    private var actionStarts: [String: Date] = [:]

    public init(profile: String?, region: String?, endpoint: String?,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.profile = profile
        self.region = region
        var environment = environment
        if let endpoint {
            // An explicit endpoint wins over every configured one, service-specific included.
            for key in environment.keys where key.hasPrefix("AWS_ENDPOINT_URL_") { environment[key] = nil }
            environment["AWS_ENDPOINT_URL"] = endpoint
            environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = nil
        }
        self.environment = environment
    }

    /// The clients, made on first use.
    func aws() throws -> AWSClients {
        lock.lock()
        defer { lock.unlock() }
        if let clients { return clients }
        let configuration = try AWSConfiguration.resolve(profile: profile, region: region, environment: environment)
        let made = AWSClients(configuration: configuration)
        clients = made
        return made
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: PipelineTarget

    public func release(_ pipeline: PipelineContext) async throws -> String {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let started = try await aws.codePipeline.startPipelineExecution(.init(name: name))
        guard let id = started.pipelineExecutionId else {
            throw AWSTargetError("CodePipeline started an execution of \(name) but returned no id", hint: "`history` lists it")
        }
        return id
    }

    public func history(_ pipeline: PipelineContext, limit: Int) async throws -> [ExecutionSummary] {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let listed = try await aws.codePipeline.listPipelineExecutions(.init(pipelineName: name, maxResults: max(1, min(limit, 100))))
        return (listed.pipelineExecutionSummaries ?? []).prefix(limit).compactMap { summary in
            guard let id = summary.pipelineExecutionId else { return nil }
            return ExecutionSummary(id: id, state: Self.runState(execution: summary.status ?? "", rejected: false),
                                    startedAt: summary.startTime, updatedAt: summary.lastUpdateTime,
                                    sourceRevision: summary.sourceRevisions?.first?.revisionId,
                                    trigger: summary.trigger?.triggerType)
        }
    }

    public func approve(_ pipeline: PipelineContext, environment: String, comment: String?) async throws {
        try await answerApproval(pipeline, environment: environment, approved: true, comment: comment)
    }

    public func reject(_ pipeline: PipelineContext, environment: String, comment: String?) async throws {
        try await answerApproval(pipeline, environment: environment, approved: false, comment: comment)
    }

    private func answerApproval(_ pipeline: PipelineContext, environment: String, approved: Bool, comment: String?) async throws {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let stageName = StageName.deploy(environment)
        let state = try await aws.codePipeline.getPipelineState(.init(name: name))
        guard let stage = state.stageStates?.first(where: { $0.stageName == stageName }) else {
            throw AWSTargetError("pipeline \(name) has no stage \(stageName)",
                                 hint: "its stages are \((state.stageStates ?? []).compactMap(\.stageName).joined(separator: ", "))")
        }
        guard let waiting = stage.actionStates?.first(where: {
            $0.latestExecution?.status == "InProgress" && $0.latestExecution?.token != nil
        }), let action = waiting.actionName, let token = waiting.latestExecution?.token else {
            throw AWSTargetError("no approval is waiting in \(stageName) of pipeline \(name)",
                                 hint: "`status` shows where the latest execution is")
        }
        let verdict = approved ? "Approved" : "Rejected"
        _ = try await aws.codePipeline.putApprovalResult(.init(
            pipelineName: name, stageName: stageName, actionName: action,
            result: .init(summary: comment ?? "\(verdict) from sluice", status: verdict), token: token))
    }

    /// CodeBuild's full output is in CloudWatch Logs; this is what CodePipeline knows of each action.
    public func logs(_ pipeline: PipelineContext, stage: String, action: String?) async throws -> String {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let stageName = [StageName.source, StageName.build].contains(stage) || stage.hasPrefix("DeployTo-")
            ? stage : StageName.deploy(stage)
        let state = try await aws.codePipeline.getPipelineState(.init(name: name))
        guard let found = state.stageStates?.first(where: { $0.stageName == stageName }) else {
            throw AWSTargetError("pipeline \(name) has no stage \(stageName)",
                                 hint: "its stages are \((state.stageStates ?? []).compactMap(\.stageName).joined(separator: ", "))")
        }
        let actions = (found.actionStates ?? []).filter { action == nil || $0.actionName == action }
        if let action, actions.isEmpty {
            throw AWSTargetError("stage \(stageName) has no action \(action)",
                                 hint: "its actions are \((found.actionStates ?? []).compactMap(\.actionName).joined(separator: ", "))")
        }
        let formatter = ISO8601DateFormatter()
        var lines: [String] = []
        for entry in actions {
            var line = "\(stageName)/\(entry.actionName ?? "?"): "
            guard let latest = entry.latestExecution else {
                lines.append(line + "has not run")
                continue
            }
            line += latest.status ?? "unknown"
            if let changed = latest.lastStatusChange { line += " at " + formatter.string(from: changed) }
            if let summary = latest.summary, !summary.isEmpty { line += " — " + summary }
            if let error = latest.errorDetails?.message { line += "\n  error: " + error }
            if let url = latest.externalExecutionUrl { line += "\n  details: " + url }
            lines.append(line)
        }
        lines.append("(CodeBuild writes each build's full output to CloudWatch Logs, group /aws/codebuild/PROJECT.)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Copilot's `pipeline show` for what is deployed: About, then Stages with their actions.
    public func deployedDescription(_ pipeline: PipelineContext) async throws -> [String] {
        let aws = try aws()
        let region = aws.configuration.region.value
        guard try await describeStack(pipeline.stackName, aws) != nil else {
            return ["deployed: no (no stack \(pipeline.stackName) in \(region); `push` deploys it)"]
        }
        let name = try await pipelineName(pipeline, aws)
        let described = try await aws.codePipeline.getPipeline(.init(name: name))
        let formatter = ISO8601DateFormatter()
        var lines = ["About", "  Name        \(name)", "  Stack       \(pipeline.stackName)", "  Region      \(region)"]
        if let arn = described.metadata?.pipelineArn { lines.append("  ARN         \(arn)") }
        if let created = described.metadata?.created { lines.append("  Created At  \(formatter.string(from: created))") }
        if let updated = described.metadata?.updated { lines.append("  Updated At  \(formatter.string(from: updated))") }
        var rows = [("Name", "Category", "Provider", "Details")]
        for stage in described.pipeline?.stages ?? [] {
            for action in stage.actions {
                let configuration = action.configuration ?? [:]
                let details = ["FullRepositoryId", "RepositoryName", "Repo", "BranchName", "Branch", "StackName"]
                    .compactMap { key in configuration[key].map { "\(key): \($0)" } }.joined(separator: ", ")
                rows.append(("\(stage.name)/\(action.name)", action.actionTypeId.category, action.actionTypeId.provider, details))
            }
        }
        let widths = (rows.map(\.0.count).max() ?? 0, rows.map(\.1.count).max() ?? 0, rows.map(\.2.count).max() ?? 0)
        lines.append("Stages")
        for (index, row) in rows.enumerated() {
            lines.append(("  " + row.0.padding(toLength: widths.0 + 2, withPad: " ", startingAt: 0)
                          + row.1.padding(toLength: widths.1 + 2, withPad: " ", startingAt: 0)
                          + row.2.padding(toLength: widths.2 + 2, withPad: " ", startingAt: 0) + row.3)
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            if index == 0 {
                lines.append("  " + ["----", "--------", "--------", "-------"].enumerated().map { column, dash in
                    column == 3 ? dash : dash.padding(toLength: [widths.0, widths.1, widths.2][column] + 2, withPad: " ", startingAt: 0)
                }.joined())
            }
        }
        return lines
    }

    // MARK: Shared lookups

    /// The name of the CodePipeline the stack made, from the stack's `PipelineName` output.
    func pipelineName(_ pipeline: PipelineContext, _ aws: AWSClients) async throws -> String {
        if let known = withLock({ pipelineNames[pipeline.stackName] }) { return known }
        guard let stack = try await describeStack(pipeline.stackName, aws) else { throw notDeployed(pipeline, aws) }
        guard let name = stack.outputs?.first(where: { $0.outputKey == PipelineTemplate.pipelineNameOutput })?.outputValue else {
            throw AWSTargetError("stack \(pipeline.stackName) is \(stack.stackStatus) and has no \(PipelineTemplate.pipelineNameOutput) output",
                                 hint: "`push` deploys the pipeline (again)")
        }
        withLock { pipelineNames[pipeline.stackName] = name }
        return name
    }

    func notDeployed(_ pipeline: PipelineContext, _ aws: AWSClients) -> AWSTargetError {
        AWSTargetError("pipeline \(pipeline.manifest.name) is not deployed: no stack \(pipeline.stackName) in "
                       + aws.configuration.region.value, hint: "`push` deploys it")
    }

    func forget(_ pipeline: PipelineContext) {
        withLock {
            if let name = pipelineNames.removeValue(forKey: pipeline.stackName) { followed[name] = nil }
        }
    }

    func follow(_ name: String) -> FollowedExecution? { withLock { followed[name] } }
    func remember(_ execution: FollowedExecution, for name: String) { withLock { followed[name] = execution } }

    /// When `actionExecutionID` was first seen running (now, the first time it is asked).
    func actionStart(_ actionExecutionID: String, seenRunningAt: Date?) -> Date? {
        withLock {
            if let known = actionStarts[actionExecutionID] { return known }
            if let seenRunningAt { actionStarts[actionExecutionID] = seenRunningAt }
            return seenRunningAt
        }
    }
}

/// The service clients of one configuration.
struct AWSClients: Sendable {
    let configuration: AWSConfiguration
    let cloudFormation: CloudFormation
    let codePipeline: CodePipeline
    let ssm: SSM
    let secretsManager: SecretsManager

    init(configuration: AWSConfiguration) {
        let client = AWSClient(configuration: configuration)
        self.configuration = configuration
        cloudFormation = CloudFormation(client: client)
        codePipeline = CodePipeline(client: client)
        ssm = SSM(client: client)
        secretsManager = SecretsManager(client: client)
    }
}

/// Something the AWS target cannot do (a template it cannot make included), said for a
/// person: what, and what to try.
public struct AWSTargetError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var hint: String

    public init(_ message: String, hint: String) {
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(message)\nhint: \(hint)" }
}

extension AWSError {
    /// CloudFormation's answer about a stack that does not exist.
    var isMissingStack: Bool { code == "ValidationError" && message.contains("does not exist") }
    var isThrottling: Bool { httpStatus == 429 || code.lowercased().contains("throttl") || code == "TooManyRequestsException" }
}

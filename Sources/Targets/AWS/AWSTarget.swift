// Implementation-only: AWS (and swift-algorithms behind it) must not leak extension members into
// the modules that import Targets.
import AWS
import CopilotRules
import Errors
import Foundation
import Manifest

/// `target aws`: the pipeline as the CloudFormation stack Copilot names it (``StackNames``), its executions
/// read from CodePipeline. Creating one touches no network and loads no HTTP stack; the
/// configuration is resolved and the clients made on the first call that needs them.
public final class AWSTarget: PipelineTarget, @unchecked Sendable {
    public let kind = "aws"
    let profile: String?
    let region: String?
    let endpoint: String?
    let environment: [String: String]
    let options: TargetOptions

    private let lock = NSLock()
    private var clients: AWSClients?
    /// Physical pipeline names, by stack name: the stack's `Pipeline` resource never changes name.
    private var pipelineNames: [String: String] = [:]
    /// Each pipeline's stack, by Copilot's stack name for it.
    private var stacks: [String: PipelineStack] = [:]
    /// What `watch` follows, by pipeline name; see `latestExecution`.
    private var followed: [String: FollowedExecution] = [:]
    /// When each action execution was first seen running, for elapsed times once it has finished.
    private var actionStarts: [String: Date] = [:]
    /// The last lines of failed builds' logs, by build id, fetched once for `watch`.
    private var failureTails: [String: [String]] = [:]
    /// Each pipeline's declaration and console addresses, by pipeline name (see `described`).
    var declarations: [String: (CodePipeline.PipelineDeclaration?, ConsoleLinks)] = [:]

    /// `endpoint` (`target aws endpoint URL`) wins over every configured endpoint.
    public init(profile: String?, region: String?, endpoint: String?, options: TargetOptions = TargetOptions(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.profile = profile
        self.region = region
        self.endpoint = endpoint
        self.options = options
        self.environment = environment
    }

    /// The configuration and clients, made on first use and kept, so credentials obtained
    /// once (an SSO role, an assumed role after its MFA code) serve every later call.
    func aws() throws -> AWSClients {
        lock.lock()
        defer { lock.unlock() }
        if let clients { return clients }
        let observer: (@Sendable (AWSCallRecord) -> Void)? = options.trace.map { trace in { @Sendable record in trace(record.summary) } }
        let configuration = try AWSConfiguration.resolve(
            profile: profile, region: region, endpoint: endpoint, environment: environment, askSecret: options.askSecret,
            callObserver: observer)
        let made = AWSClients(configuration: configuration)
        clients = made
        return made
    }

    /// The region this target's pipelines live in, as the AWS layer resolves it (as the AWS CLI does: the
    /// target's region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`); nil when nothing sets one.
    public var configuredRegion: String? { try? aws().configuration.region.value }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: PipelineTarget

    public func release(_ pipeline: PipelineContext, variables: [PipelineV2.VariableValue]) async throws -> StartedRun {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        // CodePipeline resolves the defaults of what is not given, and refuses what the deployed pipeline does not declare.
        let given = variables.map { CodePipeline.PipelineVariable(name: $0.name, value: $0.value) }
        let started = try await aws.codePipeline.startPipelineExecution(.init(name: name, variables: given.isEmpty ? nil : given))
        guard let id = started.pipelineExecutionId else {
            throw AWSTargetError("CodePipeline started an execution of \(name) but returned no id", hint: "`history` lists it")
        }
        return StartedRun(id: id)
    }

    /// CodePipeline goes on with the run itself: nothing settled here.
    public func approve(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot? {
        try await answerApproval(pipeline, environment: environment, approved: true, comment: comment)
        return nil
    }

    public func reject(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot? {
        try await answerApproval(pipeline, environment: environment, approved: false, comment: comment)
        return nil
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
        func waitingAction(_ stage: CodePipeline.StageState) -> CodePipeline.ActionState? {
            stage.actionStates?.first { $0.latestExecution?.status == .inProgress && $0.latestExecution?.token != nil }
        }
        guard let waiting = waitingAction(stage), let action = waiting.actionName, let token = waiting.latestExecution?.token else {
            let elsewhere = (state.stageStates ?? []).filter { waitingAction($0) != nil }.compactMap(\.stageName).compactMap(StageName.environment(of:))
            throw AWSTargetError("no approval is waiting in \(stageName) of pipeline \(name)",
                                 hint: WaitingApproval.hint(waitingFor: elsewhere, otherwise: "`status` shows where the latest execution is"))
        }
        let verdict: CodePipeline.ApprovalStatus = approved ? .approved : .rejected
        _ = try await aws.codePipeline.putApprovalResult(.init(
            pipelineName: name, stageName: stageName, actionName: action,
            result: .init(summary: comment ?? ApprovalSummary.placeholder(approved: approved), status: verdict), token: token))
    }

    /// Copilot's `pipeline show` for what is deployed: About, then Stages with their actions.
    public func deployedDescription(_ pipeline: PipelineContext, resources: Bool) async throws -> [String] {
        let aws = try aws()
        let region = aws.configuration.region.value
        let stackName = try await pipelineStack(pipeline, aws).name
        guard try await aws.stacks.describe(stackName) != nil else {
            return ["deployed: no (no stack \(stackName) in \(region); `push` deploys it)"]
        }
        let name = try await pipelineName(pipeline, aws)
        let described = try await aws.codePipeline.getPipeline(.init(name: name))
        let formatter = ISO8601DateFormatter()
        var lines = ["About", "  Name        \(name)", "  Stack       \(stackName)", "  Region      \(region)"]
        if let arn = described.metadata?.pipelineArn { lines.append("  ARN         \(arn)") }
        if let created = described.metadata?.created { lines.append("  Created At  \(formatter.string(from: created))") }
        if let updated = described.metadata?.updated { lines.append("  Updated At  \(formatter.string(from: updated))") }
        let stores = (described.pipeline?.artifactStores ?? [:]).sorted { $0.key < $1.key }
            + (described.pipeline?.artifactStore.map { [(key: region, value: $0)] } ?? [])
        for (index, store) in stores.enumerated() {
            lines.append((index == 0 ? "  Artifacts   " : "              ") + "\(store.key): s3://\(store.value.location)"
                         + (store.value.encryptionKey.map { " (KMS key \($0.id))" } ?? ""))
        }
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
        if resources {
            // Copilot's `--resources`: each resource of the stack, its type and physical ID, in the stack's order.
            let stackResources = try await aws.cloudFormation.describeStackResources(.init(stackName: stackName)).stackResources
            let width = stackResources.map(\.resourceType.count).max() ?? 0
            lines.append("Resources")
            lines += stackResources.map { "    " + $0.resourceType.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + ($0.physicalResourceId ?? "") }
        }
        return lines
    }

    // MARK: Shared lookups

    /// The stack holding the pipeline: Copilot's name for it, or the stack of a pipeline Copilot deployed
    /// before v1.16 under its legacy naming — named as the manifest, and tagged so (``ResourceTags``).
    func pipelineStack(_ pipeline: PipelineContext, _ aws: AWSClients) async throws -> PipelineStack {
        if let deployed = pipeline.deployed {
            return PipelineStack(name: deployed.isLegacy ? deployed.resourceName : pipeline.stackName, isLegacy: deployed.isLegacy)
        }
        if let known = withLock({ stacks[pipeline.stackName] }) { return known }
        var found = PipelineStack(name: pipeline.stackName, isLegacy: false)
        if try await aws.stacks.describe(pipeline.stackName) == nil,
           let legacy = try await aws.stacks.describe(pipeline.manifest.name),
           ResourceTags.marksLegacyPipeline((legacy.tags ?? []).map { ($0.key, $0.value) }, application: pipeline.application) {
            found = PipelineStack(name: pipeline.manifest.name, isLegacy: true)
        }
        withLock { stacks[pipeline.stackName] = found }
        return found
    }

    /// The name of the CodePipeline the stack made: its `Pipeline` resource's physical ID, as Copilot finds it
    /// (deploy/cloudformation/pipeline.go), so a stack Copilot or an earlier sluice deployed is read alike.
    func pipelineName(_ pipeline: PipelineContext, _ aws: AWSClients) async throws -> String {
        if let deployed = pipeline.deployed { return deployed.resourceName }
        let stackName = try await pipelineStack(pipeline, aws).name
        if let known = withLock({ pipelineNames[stackName] }) { return known }
        guard let stack = try await aws.stacks.describe(stackName) else { throw try await notDeployed(pipeline, aws) }
        let resources = try await aws.cloudFormation.describeStackResources(.init(stackName: stackName)).stackResources
        guard let name = resources.first(where: {
            $0.logicalResourceId == StackNames.pipelineResource && $0.resourceType == StackNames.pipelineResourceType
        })?.physicalResourceId, !name.isEmpty else {
            throw AWSTargetError("stack \(stackName) is \(stack.stackStatus) and holds no CodePipeline (no resource "
                                 + "\(StackNames.pipelineResource) of type \(StackNames.pipelineResourceType))",
                                 hint: "`push` deploys the pipeline (again)")
        }
        withLock { pipelineNames[stackName] = name }
        return name
    }

    func notDeployed(_ pipeline: PipelineContext, _ aws: AWSClients) async throws -> AWSTargetError {
        AWSTargetError("pipeline \(pipeline.manifest.name) is not deployed: no stack \(try await pipelineStack(pipeline, aws).name) in "
                       + aws.configuration.region.value, hint: "`push` deploys it")
    }

    func forget(_ pipeline: PipelineContext) {
        withLock {
            let stackName = stacks.removeValue(forKey: pipeline.stackName)?.name ?? pipeline.stackName
            if let name = pipelineNames.removeValue(forKey: stackName) { followed[name] = nil }
        }
    }

    func failureTail(_ buildID: String) -> [String]? { withLock { failureTails[buildID] } }
    func remember(failureTail: [String], of buildID: String) { withLock { failureTails[buildID] = failureTail } }

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
    let codeStarConnections: CodeStarConnections
    let sts: STS
    let codeBuild: CodeBuild
    let logs: CloudWatchLogs
    let s3: S3

    init(configuration: AWSConfiguration) {
        let client = AWSClient(configuration: configuration)
        self.configuration = configuration
        sts = STS(client: client)
        codeBuild = CodeBuild(client: client)
        logs = CloudWatchLogs(client: client)
        cloudFormation = CloudFormation(client: client)
        codePipeline = CodePipeline(client: client)
        ssm = SSM(client: client)
        secretsManager = SecretsManager(client: client)
        codeStarConnections = CodeStarConnections(client: client)
        s3 = S3(client: client)
    }

    var stacks: StackOperations { StackOperations(cloudFormation: cloudFormation) }

    /// A client of the same identity in another region (the application's other regional stacks).
    func client(in region: String, because reason: String) -> AWSClient {
        AWSClient(configuration: configuration.inRegion(region, because: reason))
    }
}

/// Something the AWS target cannot do (a template it cannot make included), said for a
/// person: what, and what to try.
public struct AWSTargetError: ReportableError, Equatable {
    public var message: String
    public var hint: String

    public init(_ message: String, hint: String) {
        self.message = message
        self.hint = hint
    }

    public var problem: Problem { Problem(message, hint: hint) }
}

/// A pipeline's CloudFormation stack.
struct PipelineStack: Sendable {
    var name: String
    /// Deployed by Copilot before v1.16: the stack and the CodePipeline are named as the manifest.
    var isLegacy: Bool
}

import Foundation

/// AWS CodePipeline (JSON 1.1, camelCase members).
public struct CodePipeline: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct ActionTypeId: Codable, Sendable, Equatable {
        /// Source, Build, Deploy, Test, Invoke, Approval.
        public var category: String
        public var owner: String
        public var provider: String
        public var version: String
    }

    public struct Artifact: Codable, Sendable, Equatable {
        public var name: String
    }

    public struct ActionDeclaration: Codable, Sendable {
        public var name: String
        public var actionTypeId: ActionTypeId
        public var runOrder: Int?
        public var configuration: [String: String]?
        public var outputArtifacts: [Artifact]?
        public var inputArtifacts: [Artifact]?
        public var roleArn: String?
        public var region: String?
        public var namespace: String?
    }

    public struct StageDeclaration: Codable, Sendable {
        public var name: String
        public var actions: [ActionDeclaration]
    }

    public struct ArtifactStore: Codable, Sendable {
        public struct EncryptionKey: Codable, Sendable {
            public var id: String
            public var type: String
        }
        public var type: String
        public var location: String
        public var encryptionKey: EncryptionKey?
    }

    public struct PipelineDeclaration: Codable, Sendable {
        public var name: String
        public var roleArn: String
        public var artifactStore: ArtifactStore?
        /// Cross-region pipelines: each region's store.
        public var artifactStores: [String: ArtifactStore]?
        public var stages: [StageDeclaration]
        public var version: Int?
        public var executionMode: String?
        public var pipelineType: String?
        /// A V2 pipeline's variables.
        public var variables: [PipelineVariableDeclaration]?
    }

    public struct PipelineVariableDeclaration: Codable, Sendable {
        public var name: String
        public var defaultValue: String?
        public var description: String?
    }

    public struct PipelineMetadata: Codable, Sendable {
        public var pipelineArn: String?
        public var created: Date?
        public var updated: Date?
    }

    public struct GetPipelineInput: Codable, Sendable {
        public var name: String
        public var version: Int?
        public init(name: String, version: Int? = nil) {
            self.name = name
            self.version = version
        }
    }

    public struct GetPipelineOutput: Codable, Sendable {
        public var pipeline: PipelineDeclaration?
        public var metadata: PipelineMetadata?
    }

    public struct PipelineName: Codable, Sendable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct StageExecution: Codable, Sendable {
        public var pipelineExecutionId: String
        public var status: ExecutionStatus
        /// STANDARD or ROLLBACK.
        public var type: String?
    }

    public struct TransitionState: Codable, Sendable {
        public var enabled: Bool?
        public var disabledReason: String?
    }

    public struct ActionExecution: Codable, Sendable {
        public var actionExecutionId: String?
        public var status: ExecutionStatus?
        public var summary: String?
        public var lastStatusChange: Date?
        /// The approval token PutApprovalResult needs.
        public var token: String?
        /// Who changed it last (the IAM identity that answered an approval).
        public var lastUpdatedBy: String?
        public var externalExecutionId: String?
        public var externalExecutionUrl: String?
        public var percentComplete: Int?
        public var errorDetails: ErrorDetails?
    }

    public struct ErrorDetails: Codable, Sendable {
        public var code: String?
        public var message: String?
    }

    public struct ActionState: Codable, Sendable {
        public var actionName: String?
        public var latestExecution: ActionExecution?
        public var entityUrl: String?
        public var revisionUrl: String?
    }

    public struct StageState: Codable, Sendable {
        public var stageName: String?
        public var inboundExecution: StageExecution?
        public var inboundTransitionState: TransitionState?
        public var actionStates: [ActionState]?
        public var latestExecution: StageExecution?
    }

    public struct GetPipelineStateOutput: Codable, Sendable {
        public var pipelineName: String?
        public var pipelineVersion: Int?
        public var stageStates: [StageState]?
        public var created: Date?
        public var updated: Date?
    }

    public struct ListPipelinesInput: Codable, Sendable {
        public var nextToken: String?
        public var maxResults: Int?
        public init(nextToken: String? = nil, maxResults: Int? = nil) {
            self.nextToken = nextToken
            self.maxResults = maxResults
        }
    }

    public struct PipelineSummary: Codable, Sendable {
        public var name: String?
        public var version: Int?
        public var pipelineType: String?
        public var executionMode: String?
        public var created: Date?
        public var updated: Date?
    }

    public struct ListPipelinesOutput: Codable, Sendable {
        public var pipelines: [PipelineSummary]?
        public var nextToken: String?
    }

    public struct ListPipelineExecutionsInput: Codable, Sendable {
        public var pipelineName: String
        public var maxResults: Int?
        public var nextToken: String?
        public var filter: PipelineExecutionFilter?
        public init(pipelineName: String, maxResults: Int? = nil, nextToken: String? = nil, filter: PipelineExecutionFilter? = nil) {
            self.pipelineName = pipelineName
            self.maxResults = maxResults
            self.nextToken = nextToken
            self.filter = filter
        }
    }

    /// Only executions that succeeded in a stage (what a rollback can go back to).
    public struct PipelineExecutionFilter: Codable, Sendable {
        public struct SucceededInStage: Codable, Sendable {
            public var stageName: String
        }
        public var succeededInStage: SucceededInStage?
        public init(succeededInStage stage: String) { succeededInStage = SucceededInStage(stageName: stage) }
    }

    public struct SourceRevision: Codable, Sendable {
        public var actionName: String
        public var revisionId: String?
        public var revisionSummary: String?
        public var revisionUrl: String?
    }

    public struct ExecutionTrigger: Codable, Sendable {
        public var triggerType: String?
        public var triggerDetail: String?
    }

    public struct StopExecutionTrigger: Codable, Sendable {
        public var reason: String?
    }

    public struct RollbackMetadata: Codable, Sendable {
        public var rollbackTargetPipelineExecutionId: String?
    }

    public struct PipelineExecutionSummary: Codable, Sendable {
        public var pipelineExecutionId: String?
        public var status: ExecutionStatus?
        public var statusSummary: String?
        public var startTime: Date?
        public var lastUpdateTime: Date?
        public var sourceRevisions: [SourceRevision]?
        public var trigger: ExecutionTrigger?
        public var stopTrigger: StopExecutionTrigger?
        /// STANDARD or ROLLBACK.
        public var executionType: String?
        public var rollbackMetadata: RollbackMetadata?
    }

    public struct ListPipelineExecutionsOutput: Codable, Sendable {
        public var pipelineExecutionSummaries: [PipelineExecutionSummary]?
        public var nextToken: String?
    }

    public struct GetPipelineExecutionInput: Codable, Sendable {
        public var pipelineName: String
        public var pipelineExecutionId: String
        public init(pipelineName: String, pipelineExecutionId: String) {
            self.pipelineName = pipelineName
            self.pipelineExecutionId = pipelineExecutionId
        }
    }

    public struct ArtifactRevision: Codable, Sendable {
        public var name: String?
        public var revisionId: String?
        public var revisionSummary: String?
        public var created: Date?
        public var revisionUrl: String?
    }

    public struct PipelineExecution: Codable, Sendable {
        public var pipelineName: String?
        public var pipelineVersion: Int?
        public var pipelineExecutionId: String?
        public var status: ExecutionStatus?
        public var statusSummary: String?
        public var artifactRevisions: [ArtifactRevision]?
        public var trigger: ExecutionTrigger?
        public var executionType: String?
        public var rollbackMetadata: RollbackMetadata?
        /// A V2 pipeline's variables, as the execution resolved them.
        public var variables: [ResolvedPipelineVariable]?
    }

    public struct ResolvedPipelineVariable: Codable, Sendable {
        public var name: String?
        public var resolvedValue: String?
    }

    /// A V2 pipeline variable's value for one execution (StartPipelineExecution).
    public struct PipelineVariable: Codable, Equatable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct GetPipelineExecutionOutput: Codable, Sendable {
        public var pipelineExecution: PipelineExecution?
    }

    public struct StartPipelineExecutionInput: Codable, Sendable {
        public var name: String
        /// Nil, not empty, when none is given: CodePipeline's list takes at least one.
        public var variables: [PipelineVariable]?
        public var clientRequestToken: String?
        public init(name: String, variables: [PipelineVariable]? = nil, clientRequestToken: String? = nil) {
            self.name = name
            self.variables = variables
            self.clientRequestToken = clientRequestToken
        }
    }

    public struct StartPipelineExecutionOutput: Codable, Sendable {
        public var pipelineExecutionId: String?
    }

    public struct ApprovalResult: Codable, Sendable {
        public var summary: String
        public var status: ApprovalStatus
        public init(summary: String, status: ApprovalStatus) {
            self.summary = summary
            self.status = status
        }
    }

    public struct PutApprovalResultInput: Codable, Sendable {
        public var pipelineName: String
        public var stageName: String
        public var actionName: String
        public var result: ApprovalResult
        public var token: String
        public init(pipelineName: String, stageName: String, actionName: String, result: ApprovalResult, token: String) {
            self.pipelineName = pipelineName
            self.stageName = stageName
            self.actionName = actionName
            self.result = result
            self.token = token
        }
    }

    public struct PutApprovalResultOutput: Codable, Sendable {
        public var approvedAt: Date?
    }

    public struct StopPipelineExecutionInput: Codable, Sendable {
        public var pipelineName: String
        public var pipelineExecutionId: String
        public var abandon: Bool?
        public var reason: String?
        public init(pipelineName: String, pipelineExecutionId: String, abandon: Bool?, reason: String?) {
            self.pipelineName = pipelineName
            self.pipelineExecutionId = pipelineExecutionId
            self.abandon = abandon
            self.reason = reason
        }
    }

    /// The answer of StopPipelineExecution and RollbackStage.
    public struct ExecutionID: Codable, Sendable {
        public var pipelineExecutionId: String?
    }

    public struct RollbackStageInput: Codable, Sendable {
        public var pipelineName: String
        public var stageName: String
        public var targetPipelineExecutionId: String
        public init(pipelineName: String, stageName: String, targetPipelineExecutionId: String) {
            self.pipelineName = pipelineName
            self.stageName = stageName
            self.targetPipelineExecutionId = targetPipelineExecutionId
        }
    }

    public struct ListActionExecutionsInput: Codable, Sendable {
        public struct Filter: Codable, Sendable {
            public var pipelineExecutionId: String?
        }
        public var pipelineName: String
        public var filter: Filter?
        public var maxResults: Int?
        public var nextToken: String?
        public init(pipelineName: String, execution: String?, nextToken: String? = nil) {
            self.pipelineName = pipelineName
            filter = execution.map { Filter(pipelineExecutionId: $0) }
            self.nextToken = nextToken
        }
    }

    public struct ActionExecutionResult: Codable, Sendable {
        public var externalExecutionId: String?
        /// An approval's comment; a build's summary.
        public var externalExecutionSummary: String?
        public var externalExecutionUrl: String?
        public var errorDetails: ErrorDetails?
    }

    public struct ActionExecutionOutput: Codable, Sendable {
        public var executionResult: ActionExecutionResult?
    }

    public struct ActionExecutionDetail: Codable, Sendable {
        public var pipelineExecutionId: String?
        public var actionExecutionId: String?
        public var stageName: String?
        public var actionName: String?
        public var startTime: Date?
        public var lastUpdateTime: Date?
        /// Who ran it: for an approval, the identity that answered.
        public var updatedBy: String?
        public var status: ExecutionStatus?
        public var output: ActionExecutionOutput?
    }

    public struct ListActionExecutionsOutput: Codable, Sendable {
        public var actionExecutionDetails: [ActionExecutionDetail]?
        public var nextToken: String?
    }

    public func stopPipelineExecution(_ input: StopPipelineExecutionInput) async throws -> ExecutionID {
        try await client.call(.codePipeline, "StopPipelineExecution", input)
    }


    public func rollbackStage(_ input: RollbackStageInput) async throws -> ExecutionID {
        try await client.call(.codePipeline, "RollbackStage", input)
    }

    public func listActionExecutions(_ input: ListActionExecutionsInput) async throws -> ListActionExecutionsOutput {
        try await client.call(.codePipeline, "ListActionExecutions", input)
    }

    public func getPipeline(_ input: GetPipelineInput) async throws -> GetPipelineOutput {
        try await client.call(.codePipeline, "GetPipeline", input)
    }

    public func getPipelineState(_ input: PipelineName) async throws -> GetPipelineStateOutput {
        try await client.call(.codePipeline, "GetPipelineState", input)
    }

    public func listPipelines(_ input: ListPipelinesInput = .init()) async throws -> ListPipelinesOutput {
        try await client.call(.codePipeline, "ListPipelines", input)
    }

    public func listPipelineExecutions(_ input: ListPipelineExecutionsInput) async throws -> ListPipelineExecutionsOutput {
        try await client.call(.codePipeline, "ListPipelineExecutions", input)
    }

    public func getPipelineExecution(_ input: GetPipelineExecutionInput) async throws -> GetPipelineExecutionOutput {
        try await client.call(.codePipeline, "GetPipelineExecution", input)
    }

    public func startPipelineExecution(_ input: StartPipelineExecutionInput) async throws -> StartPipelineExecutionOutput {
        try await client.call(.codePipeline, "StartPipelineExecution", input)
    }

    public struct RetryStageExecutionInput: Codable, Sendable {
        public var pipelineName: String
        public var stageName: String
        public var pipelineExecutionId: String
        /// FAILED_ACTIONS (what Copilot asks for) or ALL_ACTIONS.
        public var retryMode: String
        public init(pipelineName: String, stageName: String, pipelineExecutionId: String, retryMode: String = "FAILED_ACTIONS") {
            self.pipelineName = pipelineName
            self.stageName = stageName
            self.pipelineExecutionId = pipelineExecutionId
            self.retryMode = retryMode
        }
    }

    public struct RetryStageExecutionOutput: Codable, Sendable {
        public var pipelineExecutionId: String?
    }

    /// Runs the failed actions of a stage of an execution again; the execution goes on from there.
    public func retryStageExecution(_ input: RetryStageExecutionInput) async throws -> RetryStageExecutionOutput {
        try await client.call(.codePipeline, "RetryStageExecution", input)
    }

    public func putApprovalResult(_ input: PutApprovalResultInput) async throws -> PutApprovalResultOutput {
        try await client.call(.codePipeline, "PutApprovalResult", input)
    }
}

extension CodePipeline {
    /// The status of a pipeline execution, a stage's execution or an action's (each uses some of these).
    public enum ExecutionStatus: AWSEnumeration {
        case inProgress, succeeded, failed, stopping, stopped, cancelled, superseded, abandoned, skipped
        case unknown(String)

        public static let named: [ExecutionStatus] = [
            .inProgress, .succeeded, .failed, .stopping, .stopped, .cancelled, .superseded, .abandoned, .skipped,
        ]

        public var description: String {
            switch self {
            case .inProgress: return "InProgress"
            case .succeeded: return "Succeeded"
            case .failed: return "Failed"
            case .stopping: return "Stopping"
            case .stopped: return "Stopped"
            case .cancelled: return "Cancelled"
            case .superseded: return "Superseded"
            case .abandoned: return "Abandoned"
            case .skipped: return "Skipped"
            case .unknown(let text): return text
            }
        }
    }

    /// The answer to a manual approval.
    public enum ApprovalStatus: AWSEnumeration {
        case approved, rejected
        case unknown(String)

        public static let named: [ApprovalStatus] = [.approved, .rejected]

        public var description: String {
            switch self {
            case .approved: return "Approved"
            case .rejected: return "Rejected"
            case .unknown(let text): return text
            }
        }
    }
}

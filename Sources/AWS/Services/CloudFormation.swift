import Foundation

/// AWS CloudFormation (Query protocol): change sets and stacks.
public struct CloudFormation: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct Parameter: Codable, Sendable, Equatable {
        public var parameterKey: String?
        public var parameterValue: String?
        public var usePreviousValue: Bool?
        public var resolvedValue: String?
        public init(parameterKey: String, parameterValue: String? = nil, usePreviousValue: Bool? = nil) {
            self.parameterKey = parameterKey
            self.parameterValue = parameterValue
            self.usePreviousValue = usePreviousValue
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var outputKey: String?
        public var outputValue: String?
        public var description: String?
        public var exportName: String?
    }

    public struct CreateChangeSetInput: Codable, Sendable {
        public var stackName: String
        public var changeSetName: String
        /// CREATE for a new stack, UPDATE for an existing one. Always sent: moto defaults to CREATE, AWS to UPDATE.
        public var changeSetType: ChangeSetType
        public var templateBody: String?
        public var templateURL: String?
        public var usePreviousTemplate: Bool?
        public var parameters: [Parameter]?
        public var capabilities: [String]?
        public var roleARN: String?
        public var tags: [AWSTag]?
        public var description: String?
        public var clientToken: String?
        public init(stackName: String, changeSetName: String, changeSetType: ChangeSetType, templateBody: String? = nil,
                    templateURL: String? = nil, usePreviousTemplate: Bool? = nil, parameters: [Parameter]? = nil,
                    capabilities: [String]? = nil, roleARN: String? = nil, tags: [AWSTag]? = nil, description: String? = nil,
                    clientToken: String? = nil) {
            self.stackName = stackName
            self.changeSetName = changeSetName
            self.changeSetType = changeSetType
            self.templateBody = templateBody
            self.templateURL = templateURL
            self.usePreviousTemplate = usePreviousTemplate
            self.parameters = parameters
            self.capabilities = capabilities
            self.roleARN = roleARN
            self.tags = tags
            self.description = description
            self.clientToken = clientToken
        }
    }

    public struct CreateChangeSetOutput: Codable, Sendable {
        public var id: String?
        public var stackId: String?
    }

    /// Names a change set: by ARN alone, or by name within a stack.
    public struct ChangeSetReference: Codable, Sendable {
        public var changeSetName: String
        public var stackName: String?
        public var nextToken: String?
        public init(changeSetName: String, stackName: String? = nil, nextToken: String? = nil) {
            self.changeSetName = changeSetName
            self.stackName = stackName
            self.nextToken = nextToken
        }
    }

    public struct ResourceChange: Codable, Sendable {
        public var action: ChangeAction?
        public var logicalResourceId: String?
        public var physicalResourceId: String?
        public var resourceType: String?
        public var replacement: Replacement?
        public var scope: [String]?
    }

    public struct Change: Codable, Sendable {
        public var type: String?
        public var resourceChange: ResourceChange?
    }

    public struct DescribeChangeSetOutput: Codable, Sendable {
        public var changeSetName: String?
        public var changeSetId: String?
        public var stackId: String?
        public var stackName: String?
        public var description: String?
        public var parameters: [Parameter]?
        public var creationTime: Date?
        /// UNAVAILABLE, AVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE.
        public var executionStatus: String?
        public var status: ChangeSetStatus?
        public var statusReason: String?
        public var capabilities: [String]?
        public var tags: [AWSTag]?
        public var changes: [Change]?
        public var nextToken: String?
    }

    public struct StackReference: Codable, Sendable {
        public var stackName: String?
        public var nextToken: String?
        public init(stackName: String? = nil, nextToken: String? = nil) {
            self.stackName = stackName
            self.nextToken = nextToken
        }
    }

    public struct Stack: Codable, Sendable {
        public var stackId: String?
        public var stackName: String
        public var changeSetId: String?
        public var description: String?
        public var parameters: [Parameter]?
        public var creationTime: Date?
        public var deletionTime: Date?
        public var lastUpdatedTime: Date?
        public var stackStatus: StackStatus
        public var stackStatusReason: String?
        public var disableRollback: Bool?
        public var timeoutInMinutes: Int?
        public var capabilities: [String]?
        public var outputs: [Output]?
        public var roleARN: String?
        public var tags: [AWSTag]?
        public var enableTerminationProtection: Bool?
        public var parentId: String?
        public var rootId: String?
    }

    public struct DescribeStacksOutput: Codable, Sendable {
        public var stacks: [Stack]
        public var nextToken: String?
    }

    public struct StackEvent: Codable, Sendable {
        public var stackId: String
        public var eventId: String
        public var stackName: String
        public var logicalResourceId: String?
        public var physicalResourceId: String?
        public var resourceType: String?
        public var timestamp: Date
        public var resourceStatus: StackStatus?
        public var resourceStatusReason: String?
        public var clientRequestToken: String?
    }

    public struct DescribeStackEventsOutput: Codable, Sendable {
        /// Newest first.
        public var stackEvents: [StackEvent]
        public var nextToken: String?
    }

    public struct DescribeStackResourcesInput: Codable, Sendable {
        public var stackName: String?
        public var logicalResourceId: String?
        public var physicalResourceId: String?
        public init(stackName: String? = nil, logicalResourceId: String? = nil, physicalResourceId: String? = nil) {
            self.stackName = stackName
            self.logicalResourceId = logicalResourceId
            self.physicalResourceId = physicalResourceId
        }
    }

    public struct StackResource: Codable, Sendable {
        public var stackName: String?
        public var stackId: String?
        public var logicalResourceId: String
        public var physicalResourceId: String?
        public var resourceType: String
        public var timestamp: Date
        public var resourceStatus: StackStatus
        public var resourceStatusReason: String?
        public var description: String?
    }

    public struct DescribeStackResourcesOutput: Codable, Sendable {
        public var stackResources: [StackResource]
    }

    public struct GetTemplateInput: Codable, Sendable {
        public var stackName: String?
        public var changeSetName: String?
        /// Original or Processed.
        public var templateStage: String?
        public init(stackName: String? = nil, changeSetName: String? = nil, templateStage: String? = nil) {
            self.stackName = stackName
            self.changeSetName = changeSetName
            self.templateStage = templateStage
        }
    }

    public struct GetTemplateOutput: Codable, Sendable {
        public var templateBody: String?
        public var stagesAvailable: [String]?
    }

    public struct DeleteStackInput: Codable, Sendable {
        public var stackName: String
        public var roleARN: String?
        public var clientRequestToken: String?
        public init(stackName: String, roleARN: String? = nil, clientRequestToken: String? = nil) {
            self.stackName = stackName
            self.roleARN = roleARN
            self.clientRequestToken = clientRequestToken
        }
    }

    public struct ListStackInstancesInput: Codable, Sendable {
        public var stackSetName: String
        public var stackInstanceAccount: String?
        public var stackInstanceRegion: String?
        public var nextToken: String?
        public init(stackSetName: String, stackInstanceAccount: String? = nil, stackInstanceRegion: String? = nil, nextToken: String? = nil) {
            self.stackSetName = stackSetName
            self.stackInstanceAccount = stackInstanceAccount
            self.stackInstanceRegion = stackInstanceRegion
            self.nextToken = nextToken
        }
    }

    public struct StackInstanceSummary: Codable, Sendable {
        public var stackSetId: String?
        public var region: String?
        public var account: String?
        /// The instance's stack, in its region and account.
        public var stackId: String?
        /// CURRENT, OUTDATED or INOPERABLE.
        public var status: String?
        public var statusReason: String?
    }

    public struct ListStackInstancesOutput: Codable, Sendable {
        public var summaries: [StackInstanceSummary]?
        public var nextToken: String?
    }

    public func listStackInstances(_ input: ListStackInstancesInput) async throws -> ListStackInstancesOutput {
        try await client.call(.cloudFormation, "ListStackInstances", input)
    }

    public struct CreateStackInstancesInput: Codable, Sendable {
        public var stackSetName: String
        public var accounts: [String]
        public var regions: [String]
        public init(stackSetName: String, accounts: [String], regions: [String]) {
            self.stackSetName = stackSetName
            self.accounts = accounts
            self.regions = regions
        }
    }

    public struct StackSetOperationOutput: Codable, Sendable {
        public var operationId: String?
    }

    /// Starts adding instances; the operation runs in the background (``describeStackSetOperation(_:)``).
    public func createStackInstances(_ input: CreateStackInstancesInput) async throws -> StackSetOperationOutput {
        try await client.call(.cloudFormation, "CreateStackInstances", input)
    }

    public struct StackSetOperationReference: Codable, Sendable {
        public var stackSetName: String
        public var operationId: String
        public init(stackSetName: String, operationId: String) {
            self.stackSetName = stackSetName
            self.operationId = operationId
        }
    }

    public struct StackSetOperation: Codable, Sendable {
        public var operationId: String?
        public var action: String?
        public var status: StackSetOperationStatus?
        public var statusReason: String?
    }

    public struct DescribeStackSetOperationOutput: Codable, Sendable {
        public var stackSetOperation: StackSetOperation?
    }

    public func describeStackSetOperation(_ input: StackSetOperationReference) async throws -> DescribeStackSetOperationOutput {
        try await client.call(.cloudFormation, "DescribeStackSetOperation", input)
    }

    public func createChangeSet(_ input: CreateChangeSetInput) async throws -> CreateChangeSetOutput {
        try await client.call(.cloudFormation, "CreateChangeSet", input)
    }

    public func describeChangeSet(_ input: ChangeSetReference) async throws -> DescribeChangeSetOutput {
        try await client.call(.cloudFormation, "DescribeChangeSet", input)
    }

    public func executeChangeSet(_ input: ChangeSetReference) async throws {
        let _: AWSEmptyShape = try await client.call(.cloudFormation, "ExecuteChangeSet", input)
    }

    public func deleteChangeSet(_ input: ChangeSetReference) async throws {
        let _: AWSEmptyShape = try await client.call(.cloudFormation, "DeleteChangeSet", input)
    }

    public func describeStacks(_ input: StackReference = .init()) async throws -> DescribeStacksOutput {
        try await client.call(.cloudFormation, "DescribeStacks", input)
    }

    public func describeStackEvents(_ input: StackReference) async throws -> DescribeStackEventsOutput {
        try await client.call(.cloudFormation, "DescribeStackEvents", input)
    }

    public func describeStackResources(_ input: DescribeStackResourcesInput) async throws -> DescribeStackResourcesOutput {
        try await client.call(.cloudFormation, "DescribeStackResources", input)
    }

    public func getTemplate(_ input: GetTemplateInput) async throws -> GetTemplateOutput {
        try await client.call(.cloudFormation, "GetTemplate", input)
    }

    public func deleteStack(_ input: DeleteStackInput) async throws {
        let _: AWSEmptyShape = try await client.call(.cloudFormation, "DeleteStack", input)
    }
}

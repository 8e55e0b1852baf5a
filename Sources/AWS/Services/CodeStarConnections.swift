/// AWS CodeStar Connections (JSON 1.0): the GitHub/Bitbucket connections pipelines use.
public struct CodeStarConnections: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct Connection: Codable, Sendable {
        public var connectionName: String?
        public var connectionArn: String?
        public var providerType: String?
        public var ownerAccountId: String?
        /// PENDING, AVAILABLE or ERROR.
        public var connectionStatus: String?
        public var hostArn: String?
    }

    public struct ListConnectionsInput: Codable, Sendable {
        public var providerTypeFilter: String?
        public var hostArnFilter: String?
        public var maxResults: Int?
        public var nextToken: String?
        public init(providerTypeFilter: String? = nil, hostArnFilter: String? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
            self.providerTypeFilter = providerTypeFilter
            self.hostArnFilter = hostArnFilter
            self.maxResults = maxResults
            self.nextToken = nextToken
        }
    }

    public struct ListConnectionsOutput: Codable, Sendable {
        public var connections: [Connection]?
        public var nextToken: String?
    }

    public struct GetConnectionInput: Codable, Sendable {
        public var connectionArn: String
        public init(connectionArn: String) { self.connectionArn = connectionArn }
    }

    public struct GetConnectionOutput: Codable, Sendable {
        public var connection: Connection?
    }

    public func listConnections(_ input: ListConnectionsInput = .init()) async throws -> ListConnectionsOutput {
        try await client.call(.codeStarConnections, "ListConnections", input)
    }

    public func getConnection(_ input: GetConnectionInput) async throws -> GetConnectionOutput {
        try await client.call(.codeStarConnections, "GetConnection", input)
    }
}

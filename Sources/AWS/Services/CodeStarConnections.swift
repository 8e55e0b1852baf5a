/// AWS CodeStar Connections (JSON 1.0): the GitHub/Bitbucket connections pipelines use.
public struct CodeStarConnections: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct Connection: Codable, Sendable {
        public var connectionName: String?
        public var connectionArn: String?
        public var providerType: String?
        public var ownerAccountId: String?
        public var connectionStatus: ConnectionStatus?
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

extension CodeStarConnections {
    /// A connection is PENDING until someone completes its handshake with the provider in the console.
    public enum ConnectionStatus: AWSEnumeration {
        case pending, available, error
        case unknown(String)

        public static let named: [ConnectionStatus] = [.pending, .available, .error]

        public var description: String {
            switch self {
            case .pending: return "PENDING"
            case .available: return "AVAILABLE"
            case .error: return "ERROR"
            case .unknown(let text): return text
            }
        }
    }
}

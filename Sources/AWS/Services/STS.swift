/// AWS Security Token Service (Query protocol).
public struct STS: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct GetCallerIdentityResponse: Codable, Sendable {
        public var userId: String?
        public var account: String?
        public var arn: String?
    }

    public func getCallerIdentity() async throws -> GetCallerIdentityResponse {
        try await client.call(.sts, "GetCallerIdentity", AWSEmptyShape())
    }
}


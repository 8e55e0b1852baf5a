import Foundation

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

    public struct AssumeRoleRequest: Codable, Sendable {
        public var roleArn: String
        public var roleSessionName: String
        public var externalId: String?
        public var serialNumber: String?
        public var tokenCode: String?
        public var durationSeconds: Int?
    }

    public struct AssumeRoleWithWebIdentityRequest: Codable, Sendable {
        public var roleArn: String
        public var roleSessionName: String
        public var webIdentityToken: String
        public var durationSeconds: Int?
    }

    public struct TemporaryCredentials: Codable, Sendable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public var sessionToken: String
        public var expiration: Date
    }

    public struct AssumedRoleUser: Codable, Sendable {
        public var assumedRoleId: String?
        public var arn: String?
    }

    /// The answer of AssumeRole and AssumeRoleWithWebIdentity.
    public struct AssumeRoleResponse: Codable, Sendable {
        public var credentials: TemporaryCredentials?
        public var assumedRoleUser: AssumedRoleUser?
    }

    public func assumeRole(_ input: AssumeRoleRequest) async throws -> AssumeRoleResponse {
        try await client.call(.sts, "AssumeRole", input)
    }

    /// Sent unsigned: the web identity token is the proof.
    public func assumeRoleWithWebIdentity(_ input: AssumeRoleWithWebIdentityRequest) async throws -> AssumeRoleResponse {
        try await client.call(.sts, "AssumeRoleWithWebIdentity", input)
    }
}

extension STS.AssumeRoleResponse {
    /// The credentials, or an error naming the operation when STS returned none.
    func obtained(_ operation: String, chain: [String]) throws -> ObtainedCredentials {
        guard let issued = credentials else {
            throw AWSError(service: "STS", operation: operation, code: .invalidResponse, message: "the answer holds no Credentials")
        }
        return ObtainedCredentials(AWSCredentials(accessKeyID: issued.accessKeyId, secretAccessKey: issued.secretAccessKey,
                                                  sessionToken: issued.sessionToken),
                                   expiration: issued.expiration, chain: chain)
    }
}

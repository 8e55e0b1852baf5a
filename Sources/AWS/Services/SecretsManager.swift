import Foundation

/// AWS Secrets Manager (JSON 1.1).
public struct SecretsManager: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct CreateSecretRequest: Codable, Sendable {
        public var name: String
        public var clientRequestToken: String?
        public var description: String?
        public var kmsKeyId: String?
        public var secretString: String?
        public var tags: [AWSTag]?
        public init(name: String, clientRequestToken: String? = nil, description: String? = nil, kmsKeyId: String? = nil,
                    secretString: String? = nil, tags: [AWSTag]? = nil) {
            self.name = name
            self.clientRequestToken = clientRequestToken
            self.description = description
            self.kmsKeyId = kmsKeyId
            self.secretString = secretString
            self.tags = tags
        }
    }

    public struct CreateSecretResponse: Codable, Sendable {
        public var arn: String?
        public var name: String?
        public var versionId: String?
    }

    public struct DescribeSecretRequest: Codable, Sendable {
        public var secretId: String
        public init(secretId: String) { self.secretId = secretId }
    }

    public struct DescribeSecretResponse: Codable, Sendable {
        public var arn: String?
        public var name: String?
        public var description: String?
        public var kmsKeyId: String?
        public var rotationEnabled: Bool?
        public var lastChangedDate: Date?
        public var lastAccessedDate: Date?
        public var deletedDate: Date?
        public var tags: [AWSTag]?
        public var owningService: String?
        public var createdDate: Date?
        public var primaryRegion: String?
    }

    public struct PutSecretValueRequest: Codable, Sendable {
        public var secretId: String
        public var clientRequestToken: String?
        public var secretString: String?
        public var versionStages: [String]?
        public init(secretId: String, clientRequestToken: String? = nil, secretString: String? = nil, versionStages: [String]? = nil) {
            self.secretId = secretId
            self.clientRequestToken = clientRequestToken
            self.secretString = secretString
            self.versionStages = versionStages
        }
    }

    public struct PutSecretValueResponse: Codable, Sendable {
        public var arn: String?
        public var name: String?
        public var versionId: String?
        public var versionStages: [String]?
    }

    public struct DeleteSecretRequest: Codable, Sendable {
        public var secretId: String
        public var recoveryWindowInDays: Int?
        public var forceDeleteWithoutRecovery: Bool?
        public init(secretId: String, recoveryWindowInDays: Int? = nil, forceDeleteWithoutRecovery: Bool? = nil) {
            self.secretId = secretId
            self.recoveryWindowInDays = recoveryWindowInDays
            self.forceDeleteWithoutRecovery = forceDeleteWithoutRecovery
        }
    }

    public struct DeleteSecretResponse: Codable, Sendable {
        public var arn: String?
        public var name: String?
        public var deletionDate: Date?
    }

    public func createSecret(_ input: CreateSecretRequest) async throws -> CreateSecretResponse {
        try await client.call(.secretsManager, "CreateSecret", input)
    }

    public func describeSecret(_ input: DescribeSecretRequest) async throws -> DescribeSecretResponse {
        try await client.call(.secretsManager, "DescribeSecret", input)
    }

    public func putSecretValue(_ input: PutSecretValueRequest) async throws -> PutSecretValueResponse {
        try await client.call(.secretsManager, "PutSecretValue", input)
    }

    public func deleteSecret(_ input: DeleteSecretRequest) async throws -> DeleteSecretResponse {
        try await client.call(.secretsManager, "DeleteSecret", input)
    }
}

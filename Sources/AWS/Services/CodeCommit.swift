import Foundation

/// AWS CodeCommit (JSON 1.1, camelCase members).
public struct CodeCommit: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct GetRepositoryInput: Codable, Sendable {
        public var repositoryName: String
        public init(repositoryName: String) { self.repositoryName = repositoryName }
    }

    public struct RepositoryMetadata: Codable, Sendable {
        public var accountId: String?
        public var repositoryId: String?
        public var repositoryName: String?
        public var repositoryDescription: String?
        public var defaultBranch: String?
        public var lastModifiedDate: Date?
        public var creationDate: Date?
        public var cloneUrlHttp: String?
        public var cloneUrlSsh: String?
        public var arn: String?

        enum CodingKeys: String, CodingKey {
            case accountId, repositoryId, repositoryName, repositoryDescription, defaultBranch, lastModifiedDate,
                 creationDate, cloneUrlHttp, cloneUrlSsh, arn = "Arn"
        }
    }

    public struct GetRepositoryOutput: Codable, Sendable {
        public var repositoryMetadata: RepositoryMetadata?
    }

    public func getRepository(_ input: GetRepositoryInput) async throws -> GetRepositoryOutput {
        try await client.call(.codeCommit, "GetRepository", input)
    }
}

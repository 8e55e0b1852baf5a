import Foundation

/// AWS Systems Manager Parameter Store (JSON 1.1).
public struct SSM: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct Parameter: Codable, Sendable {
        public var name: String?
        public var type: String?
        public var value: String?
        public var version: Int?
        public var selector: String?
        public var sourceResult: String?
        public var lastModifiedDate: Date?
        public var arn: String?
        public var dataType: String?
    }

    public struct GetParameterRequest: Codable, Sendable {
        public var name: String
        public var withDecryption: Bool?
        public init(name: String, withDecryption: Bool? = nil) {
            self.name = name
            self.withDecryption = withDecryption
        }
    }

    public struct GetParameterResult: Codable, Sendable {
        public var parameter: Parameter?
    }

    public struct GetParametersByPathRequest: Codable, Sendable {
        public var path: String
        public var recursive: Bool?
        public var withDecryption: Bool?
        public var maxResults: Int?
        public var nextToken: String?
        public init(path: String, recursive: Bool? = nil, withDecryption: Bool? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
            self.path = path
            self.recursive = recursive
            self.withDecryption = withDecryption
            self.maxResults = maxResults
            self.nextToken = nextToken
        }
    }

    public struct GetParametersByPathResult: Codable, Sendable {
        public var parameters: [Parameter]?
        public var nextToken: String?
    }

    public func getParameter(_ input: GetParameterRequest) async throws -> GetParameterResult {
        try await client.call(.ssm, "GetParameter", input)
    }

    public func getParametersByPath(_ input: GetParametersByPathRequest) async throws -> GetParametersByPathResult {
        try await client.call(.ssm, "GetParametersByPath", input)
    }
}

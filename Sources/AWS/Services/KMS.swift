import Foundation

/// AWS Key Management Service (JSON 1.1): reading a key's policy.
public struct KMS: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct GetKeyPolicyRequest: Codable, Sendable {
        public var keyId: String
        public var policyName: String?
        public init(keyId: String, policyName: String? = "default") {
            self.keyId = keyId
            self.policyName = policyName
        }
    }

    public struct GetKeyPolicyResponse: Codable, Sendable {
        /// The policy document, as JSON text.
        public var policy: String?
        public var policyName: String?
    }

    public func getKeyPolicy(_ input: GetKeyPolicyRequest) async throws -> GetKeyPolicyResponse {
        try await client.call(.kms, "GetKeyPolicy", input)
    }
}

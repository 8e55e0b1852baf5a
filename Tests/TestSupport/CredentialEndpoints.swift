import AWS
import Foundation
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The container credentials endpoint, IMDSv2 and the IAM Identity Center portal on 127.0.0.1
/// (Tests/Harness/credential_endpoints.py), handing out the credentials a test sets.
public final class CredentialEndpoints: @unchecked Sendable {
    public let endpoint: String
    private let harness: HarnessProcess

    public init() throws {
        harness = try HarnessProcess("credential_endpoints.py", [], missing: "see its stderr")
        endpoint = "http://127.0.0.1:\(harness.port)"
    }

    public func stop() { harness.stop() }

    /// What every endpoint hands out from now on.
    public func serve(_ credentials: AWSCredentials, expiring expiration: Date) async throws {
        var body: [String: String] = ["AccessKeyId": credentials.accessKeyID, "SecretAccessKey": credentials.secretAccessKey,
                                      "Expiration": ISO8601DateFormatter().string(from: expiration)]
        body["Token"] = credentials.sessionToken
        try await post("/harness/credentials", JSONSerialization.data(withJSONObject: body))
    }

    /// The Authorization header the container endpoint requires ("" for none).
    public func requireContainerToken(_ token: String) async throws { try await post("/harness/container-token", Data(token.utf8)) }

    /// The SSO access tokens the portal accepts, and the refresh token SSO OIDC accepts.
    public func acceptSSO(accessTokens: [String], refreshToken: String?) async throws {
        try await post("/harness/sso-tokens", JSONSerialization.data(withJSONObject: accessTokens))
        try await post("/harness/sso-refresh-token", Data((refreshToken ?? "").utf8))
    }

    public struct Request: Decodable, Sendable {
        public let method: String
        public let path: String
        public let headers: [String: String]
    }

    /// Every request the endpoints received, in order.
    public func requests() async throws -> [Request] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: endpoint + "/harness/requests")!)
        return try JSONDecoder().decode([Request].self, from: data)
    }

    /// A loopback port that accepts connections and never answers.
    public func blackholePort() async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: URL(string: endpoint + "/harness/blackhole")!)
        return Int(String(decoding: data, as: UTF8.self)) ?? 0
    }

    private func post(_ path: String, _ body: Data) async throws {
        var request = URLRequest(url: URL(string: endpoint + path)!)
        request.httpMethod = "POST"
        request.httpBody = body
        _ = try await URLSession.shared.data(for: request)
    }
}

/// Test cases against credential sources on loopback: a moto server of their own with
/// `moto_sts_conditions.py` (the roles' MFA and ExternalId conditions enforced, web identity
/// unsigned) and the credential endpoints, started once per class.
open class CredentialStandInsTestCase: XCTestCase {
    nonisolated(unsafe) private static var sharedMoto: MotoServer?
    nonisolated(unsafe) private static var sharedEndpoints: CredentialEndpoints?
    public var moto: MotoServer { Self.sharedMoto! }
    public var endpoints: CredentialEndpoints { Self.sharedEndpoints! }

    override open class func setUp() {
        super.setUp()
        sharedMoto = try? MotoServer(extensions: ["moto_sts_conditions.py"])
        sharedEndpoints = try? CredentialEndpoints()
    }

    override open class func tearDown() {
        sharedMoto?.stop()
        sharedEndpoints?.stop()
        sharedMoto = nil
        sharedEndpoints = nil
        super.tearDown()
    }

    /// Skips the test when the servers could not start.
    public func requireStandIns() throws {
        guard Self.sharedMoto != nil, Self.sharedEndpoints != nil else { throw XCTSkip("moto or python3 is not installed (scripts/test installs them)") }
    }
}

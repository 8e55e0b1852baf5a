import Foundation

/// The EC2 instance's role from the instance metadata service: an IMDSv2 session token first
/// (PUT /latest/api/token), then the role name and its credentials. IMDSv1 (no token) only
/// when the service answers the token request with 403, 404 or 405 and
/// `AWS_EC2_METADATA_V1_DISABLED` is not true. Each request waits at most
/// `AWS_METADATA_SERVICE_TIMEOUT` seconds (default 1) and is tried
/// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` times (default 1), as botocore: a laptop with no metadata
/// service pays at most that, and only when nothing before it in the chain gave credentials.
struct InstanceMetadataCredentials: CredentialProvider {
    let endpoint: String
    let timeout: Duration
    let attempts: Int
    let allowsVersion1: Bool
    var step: String { "EC2 instance metadata (\(endpoint))" }

    static let defaultEndpoint = "http://169.254.169.254/"
    static let credentialsPath = "latest/meta-data/iam/security-credentials/"

    /// The provider, or nil when `AWS_EC2_METADATA_DISABLED=true`.
    static func from(_ environment: [String: String], profileSettings: [String: String]) -> InstanceMetadataCredentials? {
        func setting(_ variable: String, _ key: String) -> String? {
            environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? profileSettings[key]
        }
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        var endpoint = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint")
            ?? (setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode")?.lowercased() == "ipv6"
                ? "http://[fd00:ec2::254]/" : defaultEndpoint)
        if !endpoint.hasSuffix("/") { endpoint += "/" }
        let seconds = setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout").flatMap(Double.init) ?? 1
        let attempts = setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts").flatMap(Int.init) ?? 1
        let v1Disabled = setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled")?.lowercased() == "true"
        return InstanceMetadataCredentials(endpoint: endpoint, timeout: .milliseconds(Int(max(0.1, seconds) * 1000)),
                                           attempts: max(1, attempts), allowsVersion1: !v1Disabled)
    }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        do {
            var headers: [(name: String, value: String)] = []
            if let token = try await sessionToken() { headers.append((name: "x-aws-ec2-metadata-token", value: token)) }
            let listing = try await get(Self.credentialsPath, headers)
            guard let role = String(decoding: listing.body, as: UTF8.self).split(separator: "\n").first.map(String.init),
                  (200..<300).contains(listing.status) else {
                throw CredentialHTTP.Failure(reason: "the instance has no IAM role (HTTP \(listing.status))")
            }
            let path = Self.credentialsPath + role
            let decoded = try CredentialHTTP.json(MetadataCredentials.self, try await get(path, headers), from: endpoint + path)
            return ObtainedCredentials(decoded.credentials, expiration: decoded.Expiration, chain: ["\(step) role \(role)"])
        } catch let failure as CredentialHTTP.Failure {
            throw AWSConfigurationError.credentialSource("no credentials from the EC2 instance metadata service: \(failure.reason)",
                                  hint: "outside EC2 set AWS_EC2_METADATA_DISABLED=true, and configure credentials (`aws configure` or `aws sso login`)")
        }
    }

    /// An IMDSv2 token; nil when the service does not offer them and IMDSv1 is allowed.
    private func sessionToken() async throws -> String? {
        let url = endpoint + "latest/api/token"
        let response = try await withAttempts {
            try await CredentialHTTP.send("PUT", url, headers: [(name: "x-aws-ec2-metadata-token-ttl-seconds", value: "21600")],
                                          timeout: timeout)
        }
        if [403, 404, 405].contains(response.status), allowsVersion1 { return nil }
        guard (200..<300).contains(response.status) else {
            throw CredentialHTTP.Failure(reason: "\(url) answered HTTP \(response.status) to the IMDSv2 token request")
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    private func get(_ path: String, _ headers: [(name: String, value: String)]) async throws -> HTTPResponseParts {
        try await withAttempts { try await CredentialHTTP.send("GET", endpoint + path, headers: headers, timeout: timeout) }
    }

    private func withAttempts(_ body: () async throws -> HTTPResponseParts) async throws -> HTTPResponseParts {
        var attempt = 1
        while true {
            do { return try await body() } catch is CredentialHTTP.Failure where attempt < attempts {
                attempt += 1
            }
        }
    }
}

import Foundation

/// The EC2 instance's role from the instance metadata service: an IMDSv2 session token first
/// (PUT /latest/api/token), then the role name and its credentials; IMDSv1 (no token) when the
/// token cannot be had (see `sessionToken`) and `AWS_EC2_METADATA_V1_DISABLED` is not true.
/// Requests go through the environment's proxy unless `NO_PROXY` names the service, as in
/// botocore. Each request waits at most
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
        do { return try await fetch(context) } catch let failure as CredentialHTTP.Failure {
            throw AWSConfigurationError.credentialSource("no credentials from the EC2 instance metadata service: \(failure.reason)",
                                  hint: "outside EC2 set AWS_EC2_METADATA_DISABLED=true, and configure credentials (`aws configure` or `aws sso login`)")
        }
    }

    /// The role's credentials; a `CredentialHTTP.Failure` when the service cannot be reached or
    /// has none (at the end of the chain: no credentials anywhere), an error when it could
    /// answer only by IMDSv1 and that is disabled.
    func fetch(_ context: CredentialContext) async throws -> ObtainedCredentials {
        var headers: [(name: String, value: String)] = []
        if let token = try await sessionToken(context) {
            headers.append((name: "x-aws-ec2-metadata-token", value: token))
        } else if !allowsVersion1 {
            throw AWSConfigurationError.credentialSource("no IMDSv2 token from \(endpoint)latest/api/token, and IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED)",
                                                         hint: "the service must hand out IMDSv2 tokens (on a container, check the instance's hop limit)")
        }
        let listing = try await get(Self.credentialsPath, headers, context)
        guard let role = String(decoding: listing.body, as: UTF8.self).split(separator: "\n").first.map(String.init) else {
            throw CredentialHTTP.Failure(reason: "the instance has no IAM role")
        }
        let path = Self.credentialsPath + role
        let decoded = try CredentialHTTP.json(MetadataCredentials.self, try await get(path, headers, context), from: endpoint + path)
        return ObtainedCredentials(decoded.credentials, expiration: decoded.Expiration.map(Self.stableExpiration), chain: ["\(step) role \(role)"])
    }

    /// botocore's static stability: credentials the service hands out expired or about to expire
    /// (the service may be failing to rotate them) are used for another 17 to 25 minutes rather
    /// than refused or asked for again at once.
    static func stableExpiration(_ expiration: Date) -> Date {
        let window = RefreshingCredentials.defaultAdvisoryWindow + Double.random(in: 120...600)
        return Date() >= expiration.addingTimeInterval(-window) ? Date(timeIntervalSinceNow: window) : expiration
    }

    /// An IMDSv2 token, or nil to fall back to IMDSv1, as botocore decides: the service answers
    /// 403, 404 or 405 (no tokens here), or it does not answer in time (a container whose hop
    /// limit drops the token's reply), or it fails on every attempt (5xx, refused connections).
    /// HTTP 400 is an error.
    private func sessionToken(_ context: CredentialContext) async throws -> String? {
        let url = endpoint + "latest/api/token"
        for _ in 1...attempts {
            let response: HTTPResponseParts
            do {
                response = try await CredentialHTTP.send("PUT", url, headers: [(name: "x-aws-ec2-metadata-token-ttl-seconds", value: "21600")],
                                                         network: context.configuration.network, timeout: timeout)
            } catch let failure as CredentialHTTP.Failure {
                if failure.timedOut { return nil }
                continue
            }
            switch response.status {
            case 200: return String(decoding: response.body, as: UTF8.self)
            case 403, 404, 405: return nil
            case 400: throw CredentialHTTP.Failure(reason: "\(url) answered HTTP 400 to the IMDSv2 token request")
            default: continue
            }
        }
        return nil
    }

    /// A GET tried up to `attempts` times while it fails, answers other than 200 or answers nothing.
    private func get(_ path: String, _ headers: [(name: String, value: String)], _ context: CredentialContext) async throws -> HTTPResponseParts {
        var last = ""
        for _ in 1...attempts {
            do {
                let response = try await CredentialHTTP.send("GET", endpoint + path, headers: headers,
                                                             network: context.configuration.network, timeout: timeout)
                if response.status == 200, !response.body.isEmpty { return response }
                last = "\(endpoint + path) answered HTTP \(response.status)" + (response.body.isEmpty ? " with nothing" : "")
            } catch let failure as CredentialHTTP.Failure {
                last = failure.reason
            }
        }
        throw CredentialHTTP.Failure(reason: last)
    }
}

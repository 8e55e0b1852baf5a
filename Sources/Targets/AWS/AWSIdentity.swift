import AWS
import Foundation

/// `whoami`: the identity the credentials belong to (asked of STS), and where the profile,
/// region, credentials, network settings and each service's endpoint came from — never a
/// secret (the key id's last four characters only, a proxy's credentials masked).
public struct AWSIdentityReport: Encodable, Sendable {
    /// A value and where it was found (`environment (AWS_REGION)`, `config file … [profile dev]`).
    public struct Setting: Encodable, Sendable {
        public let value: String
        public let source: String
    }

    public struct Credentials: Encodable, Sendable {
        /// As `aws configure list` shows a key: `****ABCD`.
        public let accessKey: String
        /// The kind of source, by the AWS CLI's name: `env`, `shared-credentials-file`, `assume-role`, `sso`…
        public let source: String
        /// Every step that produced them, outermost first: `profile dev`, `source_profile base`, …, `role arn:…`.
        public let chain: [String]
        /// nil: long-term keys.
        public let expires: Date?
    }

    public struct Network: Encodable, Sendable {
        public let proxy: String
        public let caBundle: Setting?
        /// Seconds; nil: no limit.
        public let connectTimeout: Double?
        public let readTimeout: Double?
        public let timeoutSource: String
        public let retryMode: String
        public let maxAttempts: Int
        public let retrySource: String
    }

    public let account: String?
    public let arn: String?
    public let userId: String?
    public let profile: Setting
    public let region: Setting
    public let credentials: Credentials
    public let network: Network
    /// Service id → its endpoint.
    public let endpoints: [String: Setting]

    /// The report for a person, a row a line.
    public var lines: [String] {
        func seconds(_ value: Double?) -> String {
            guard let value else { return "none" }
            return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
        }
        var rows = [
            ("account", account ?? "-"),
            ("arn", arn ?? "-"),
            ("profile", "\(profile.value)  (\(profile.source))"),
            ("region", "\(region.value)  (\(region.source))"),
            ("credentials", "\(credentials.accessKey)  (\(credentials.chain.joined(separator: " → ")))"),
        ]
        if let expires = credentials.expires {
            let minutes = Int((expires.timeIntervalSinceNow / 60).rounded(.down))
            rows.append(("expires", ISO8601DateFormatter().string(from: expires)
                         + (minutes >= 0 ? "  (in \(minutes) min; refreshed before then)" : "  (expired)")))
        } else {
            rows.append(("expires", "never (long-term keys)"))
        }
        rows.append(("proxy", network.proxy))
        if let caBundle = network.caBundle { rows.append(("ca bundle", "\(caBundle.value)  (\(caBundle.source))")) }
        rows.append(("timeouts", "connect \(seconds(network.connectTimeout)), read \(seconds(network.readTimeout))  (\(network.timeoutSource))"))
        rows.append(("retries", "\(network.retryMode), \(network.maxAttempts) attempts  (\(network.retrySource))"))
        var lines = rows.map { name, value in name.padding(toLength: 13, withPad: " ", startingAt: 0) + value }
        lines.append("endpoints:")
        let width = endpoints.keys.map(\.count).max() ?? 0
        for service in AWSService.all.map(\.serviceID) {
            guard let endpoint = endpoints[service] else { continue }
            lines.append("  " + service.padding(toLength: width + 2, withPad: " ", startingAt: 0) + endpoint.value + "  (\(endpoint.source))")
        }
        return lines
    }
}

extension AWSTarget {
    public func identityReport() async throws -> AWSIdentityReport {
        let aws = try aws()
        let configuration = aws.configuration
        let identity = try await aws.sts.getCallerIdentity()
        let obtained = try await configuration.currentCredentials()
        let network = configuration.network
        func seconds(_ duration: Duration?) -> Double? {
            duration.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        }
        let timeoutSources = Set([network.connectTimeout.source, network.readTimeout.source]).sorted()
        var endpoints: [String: AWSIdentityReport.Setting] = [:]
        for service in AWSService.all {
            let endpoint = configuration.endpoint(for: service)
            endpoints[service.serviceID] = .init(value: endpoint.value, source: endpoint.source)
        }
        return AWSIdentityReport(
            account: identity.account, arn: identity.arn, userId: identity.userId,
            profile: .init(value: configuration.profile.value, source: configuration.profile.source),
            region: .init(value: configuration.region.value, source: configuration.region.source),
            credentials: .init(accessKey: "****\(obtained.credentials.accessKeyID.suffix(4))", source: configuration.credentials.method,
                               chain: obtained.chain, expires: obtained.expiration),
            network: .init(proxy: network.proxies.summary, caBundle: network.caBundle.map { .init(value: $0.value, source: $0.source) },
                           connectTimeout: seconds(network.connectTimeout.value), readTimeout: seconds(network.readTimeout.value),
                           timeoutSource: timeoutSources.joined(separator: "; "), retryMode: network.retry.value.mode.rawValue,
                           maxAttempts: network.retry.value.maxAttempts, retrySource: network.retry.source),
            endpoints: endpoints)
    }
}

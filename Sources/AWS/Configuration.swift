import Errors
import Foundation

/// Credentials, region, endpoints and the network resolved the way the AWS CLI resolves them,
/// each with where it came from (`whoami` shows both). Where AWS CLI v1 (botocore) and v2
/// differ, v2 and the SDKs' shared settings reference are followed.
///
/// - Files: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/config` and
///   `~/.aws/credentials`), `$VAR` and `~` expanded as botocore expands them.
/// - Profile: the `profile` argument, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE` (v2's order;
///   v1 reads `AWS_DEFAULT_PROFILE` first), else `default`. A profile named in any of these
///   ways must exist, even `default`; a variable set to nothing names the profile "".
/// - Credentials: the AWS CLI's chain (see `CredentialChain`), chosen here without network and
///   obtained on the first call.
/// - Region: the `region` argument, `AWS_REGION`, `AWS_DEFAULT_REGION` (v2 reads both; v1 only
///   the second), the profile's `region`. A region set to nothing is an error.
/// - Endpoint per service: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
///   `services` section, the profile's `endpoint_url`, then the public AWS endpoint; all but the
///   last are ignored under `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
/// - Network: see `NetworkSettings`.
public struct AWSConfiguration: Sendable {
    public struct Resolved<Value: Sendable>: Sendable {
        public let value: Value
        /// Where the value was found, for a person: `environment (AWS_REGION)`, `config file ~/.aws/config [profile x]`.
        public let source: String
    }

    public let profile: Resolved<String>
    public private(set) var region: Resolved<String>
    /// The credentials calls are signed with: obtained on the first call, refreshed before they expire.
    public private(set) var credentials: RefreshingCredentials
    /// Proxies, trusted certificates, timeouts and retries.
    public let network: NetworkSettings
    /// Asks a person for a secret (an MFA code) without echo; nil in a script.
    let askSecret: (@Sendable (String) async -> String?)?
    /// Told of every call made with this configuration (the shell's `trace on`), the credential sources' own calls included.
    let callObserver: (@Sendable (AWSCallRecord) -> Void)?
    private var explicitEndpoint: String?
    let environment: [String: String]
    /// The profile's settings in the config file, with the `services` section it names.
    private let profileSettings: [String: String]
    private let servicesSection: (name: String, endpoints: [String: [String: String]])?
    private let configPath: String

    /// `endpoint` (e.g. `target aws endpoint URL`) sends every service there, before anything
    /// configured. No network is used: credentials are obtained on the first call.
    public static func resolve(profile explicitProfile: String? = nil, region explicitRegion: String? = nil,
                               endpoint explicitEndpoint: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               askSecret: (@Sendable (String) async -> String?)? = nil,
                               callObserver: (@Sendable (AWSCallRecord) -> Void)? = nil) throws -> AWSConfiguration {
        let configPath = SharedFilePath.expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", environment: environment)
        let credentialsPath = SharedFilePath.expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", environment: environment)
        let profiles = SharedProfiles(config: try ConfigFile.load(configPath), credentials: try ConfigFile.load(credentialsPath),
                                      configPath: configPath, credentialsPath: credentialsPath)

        let profile: Resolved<String>
        if let explicitProfile {
            profile = Resolved(value: explicitProfile, source: "--profile")
        } else if let name = environment["AWS_PROFILE"] {
            profile = Resolved(value: name, source: "environment (AWS_PROFILE)")
        } else if let name = environment["AWS_DEFAULT_PROFILE"] {
            profile = Resolved(value: name, source: "environment (AWS_DEFAULT_PROFILE)")
        } else {
            profile = Resolved(value: "default", source: "default")
        }
        if profile.source != "default", !profiles.exists(profile.value) {
            throw AWSConfigurationError.profileNotFound(profile.value, configPath: configPath, credentialsPath: credentialsPath)
        }
        let settings = profiles.settings(profile.value)
        let provider = try CredentialChain(profiles: profiles, environment: environment)
            .provider(profile: profile.value, explicitProfile: explicitProfile != nil)

        func variable(_ name: String) -> Resolved<String>? { environment[name].map { Resolved(value: $0, source: "environment (\(name))") } }
        /// A setting from the environment's variable (present, even empty) or else the profile's key.
        func setting(_ name: String?, _ key: String) -> Resolved<String>? {
            name.flatMap(variable) ?? settings[key].map { Resolved(value: $0, source: profiles.origin(of: key, profile: profile.value)) }
        }
        let region: Resolved<String>
        if let explicitRegion, !explicitRegion.isEmpty {
            region = Resolved(value: explicitRegion, source: "--region")
        } else if let found = variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? setting(nil, "region") {
            guard !found.value.isEmpty else {
                throw AWSConfigurationError.invalidSetting(name: "region", value: "", source: found.source, expected: "a region name such as us-east-1")
            }
            region = found
        } else {
            throw AWSConfigurationError.noRegion(profile: profile.value, configPath: configPath)
        }

        let services = settings["services"].flatMap { profiles.services($0).map { (name: $0.section, endpoints: $0.endpoints) } }
        return AWSConfiguration(profile: profile, region: region, credentials: RefreshingCredentials(provider),
                                network: try NetworkSettings.resolve(environment: environment, setting: setting), askSecret: askSecret,
                                callObserver: callObserver, explicitEndpoint: explicitEndpoint, environment: environment, profileSettings: settings,
                                servicesSection: services, configPath: configPath)
    }

    /// The same configuration signing with credentials from `provider`.
    func replacingCredentials(_ provider: any CredentialProvider) -> AWSConfiguration {
        var copy = self
        copy.credentials = RefreshingCredentials(provider)
        return copy
    }

    /// The same credentials and endpoints in another region (the application's other regional stacks).
    public func inRegion(_ other: String, because reason: String) -> AWSConfiguration {
        var copy = self
        copy.region = Resolved(value: other, source: reason)
        return copy
    }

    /// The same, every call sent to `endpoint` (an S3 bucket's own host).
    func replacingEndpoint(_ endpoint: String) -> AWSConfiguration {
        var copy = self
        copy.explicitEndpoint = endpoint
        return copy
    }

    /// Whether calls to `service` go to its public AWS endpoint (nothing configured instead).
    func usesDefaultEndpoint(for service: AWSService) -> Bool {
        endpoint(for: service).source == Self.defaultEndpointSource
    }
    static let defaultEndpointSource = "AWS default"

    /// The credentials to sign with now (obtained or refreshed first when needed), with how they were obtained.
    public func currentCredentials() async throws -> ObtainedCredentials {
        try await credentials.obtain(CredentialContext(configuration: self))
    }

    /// The base URL calls to `service` go to, and why; `region` overrides the configuration's
    /// (the SSO portal answers in the SSO session's region).
    public func endpoint(for service: AWSService, region serviceRegion: String? = nil) -> Resolved<String> {
        // An explicit endpoint (moto, LocalStack) stands in for the services sluice calls, not for
        // IAM Identity Center, where the person signed in.
        if let explicitEndpoint, service != .sso, service != .ssoOIDC { return Resolved(value: explicitEndpoint, source: "--endpoint") }
        let ignoreConfigured = (environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]
            ?? profileSettings["ignore_configured_endpoint_urls"])?.lowercased() == "true"
        if !ignoreConfigured {
            let specific = "AWS_ENDPOINT_URL_\(service.environmentSuffix)"
            if let url = environment[specific], !url.isEmpty { return Resolved(value: url, source: "environment (\(specific))") }
            if let url = environment["AWS_ENDPOINT_URL"], !url.isEmpty { return Resolved(value: url, source: "environment (AWS_ENDPOINT_URL)") }
            if let servicesSection, let url = servicesSection.endpoints[service.configKey]?["endpoint_url"] {
                return Resolved(value: url, source: "config file \(configPath) [\(servicesSection.name)] \(service.configKey)")
            }
            if let url = profileSettings["endpoint_url"] {
                return Resolved(value: url, source: "config file \(configPath) [\(profile.value)] endpoint_url")
            }
        }
        let region = serviceRegion ?? self.region.value
        // S3's us-east-1 endpoint is the global one, as botocore resolves it.
        if service == .s3, region == "us-east-1" { return Resolved(value: "https://s3.amazonaws.com", source: Self.defaultEndpointSource) }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return Resolved(value: "https://\(service.endpointPrefix).\(region).\(suffix)", source: Self.defaultEndpointSource)
    }
}

public enum AWSConfigurationError: ReportableError, Equatable {
    case profileNotFound(String, configPath: String, credentialsPath: String)
    case noCredentials(profile: String, searched: [String])
    case noRegion(profile: String, configPath: String)
    case credentialProcess(command: String, problem: String)
    /// A credential source that is misconfigured or failed (SSO, a role, a metadata endpoint), with what to do.
    case credentialSource(String, hint: String)
    /// A source half there (an access key without its secret, a role without the credentials to
    /// assume it): the AWS CLI refuses it rather than look further.
    case partialCredentials(source: String, found: String, missing: String)
    /// Credentials that were still expired when obtained again (a credential_process, AWS_CREDENTIAL_EXPIRATION).
    case expiredCredentials(source: String, expiredAt: Date)
    /// The IAM Identity Center login is missing, expired or unreadable: `aws sso login` again.
    case ssoLogin(profile: String, problem: String)
    /// A setting whose value cannot be used (a retry mode, a timeout, a proxy URL).
    case invalidSetting(name: String, value: String, source: String, expected: String)

    public var problem: Problem {
        switch self {
        case .profileNotFound(let name, let configPath, let credentialsPath):
            return Problem("the AWS profile '\(name)' is in neither \(configPath) ([profile \(name)]) nor \(credentialsPath) ([\(name)])",
                           hint: "check the name, or AWS_PROFILE / AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE")
        case .noCredentials(let profile, let searched):
            return Problem("no AWS credentials for profile '\(profile)': searched " + searched.joined(separator: "; "),
                           hint: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`")
        case .noRegion(let profile, let configPath):
            return Problem("no AWS region: AWS_REGION and AWS_DEFAULT_REGION are unset and profile '\(profile)' in \(configPath) has no 'region'",
                           hint: "export AWS_REGION=us-east-1 (or your region)")
        case .credentialProcess(let command, let problem):
            return Problem("credential_process '\(command)' \(problem)")
        case .credentialSource(let message, let hint):
            return Problem(message, hint: hint)
        case .partialCredentials(let source, let found, let missing):
            return Problem("partial credentials in \(source): \(found) without \(missing)",
                           hint: "complete them or remove \(found) (the AWS CLI refuses half of them too)")
        case .expiredCredentials(let source, let expiredAt):
            return Problem("the credentials from \(source) expired at \(ISO8601DateFormatter().string(from: expiredAt)), and obtained again they were still expired",
                           hint: "renew them at their source (the AWS CLI refuses them too: \"refreshed credentials are still expired\")")
        case .ssoLogin(let profile, let problem):
            return Problem("the SSO login for profile '\(profile)' \(problem)", hint: "run `aws sso login --profile \(profile)`")
        case .invalidSetting(let name, let value, let source, let expected):
            return Problem("\(name) '\(value)' from \(source) is not usable: expected \(expected)")
        }
    }
}


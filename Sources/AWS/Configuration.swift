import Foundation

/// Credentials, region and endpoints resolved the way the AWS CLI resolves them, each with
/// where it came from (`whoami` shows both).
///
/// - Profile: the `profile` argument, else `AWS_PROFILE`, else `default`.
/// - Credentials: the AWS CLI's chain (see `CredentialChain`), chosen here without network and
///   obtained on the first call.
/// - Region: the `region` argument, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`.
/// - Endpoint per service: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
///   `services` section, the profile's `endpoint_url`, then the public AWS endpoint; all but the
///   last are ignored under `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
public struct AWSConfiguration: Sendable {
    public struct Resolved<Value: Sendable>: Sendable {
        public let value: Value
        /// Where the value was found, for a person: `environment (AWS_REGION)`, `config file ~/.aws/config [profile x]`.
        public let source: String
    }

    public let profile: Resolved<String>
    public let region: Resolved<String>
    /// The credentials calls are signed with: obtained on the first call, refreshed before they expire.
    public let credentials: RefreshingCredentials
    /// Asks a person for a secret (an MFA code) without echo; nil in a script.
    let askSecret: (@Sendable (String) async -> String?)?
    /// Told of every call made with this configuration (the shell's `trace on`), the credential sources' own calls included.
    let callObserver: (@Sendable (AWSCallRecord) -> Void)?
    private let explicitEndpoint: String?
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
        let home = environment["HOME"] ?? NSHomeDirectory()
        func expand(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst() : path }
        let configPath = expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config")
        let credentialsPath = expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
        let profiles = SharedProfiles(config: try ConfigFile.load(configPath), credentials: try ConfigFile.load(credentialsPath),
                                      configPath: configPath, credentialsPath: credentialsPath)

        let profile: Resolved<String>
        if let explicitProfile {
            profile = Resolved(value: explicitProfile, source: "--profile")
        } else if let name = environment["AWS_PROFILE"], !name.isEmpty {
            profile = Resolved(value: name, source: "environment (AWS_PROFILE)")
        } else {
            profile = Resolved(value: "default", source: "default")
        }
        if profile.value != "default" || explicitProfile != nil, !profiles.exists(profile.value) {
            throw AWSConfigurationError.profileNotFound(profile.value, configPath: configPath, credentialsPath: credentialsPath)
        }
        let settings = profiles.settings(profile.value)
        let provider = try CredentialChain(profiles: profiles, environment: environment)
            .provider(profile: profile.value, explicitProfile: explicitProfile != nil)

        let region: Resolved<String>
        if let explicitRegion, !explicitRegion.isEmpty {
            region = Resolved(value: explicitRegion, source: "--region")
        } else if let value = environment["AWS_REGION"], !value.isEmpty {
            region = Resolved(value: value, source: "environment (AWS_REGION)")
        } else if let value = environment["AWS_DEFAULT_REGION"], !value.isEmpty {
            region = Resolved(value: value, source: "environment (AWS_DEFAULT_REGION)")
        } else if let value = settings["region"], !value.isEmpty {
            let origin = profiles.credentials?.text(profile.value, "region") == value
                ? "shared credentials file \(credentialsPath) [\(profile.value)]"
                : "config file \(configPath) [\(profiles.configSection(profile.value) ?? profile.value)]"
            region = Resolved(value: value, source: origin)
        } else {
            throw AWSConfigurationError.noRegion(profile: profile.value, configPath: configPath)
        }

        let services = settings["services"].flatMap { name -> (String, [String: [String: String]])? in
            guard let section = profiles.config?.sections["services \(name)"] else { return nil }
            var endpoints: [String: [String: String]] = [:]
            for (key, value) in section { if case .nested(let nested) = value { endpoints[key] = nested } }
            return (name, endpoints)
        }
        return AWSConfiguration(profile: profile, region: region, credentials: RefreshingCredentials(provider), askSecret: askSecret,
                                callObserver: callObserver, explicitEndpoint: explicitEndpoint, environment: environment, profileSettings: settings,
                                servicesSection: services, configPath: configPath)
    }

    /// The same configuration signing with credentials from `provider`.
    func replacingCredentials(_ provider: any CredentialProvider) -> AWSConfiguration {
        AWSConfiguration(profile: profile, region: region, credentials: RefreshingCredentials(provider), askSecret: askSecret,
                         callObserver: callObserver, explicitEndpoint: explicitEndpoint, environment: environment, profileSettings: profileSettings,
                         servicesSection: servicesSection, configPath: configPath)
    }

    /// The same credentials and endpoints in another region (the application's other regional stacks).
    public func inRegion(_ other: String, because reason: String) -> AWSConfiguration {
        AWSConfiguration(profile: profile, region: Resolved(value: other, source: reason), credentials: credentials, askSecret: askSecret,
                         callObserver: callObserver, explicitEndpoint: explicitEndpoint, environment: environment, profileSettings: profileSettings,
                         servicesSection: servicesSection, configPath: configPath)
    }

    /// The same, every call sent to `endpoint` (an S3 bucket's own host).
    func replacingEndpoint(_ endpoint: String) -> AWSConfiguration {
        AWSConfiguration(profile: profile, region: region, credentials: credentials, askSecret: askSecret,
                         callObserver: callObserver, explicitEndpoint: endpoint, environment: environment, profileSettings: profileSettings,
                         servicesSection: servicesSection, configPath: configPath)
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
                return Resolved(value: url, source: "config file \(configPath) [services \(servicesSection.name)] \(service.configKey)")
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

public enum AWSConfigurationError: Error, CustomStringConvertible, Equatable {
    case profileNotFound(String, configPath: String, credentialsPath: String)
    case noCredentials(profile: String, searched: [String])
    case noRegion(profile: String, configPath: String)
    case credentialProcess(command: String, problem: String)
    /// A credential source that is misconfigured or failed (SSO, a role, a metadata endpoint), with what to do.
    case credentialSource(String, hint: String)

    public var description: String {
        switch self {
        case .profileNotFound(let name, let configPath, let credentialsPath):
            return "the AWS profile '\(name)' is in neither \(configPath) ([profile \(name)]) nor \(credentialsPath) ([\(name)])"
                + "\nhint: check the name, or AWS_PROFILE / AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE"
        case .noCredentials(let profile, let searched):
            return "no AWS credentials for profile '\(profile)': searched " + searched.joined(separator: "; ")
                + "\nhint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`"
        case .noRegion(let profile, let configPath):
            return "no AWS region: AWS_REGION and AWS_DEFAULT_REGION are unset and profile '\(profile)' in \(configPath) has no 'region'"
                + "\nhint: export AWS_REGION=us-east-1 (or your region)"
        case .credentialProcess(let command, let problem):
            return "credential_process '\(command)' \(problem)"
        case .credentialSource(let message, let hint):
            return "\(message)\nhint: \(hint)"
        }
    }
}


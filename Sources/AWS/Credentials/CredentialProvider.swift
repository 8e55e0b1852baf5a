import Foundation

/// Credentials as one source handed them out: when they stop working (nil: never) and the
/// chain of sources that produced them, outermost last (`profile dev`, `SSO …`, `role …`).
public struct ObtainedCredentials: Sendable, Equatable {
    public let credentials: AWSCredentials
    public let expiration: Date?
    public let chain: [String]

    public init(_ credentials: AWSCredentials, expiration: Date? = nil, chain: [String]) {
        self.credentials = credentials
        self.expiration = expiration
        self.chain = chain
    }
}

/// One place credentials come from, in the AWS CLI's chain. `obtain` may call the network
/// (STS, the SSO portal, a metadata endpoint); choosing a provider never does.
protocol CredentialProvider: Sendable {
    /// This step of the chain, for `whoami`: `SSO (account 111122223333, role Dev)`.
    var step: String { get }
    /// The kind of source that gives the credentials, by botocore's name for it (see below).
    var method: String { get }
    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials
}

/// What providers need beyond their own settings: where services answer (STS, SSO) and
/// somebody to ask for an MFA code.
struct CredentialContext: Sendable {
    let configuration: AWSConfiguration
    var environment: [String: String] { configuration.environment }

    /// An unsigned client (web identity) or one signing with `credentials` (AssumeRole's source).
    func client(signingWith credentials: AWSCredentials?) -> AWSClient {
        guard let credentials else { return AWSClient(configuration: configuration, signs: false) }
        return AWSClient(configuration: configuration.replacingCredentials(FixedCredentials(credentials, step: "source", method: "source")))
    }
}

/// Keys known without asking anyone: the environment (with the expiry it may state), a shared
/// file, a source already obtained.
struct FixedCredentials: CredentialProvider {
    let credentials: AWSCredentials
    let expiration: Date?
    let step: String
    let method: String

    init(_ credentials: AWSCredentials, expiration: Date? = nil, step: String, method: String) {
        self.credentials = credentials
        self.expiration = expiration
        self.step = step
        self.method = method
    }

    func obtain(_ context: CredentialContext) async throws -> ObtainedCredentials {
        ObtainedCredentials(credentials, expiration: expiration, chain: [step])
    }
}

// botocore's names for the kinds of source (its `credentials.method`, the Type column of
// `aws configure list`), which `whoami --json` reports as the credentials' source.
extension AssumeRoleCredentials { var method: String { "assume-role" } }
extension WebIdentityCredentials { var method: String { "assume-role-with-web-identity" } }
extension SSOCredentials { var method: String { "sso" } }
extension ProcessCredentials { var method: String { "custom-process" } }
extension ContainerCredentials { var method: String { "container-role" } }
extension InstanceMetadataCredentials { var method: String { "iam-role" } }
extension ProfileCredentials { var method: String { inner.method } }
extension LastResortCredentials { var method: String { instance.method } }

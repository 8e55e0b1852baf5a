import Manifest

/// `source`: a provider Copilot knows, spelled as Copilot spells it; a token secret for a token
/// source, and its name rather than the token; a repository in a form Copilot's deploy parses; a
/// connection ARN that is one.
public enum SourceRule: ManifestRule {
    case missingProvider
    case unknownProvider(String)
    /// A provider Copilot knows, in other letter cases (`github`).
    case misspelledProvider(String, spelled: SourceProvider)
    case gitHubV1WithoutSecret
    /// `access_token_secret:` written empty beside provider GitHub.
    case emptyTokenSecret
    /// `access_token_secret` holds what looks like a token, not a secret's name.
    case tokenInManifest
    case missingRepository
    /// A browser URL of a branch, whose branch Copilot would not read.
    case repositoryNamesBranch(repository: String, branch: String, url: String)
    case notARepository(String, provider: SourceProvider)
    case notAConnectionARN(String)
    /// Both `connection_name` and `connection_arn`: Copilot's deploy uses the connection the name finds.
    case connectionNameAndARN(name: String, arn: String)

    /// The providers, for hints.
    static let providers = "Copilot knows GitHub, GitHubV1, CodeCommit and Bitbucket"

    public var severity: Severity {
        if case .connectionNameAndARN = self { return .warning }
        return .error
    }

    public var message: String {
        switch self {
        case .missingProvider: return "the source has no provider"
        case .unknownProvider(let name), .misspelledProvider(let name, _): return "unknown source provider \(name)"
        case .gitHubV1WithoutSecret:
            return "provider GitHubV1 needs access_token_secret, the Secrets Manager secret holding the GitHub token"
        case .emptyTokenSecret: return "access_token_secret is empty"
        case .tokenInManifest:
            return "access_token_secret holds what looks like a GitHub token, not the name of the Secrets Manager secret holding it"
        case .missingRepository: return "the source has no repository"
        case .repositoryNamesBranch(let repository, let branch, _):
            return "repository \(repository) names branch \(branch); Copilot reads the repository from it, not a branch"
        case .notARepository(let repository, let provider): return "repository \(repository) is not a \(provider) repository URL"
        case .notAConnectionARN(let arn): return "connection_arn \(arn) is not a CodeStar Connections ARN"
        case .connectionNameAndARN(let name, let arn):
            return "both connection_name \(name) and connection_arn \(arn) are set; Copilot uses the connection named \(name)"
        }
    }

    public var hint: String? {
        switch self {
        case .missingProvider, .unknownProvider: return Self.providers
        case .misspelledProvider(_, let spelled): return "Copilot spells it \(spelled) (provider names are case-sensitive)"
        case .gitHubV1WithoutSecret:
            return "add `access_token_secret: SECRET` under source.properties, or use provider GitHub with a CodeStar connection"
        case .emptyTokenSecret:
            return "name the Secrets Manager secret holding the GitHub token, or remove the line to use a CodeStar connection"
        case .tokenInManifest:
            return "the manifest is meant to be committed: keep the token in Secrets Manager and write the secret's name here "
                + "(`source set github OWNER/REPO token-secret TOKEN` on the AWS target stores it for you)"
        case .missingRepository: return "add `repository:` under `source.properties`, e.g. with `source set`"
        case .repositoryNamesBranch(_, let branch, let url):
            return "write `repository: \(url)` and `branch: \(branch)` under `source.properties` (`source set` does)"
        case .notARepository(_, let provider): return RepositoryLocation.forms(provider)
        case .notAConnectionARN:
            return "use `connection_name` for a connection's name, or arn:aws:codestar-connections:REGION:ACCOUNT:connection/ID"
        case .connectionNameAndARN: return "remove the one you do not mean"
        }
    }

    private static let spellings = Dictionary(uniqueKeysWithValues: [SourceProvider.gitHub, .gitHubV1, .codeCommit, .bitbucket].map {
        ($0.description.lowercased(), $0)
    })

    /// Checks the source and, when it breaks no rule, returns the source action Copilot makes of it.
    static func check(_ input: RuleInput, into findings: inout Findings) -> PipelineSource? {
        let source = input.manifest.source
        let properties = source.properties
        let found = findings.all.count
        let provider: [Anchor] = [.value([.key("source"), .key("provider")]), .key([.key("source")]), .top]
        func add(_ rule: SourceRule, at anchors: [Anchor]) {
            findings.add(.source(rule), at: anchors)
        }
        if case .other(let name) = source.provider {
            if name.isEmpty {
                add(.missingProvider, at: provider)
            } else if let spelled = spellings[name.lowercased()] {
                add(.misspelledProvider(name, spelled: spelled), at: provider)
            } else {
                add(.unknownProvider(name), at: provider)
            }
            return nil
        }
        let secretPath: [PathStep] = [.key("source"), .key("properties"), .key("access_token_secret")]
        if source.provider == .gitHubV1, (properties.accessTokenSecret ?? "").isEmpty {
            add(.gitHubV1WithoutSecret, at: provider)
        } else if source.provider == .gitHub, properties.accessTokenSecret?.isEmpty == true {
            add(.emptyTokenSecret, at: [.value(secretPath)] + provider)
        }
        if let secret = properties.accessTokenSecret, Secrets.looksLikeToken(secret, givenAsSecret: true) {
            add(.tokenInManifest, at: [.value(secretPath)] + provider)
        }
        guard let repository = properties.repository, !repository.isEmpty else {
            add(.missingRepository, at: [.key([.key("source"), .key("properties")])] + provider)
            return nil
        }
        let repositoryValue: [Anchor] = [.value([.key("source"), .key("properties"), .key("repository")])]
        let parsed = RepositoryLocation(repository, provider: source.provider)
        if let parsed {
            if let branch = parsed.branch, let url = parsed.url(source.provider) {
                add(.repositoryNamesBranch(repository: repository, branch: branch, url: url), at: repositoryValue)
            }
        } else {
            add(.notARepository(repository, provider: source.provider), at: repositoryValue)
        }
        if let arn = properties.connectionARN,
           !(arn.hasPrefix("arn:") && (arn.contains(":codestar-connections:") || arn.contains(":codeconnections:"))) {
            add(.notAConnectionARN(arn), at: [.value([.key("source"), .key("properties"), .key("connection_arn")])])
        }
        if let name = properties.connectionName, !name.isEmpty, let arn = properties.connectionARN {
            add(.connectionNameAndARN(name: name, arn: arn), at: [.key([.key("source"), .key("properties"), .key("connection_arn")])])
        }
        guard let parsed, !findings.all[found...].contains(where: { $0.constraint.rule.severity == .error }) else { return nil }
        return PipelineSource(source, repository: parsed)
    }
}

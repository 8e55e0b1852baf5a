import Manifest

// The manifest's `source` as the CodePipeline source action Copilot makes of it
// (deploy.PipelineSourceFromManifest), and the names Copilot gives what the source needs.
// Made only by ``SourceRule`` from a source it found no error in.

public enum PipelineSource: Codable, Equatable, Sendable {
    /// GitHub with a personal access token in Secrets Manager (Copilot's "GitHubV1": provider
    /// GitHubV1, or GitHub with `access_token_secret`). CodePipeline polls the repository.
    case gitHubToken(owner: String, repository: String, branch: String, secretID: String)
    /// GitHub or Bitbucket through a CodeStar connection.
    case connection(provider: String, fullRepositoryID: String, branch: String,
                    connection: Connection, outputArtifactFormat: String?)
    case codeCommit(repository: String, region: String?, branch: String, outputArtifactFormat: String?)

    /// Which CodeStar connection the source uses.
    public enum Connection: Codable, Equatable, Sendable {
        /// `connection_arn`.
        case arn(String)
        /// `connection_name`: an existing connection, looked up by name when the pipeline is deployed.
        case existing(name: String)
        /// Neither: the stack creates one under Copilot's name (PENDING until activated in the console).
        case created(name: String)
    }

    /// The action for `source`, whose repository Copilot's deploy parsed as `repository`; nil for a
    /// provider Copilot does not know.
    init?(_ source: Source, repository location: RepositoryLocation) {
        let properties = source.properties
        let branch = properties.trackedBranch
        let format = properties.outputArtifactFormat.flatMap { $0.isEmpty ? nil : $0 }
        switch source.provider {
        case .gitHubV1:
            fallthrough  // always a token; GitHub only when it names one
        case .gitHub where properties.accessTokenSecret != nil:
            self = .gitHubToken(owner: location.owner ?? "", repository: location.name, branch: branch,
                                secretID: properties.accessTokenSecret ?? "")
        case .gitHub, .bitbucket:
            // Copilot's deploy looks `connection_name` up and writes its ARN over `connection_arn`: the name wins.
            let connection: Connection
            if let name = properties.connectionName, !name.isEmpty {
                connection = .existing(name: name)
            } else if let arn = properties.connectionARN {
                connection = .arn(arn)
            } else {
                connection = .created(name: Self.connectionName(owner: location.owner ?? "", repository: location.name))
            }
            self = .connection(provider: source.provider.description, fullRepositoryID: location.fullName, branch: branch,
                               connection: connection, outputArtifactFormat: format)
        case .codeCommit:
            self = .codeCommit(repository: location.name, region: location.region, branch: branch, outputArtifactFormat: format)
        case .other:
            return nil
        }
    }

    /// Copilot's name for a connection it creates: `copilot-` and the first 5 characters of the
    /// owner and 18 of the repository (deploy.formatConnectionName), within CodeStar's 32.
    static func connectionName(owner: String, repository: String) -> String {
        "copilot-\(owner.prefix(5))-\(repository.prefix(18))"
    }

    /// Where a person completes a PENDING connection's handshake (cli/pipeline_deploy.go connectionsURL).
    public static let connectionsConsole = "https://console.aws.amazon.com/codesuite/settings/connections"

    /// How long Copilot's deploy waits for a new pipeline's connection to become AVAILABLE.
    public static let connectionWait = Duration.seconds(45 * 60)

    /// The Secrets Manager secret `copilot pipeline init` keeps a GitHub token in, for repository `name`.
    public static func tokenSecretName(application: String, repository name: String) -> String {
        "github-token-\(application)-\(name)"
    }

    public var branch: String {
        switch self {
        case .gitHubToken(_, _, let branch, _), .connection(_, _, let branch, _, _), .codeCommit(_, _, let branch, _): return branch
        }
    }
}

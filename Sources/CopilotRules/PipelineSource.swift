import Manifest

// The manifest's `source` as the CodePipeline source action Copilot makes of it
// (deploy.PipelineSourceFromManifest).

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

    public init(_ source: Source) throws {
        let properties = source.properties
        guard let repository = properties.repository, !repository.isEmpty else {
            throw PlanError(message: "source.properties.repository is missing", hint: "set it with `source set github OWNER/REPO`")
        }
        let branch = properties.trackedBranch
        guard let location = RepositoryLocation(repository, provider: source.provider) else {
            if case .other(let name) = source.provider {
                throw PlanError(message: "source provider \(name) is not one Copilot supports",
                                hint: "use GitHub, GitHubV1, Bitbucket or CodeCommit (spelled so)")
            }
            throw PlanError(message: "repository \(repository) is not a \(source.provider) repository",
                            hint: "`source set` writes the forms Copilot reads")
        }
        let format = properties.outputArtifactFormat.flatMap { $0.isEmpty ? nil : $0 }
        switch source.provider {
        case .gitHubV1,
             .gitHub where properties.accessTokenSecret != nil:
            guard let secret = properties.accessTokenSecret, !secret.isEmpty else {
                throw PlanError(message: "source.properties.access_token_secret is missing; provider GitHubV1 needs it",
                                hint: "name the Secrets Manager secret holding the GitHub token, or use provider GitHub with a connection")
            }
            self = .gitHubToken(owner: location.owner ?? "", repository: location.name, branch: branch, secretID: secret)
        case .gitHub, .bitbucket:
            let connection: Connection
            if let arn = properties.connectionARN {
                connection = .arn(arn)
            } else if let name = properties.connectionName, !name.isEmpty {
                connection = .existing(name: name)
            } else {
                connection = .created(name: Self.connectionName(owner: location.owner ?? "", repository: location.name))
            }
            self = .connection(provider: source.provider.description, fullRepositoryID: location.fullName, branch: branch,
                               connection: connection, outputArtifactFormat: format)
        case .codeCommit:
            self = .codeCommit(repository: location.name, region: location.region, branch: branch, outputArtifactFormat: format)
        case .other(let name):
            throw PlanError(message: "source provider \(name) is not one Copilot supports",
                            hint: "use GitHub, GitHubV1, Bitbucket or CodeCommit (spelled so)")
        }
    }

    /// Copilot's name for a connection it creates: `copilot-` and the first 5 characters of the
    /// owner and 18 of the repository (deploy.formatConnectionName), within CodeStar's 32.
    static func connectionName(owner: String, repository: String) -> String {
        "copilot-\(owner.prefix(5))-\(repository.prefix(18))"
    }

    public var branch: String {
        switch self {
        case .gitHubToken(_, _, let branch, _), .connection(_, _, let branch, _, _), .codeCommit(_, _, let branch, _): return branch
        }
    }
}

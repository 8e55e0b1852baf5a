import Manifest

// The manifest's `source` turned into the CodePipeline source action Copilot would use.

public enum PipelineSource: Equatable, Sendable {
    /// GitHub with a personal access token in Secrets Manager (Copilot's "GitHubV1").
    case gitHubToken(owner: String, repository: String, branch: String, secretID: String)
    /// GitHub or Bitbucket through a CodeStar connection; `existingARN` nil means the
    /// template creates the connection named `connectionName`.
    case connection(provider: String, fullRepositoryID: String, branch: String,
                    connectionName: String, existingARN: String?, outputArtifactFormat: String?)
    case codeCommit(repository: String, branch: String, outputArtifactFormat: String?)

    public init(_ source: Source) throws {
        let properties = source.properties
        guard let repository = properties.repository, !repository.isEmpty else {
            throw AWSTargetError("source.properties.repository is missing",
                                hint: "set it with `source set github OWNER/REPO`")
        }
        let branch = properties.trackedBranch
        if case .other(let name) = source.provider {
            throw AWSTargetError("source provider \(name) is not one Copilot supports", hint: "use GitHub, Bitbucket or CodeCommit")
        }
        guard let location = RepositoryLocation(repository, provider: source.provider) else {
            throw AWSTargetError("repository \(repository) is not a \(source.provider) repository",
                                hint: "`source set` accepts the forms Copilot does, e.g. OWNER/REPO")
        }
        switch source.provider {
        case .gitHub where properties.accessTokenSecret != nil && properties.connectionARN == nil
            && properties.connectionName == nil:
            self = .gitHubToken(owner: location.owner ?? "", repository: location.name, branch: branch,
                                secretID: properties.accessTokenSecret ?? "")
        case .gitHub, .bitbucket:
            if let arn = properties.connectionARN, !arn.hasPrefix("arn:") {
                throw AWSTargetError("source.properties.connection_arn \(arn) is not an ARN",
                                    hint: "to name a connection, use connection_name instead")
            }
            // CodeStar connection names are at most 32 characters.
            self = .connection(provider: source.provider.description, fullRepositoryID: location.fullName, branch: branch,
                               connectionName: properties.connectionName ?? String(location.fullName
                                   .replacingOccurrences(of: "/", with: "-").prefix(32)),
                               existingARN: properties.connectionARN, outputArtifactFormat: properties.outputArtifactFormat)
        case .codeCommit, .other:
            self = .codeCommit(repository: location.name, branch: branch, outputArtifactFormat: properties.outputArtifactFormat)
        }
    }
}

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

    public init(_ source: Source, application: String, pipeline: String) throws {
        let properties = source.properties
        guard let repository = properties.repository, !repository.isEmpty else {
            throw TemplateError("source.properties.repository is missing",
                                hint: "set it with `source set github OWNER/REPO`")
        }
        let branch = properties.trackedBranch
        switch source.provider {
        case .gitHub, .bitbucket:
            let host = source.provider == .gitHub ? "github.com" : "bitbucket.org"
            let (owner, name) = try PipelineSource.ownerAndName(repository, host: host)
            if source.provider == .gitHub, let secret = properties.accessTokenSecret, properties.connectionARN == nil,
               properties.connectionName == nil {
                self = .gitHubToken(owner: owner, repository: name, branch: branch, secretID: secret)
            } else {
                if let arn = properties.connectionARN, !arn.hasPrefix("arn:") {
                    throw TemplateError("source.properties.connection_arn \(arn) is not an ARN",
                                        hint: "to name a connection, use connection_name instead")
                }
                // CodeStar connection names are at most 32 characters.
                let defaultName = String("\(owner)-\(name)".prefix(32))
                self = .connection(provider: source.provider.description, fullRepositoryID: "\(owner)/\(name)",
                                   branch: branch, connectionName: properties.connectionName ?? defaultName,
                                   existingARN: properties.connectionARN,
                                   outputArtifactFormat: properties.outputArtifactFormat)
            }
        case .codeCommit:
            self = .codeCommit(repository: try PipelineSource.codeCommitName(repository), branch: branch,
                               outputArtifactFormat: properties.outputArtifactFormat)
        case .other(let name):
            throw TemplateError("source provider \(name) is not one Copilot supports",
                                hint: "use GitHub, Bitbucket or CodeCommit")
        }
    }

    public var branch: String {
        switch self {
        case .gitHubToken(_, _, let branch, _), .connection(_, _, let branch, _, _, _), .codeCommit(_, let branch, _):
            return branch
        }
    }

    /// `https://github.com/o/r(.git)`, `git@github.com:o/r.git`, `github.com/o/r`, `o/r`.
    static func ownerAndName(_ repository: String, host: String) throws -> (String, String) {
        var path = repository
        if let range = path.range(of: host) {
            path = String(path[range.upperBound...])
            path = String(path.drop { $0 == "/" || $0 == ":" })
        } else if path.contains("://") {
            throw TemplateError("repository \(repository) is not on \(host)",
                                hint: "give OWNER/REPO or an https://\(host)/OWNER/REPO URL")
        }
        if path.hasSuffix(".git") { path.removeLast(4) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2 else {
            throw TemplateError("repository \(repository) does not name an owner and a repository",
                                hint: "give OWNER/REPO or an https://\(host)/OWNER/REPO URL")
        }
        return (String(parts[0]), String(parts[1]))
    }

    /// A CodeCommit clone URL, console URL or plain repository name.
    static func codeCommitName(_ repository: String) throws -> String {
        guard repository.contains("/") else { return repository }
        let parts = repository.split(separator: "/").map(String.init)
        for marker in ["repos", "repositories"] {
            if let index = parts.firstIndex(of: marker), index + 1 < parts.count {
                var name = parts[index + 1]
                if name.hasSuffix(".git") { name.removeLast(4) }
                return name
            }
        }
        throw TemplateError("repository \(repository) is not a CodeCommit repository URL",
                            hint: "give the repository name or its https://git-codecommit.REGION.amazonaws.com/v1/repos/NAME URL")
    }
}

/// A template that cannot be made from this manifest and these environments.
public struct TemplateError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var hint: String

    public init(_ message: String, hint: String) {
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(message) (hint: \(hint))" }
}

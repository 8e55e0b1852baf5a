import Manifest

/// source set github|codecommit|bitbucket, source show.
enum SourceCommands {
    static func setGitHub(_ invocation: Invocation, _ session: Session) async throws {
        if invocation["CONNECTION"] != nil, invocation["SECRET"] != nil {
            throw ShellError.usage("give either `connection` or `token-secret`, not both",
                                   hint: "a CodeStar connection is what Copilot creates by default",
                                   at: invocation.location(of: "SECRET"))
        }
        try await setHosted(.gitHub, invocation, session)
    }

    /// A token given where the name of its secret belongs. The manifest is meant to be
    /// committed, so the token never goes there: the AWS target keeps it in Secrets Manager as
    /// Copilot's `pipeline init` names it (`github-token-APP-REPO`) and the manifest names that
    /// secret; the local target keeps no secrets, so it is refused, saying what to do.
    private static func secretName(keeping token: String, repository: String, _ invocation: Invocation,
                                   _ session: Session) async throws -> String {
        let application = try session.requireWorkspace().application
        let name = "github-token-\(application)-\(RepositoryName.lastComponent(repository))"
        guard case .aws = session.targetChoice else {
            throw ShellError.failure("token-secret takes the name of a Secrets Manager secret holding the token, not the token: "
                                        + "sluice never writes a token into the manifest, which is meant to be committed",
                                     hint: "store the token in Secrets Manager as \(name) and write `token-secret \(name)`; "
                                        + "or `target aws` first, and sluice stores the token given here for you",
                                     at: invocation.location(of: "SECRET"))
        }
        let created = try await session.awsTarget().storeGitHubToken(token, as: name, application: application)
        session.output.message("\(created ? "stored the GitHub token in" : "put the GitHub token in the existing") "
            + "Secrets Manager secret \(name); the manifest names the secret")
        return name
    }

    static func setCodeCommit(_ invocation: Invocation, _ session: Session) async throws {
        let repository = try RepositoryURL.codeCommit(invocation.required("REPO"), region: session.awsRegion,
                                                      at: invocation.location(of: "REPO"))
        try set(.codeCommit, repository: repository, accessTokenSecret: nil, invocation, session)
    }

    static func setBitbucket(_ invocation: Invocation, _ session: Session) async throws {
        try await setHosted(.bitbucket, invocation, session)
    }

    /// GitHub and Bitbucket take the repository in any form `git remote` or a browser shows; the
    /// manifest gets the one Copilot writes, and a browser URL's branch is the branch tracked.
    private static func setHosted(_ provider: SourceProvider, _ invocation: Invocation, _ session: Session) async throws {
        let location = try RepositoryURL.hosted(invocation.required("REPO"), provider: provider, at: invocation.location(of: "REPO"))
        if let given = invocation["BRANCH"], let shown = location.branch, given != shown {
            throw ShellError.usage("the URL shows branch \(shown) but `branch \(given)` is given",
                                   hint: "give one of them", at: invocation.location(of: "BRANCH"))
        }
        let repository = location.url(provider) ?? invocation.required("REPO")
        var secret = invocation["SECRET"]
        if let given = secret, Secrets.looksLikeToken(given) {
            let name = try await secretName(keeping: given, repository: repository, invocation, session)
            // A recording replays the command with the secret's name.
            session.recordedInstead = invocation.replacing("SECRET", with: name)
            secret = name
        }
        try set(provider, repository: repository, branch: invocation["BRANCH"] ?? location.branch, accessTokenSecret: secret,
                invocation, session)
    }

    private static func set(_ provider: SourceProvider, repository: String, branch: String? = nil, accessTokenSecret: String?,
                            _ invocation: Invocation, _ session: Session) throws {
        let branch = branch ?? invocation["BRANCH"]
        try session.edit("source: \(provider) \(repository)\(branch.map { " (branch \($0))" } ?? "")",
                         unchanged: "source is \(provider) \(repository)",
                         source: SourceSetting(provider: provider, repository: repository, branch: branch)) {
            try $0.setSource(provider: provider, repository: repository, branch: branch,
                             connectionName: invocation["CONNECTION"], accessTokenSecret: accessTokenSecret)
        }
    }

    static func show(_ invocation: Invocation, _ session: Session) async throws {
        let source = try session.requirePipeline().manifest.source
        if session.printsJSON(invocation) {
            let properties = source.properties
            session.output.line(try JSONText.encode(SourceListing(
                provider: source.provider.description, repository: properties.repository, branch: properties.trackedBranch,
                connection: properties.connectionName, connectionARN: properties.connectionARN, tokenSecret: properties.accessTokenSecret)))
            return
        }
        describe(source, to: session.output)
    }

    /// The `source` lines of `show` and `pipeline show`.
    static func describe(_ source: Source, to output: Output) {
        let properties = source.properties
        output.message("  source     \(source.provider) \(properties.repository ?? "(no repository)") (branch \(properties.trackedBranch))")
        if let connection = properties.connectionName { output.message("             connection \(connection)") }
        if let arn = properties.connectionARN { output.message("             connection ARN \(arn)") }
        if let secret = properties.accessTokenSecret { output.message("             token secret \(secret)") }
    }
}

extension Session {
    /// The region CodeCommit URLs are built for: the aws target's, else the AWS CLI's variables.
    var awsRegion: String? {
        if case .aws(_, let region?, _) = targetChoice { return region }
        return variables["AWS_REGION"] ?? variables["AWS_DEFAULT_REGION"]
    }
}

/// Repository arguments as Copilot writes them in `source.properties.repository`: full URLs.
enum RepositoryURL {
    /// A GitHub or Bitbucket repository as the validator reads it (one rule for both), or a usage error.
    static func hosted(_ text: String, provider: SourceProvider, at location: ScriptLocation) throws -> RepositoryLocation {
        guard let repository = RepositoryLocation(text, provider: provider) else {
            throw ShellError.usage("'\(text)' is not a \(provider) repository",
                                   hint: RepositoryLocation.forms(provider) + "; a clone URL (git@…, https://….git) or a branch's page (…/tree/BRANCH) works too",
                                   at: location)
        }
        return repository
    }

    /// A repository name, clone URL (https:// or ssh://git-codecommit.REGION.amazonaws.com/v1/repos/NAME) or
    /// console URL becomes the console URL: what `copilot pipeline init` writes, and the one form Copilot's deploy reads.
    static func codeCommit(_ text: String, region: String?, at location: ScriptLocation) throws -> String {
        if RepositoryLocation(text, provider: .codeCommit) != nil { return text }
        var name = text
        var region = region
        for scheme in ["https://", "ssh://"] where text.hasPrefix(scheme) {
            let parts = text.dropFirst(scheme.count).split(separator: "/", omittingEmptySubsequences: false)
            let host = parts.first?.split(separator: ".") ?? []
            guard parts.count == 4, parts[1] == "v1", parts[2] == "repos", host.count >= 4, host[0] == "git-codecommit" else {
                throw ShellError.usage("'\(text)' is not a CodeCommit repository URL",
                                       hint: "write NAME, https://git-codecommit.REGION.amazonaws.com/v1/repos/NAME or the console URL",
                                       at: location)
            }
            name = String(parts[3])
            region = String(host[1])
        }
        guard !name.contains("/"), !name.contains(":") else {
            throw ShellError.usage("'\(text)' is not a CodeCommit repository name",
                                   hint: "CodeCommit names have no owner: write NAME or the repository's URL", at: location)
        }
        guard let region else {
            throw ShellError.usage("no region to build the CodeCommit URL of \(text)",
                                   hint: "give the URL (https://git-codecommit.REGION.amazonaws.com/v1/repos/\(text)), set AWS_REGION, or `target aws region REGION`",
                                   at: location)
        }
        return RepositoryLocation.codeCommitURL(name: name, region: region)
    }
}

/// `source show --json`: what `source show` prints, the branch with Copilot's default applied.
private struct SourceListing: Encodable {
    var provider: String
    var repository: String?
    var branch: String
    var connection: String?
    var connectionARN: String?
    var tokenSecret: String?
}

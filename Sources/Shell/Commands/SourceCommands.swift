import CopilotRules
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
        let name = PipelineSource.tokenSecretName(application: application, repository: RepositoryName.lastComponent(repository))
        guard case .aws = session.targets.choice else {
            throw ShellError.failure("token-secret takes the name of a Secrets Manager secret holding the token, not the token: "
                                        + "sluice never writes a token into the manifest, which is meant to be committed",
                                     hint: "store the token in Secrets Manager as \(name) and write `token-secret \(name)`; "
                                        + "or `target aws` first, and sluice stores the token given here for you",
                                     at: invocation.location(of: "SECRET"))
        }
        let created = try await session.targets.aws(workspaceRoot: session.workspace?.root)
            .storeGitHubToken(token, as: name, application: application)
        session.output.message("\(created ? "stored the GitHub token in" : "put the GitHub token in the existing") "
            + "Secrets Manager secret \(name); the manifest names the secret")
        return name
    }

    static func setCodeCommit(_ invocation: Invocation, _ session: Session) async throws {
        // A bare name is in the region Copilot's session has: the profile's, as the AWS layer resolves it.
        let region = { session.targets.aws(workspaceRoot: session.workspace?.root).configuredRegion }
        let repository = try RepositoryURL.codeCommit(invocation.required("REPO"), region: region, at: invocation.location(of: "REPO"))
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
        if let given = secret, Secrets.looksLikeToken(given, givenAsSecret: true) {
            let name = try await secretName(keeping: given, repository: repository, invocation, session)
            // A recording replays the command with the secret's name.
            session.recording.recordedInstead = invocation.replacing("SECRET", with: name)
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

/// Repository arguments as Copilot writes them in `source.properties.repository`: full URLs, by the rule book's forms.
enum RepositoryURL {
    /// A GitHub or Bitbucket repository, or a usage error at the argument.
    static func hosted(_ text: String, provider: SourceProvider, at location: ScriptLocation) throws -> RepositoryLocation {
        try usage(at: location) { try RepositoryLocation.hosted(text, provider: provider) }
    }

    /// A CodeCommit repository's console URL; a name is placed in `region` (asked only for a name).
    static func codeCommit(_ text: String, region: () -> String?, at location: ScriptLocation) throws -> String {
        try usage(at: location) { try RepositoryLocation.codeCommitConsoleURL(text, region: region) }
    }

    private static func usage<Value>(at location: ScriptLocation, _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let problem as RepositoryArgumentProblem {
            throw ShellError.usage(problem.problem, at: location)
        }
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

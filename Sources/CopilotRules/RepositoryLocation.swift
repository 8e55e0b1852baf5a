import Errors
import Manifest

// The repository forms Copilot reads and writes: `source.properties.repository` as its deploy parses
// it (internal/pkg/deploy/pipeline.go), the URL `copilot pipeline init` writes for each provider, and
// the git remotes it offers (`git remote -v`).

/// A source repository as Copilot parses it from `repository`, one parser per provider.
public struct RepositoryLocation: Equatable, Sendable {
    /// GitHub and Bitbucket owner or workspace; nil for CodeCommit.
    public var owner: String?
    public var name: String
    /// CodeCommit's region when the URL names it.
    public var region: String?
    /// The branch a browser URL shows (`…/OWNER/REPO/tree/BRANCH` on GitHub, `…/src/BRANCH` on
    /// Bitbucket): `source set` tracks it; in a manifest it is an error, Copilot reads no branch there.
    public var branch: String?

    /// nil when `text` is no repository of `provider` in a form Copilot accepts.
    public init?(_ text: String, provider: SourceProvider) {
        switch provider {
        case .gitHub, .gitHubV1:
            guard let (owner, name, branch) = Self.ownerAndName(text, host: "github.com", branchMarker: "tree") else { return nil }
            self.init(owner: owner, name: name, region: nil, branch: branch)
        case .bitbucket:
            guard let (owner, name, branch) = Self.ownerAndName(text, host: "bitbucket.org", branchMarker: "src") else { return nil }
            self.init(owner: owner, name: name, region: nil, branch: branch)
        case .codeCommit:
            guard let (name, region) = Self.codeCommit(text) else { return nil }
            self.init(owner: nil, name: name, region: region)
        case .other:
            return nil
        }
    }

    public init(owner: String?, name: String, region: String?, branch: String? = nil) {
        self.owner = owner
        self.name = name
        self.region = region
        self.branch = branch
    }

    /// `OWNER/REPO` for GitHub and Bitbucket (CodeStar's FullRepositoryId); the name for CodeCommit.
    public var fullName: String { owner.map { "\($0)/\(name)" } ?? name }

    /// The URL `copilot pipeline init` writes for a GitHub or Bitbucket repository, whichever
    /// form it was given in (`https://HOST/OWNER/REPO`): the one form Copilot's deploy parses.
    public func url(_ provider: SourceProvider) -> String? {
        guard let owner else { return nil }
        switch provider {
        case .gitHub, .gitHubV1: return "https://github.com/\(owner)/\(name)"
        case .bitbucket: return "https://bitbucket.org/\(owner)/\(name)"
        case .codeCommit, .other: return nil
        }
    }

    /// The accepted spellings, for hints.
    public static func forms(_ provider: SourceProvider) -> String {
        switch provider {
        case .gitHub, .gitHubV1: return "write https://github.com/OWNER/REPO (or OWNER/REPO)"
        case .bitbucket: return "write https://bitbucket.org/OWNER/REPO (or OWNER/REPO)"
        case .codeCommit:
            return "write the console URL https://REGION.console.aws.amazon.com/codesuite/codecommit/repositories/NAME/browse, "
                + "the one form Copilot's deploy reads (`source set codecommit NAME` writes it)"
        case .other: return SourceRule.providers
        }
    }

    /// https://HOST/OWNER/REPO[.git][/], with an optional `user@`; git@HOST:OWNER/REPO[.git];
    /// ssh://git@HOST[/:]OWNER/REPO[.git]; OWNER/REPO; and a browser's https://HOST/OWNER/REPO/MARKER/BRANCH.
    private static func ownerAndName(_ text: String, host: String, branchMarker: String) -> (String, String, String?)? {
        var rest = Substring(text)
        var matchedHost = false
        var isWebURL = false
        for scheme in ["https://", "http://", "ssh://", ""] {
            guard rest.hasPrefix(scheme) else { continue }
            var afterScheme = rest.dropFirst(scheme.count)
            if let at = afterScheme.firstIndex(of: "@"), afterScheme[..<at].allSatisfy({ $0 != "/" }) {
                afterScheme = afterScheme[afterScheme.index(after: at)...]
            }
            let colonAllowed = scheme.isEmpty || scheme == "ssh://"
            if afterScheme.hasPrefix(host + "/") || (colonAllowed && afterScheme.hasPrefix(host + ":")) {
                rest = afterScheme.dropFirst(host.count + 1)
                matchedHost = true
                isWebURL = scheme.hasPrefix("http")
                break
            }
        }
        if !matchedHost, text.contains("://") || text.contains("@") { return nil }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        if parts.last == "" { parts.removeLast() }
        var branch: String?
        // One name after the marker only: in `tree/prod/api` the branch may be `prod` (a folder api)
        // or `prod/api`, which the URL cannot tell, so such a URL is no repository.
        if isWebURL, parts.count == 4, parts[2] == Substring(branchMarker) {
            branch = String(parts[3])
            parts = Array(parts[..<2])
        } else if parts.count == 2, parts[1].hasSuffix(".git") {
            parts[1] = parts[1].dropLast(4)
        }
        guard parts.count == 2, parts.allSatisfy({ part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        }), branch.map({ !$0.isEmpty }) ?? true else { return nil }
        return (String(parts[0]), String(parts[1]), branch)
    }

    /// (name, region) from the console URL, the one form Copilot's deploy parses (deploy.ccRepoExp) and
    /// `copilot pipeline init` writes: https://REGION.console.aws.amazon.com/codesuite/codecommit/repositories/NAME/browse.
    private static func codeCommit(_ text: String) -> (String, String?)? {
        let prefix = "https://", marker = codeCommitConsole
        guard text.hasPrefix(prefix), let range = text.range(of: marker) else { return nil }
        let region = text[text.index(text.startIndex, offsetBy: prefix.count)..<range.lowerBound]
        let rest = text[range.upperBound...]
        guard let browse = rest.range(of: "/browse") else { return nil }
        let name = rest[..<browse.lowerBound]
        guard !region.isEmpty, !name.isEmpty, name.count <= 100,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else { return nil }
        return (String(name), String(region))
    }

    /// The console URL of CodeCommit repository `name` in `region`, as `copilot pipeline init` writes it.
    public static func codeCommitURL(name: String, region: String) -> String {
        "https://\(region)\(codeCommitConsole)\(name)/browse"
    }

    /// What follows the region in a CodeCommit console URL, up to the repository's name.
    private static let codeCommitConsole = ".console.aws.amazon.com/codesuite/codecommit/repositories/"
}

// MARK: Repositories given to `source set` and `pipeline init`

extension RepositoryLocation {
    /// A GitHub or Bitbucket repository in any form `git remote` or a browser shows (the validator's own
    /// parser: one rule for both); a browser URL's branch is the branch to track.
    public static func hosted(_ text: String, provider: SourceProvider) throws -> RepositoryLocation {
        guard let repository = RepositoryLocation(text, provider: provider) else { throw RepositoryArgumentProblem.notHosted(text, provider) }
        return repository
    }

    /// A CodeCommit repository name, clone URL (https:// or ssh://git-codecommit.REGION.amazonaws.com/v1/repos/NAME)
    /// or console URL as the console URL: what `copilot pipeline init` writes, and the one form Copilot's deploy
    /// reads. A name is placed in `region`, the pipeline's region (``PipelineRegion``), asked for only then.
    public static func codeCommitConsoleURL(_ text: String, region pipelineRegion: () -> String?) throws -> String {
        if RepositoryLocation(text, provider: .codeCommit) != nil { return text }
        var name = text
        var region: String?
        for scheme in ["https://", "ssh://"] where text.hasPrefix(scheme) {
            let parts = text.dropFirst(scheme.count).split(separator: "/", omittingEmptySubsequences: false)
            let host = parts.first?.split(separator: ".") ?? []
            guard parts.count == 4, parts[1] == "v1", parts[2] == "repos", host.count >= 4, host[0] == codeCommitCloneHost else {
                throw RepositoryArgumentProblem.notCodeCommitURL(text)
            }
            name = String(parts[3])
            region = String(host[1])
        }
        guard !name.contains("/"), !name.contains(":") else { throw RepositoryArgumentProblem.notCodeCommitName(text) }
        guard let region = region ?? pipelineRegion() else { throw RepositoryArgumentProblem.noRegion(text) }
        return codeCommitURL(name: name, region: region)
    }

    /// The provider and repository URL Copilot writes for a git remote's URL (`git@github.com:acme/api.git` →
    /// GitHub https://github.com/acme/api), when it is on a host Copilot knows; nil otherwise.
    public static func remote(_ url: String) -> (provider: SourceProvider, repository: String)? {
        for (provider, host) in [(SourceProvider.gitHub, "github.com"), (.bitbucket, "bitbucket.org")] where url.contains(host) {
            if let repository = RepositoryLocation(url, provider: provider)?.url(provider) { return (provider, repository) }
        }
        if url.contains(codeCommitCloneHost + "."), let console = try? codeCommitConsoleURL(url, region: { nil }) {
            return (.codeCommit, console)
        }
        return nil
    }

    /// The first label of a CodeCommit clone URL's host (git-codecommit.REGION.amazonaws.com).
    private static let codeCommitCloneHost = "git-codecommit"
}

/// Why a repository given to `source set` or `pipeline init` is none Copilot can use.
public enum RepositoryArgumentProblem: ReportableError, Equatable {
    /// Not a repository of the hosted provider in any form it is shown in.
    case notHosted(String, SourceProvider)
    case notCodeCommitURL(String)
    /// A CodeCommit name with an owner or a scheme.
    case notCodeCommitName(String)
    /// A bare CodeCommit name, and no region to place it in.
    case noRegion(String)
    /// A URL on no host Copilot knows.
    case unknownHost(String)

    public var problem: Problem {
        switch self {
        case .notHosted(let text, let provider):
            return Problem("'\(text)' is not a \(provider) repository",
                           hint: RepositoryLocation.forms(provider) + "; a clone URL (git@…, https://….git) or a branch's page (…/tree/BRANCH) works too")
        case .notCodeCommitURL(let text):
            return Problem("'\(text)' is not a CodeCommit repository URL",
                           hint: "write NAME, https://git-codecommit.REGION.amazonaws.com/v1/repos/NAME or the console URL")
        case .notCodeCommitName(let text):
            return Problem("'\(text)' is not a CodeCommit repository name",
                           hint: "CodeCommit names have no owner: write NAME or the repository's URL")
        case .noRegion(let text):
            return Problem("no region to build the CodeCommit URL of \(text)",
                           hint: "give the URL (https://git-codecommit.REGION.amazonaws.com/v1/repos/\(text)), set AWS_REGION, or `target aws region REGION`")
        case .unknownHost(let text):
            return Problem("'\(text)' is not a GitHub, Bitbucket or CodeCommit repository URL", hint: "for example https://github.com/OWNER/REPO")
        }
    }
}

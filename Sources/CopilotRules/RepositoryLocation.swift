import Errors
import Foundation

/// One finding of ``PipelineValidator``: `FILE:LINE:COL: error|warning: MESSAGE` plus a hint line.
public struct Diagnostic: Equatable, Sendable {
    public enum Severity: String, Equatable, Sendable {
        /// Copilot would reject the pipeline (or CloudFormation would fail to create it).
        case error
        /// Deployable, but probably not what was meant.
        case warning
    }

    public var severity: Severity
    public var file: String
    /// nil when the problem is the file as a whole.
    public var location: SourceLocation?
    public var message: String
    public var hint: String?

    /// The finding in the error model, located in `path` (the file as the user knows it).
    public func problem(path: String) -> Problem {
        Problem(message, hint: hint, at: TextLocation(file: path, line: location?.line ?? 0, column: location?.column ?? 0))
    }
}

/// Copilot's rules for a pipeline manifest, plus sluice's own, kept apart from the model as Copilot does.
///
/// Rules: version 1; name present, letters/digits/hyphens from a letter, at most 100 characters (CodePipeline's
/// limit); stack name `pipeline-APP-NAME` at most 128 characters; provider one of Copilot's, spelled as Copilot
/// spells it (GitHubV1 with access_token_secret); repository present and in a form Copilot's deploy parses;
/// connection_arn an ARN; at least one stage (warning); each stage named, no name twice; test_commands
/// and post_deployments not both; pre/post actions have a buildspec; depends_on names exist among
/// their siblings and form no cycle; stages name environments of the workspace (warning); keys Copilot
/// does not read (warning).
public struct PipelineValidator: Sendable {
    /// CloudFormation's limit on stack names.
    public static let maxStackNameLength = 128
    /// CodePipeline's limit on pipeline names, which Copilot applies to the manifest's name.
    public static let maxPipelineNameLength = 100

    /// Supplies the application name (for the stack name) and the environments; nil skips those checks.
    public var workspace: Workspace?

    public init(workspace: Workspace? = nil) {
        self.workspace = workspace
    }

    /// The CloudFormation stack Copilot deploys the pipeline as.
    public static func stackName(application: String, pipeline: String) -> String {
        "pipeline-\(application)-\(pipeline)"
    }

    /// Every finding, errors and warnings, in file order.
    public func validate(_ document: ManifestDocument) -> [Diagnostic] {
        var check = Checker(document: document)
        check.run(workspace: workspace)
        return check.found.enumerated().sorted { a, b in
            let x = a.element.location ?? SourceLocation(line: 0, column: 0), y = b.element.location ?? SourceLocation(line: 0, column: 0)
            return (x.line, x.column, a.offset) < (y.line, y.column, b.offset)
        }.map(\.element)
    }
}

/// One validation pass over one document.
private struct Checker {
    let document: ManifestDocument
    var found: [Diagnostic] = []
    var manifest: PipelineManifest { document.manifest }

    mutating func run(workspace: Workspace?) {
        checkVersion()
        checkName(application: workspace?.application)
        checkSource()
        checkStages(environments: workspace?.environments)
        for key in document.unknownKeys {
            add(.warning, at: key.location, "\(key.path) is not a pipeline manifest setting; Copilot ignores it",
                hint: "check the spelling against https://aws.github.io/copilot-cli/docs/manifest/pipeline/")
        }
    }

    mutating func add(_ severity: Diagnostic.Severity, at location: SourceLocation?, _ message: String, hint: String? = nil) {
        found.append(Diagnostic(severity: severity, file: document.displayPath, location: location, message: message, hint: hint))
    }

    private var top: SourceLocation { SourceLocation(line: 1, column: 1) }

    mutating func checkVersion() {
        guard manifest.version != 1 else { return }
        if let location = document.locations.value("version") {
            add(.error, at: location, "version \(manifest.version) is not supported; Copilot knows only version 1", hint: "write `version: 1`")
        } else {
            add(.error, at: top, "version is missing", hint: "add `version: 1`, the only schema version Copilot knows")
        }
    }

    mutating func checkName(application: String?) {
        let name = manifest.name
        guard let location = document.locations.value("name"), !name.isEmpty else {
            add(.error, at: top, "the pipeline has no name", hint: "add `name: NAME` (letters, digits and hyphens)")
            return
        }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
        if !allowed || !(name.unicodeScalars.first.map { CharacterSet.letters.contains($0) && $0.isASCII } ?? false) {
            add(.error, at: location, "pipeline name \(name) must start with a letter and hold only letters, digits and hyphens",
                hint: "it becomes part of a CloudFormation stack name, which allows nothing else")
        }
        if name.count > PipelineValidator.maxPipelineNameLength {
            add(.error, at: location, "pipeline name \(name) is longer than \(PipelineValidator.maxPipelineNameLength) characters",
                hint: "CodePipeline allows at most \(PipelineValidator.maxPipelineNameLength), and Copilot refuses longer names")
        }
        let stack = PipelineValidator.stackName(application: application ?? "", pipeline: name)
        if stack.count > PipelineValidator.maxStackNameLength {
            let limit = PipelineValidator.maxStackNameLength - (stack.count - name.count)
            add(.error, at: location,
                "the stack name \(application == nil ? "pipeline-APP-\(name)" : stack) is longer than \(PipelineValidator.maxStackNameLength) characters",
                hint: "shorten the pipeline name to at most \(limit) characters")
        }
    }

    static let providerSpellings = Dictionary(uniqueKeysWithValues: ["GitHub", "GitHubV1", "CodeCommit", "Bitbucket"].map { ($0.lowercased(), $0) })

    mutating func checkSource() {
        let source = manifest.source
        let providerLocation = document.locations.value("source.provider") ?? document.locations.key("source") ?? top
        if case .other(let name) = source.provider {
            let spelled = SourceProvider(Self.providerSpellings[name.lowercased()] ?? "")
            add(.error, at: providerLocation, name.isEmpty ? "the source has no provider" : "unknown source provider \(name)",
                hint: spelled == .other("") ? "Copilot knows GitHub, GitHubV1, CodeCommit and Bitbucket"
                    : "Copilot spells it \(spelled) (provider names are case-sensitive)")
            return
        }
        if source.provider == .gitHubV1, (source.properties.accessTokenSecret ?? "").isEmpty {
            add(.error, at: providerLocation,
                "provider GitHubV1 needs access_token_secret, the Secrets Manager secret holding the GitHub token",
                hint: "add `access_token_secret: SECRET` under source.properties, or use provider GitHub with a CodeStar connection")
        }
        if let secret = source.properties.accessTokenSecret, Secrets.looksLikeToken(secret) {
            add(.error, at: document.locations.value("source.properties.access_token_secret") ?? providerLocation,
                "access_token_secret holds what looks like a GitHub token, not the name of the Secrets Manager secret holding it",
                hint: "the manifest is meant to be committed: keep the token in Secrets Manager and write the secret's name here "
                    + "(`source set github OWNER/REPO token-secret TOKEN` on the AWS target stores it for you)")
        }
        guard let repository = source.properties.repository, !repository.isEmpty else {
            add(.error, at: document.locations.key("source.properties") ?? providerLocation, "the source has no repository",
                hint: "add `repository:` under `source.properties`, e.g. with `source set`")
            return
        }
        let location = document.locations.value("source.properties.repository")
        if let parsed = RepositoryLocation(repository, provider: source.provider) {
            if let branch = parsed.branch, let url = parsed.url(source.provider) {
                add(.error, at: location, "repository \(repository) names branch \(branch); Copilot reads the repository from it, not a branch",
                    hint: "write `repository: \(url)` and `branch: \(branch)` under `source.properties` (`source set` does)")
            }
        } else {
            add(.error, at: location, "repository \(repository) is not a \(source.provider) repository URL",
                hint: RepositoryLocation.forms(source.provider))
        }
        if let arn = source.properties.connectionARN,
           !(arn.hasPrefix("arn:") && (arn.contains(":codestar-connections:") || arn.contains(":codeconnections:"))) {
            add(.error, at: document.locations.value("source.properties.connection_arn"),
                "connection_arn \(arn) is not a CodeStar Connections ARN",
                hint: "use `connection_name` for a connection's name, or arn:aws:codestar-connections:REGION:ACCOUNT:connection/ID")
        }
    }

    mutating func checkStages(environments: [String]?) {
        if manifest.stages.isEmpty {
            add(.warning, at: document.locations.key("stages") ?? top, "the pipeline has no stages; it would build but deploy nowhere",
                hint: "add one with `stage add ENV`")
        }
        var seen: [String: Int] = [:]
        for (index, stage) in manifest.stages.enumerated() {
            let path: [PathStep] = [.key("stages"), .index(index)]
            // Looked up only when a finding needs it: most stages have none.
            var nameLocation: SourceLocation? { document.locations.value(path + [.key("name")]) ?? document.locations.value(path) }
            guard !stage.name.isEmpty else {
                add(.error, at: nameLocation, "stage \(index + 1) has no name", hint: "add `name: ENV`, the environment it deploys to")
                continue
            }
            if let first = seen[stage.name] {
                add(.error, at: nameLocation, "stage \(stage.name) appears twice (first as stage \(first + 1))",
                    hint: "deploy to each environment once; remove one with `stage rm`")
            } else {
                seen[stage.name] = index
            }
            if let environments, !environments.contains(stage.name) {
                add(.warning, at: nameLocation, "the workspace has no environment named \(stage.name)",
                    hint: environments.isEmpty ? "create it with `copilot env init --name \(stage.name)`"
                        : "environments are: \(environments.joined(separator: ", "))")
            }
            if !stage.testCommands.isEmpty, !stage.postDeployments.isEmpty {
                add(.error, at: document.locations.key(path + [.key("post_deployments")]),
                    "stage \(stage.name) has both test_commands and post_deployments; Copilot allows only one of them",
                    hint: "move the test commands into a post-deployment action's buildspec")
            }
            for (timing, actions) in [("pre_deployments", stage.preDeployments), ("post_deployments", stage.postDeployments)] {
                for action in actions where (action.buildspec ?? "").isEmpty {
                    add(.error, at: document.locations.key(path + [.key(timing), .key(action.name)]),
                        "\(timing.replacingOccurrences(of: "_", with: "-").dropLast()) action \(action.name) of stage \(stage.name) has no buildspec",
                        hint: "add `buildspec: PATH` (relative to the workspace root) under it")
                }
                checkDependencies(actions.map { ($0.name, $0.dependsOn) }, kind: timing, path: path + [.key(timing)], stage: stage.name)
            }
            checkDependencies(stage.deployments.map { ($0.name, $0.dependsOn) }, kind: "deployments", path: path + [.key("deployments")], stage: stage.name)
        }
    }

    /// `depends_on` must name siblings, and the graph must have no cycle.
    mutating func checkDependencies(_ items: [(name: String, dependsOn: [String])], kind: String, path: [PathStep], stage: String) {
        let graph = DependencyGraph(items.map { DependencyGraph.Node(name: $0.name, dependsOn: $0.dependsOn) })
        for missing in graph.missingDependencies {
            add(.error, at: document.locations.value(path + [.key(missing.item), .key("depends_on"), .index(missing.index)]),
                "\(missing.item) depends on \(missing.dependency), which is not in \(kind) of stage \(stage)",
                hint: graph.nodes.count <= 1 ? "depends_on names other entries of the same \(kind)"
                    : "it can name: \(graph.names.filter { $0 != missing.item }.joined(separator: ", "))")
        }
        if let cycle = graph.cycle {
            add(.error, at: document.locations.key(path + [.key(cycle[0])]),
                "\(kind) of stage \(stage) depend on each other in a cycle: \(cycle.joined(separator: " → "))",
                hint: "remove one of these depends_on entries")
        }
    }
}

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

    init(owner: String?, name: String, region: String?, branch: String? = nil) {
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
        case .other: return "Copilot knows GitHub, GitHubV1, CodeCommit and Bitbucket"
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
        let prefix = "https://", marker = ".console.aws.amazon.com/codesuite/codecommit/repositories/"
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
        "https://\(region).console.aws.amazon.com/codesuite/codecommit/repositories/\(name)/browse"
    }
}

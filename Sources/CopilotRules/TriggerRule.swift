import Manifest

/// `Triggers`: only a source reached through a CodeStar connection has them; each names the pipeline's
/// source action; at most three push and three pull-request filters, at most eight patterns in each
/// include or exclude list (CodePipeline's limits); a push filter matches tags, or branches (and the
/// file paths a push changes); a pull-request filter names its branches and events.
public enum TriggerRule: ManifestRule {
    /// `provider`: GitHubV1 or CodeCommit, as the manifest says it.
    case needsConnection(provider: String)
    case wrongSourceAction(String, expected: String)
    /// `kind`: push or pull request.
    case tooManyFilters(kind: String, count: Int)
    /// `list`: "file paths to include of filter 1".
    case tooManyPatterns(list: String, count: Int)
    case emptyPatterns(list: String)
    case tagsWithBranches(filter: Int)
    case pathsWithoutBranches(filter: Int)
    case emptyFilter(filter: Int)
    case pullRequestWithoutBranches(filter: Int)
    case unknownEvent(String, filter: Int)
    case noEvents(filter: Int)

    /// CodePipeline's limits (GitPushFilterList, GitPullRequestFilterList, Git…PatternList).
    public static let maximumFilters = 3
    public static let maximumPatterns = 8

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .needsConnection(let provider):
            return "triggers need a source reached through a CodeStar connection (GitHub or Bitbucket), and this one is \(provider)"
        case .wrongSourceAction(let name, let expected):
            return "the trigger names source action \(name), but the pipeline's is \(expected)"
        case .tooManyFilters(let kind, let count):
            return "the trigger has \(count) \(kind) filters; CodePipeline allows \(Self.maximumFilters)"
        case .tooManyPatterns(let list, let count):
            return "\(list) has \(count) patterns; CodePipeline allows \(Self.maximumPatterns) in each include or exclude list"
        case .emptyPatterns(let list): return "\(list) is an empty list"
        case .tagsWithBranches(let filter): return "push filter \(filter) matches both tags and branches; a push filter matches one or the other"
        case .pathsWithoutBranches(let filter): return "push filter \(filter) has file paths but no branches"
        case .emptyFilter(let filter): return "push filter \(filter) matches nothing: it names no branches and no tags"
        case .pullRequestWithoutBranches(let filter): return "pull-request filter \(filter) names no branches"
        case .unknownEvent(let event, let filter):
            return "pull-request filter \(filter) has event \(event), not one of \(PipelineV2.PullRequestFilter.eventTypes.joined(separator: ", "))"
        case .noEvents(let filter): return "pull-request filter \(filter) names no events"
        }
    }

    public var hint: String? {
        switch self {
        case .needsConnection(let provider):
            return provider == "CodeCommit"
                ? "a CodeCommit source starts the pipeline on every push to its branch (through an EventBridge rule) and has no filters; "
                    + "`trigger rm` the triggers, or move the repository to GitHub or Bitbucket"
                : "GitHub v1 (a token) is polled and has no filters: track the repository through a connection, "
                    + "`source set github OWNER/REPO` (Copilot creates one), then add the triggers"
        case .wrongSourceAction(_, let expected): return "Copilot names the source action \(expected); `trigger` commands write it"
        case .tooManyFilters: return "`trigger ls` numbers them and `trigger rm N` removes one; a filter's lists take several patterns"
        case .tooManyPatterns: return "use fewer, broader glob patterns (`services/**` rather than each service)"
        case .emptyPatterns: return "give at least one pattern, or leave the list out"
        case .tagsWithBranches: return "split it: `trigger add push tags …` and `trigger add push branches …`"
        case .pathsWithoutBranches: return "add `branches main` (CodePipeline filters file paths of pushes to branches)"
        case .emptyFilter: return "give `branches B` or `tags T`"
        case .pullRequestWithoutBranches: return "give the branches pull requests go into: `branches main`"
        case .unknownEvent: return "events are open, updated and closed"
        case .noEvents: return "give `events open,updated`, or leave `events` out for all three"
        }
    }

    static func check(_ overrides: PipelineV2Overrides, source: PipelineSource?, sourceProvider: SourceProvider, sourceActionName: String?,
                      into findings: inout Findings) {
        let triggers = overrides.settings.triggers
        guard !triggers.isEmpty else { return }
        let location = overrides.locations[.triggers]
        func add(_ rule: TriggerRule) { findings.add(.trigger(rule), in: overrides.file, at: location) }
        switch source {
        case .gitHubToken?: add(.needsConnection(provider: "GitHub v1 (access_token_secret)"))
        case .codeCommit?: add(.needsConnection(provider: "CodeCommit"))
        case nil where sourceProvider == .gitHubV1: add(.needsConnection(provider: "GitHubV1"))
        case nil where sourceProvider == .codeCommit: add(.needsConnection(provider: "CodeCommit"))
        default: break
        }
        for trigger in triggers {
            if let sourceActionName, trigger.sourceActionName != sourceActionName {
                add(.wrongSourceAction(trigger.sourceActionName, expected: sourceActionName))
            }
            if trigger.push.count > Self.maximumFilters { add(.tooManyFilters(kind: "push", count: trigger.push.count)) }
            if trigger.pullRequest.count > Self.maximumFilters { add(.tooManyFilters(kind: "pull-request", count: trigger.pullRequest.count)) }
        }
        for (offset, filter) in overrides.settings.filters.enumerated() {
            let number = offset + 1
            switch filter {
            case .push(let push):
                patterns(push.branches, "branches", number, add)
                patterns(push.tags, "tags", number, add)
                patterns(push.filePaths, "file paths", number, add)
                if push.tags != nil, push.branches != nil || push.filePaths != nil { add(.tagsWithBranches(filter: number)) }
                if push.filePaths != nil, push.branches == nil, push.tags == nil { add(.pathsWithoutBranches(filter: number)) }
                if push.branches == nil, push.tags == nil, push.filePaths == nil { add(.emptyFilter(filter: number)) }
            case .pullRequest(let request):
                patterns(request.branches, "branches", number, add)
                patterns(request.filePaths, "file paths", number, add)
                if request.branches?.includes.isEmpty != false { add(.pullRequestWithoutBranches(filter: number)) }
                if request.events.isEmpty { add(.noEvents(filter: number)) }
                for event in request.events where !PipelineV2.PullRequestFilter.eventTypes.contains(event) {
                    add(.unknownEvent(event, filter: number))
                }
            }
        }
    }

    private static func patterns(_ patterns: PipelineV2.Patterns?, _ kind: String, _ filter: Int, _ add: (TriggerRule) -> Void) {
        guard let patterns else { return }
        for (list, values) in [("include", patterns.includes), ("exclude", patterns.excludes)] {
            let name = "the \(kind) to \(list) of filter \(filter)"
            if values.count > maximumPatterns { add(.tooManyPatterns(list: name, count: values.count)) }
        }
        if patterns.isEmpty { add(.emptyPatterns(list: "the \(kind) of filter \(filter)")) }
    }
}

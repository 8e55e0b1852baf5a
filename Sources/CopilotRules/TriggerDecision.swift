import Foundation

/// A push as CodePipeline's trigger sees it: a branch or a tag moved to a commit, with the files the
/// push changed (repository paths).
public struct TriggerPush: Equatable, Sendable {
    public enum Ref: Hashable, Sendable {
        case branch(String)
        case tag(String)
    }

    public var ref: Ref
    public var changedFiles: [String]

    public init(ref: Ref, changedFiles: [String]) {
        self.ref = ref
        self.changedFiles = changedFiles
    }
}

/// Whether a push starts the pipeline, and the rule that decided it, as CodePipeline evaluates a source
/// action's triggers: with no trigger, a push to the source action's branch starts it; otherwise a push
/// starts it when one of the push filters matches. A filter with tags matches tag pushes only, one with
/// branches (and file paths) branch pushes only; a name must match an include (every name does when
/// there are none) and no exclude (excludes win); with file paths, at least one changed file must match
/// an include and no exclude. Pull-request filters answer pull-request events, which a push is not.
public struct TriggerDecision: Equatable, Sendable {
    public var starts: Bool
    /// Why, in words: "branch main matches main; services/api/main.go matches services/api/**".
    public var reason: String
    /// The push filter that decided it (1-based, as `trigger ls` numbers them), nil when no filter did.
    public var filter: Int?

    public init(starts: Bool, reason: String, filter: Int? = nil) {
        self.starts = starts
        self.reason = reason
        self.filter = filter
    }

    /// Decides `push` against `settings`' triggers of the source action (`sourceBranch` is its
    /// BranchName, what a pipeline without triggers follows).
    public static func decide(_ push: TriggerPush, settings: PipelineV2?, sourceBranch: String) throws -> TriggerDecision {
        let filters = settings?.filters ?? []
        guard !filters.isEmpty else {
            switch push.ref {
            case .branch(let branch) where branch == sourceBranch:
                return TriggerDecision(starts: true, reason: "a push to \(sourceBranch), the source branch (no trigger filters)")
            case .branch(let branch):
                return TriggerDecision(starts: false, reason: "branch \(branch) is not \(sourceBranch), the source branch (no trigger filters)")
            case .tag(let tag):
                return TriggerDecision(starts: false, reason: "tag \(tag): without trigger filters only pushes to \(sourceBranch) start it")
            }
        }
        var reasons: [String] = []
        var pushFilters = 0
        for (index, filter) in filters.enumerated() {
            guard case .push(let push_) = filter else { continue }
            pushFilters += 1
            let (starts, reason) = try evaluate(push_, push)
            let numbered = filters.count > 1 ? "filter \(index + 1): \(reason)" : reason
            if starts { return TriggerDecision(starts: true, reason: numbered, filter: index + 1) }
            reasons.append(numbered)
        }
        guard pushFilters > 0 else {
            return TriggerDecision(starts: false, reason: "the triggers answer pull requests only, and this is a push")
        }
        return TriggerDecision(starts: false, reason: reasons.joined(separator: "; "))
    }

    /// One push filter against a push: whether it matches and why.
    private static func evaluate(_ filter: PipelineV2.PushFilter, _ push: TriggerPush) throws -> (Bool, String) {
        switch push.ref {
        case .tag(let tag):
            guard let tags = filter.tags else { return (false, "tag \(tag): the filter answers branch pushes") }
            return try name("tag", tag, tags)
        case .branch(let branch):
            if filter.tags != nil, filter.branches == nil { return (false, "branch \(branch): the filter answers tag pushes") }
            var said: [String] = []
            if let branches = filter.branches {
                let (matches, reason) = try name("branch", branch, branches)
                guard matches else { return (false, reason) }
                said.append(reason)
            }
            if let paths = filter.filePaths {
                let (matches, reason) = try files(push.changedFiles, paths)
                said.append(reason)
                return (matches, said.joined(separator: "; "))
            }
            return (true, said.isEmpty ? "a push to \(branch)" : said.joined(separator: "; "))
        }
    }

    /// A branch or tag name against includes and excludes.
    private static func name(_ kind: String, _ value: String, _ patterns: PipelineV2.Patterns) throws -> (Bool, String) {
        if let excluded = try firstMatch(patterns.excludes, value) {
            return (false, "\(kind) \(value) is excluded by \(excluded)")
        }
        if patterns.includes.isEmpty { return (true, "\(kind) \(value) is not excluded") }
        if let included = try firstMatch(patterns.includes, value) {
            return (true, "\(kind) \(value) matches \(included)")
        }
        return (false, "\(kind) \(value) matches none of \(patterns.includes.joined(separator: ", "))")
    }

    /// The changed files against file path includes and excludes: one file included and not excluded suffices.
    private static func files(_ changed: [String], _ patterns: PipelineV2.Patterns) throws -> (Bool, String) {
        guard !changed.isEmpty else { return (false, "it changes no file") }
        var excluded: [(String, String)] = []
        for file in changed {
            if let exclude = try firstMatch(patterns.excludes, file) {
                excluded.append((file, exclude))
                continue
            }
            if patterns.includes.isEmpty { return (true, "\(file) is not excluded") }
            if let include = try firstMatch(patterns.includes, file) { return (true, "\(file) matches \(include)") }
        }
        if excluded.count == changed.count {
            let example = excluded[0]
            return (false, changed.count == 1 ? "\(example.0) is excluded by \(example.1)"
                : "all \(changed.count) changed files are excluded (\(example.0) by \(example.1))")
        }
        let includes = patterns.includes.joined(separator: ", ")
        guard changed.count > 1 else { return (false, "\(changed[0]) matches none of \(includes)") }
        return (false, "none of the \(changed.count) changed files matches \(includes)"
                    + (excluded.isEmpty ? "" : " (\(excluded.count) of them excluded, \(excluded[0].0) by \(excluded[0].1))"))
    }

    private static func firstMatch(_ patterns: [String], _ value: String) throws -> String? {
        for pattern in patterns where try TriggerGlob(pattern).matches(value) { return pattern }
        return nil
    }
}

import CopilotRules
import Foundation

/// `trigger check`: for commits of the workspace's git repository, whether a push of each would start the
/// pipeline, and the rule that matched or excluded it. A commit is pushed to each branch that holds it
/// and as each tag on it; it starts the pipeline when one of those pushes does.
public struct TriggerCheck: Equatable, Sendable {
    public var commit: String
    public var subject: String
    public var starts: Bool
    /// "branch main matches main; services/api/main.go matches services/api/**".
    public var reason: String

    /// The commits `revisions` names (one, `A..B`, or by default the newest of every branch and tag), oldest first.
    public static func check(workspaceRoot: URL, plan: PipelinePlan, revisions: String?) async throws -> [TriggerCheck] {
        let pushes = GitPushes(workspaceRoot: workspaceRoot)
        var checks: [TriggerCheck] = []
        for commit in try await pushes.commits(revisions, sourceBranch: plan.source.branch) {
            checks.append(try decide(commit, plan: plan))
        }
        return checks
    }

    /// The decision for one commit: the first of its pushes that starts the pipeline, else why none does.
    static func decide(_ commit: GitPushes.Commit, plan: PipelinePlan) throws -> TriggerCheck {
        let refs = commit.branches.map(TriggerPush.Ref.branch) + commit.tags.map(TriggerPush.Ref.tag)
        var refusals: [String] = []
        for ref in refs {
            let decision = try TriggerDecision.decide(TriggerPush(ref: ref, changedFiles: commit.changedFiles),
                                                      settings: plan.v2, sourceBranch: plan.source.branch)
            if decision.starts {
                return TriggerCheck(commit: commit.id, subject: commit.subject, starts: true, reason: decision.reason)
            }
            refusals.append(decision.reason)
        }
        guard !refusals.isEmpty else {
            return TriggerCheck(commit: commit.id, subject: commit.subject, starts: false, reason: "no branch or tag holds it")
        }
        // Each branch and tag says why not (the first three of them).
        return TriggerCheck(commit: commit.id, subject: commit.subject, starts: false, reason: refusals.prefix(3).joined(separator: "; "))
    }
}

extension TriggerPush.Ref {
    /// "branch main", "tag v1.2".
    var words: String {
        switch self {
        case .branch(let name): return "branch \(name)"
        case .tag(let name): return "tag \(name)"
        }
    }
}

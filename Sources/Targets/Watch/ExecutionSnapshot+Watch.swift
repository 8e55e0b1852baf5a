import CopilotRules
import Foundation

/// An approval action waiting for an answer.
public struct WaitingApproval: Equatable, Sendable {
    /// The environment of the deploy stage it guards.
    public var environment: String
    public var stage: String
    public var action: String

    public init(environment: String, stage: String, action: String) {
        self.environment = environment
        self.stage = stage
        self.action = action
    }
}

extension WaitingApproval {
    /// The hint of an `approve`/`reject` that found nothing to answer: where an approval waits
    /// instead (the first of `environments`), or what to look at when none does.
    static func hint(waitingFor environments: [String], otherwise: String) -> String {
        environments.first.map { "an approval is waiting for \($0): `approve \($0)` or `reject \($0)`" } ?? otherwise
    }
}

/// How an answered approval reads on both targets, in its action's summary: "approved by alice: ship it".
enum ApprovalSummary {
    static func text(approved: Bool, by who: String, comment: String?) -> String {
        let said = comment.flatMap { $0 == placeholder(approved: approved) ? nil : $0 }
        return (approved ? "approved by " : "rejected by ") + who + (said.map { ": \($0)" } ?? "")
    }

    /// What sluice sends CodePipeline (whose approval result needs a summary) when no comment was given;
    /// read back, it is no comment.
    static func placeholder(approved: Bool) -> String {
        approved ? "Approved from sluice" : "Rejected from sluice"
    }
}

extension ExecutionSnapshot {
    /// Approvals waiting for `approve`/`reject`, in stage order.
    public var waitingApprovals: [WaitingApproval] {
        stages.flatMap { stage in
            stage.actions.filter { $0.state == .waitingForApproval }.map {
                WaitingApproval(environment: StageName.environment(of: stage.name) ?? stage.name,
                                stage: stage.name, action: $0.name)
            }
        }
    }

    /// The first action that failed, was rejected or abandoned, with its stage's name.
    public var failedAction: (stage: String, action: ActionSnapshot)? {
        for stage in stages {
            for action in stage.actions where action.state == .failed || action.state == .rejected
                || action.state == .abandoned {
                return (stage.name, action)
            }
        }
        return nil
    }

    /// The first failed action as "STAGE/ACTION: summary", for a one-line reason.
    public var failureReason: String? {
        failedAction.map { "\($0.stage)/\($0.action.name): \($0.action.summary ?? $0.action.state.rawValue)" }
    }
}

extension StageSnapshot {
    /// How long the stage ran (from its first action's start to its last action's end), or has been
    /// running at `now`; nil if it never started.
    public func elapsed(now: Date) -> String? {
        let start = actions.compactMap(\.startedAt).min()
        let end = state.isFinal ? actions.compactMap(\.finishedAt).max() : nil
        return Targets.elapsed(from: start, to: end, now: now)
    }
}

/// "4s", "1m05s", "2h03m".
public func formatElapsed(_ seconds: TimeInterval) -> String {
    let total = max(0, Int(seconds.rounded(.down)))
    if total < 60 { return "\(total)s" }
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
}

/// How long something ran, or has been running at `now`; nil if it never started.
func elapsed(from start: Date?, to end: Date?, now: Date) -> String? {
    guard let start else { return nil }
    return formatElapsed((end ?? now).timeIntervalSince(start))
}

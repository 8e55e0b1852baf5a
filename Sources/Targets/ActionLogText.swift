import CopilotRules
import Foundation

/// How `logs` prints actions' logs on every target: one action's log as it is; several, each
/// under a header as `tail` does for several files.
enum ActionLogText {
    static func header(stage: String, action: String, state: RunState) -> String {
        "==> \(stage)/\(action) (\(state.rawValue)) <==\n"
    }

    /// How many of a failed build's last lines `watch` shows under the failure.
    static let failureTailLines = 10
}

extension PipelineTarget {
    /// Follows an action's log by asking for the whole log again every second and printing
    /// what is new, until the action has ended. Targets with a cheaper way override it.
    public func followLogs(_ pipeline: PipelineContext, stage: String, action: String?,
                           emit: @escaping @Sendable (String) -> Void) async throws {
        var printed = 0
        while true {
            let finished = try await actionsFinished(pipeline, stage: stage, action: action)
            let text = try await logs(pipeline, stage: stage, action: action)
            let bytes = Array(text.utf8)
            if bytes.count > printed {
                emit(String(decoding: bytes[printed...], as: UTF8.self))
                printed = bytes.count
            }
            if finished { return }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Whether the newest execution's actions of `stage` (or the one `action`) are all final.
    private func actionsFinished(_ pipeline: PipelineContext, stage: String, action: String?) async throws -> Bool {
        guard let snapshot = try await latestExecution(pipeline) else { return true }
        if snapshot.state.isFinal { return true }
        let names = [stage, StageName.deploy(stage)].map { $0.lowercased() }
        guard let found = snapshot.stages.first(where: { names.contains($0.name.lowercased()) }) else { return true }
        let actions = found.actions.filter { action == nil || $0.name.lowercased() == action?.lowercased() }
        return actions.allSatisfy { $0.state.isFinal || $0.state == .waitingForApproval }
    }
}

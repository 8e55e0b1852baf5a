import CopilotRules
import Foundation

/// How runs meet at the entry of a stage, as CodePipeline's "How pipeline executions work" describes
/// its execution modes: a stage holds one run at a time in SUPERSEDED and QUEUED mode, and a run waits
/// at the entry while another is in the stage. In SUPERSEDED mode a newer run waiting there supersedes
/// an older one waiting there (the older one ends); in QUEUED mode they enter in the order they came.
/// In PARALLEL mode runs never wait for each other. A pipeline without V2 settings keeps the local
/// engine's way of letting runs meet (they do not wait; a newer one supersedes an older one parked at
/// the same approval).
enum StageEntry: Equatable {
    case enter
    /// `run` is in the stage, or (queued) came to its entry first.
    case wait(behind: String, inStage: Bool)
    case superseded(by: String)

    /// Whether `record` may enter stage `stage` now, given the pipeline's other runs.
    static func decide(_ record: ExecutionRecord, stage: String, mode: PipelineV2.ExecutionMode?, others: [ExecutionRecord]) -> StageEntry {
        guard let mode, mode != .parallel else { return .enter }
        let live = others.filter { $0.snapshot.id != record.snapshot.id && !$0.snapshot.state.isFinal }
        if mode == .superseded, let newer = live.filter({ $0.sequence > record.sequence && $0.waitingForStage == stage }).max(by: { $0.sequence < $1.sequence }) {
            return .superseded(by: newer.snapshot.id)
        }
        if let occupant = live.first(where: { occupies($0, stage) }) {
            return .wait(behind: occupant.snapshot.id, inStage: true)
        }
        if mode == .queued, let earlier = live.filter({ $0.sequence < record.sequence && $0.waitingForStage == stage })
            .min(by: { $0.sequence < $1.sequence }) {
            return .wait(behind: earlier.snapshot.id, inStage: false)
        }
        return .enter
    }

    /// A run is in a stage from its first action's start until the stage ends (an approval waiting included).
    static func occupies(_ record: ExecutionRecord, _ stage: String) -> Bool {
        guard let found = record.snapshot.stages.first(where: { $0.name == stage }) else { return false }
        return [.inProgress, .waitingForApproval].contains(found.state)
    }
}

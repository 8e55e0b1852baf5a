import CopilotRules
import Foundation

// Holding a run at the entry of a stage: while another run is in it (the pipeline's execution mode), and
// while the stage's before-entry gate is closed (a deployment window).
extension LocalEngine {
    /// Waits until `record` may enter stage `index`, saying once on the console why it waits; on entering,
    /// the stage is marked in progress under the pipeline's lock, so two runs cannot enter together. Returns
    /// false when the run ended meanwhile: superseded by a newer run, or stopped.
    func awaitEntry(_ record: inout ExecutionRecord, stage index: Int, display: ExecutionDisplay) async throws -> Bool {
        let stage = record.snapshot.stages[index].name
        let settings = record.pipeline.v2
        let rules = settings?.settings(ofStage: stage)?.beforeEntry ?? []
        let windows = try rules.compactMap { rule -> (String, DeploymentWindow)? in
            guard case .deploymentWindow(let name, let cron, let zone) = rule else { return nil }
            return (name, try DeploymentWindow(cron: cron, timeZone: zone))
        }
        for rule in rules where rule.provider != PipelineV2.GateRule.windowProvider {
            console.message("\(stage): the gate's rule \(rule.name) (\(rule.provider)) needs AWS, which the local target "
                            + "does not reach: it enters without that rule (the aws target applies it)")
        }
        guard settings?.executionMode ?? .parallel != .parallel || !windows.isEmpty else { return true }
        let pipelineLock = try FileLock(store.pipelineLockFile(record.pipeline.name))
        var said: String?
        while true {
            if try pendingStop(record) != nil {
                record.waitingForStage = nil
                _ = try finishStopped(&record, display: display)
                return false
            }
            guard try await pipelineLock.lock(timeout: .seconds(10)) else { continue }
            let decision = StageEntry.decide(record, stage: stage, mode: settings?.executionMode, others: try records(record.pipeline.name))
            let moment = now()
            var reason: String?
            switch decision {
            case .superseded(let newer):
                record.waitingForStage = nil
                record.snapshot.stopReason = "superseded by run \(newer) at the entry of \(stage)"
                record.finish(.stopped, now: moment)
                try save(record)
                pipelineLock.unlock()
                console.message("run \(record.snapshot.id) is superseded by run \(newer), which came to \(stage) after it")
                display.show(record.snapshot, now: moment)
                return false
            case .wait(let behind, let inStage):
                reason = "run \(behind) is \(inStage ? "in it" : "waiting ahead of it") (\(settings?.executionMode.word ?? "") mode)"
            case .enter:
                if let (name, window) = windows.first(where: { !$0.1.isOpen(at: moment) }) {
                    let opening = window.nextOpening(after: moment).map { " (it opens \(Self.moment($0, in: window.timeZone)))" } ?? ""
                    reason = "its deployment window \(name) (\(window.cron), \(window.timeZone.identifier)) is closed\(opening)"
                }
            }
            guard let reason else {
                record.waitingForStage = nil
                record.snapshot.stages[index].state = .inProgress
                try save(record)
                pipelineLock.unlock()
                return true
            }
            if record.waitingForStage != stage {
                record.waitingForStage = stage
                try save(record)
            }
            pipelineLock.unlock()
            if reason != said {
                console.message("run \(record.snapshot.id) waits to enter \(stage): \(reason)")
                said = reason
            }
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                record.waitingForStage = nil
                record.snapshot.stopReason = Interruption.reason
                record.finish(.stopped, now: now())
                try save(record)
                throw CancellationError()
            }
        }
    }

    /// "2026-12-07 16:00:00 Europe/Paris".
    static func moment(_ date: Date, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date) + " " + zone.identifier
    }
}

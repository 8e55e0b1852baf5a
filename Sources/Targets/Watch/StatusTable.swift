import CopilotRules
import Errors
import Foundation

/// `status`: the latest execution as Copilot's `pipeline status` prints it — Stage, Transition,
/// Status, with each stage's actions beneath — or as JSON for scripts.
public enum StatusTable {
    /// The table, ending with a newline. `theme` paints the states; a value of the last execution's
    /// rows (a failure's reason) too long for `columns` goes on under its column.
    public static func render(_ snapshot: ExecutionSnapshot, now: Date = Date(), theme: ColorTheme? = nil, columns: Int = .max) -> String {
        let palette = Palette(theme: theme)
        var rows: [(stage: String, transition: String, status: RunState)] = []
        for (index, stage) in snapshot.stages.enumerated() {
            // The first stage has no inbound transition, as in CodePipeline.
            let transition = index == 0 ? "-" : (stage.transitionEnabled ? "ENABLED" : "DISABLED")
            rows.append((stage.name, transition, stage.state))
            for (actionIndex, action) in stage.actions.enumerated() {
                let branch = actionIndex == stage.actions.count - 1 ? "└── " : "├── "
                rows.append((branch + action.name, "", action.state))
            }
        }
        let stageWidth = max("Stage".count, rows.map(\.stage.count).max() ?? 0) + 4
        let transitionWidth = max("Transition".count, rows.map(\.transition.count).max() ?? 0) + 4
        func row(_ stage: String, _ transition: String, _ status: String) -> String {
            (stage.padding(toLength: stageWidth, withPad: " ", startingAt: 0)
                + transition.padding(toLength: transitionWidth, withPad: " ", startingAt: 0)
                + status).trailingSpacesRemoved
        }

        var lines = ["Pipeline Status", "",
                     palette.bold(row("Stage", "Transition", "Status")),
                     row("-----", "----------", "------")]
        lines += rows.map { row($0.stage, $0.transition, palette.paint($0.status.rawValue, $0.status)) }
        lines += ["", "Last Execution", ""]
        var about: [(String, String)] = [("Pipeline", snapshot.pipeline), ("Execution", snapshot.id),
                                         ("Status", palette.paint(snapshot.state.rawValue, snapshot.state))]
        if let source = snapshot.sourceSummary ?? snapshot.sourceRevision { about.append(("Source", source)) }
        if let trigger = snapshot.trigger { about.append(("Trigger", trigger.type + (trigger.detail.map { " (\($0))" } ?? ""))) }
        if let variables = snapshot.variables, !variables.isEmpty { about.append(("Variables", PipelineV2.describe(variables))) }
        if let started = snapshot.startedAt {
            about.append(("Started", ago(started, now: now)))
        }
        if let finished = snapshot.finishedAt { about.append(("Finished", ago(finished, now: now))) }
        if let reason = snapshot.failureReason { about.append(("Reason", reason)) }
        for approval in snapshot.waitingApprovals {
            about.append(("Waiting", "\(approval.action): approve \(approval.environment) | reject \(approval.environment)"))
        }
        let labelWidth = about.map(\.0.count).max() ?? 0
        let valueColumn = String(repeating: " ", count: labelWidth + 4)
        lines += about.flatMap {
            TextLayout.wrap("  " + $0.0.padding(toLength: labelWidth + 2, withPad: " ", startingAt: 0) + $0.1, width: columns, hanging: valueColumn)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The execution as the live `watch` tree draws it (states, times, summaries), for `history EXECUTION`.
    public static func tree(_ snapshot: ExecutionSnapshot, now: Date = Date(), theme: ColorTheme? = nil) -> [String] {
        ExecutionTree(palette: Palette(theme: theme)).lines(snapshot, now: now)
    }

    /// The snapshot as JSON (sorted keys, ISO 8601 dates), ending with a newline. Slashes stay bare, so an
    /// address is one piece of text the output's token masking reads as a URL, not a token.
    public static func json(_ snapshot: ExecutionSnapshot) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(snapshot), as: UTF8.self) + "\n"
    }

    /// "12s ago", "3m04s ago".
    static func ago(_ date: Date, now: Date) -> String {
        formatElapsed(now.timeIntervalSince(date)) + " ago"
    }
}

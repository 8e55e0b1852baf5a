import Foundation
import Targets

/// Plain-text lines for an execution: one per stage, its actions beneath.
enum ExecutionText {
    static func write(_ snapshot: ExecutionSnapshot, to output: Output) {
        output.line("\(snapshot.pipeline) run \(snapshot.id): \(snapshot.state.rawValue)", style: .bold)
        for stage in snapshot.stages {
            output.line("  \(stage.name.padded(to: 20)) \(stage.state.rawValue)")
            for action in stage.actions {
                output.line("    \(action.name.padded(to: 18)) \(action.state.rawValue)\(action.summary.map { "  \($0)" } ?? "")")
            }
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}

/// `--json` output: sorted keys, ISO 8601 dates, one line.
enum JSONText {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

import CopilotRules
import Foundation

/// The pipeline variables in a run's action configuration.
enum RunVariables {
    /// `text` with each `#{variables.NAME}` replaced by the run's value (the rule book has refused a name the
    /// pipeline does not declare; a run recorded before a `var rm` can still hold one, which fails the action).
    static func resolve(_ text: String, _ values: [String: String]) throws -> String {
        var result = ""
        var rest = Substring(text)
        let opening = "#{variables."
        while let start = rest.range(of: opening), let end = rest[start.upperBound...].firstIndex(of: "}") {
            result += rest[..<start.lowerBound]
            let name = String(rest[start.upperBound..<end])
            guard let value = values[name] else {
                throw LocalTargetError("\(text) uses #{variables.\(name)}, but this run has no variable \(name)",
                                       hint: "`var ls` lists the pipeline's variables; `push` records them, then `release`")
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

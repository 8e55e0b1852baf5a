import AWS

/// A change set as `push` shows it before asking: one line per resource, then the counts.
enum ChangeSetPlan {
    static func lines(_ changes: [CloudFormation.ResourceChange], stack: String, creating: Bool) -> [String] {
        var lines = ["Plan for stack \(stack) (\(creating ? "create" : "update")):"]
        let width = changes.map { ($0.logicalResourceId ?? "").count }.max() ?? 0
        var counts = (add: 0, modify: 0, replace: 0, remove: 0)
        for change in changes {
            let symbol: String
            switch change.action {
            case .add?: symbol = "+"; counts.add += 1
            case .remove?: symbol = "-"; counts.remove += 1
            default: symbol = "~"; counts.modify += 1
            }
            var line = "  \(symbol) " + (change.logicalResourceId ?? "?").padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + (change.resourceType ?? "")
            switch change.replacement {
            case .always?: line += "  (replaced)"; counts.replace += 1
            case .conditional?: line += "  (may be replaced)"; counts.replace += 1
            default: break
            }
            lines.append(line)
        }
        var summary = "\(counts.add) to add, \(counts.modify) to change"
        if counts.replace > 0 { summary += " (\(counts.replace) replaced)" }
        summary += ", \(counts.remove) to remove."
        lines.append(summary)
        return lines
    }
}

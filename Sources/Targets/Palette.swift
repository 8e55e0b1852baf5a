// The colours of the run states, one for every picture of a run: the watch tree, `status` and the graph.

/// Colours for states, applied only when the console has colour.
struct Palette {
    let enabled: Bool

    func paint(_ text: String, _ state: RunState) -> String {
        enabled ? "\u{1B}[\(Self.code(state))m\(text)\u{1B}[0m" : text
    }

    /// The SGR code of a state's colour (the graph's cells use it too).
    static func code(_ state: RunState) -> String {
        switch state {
        case .succeeded: return "32"
        case .failed, .rejected, .abandoned: return "31"
        case .inProgress: return "36"
        case .waitingForApproval: return "33"
        case .pending, .stopped: return "2"
        }
    }

    func dim(_ text: String) -> String { enabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
}

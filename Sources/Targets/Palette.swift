// The colours of the run states, one for every picture of a run: the watch tree, `status` and the graph.

/// Colours for states, applied only when there is a theme.
struct Palette {
    let theme: ColorTheme?

    func paint(_ text: String, _ state: RunState) -> String { paint(text, Self.tone(state)) }

    /// The tone of a state's colour (the graph's cells use it too).
    static func tone(_ state: RunState) -> ColorTheme.Tone {
        switch state {
        case .succeeded: return .success
        case .failed, .rejected, .abandoned: return .failure
        case .inProgress, .stopping: return .info
        case .waitingForApproval: return .attention
        case .pending, .stopped: return .quiet
        }
    }

    func dim(_ text: String) -> String { paint(text, .quiet) }
    func bold(_ text: String) -> String { paint(text, .strong) }

    private func paint(_ text: String, _ tone: ColorTheme.Tone) -> String { theme?.paint(text, tone) ?? text }
}

extension RunState {
    /// The tone of the state's colour wherever a state is painted.
    public var tone: ColorTheme.Tone { Palette.tone(self) }
}

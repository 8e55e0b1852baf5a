/// Where the person is, as the prompt shows it: `demo/api-main [local]*> `.
struct PromptInfo: Equatable, Sendable {
    var application: String?
    var pipeline: String?
    /// "local" or "aws".
    var target: String?
    /// Edits not yet written by `save`.
    var hasUnsavedEdits: Bool

    init(application: String? = nil, pipeline: String? = nil, target: String? = nil, hasUnsavedEdits: Bool = false) {
        self.application = application
        self.pipeline = pipeline
        self.target = target
        self.hasUnsavedEdits = hasUnsavedEdits
    }
}

/// Renders prompts, in colour or not.
struct PromptStyle {
    /// libedit's marker around non-printing sequences in a prompt (EL_PROMPT_ESC), so that
    /// colour codes do not count towards the prompt's width.
    static let ignoreMarker: UInt8 = 1

    var colour: Bool

    /// Colour on a terminal that can show it, unless NO_COLOR is set (https://no-color.org).
    static func forTerminal(isTerminal: Bool, environment: [String: String]) -> PromptStyle {
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        return PromptStyle(colour: isTerminal && !noColour)
    }

    func prompt(_ info: PromptInfo) -> String {
        var text = ""
        if let application = info.application {
            text += paint(application, "1;36")
            if let pipeline = info.pipeline { text += paint("/" + pipeline, "1;36") }
        } else {
            text += paint("sluice", "1;36")
        }
        if let target = info.target { text += " " + paint("[\(target)]", "33") }
        if info.hasUnsavedEdits { text += paint("*", "1;31") }
        return text + "> "
    }

    /// Shown while an entry goes on: after an open quote or a trailing backslash.
    func continuationPrompt(_ info: PromptInfo) -> String {
        // Right-aligned under the main prompt, so the continued text lines up with the first line.
        let visibleWidth = PromptStyle(colour: false).prompt(info).count
        return String(repeating: " ", count: max(0, visibleWidth - 2)) + paint("…", "2") + " "
    }

    private func paint(_ text: String, _ sgr: String) -> String {
        guard colour else { return text }
        let marker = Character(Unicode.Scalar(Self.ignoreMarker))
        return "\(marker)\u{1B}[\(sgr)m\(marker)\(text)\(marker)\u{1B}[0m\(marker)"
    }
}

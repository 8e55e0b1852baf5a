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
        var text = StyledText(colour: colour)
        if let application = info.application {
            text.append(application + (info.pipeline.map { "/" + $0 } ?? ""), "1;36")
        } else {
            text.append("sluice", "1;36")
        }
        if let target = info.target {
            text.append(" ")
            text.append("[\(target)]", "33")
        }
        if info.hasUnsavedEdits { text.append("*", "1;31") }
        text.append("> ")
        return text.rendered
    }

    /// Shown while an entry goes on: after an open quote or a trailing backslash.
    func continuationPrompt(_ info: PromptInfo) -> String {
        // Right-aligned under the main prompt, so the continued text lines up with the first line.
        let visibleWidth = PromptStyle(colour: false).prompt(info).count
        var text = StyledText(colour: colour)
        text.append(String(repeating: " ", count: max(0, visibleWidth - 2)))
        text.append("…", "2")
        text.append(" ")
        return text.rendered
    }
}

/// Prompt text with colour escapes bracketed by `PromptStyle.ignoreMarker`. Escapes that
/// meet are merged into one bracketed run: libedit (3.1-20221030) garbles the prompt when
/// one bracketed run directly follows another.
private struct StyledText {
    let colour: Bool
    private var text = ""
    private var pendingEscapes = ""

    init(colour: Bool) { self.colour = colour }

    mutating func append(_ visible: String, _ sgr: String? = nil) {
        if colour, let sgr { pendingEscapes += "\u{1B}[\(sgr)m" }
        if !pendingEscapes.isEmpty {
            let marker = String(Unicode.Scalar(PromptStyle.ignoreMarker))
            text += marker + pendingEscapes + marker
            pendingEscapes = ""
        }
        text += visible
        if colour, sgr != nil { pendingEscapes += "\u{1B}[0m" }
    }

    /// Ends with visible text (the prompt's "> "), so no escape is left pending.
    var rendered: String { text }
}

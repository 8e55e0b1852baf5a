import Targets
#if canImport(Glibc)
import Glibc
#endif

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

/// Renders prompts, in the theme's colours or plain.
struct PromptStyle {
    /// libedit's marker around non-printing sequences in a prompt (EL_PROMPT_ESC), so that
    /// colour codes do not count towards the prompt's width.
    static let ignoreMarker: UInt8 = 1

    var theme: ColorTheme?

    /// The theme of standard output (none off a terminal, under NO_COLOR or TERM=dumb).
    static func forTerminal(environment: [String: String]) -> PromptStyle {
        PromptStyle(theme: ColorTheme.forOutput(STDOUT_FILENO, environment: environment))
    }

    func prompt(_ info: PromptInfo) -> String {
        var text = StyledText(theme: theme)
        if let application = info.application {
            text.append(application + (info.pipeline.map { "/" + $0 } ?? ""), [.strong, .info])
        } else {
            text.append("sluice", [.strong, .info])
        }
        if let target = info.target {
            text.append(" ")
            text.append("[\(target)]", [.attention])
        }
        if info.hasUnsavedEdits { text.append("*", [.strong, .failure]) }
        text.append("> ")
        return text.rendered
    }

    /// Shown while an entry goes on: after an open quote or a trailing backslash.
    func continuationPrompt(_ info: PromptInfo) -> String {
        // Right-aligned under the main prompt, so the continued text lines up with the first line.
        let visibleWidth = PromptStyle(theme: nil).prompt(info).count
        var text = StyledText(theme: theme)
        text.append(String(repeating: " ", count: max(0, visibleWidth - 2)))
        text.append("…", [.quiet])
        text.append(" ")
        return text.rendered
    }

    /// `prompt` as the terminal shows it: without libedit's markers.
    static func shown(_ prompt: String) -> String {
        prompt.replacingOccurrences(of: String(Unicode.Scalar(ignoreMarker)), with: "")
    }
}

/// Prompt text with colour escapes bracketed by `PromptStyle.ignoreMarker`. Escapes that
/// meet are merged into one bracketed run: libedit (3.1-20221030) garbles the prompt when
/// one bracketed run directly follows another.
private struct StyledText {
    let theme: ColorTheme?
    private var text = ""
    private var pendingEscapes = ""

    init(theme: ColorTheme?) { self.theme = theme }

    mutating func append(_ visible: String, _ tones: [ColorTheme.Tone] = []) {
        let painted = theme != nil && !tones.isEmpty
        if let theme, painted { pendingEscapes += "\u{1B}[\(tones.map(theme.code).joined(separator: ";"))m" }
        if !pendingEscapes.isEmpty {
            let marker = String(Unicode.Scalar(PromptStyle.ignoreMarker))
            text += marker + pendingEscapes + marker
            pendingEscapes = ""
        }
        text += visible
        if painted { pendingEscapes += "\u{1B}[0m" }
    }

    /// Ends with visible text (the prompt's "> "), so no escape is left pending.
    var rendered: String { text }
}

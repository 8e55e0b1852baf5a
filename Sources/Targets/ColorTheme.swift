#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The colours sluice paints with. `dark` (the default) suits a dark terminal; `light` is for a
/// white background and a projector: dark, saturated colours (256-colour codes) and no faint
/// text, which washes out there. Chosen with `sluice --theme` or SLUICE_THEME; no theme at all —
/// plain text — off a terminal, under NO_COLOR or with TERM=dumb.
public enum ColorTheme: String, CaseIterable, Sendable {
    case dark
    case light

    /// The variable that chooses the theme when `--theme` does not.
    public static let environmentVariable = "SLUICE_THEME"

    /// What a piece of text is; each theme paints it its own way.
    public enum Tone: Sendable {
        /// Headings, names that matter.
        case strong
        /// What comes second: narration, notes, pending states.
        case quiet
        case failure
        case success
        /// Something waits or deserves a look: a warning, an approval.
        case attention
        /// A pointer to what to do next: hints, running states.
        case info
    }

    /// The SGR parameters of `tone`.
    public func code(_ tone: Tone) -> String {
        switch (self, tone) {
        case (_, .strong): return "1"
        case (.dark, .quiet): return "2"
        case (.dark, .failure): return "31"
        case (.dark, .success): return "32"
        case (.dark, .attention): return "33"
        case (.dark, .info): return "36"
        case (.light, .quiet): return "38;5;240"
        case (.light, .failure): return "1;38;5;160"
        case (.light, .success): return "38;5;28"
        case (.light, .attention): return "38;5;130"
        case (.light, .info): return "38;5;25"
        }
    }

    /// `text` in `tone`, reset after.
    public func paint(_ text: String, _ tone: Tone) -> String {
        "\u{1B}[\(code(tone))m\(text)\u{1B}[0m"
    }

    /// The theme the environment chooses (SLUICE_THEME, else dark); nil when it names none.
    public static func chosen(by environment: [String: String]) -> ColorTheme? {
        guard let name = environment[environmentVariable], !name.isEmpty else { return .dark }
        return ColorTheme(rawValue: name)
    }

    /// The theme for what is written to `descriptor`: nil (no colour) unless it is a terminal, NO_COLOR
    /// is unset or empty (https://no-color.org) and TERM is not `dumb`.
    public static func forOutput(_ descriptor: Int32, environment: [String: String]) -> ColorTheme? {
        guard isatty(descriptor) == 1, environment["TERM"] != "dumb", (environment["NO_COLOR"] ?? "").isEmpty else { return nil }
        return chosen(by: environment) ?? .dark
    }
}

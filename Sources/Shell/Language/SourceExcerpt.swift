import Errors

/// The line of an entry an error is on, with a caret under the word it is about: how an error
/// at the prompt points at what was typed (as psql does), instead of naming `<prompt>:1:7`.
enum SourceExcerpt {
    /// Two lines, the entry's line (`line N: ` before it when the entry has several) and the caret
    /// under the word at `location`; nil when the location is not in `text`. At most `width` columns:
    /// a longer line is cut around the word, `…` marking each cut.
    static func lines(_ text: String, at location: ScriptLocation, width: Int) -> [String]? {
        let sourceLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= sourceLines.count, location.column >= 1 else { return nil }
        let line = Array(sourceLines[location.line - 1])
        guard location.column <= line.count + 1 else { return nil }
        let start = location.column - 1
        let length = max(1, wordLength(line[start...]))
        let label = sourceLines.count > 1 ? "line \(location.line): " : ""
        // Cut the line to fit: keep the word and what leads to it, as much of both sides as fits.
        var visible = line[...]
        var lead = "", trail = ""
        let room = max(20, width - label.count)
        if TextLayout.width(String(line)) > room {
            let before = max(0, start - room / 3)
            let after = min(line.count, max(start + length, before + room - 2))
            visible = line[before..<after]
            lead = before > 0 ? "…" : ""
            trail = after < line.count ? "…" : ""
            while TextLayout.width(lead + String(visible) + trail) > room, visible.endIndex > start + 1 {
                visible = visible.dropLast()
                trail = "…"
            }
        }
        let shown = label + lead + String(visible) + trail
        // The caret's column: the same characters' widths as the text above it (a tab stays a tab).
        let pad = (label + lead + String(line[visible.startIndex..<start])).map { $0 == "\t" ? "\t" : String(repeating: " ", count: TextLayout.width(of: $0)) }.joined()
        let underlined = min(length, max(1, visible.endIndex - start))
        return [shown, pad + "^" + String(repeating: "~", count: underlined - 1)]
    }

    /// How many characters the word starting `rest` takes: a quoted word to its closing quote,
    /// otherwise up to a blank or `;`.
    private static func wordLength(_ rest: ArraySlice<Character>) -> Int {
        guard let first = rest.first else { return 0 }
        if first == "'" || first == "\"" {
            var escaped = false
            for (offset, character) in rest.dropFirst().enumerated() {
                if escaped { escaped = false; continue }
                if character == "\\", first == "\"" { escaped = true; continue }
                if character == first { return offset + 2 }
            }
            return rest.count
        }
        return rest.prefix { !$0.isWhitespace && $0 != ";" }.count
    }
}

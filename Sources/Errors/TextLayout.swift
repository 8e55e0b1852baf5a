// The one text layout of sluice's messages: every message a person reads (an error and its hint,
// help, a note, the narration of a replay) is measured in terminal columns and wrapped between
// words here, so no screen shows a word cut in the middle. A word wider than a line (a path, a URL)
// stays whole, to be copied; only the picture's boxes, which cannot grow, break one (`TerminalText`,
// whose measure this shares).

import Text

/// Text measured and wrapped in terminal columns.
public enum TextLayout {
    /// Columns `text` takes on a terminal, as the picture measures it (`TerminalText`).
    public static func width(_ text: some StringProtocol) -> Int { TerminalText.width(text) }

    public static func width(of character: Character) -> Int { TerminalText.width(of: character) }

    /// Holds two words together: `TextLayout.wrap` does not break there.
    public static let noBreakSpace: Character = "\u{00A0}"

    /// `text` as one unbreakable piece: its blanks made no-break spaces.
    public static func unbroken(_ text: String) -> String {
        String(text.map { $0 == " " ? noBreakSpace : $0 })
    }

    /// `text` in lines of at most `width` columns, broken between words: each paragraph (a line
    /// of `text`) on its own, its first line after `indent`, the lines it wraps onto after
    /// `hanging` (default: `indent`). Blanks inside a line are kept; those at a break go. A no-break
    /// space (U+00A0) holds the words on its sides together, and is written as a blank.
    public static func wrap(_ text: String, width: Int, indent: String = "", hanging: String? = nil) -> [String] {
        // Most messages fit as they are: a UTF-8 byte is never narrower than the column it takes.
        if indent.isEmpty, text.utf8.count <= width, !text.utf8.contains(UInt8(ascii: "\n")), !text.contains(noBreakSpace) {
            return [text]
        }
        let hanging = hanging ?? indent
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += wrap(paragraph: paragraph, width: width, indent: indent, hanging: hanging)
        }
        return lines.map { $0.contains(noBreakSpace) ? String($0.map { $0 == noBreakSpace ? " " : $0 }) : $0 }
    }

    private static func wrap(paragraph: Substring, width: Int, indent: String, hanging: String) -> [String] {
        var lines: [String] = []
        var prefix = indent
        var room = max(1, width - TextLayout.width(prefix))
        var line = ""
        var lineWidth = 0
        // Words placed on this line (an empty one is a blank of a run of blanks).
        var words = 0
        func breakLine() {
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(prefix + line)
            prefix = hanging
            room = max(1, width - TextLayout.width(prefix))
            line = ""
            lineWidth = 0
            words = 0
        }
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
            if words == 0, !lines.isEmpty, word.isEmpty { continue }  // blanks where the line broke
            let wordWidth = TextLayout.width(word)
            let separator = words == 0 ? 0 : 1
            if lineWidth + separator + wordWidth <= room {
                line += (separator == 1 ? " " : "") + word
                lineWidth += separator + wordWidth
                words += 1
                continue
            }
            if words > 0, line.contains(where: { $0 != " " }) {
                breakLine()
                if word.isEmpty { continue }
            }
            // The word starts this line (after the paragraph's leading blanks, if any) and is wider than what is left.
            line = (words == 0 ? "" : line + " ") + word
            lineWidth = TextLayout.width(line)
            words += 1
        }
        lines.append(prefix + line)
        return lines
    }
}

// The one text layout of sluice: every message a person reads (an error and its hint, help, a
// note, the narration of a replay, the boxes of the pipeline's picture) is measured in terminal
// columns and wrapped between words here, so no screen shows a word cut in the middle.

/// Text measured and wrapped in terminal columns.
public enum TextLayout {
    /// Columns `text` takes on a terminal: wide East Asian characters two, combining marks none.
    public static func width(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    public static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return 0 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Holds two words together: `TextLayout.wrap` does not break there.
    public static let noBreakSpace: Character = "\u{00A0}"

    /// `text` as one unbreakable piece: its blanks made no-break spaces.
    public static func unbroken(_ text: String) -> String {
        String(text.map { $0 == " " ? noBreakSpace : $0 })
    }

    /// What to do with a word wider than a whole line.
    public enum LongWords: Sendable {
        /// Keep it whole on a line of its own (a message: a path or URL stays one piece to copy;
        /// the terminal shows it on as many rows as it needs).
        case keep
        /// Break it after a `/`, `-`, `:` or `.` where one fits, else where the line ends (a box
        /// of the pipeline's picture cannot grow).
        case breakApart
    }

    /// `text` in lines of at most `width` columns, broken between words: each paragraph (a line
    /// of `text`) on its own, its first line after `indent`, the lines it wraps onto after
    /// `hanging` (default: `indent`). Blanks inside a line are kept; those at a break go. A no-break
    /// space (U+00A0) holds the words on its sides together, and is written as a blank.
    public static func wrap(_ text: String, width: Int, indent: String = "", hanging: String? = nil,
                            longWords: LongWords = .keep) -> [String] {
        // Most messages fit as they are: a UTF-8 byte is never narrower than the column it takes.
        if indent.isEmpty, text.utf8.count <= width, !text.utf8.contains(UInt8(ascii: "\n")), !text.contains(noBreakSpace) {
            return [text]
        }
        let hanging = hanging ?? indent
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += wrap(paragraph: paragraph, width: width, indent: indent, hanging: hanging, longWords: longWords)
        }
        return lines.map { $0.contains(noBreakSpace) ? String($0.map { $0 == noBreakSpace ? " " : $0 }) : $0 }
    }

    private static func wrap(paragraph: Substring, width: Int, indent: String, hanging: String, longWords: LongWords) -> [String] {
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
            var lead = words == 0 ? "" : line + " "
            var rest = word
            if longWords == .breakApart {
                while TextLayout.width(lead) + TextLayout.width(rest) > room {
                    let (head, tail) = split(rest, width: max(1, room - TextLayout.width(lead)))
                    line = lead + head
                    breakLine()
                    lead = ""
                    rest = tail
                }
            }
            line = lead + rest
            lineWidth = TextLayout.width(line)
            words += 1
        }
        lines.append(prefix + line)
        return lines
    }

    /// The longest head of `word` that fits `width`, preferring to end at a separator.
    private static func split(_ word: Substring, width: Int) -> (Substring, Substring) {
        var fitting = word.startIndex
        var used = 0
        for index in word.indices {
            let next = used + TextLayout.width(of: word[index])
            if next > width { break }
            used = next
            fitting = word.index(after: index)
        }
        if fitting == word.startIndex { fitting = word.index(after: word.startIndex) }
        let head = word[..<fitting]
        if let separator = head.dropLast().lastIndex(where: { "/-:.".contains($0) }),
           head.distance(from: head.startIndex, to: separator) >= head.count / 2 {
            let cut = word.index(after: separator)
            return (word[..<cut], word[cut...])
        }
        return (head, word[fitting...])
    }
}

/// Text measured and wrapped in terminal columns, in time linear in its length.
public enum TerminalText {
    /// Columns `text` takes on a terminal: wide East Asian characters two, combining marks none.
    public static func width<Text: StringProtocol>(_ text: Text) -> Int {
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

    /// `text` in lines of at most `width` columns, broken between words (at spaces); a word longer
    /// than a line is broken after a `/`, `-`, `:` or `.` in the second half of the line, else where
    /// the line ends. Each character is measured once and looked at no more than twice.
    public static func wrap(_ text: String, width: Int) -> [String] {
        let limit = max(1, width)
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let wordWidth = self.width(word)
            let joinedWidth = line.isEmpty ? wordWidth : lineWidth + 1 + wordWidth
            if joinedWidth <= limit {
                if !line.isEmpty { line += " " }
                line += word
                lineWidth = joinedWidth
                continue
            }
            if !line.isEmpty { lines.append(line) }
            (line, lineWidth) = breakWord(Array(word), width: wordWidth, limit: limit, into: &lines)
        }
        lines.append(line)
        return lines
    }

    /// Appends the whole lines `word` fills to `lines`; returns the part left for the next line.
    private static func breakWord(_ characters: [Character], width wordWidth: Int, limit: Int,
                                  into lines: inout [String]) -> (String, Int) {
        let widths = characters.map(width(of:))
        var start = 0
        var remaining = wordWidth
        while remaining > limit {
            // The longest head that fits (at least one character), and the last separator before its end.
            var end = start, used = 0
            var separator: Int?
            while end < characters.count, used + widths[end] <= limit {
                if end > start, "/-:.".contains(characters[end - 1]) { separator = end - 1 }
                used += widths[end]
                end += 1
            }
            if end == start {
                used = widths[start]
                end = start + 1
            }
            var cut = end
            if let separator, separator - start >= (end - start) / 2 {
                cut = separator + 1
                used = widths[start..<cut].reduce(0, +)
            }
            lines.append(String(characters[start..<cut]))
            remaining -= used
            start = cut
        }
        return (String(characters[start...]), remaining)
    }
}

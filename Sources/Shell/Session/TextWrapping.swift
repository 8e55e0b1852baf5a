/// Text broken into lines at spaces, for the terminal's width: no word is cut in the middle.
enum TextWrapping {
    /// `text` in lines of at most `width` characters, broken at spaces (a word longer than a line
    /// stands alone on its own); its own line breaks are kept.
    static func lines(_ text: String, width: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { paragraph -> [String] in
            var lines: [String] = []
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty, line.count + 1 + word.count > width {
                    lines.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            return lines + [line]
        }
    }
}

extension Output {
    /// Writes `text` wrapped to the output's width, each line after `indent` (the first after
    /// `firstIndent` when given: a label, a bullet).
    public func paragraph(_ text: String, style: Style = .plain, indent: String = "", firstIndent: String? = nil) {
        let lead = firstIndent ?? indent
        let room = max(20, columns - max(lead.count, indent.count))
        for (index, line) in TextWrapping.lines(text, width: room).enumerated() {
            self.line((index == 0 ? lead : indent) + line, style: style)
        }
    }
}

// The manifest's text as lines, the unit of every surgical edit, and how new scalars are spelled.

/// The text split into lines where YAML readers break them (LF, CRLF, CR, and YAML 1.1's NEL, LS and
/// PS, which libyaml counts too), so a node's line in the parser's marks is its index here. Each line
/// keeps its own break and a leading byte-order mark is kept aside (readers skip it, so line 1's
/// columns start after it): joining gives back the exact text. Inserted lines get the file's own
/// line ending.
struct TextLines {
    /// Each line's text, without its line break.
    private(set) var lines: [Substring]
    /// The break that ends each line; "" after the last.
    private var breaks: [Substring]
    private let byteOrderMark: Substring
    /// The break new lines get: the file's most common one, LF when it has none.
    private let newline: Substring

    init(_ text: String) {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        if scalars.first == "\u{FEFF}" { start = scalars.index(after: start) }
        byteOrderMark = Substring(scalars[scalars.startIndex..<start])
        var lines: [Substring] = [], breaks: [Substring] = []
        var index = start
        while index < scalars.endIndex {
            guard Self.isBreak(scalars[index]) else {
                index = scalars.index(after: index)
                continue
            }
            var end = scalars.index(after: index)
            if scalars[index] == "\r", end < scalars.endIndex, scalars[end] == "\n" { end = scalars.index(after: end) }
            lines.append(Substring(scalars[start..<index]))
            breaks.append(Substring(scalars[index..<end]))
            start = end
            index = end
        }
        lines.append(Substring(scalars[start...]))
        breaks.append("")
        self.lines = lines
        self.breaks = breaks
        let usual: [Substring] = ["\n", "\r\n", "\r"]
        let uses = usual.map { convention in breaks.lazy.filter { $0 == convention }.count }
        newline = usual[uses.indices.max { uses[$0] < uses[$1] }!]
    }

    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    var count: Int { lines.count }

    func joined() -> String {
        String(byteOrderMark) + joined(0...(lines.count - 1))
    }

    /// Lines `range` with their breaks (the byte-order mark aside).
    func joined(_ range: ClosedRange<Int>) -> String {
        var text = ""
        for index in range {
            text += lines[index]
            text += breaks[index]
        }
        return text
    }

    /// Leading spaces of line `index` (0-based).
    func indent(_ index: Int) -> Int {
        var count = 0
        for character in lines[index].unicodeScalars {
            guard character == " " else { break }
            count += 1
        }
        return count
    }

    /// Only spaces or tabs.
    func isBlank(_ index: Int) -> Bool {
        lines[index].unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The first non-space character is `#`.
    func isComment(_ index: Int) -> Bool {
        lines[index].unicodeScalars.first { $0 != " " && $0 != "\t" } == "#"
    }

    /// The line's text after its indentation.
    func content(_ index: Int) -> Substring {
        lines[index].drop { $0 == " " }
    }

    /// The last line (0-based) of the block that starts on `start` and holds everything indented
    /// deeper than `indent`, blank lines inside it included, trailing blank lines excluded.
    /// Comment lines count by their indentation, so a comment at or left of `indent` ends the block
    /// (it is about what follows) — unless the block goes on after it: YAML ignores comments, so a
    /// deeper line after one still belongs to the block.
    func blockEnd(from start: Int, deeperThan indent: Int) -> Int {
        var last = start
        var index = start + 1
        while index < count {
            if isBlank(index) { index += 1; continue }
            if self.indent(index) <= indent {
                guard isComment(index) else { break }
                var next = index + 1
                while next < count, isBlank(next) || isComment(next) { next += 1 }
                guard next < count, self.indent(next) > indent else { break }
            }
            last = index
            index += 1
        }
        return last
    }

    /// Replaces lines `range` with `replacement` (each given without its line break). The last new
    /// line ends as the last replaced one did, and an edit at the end leaves the file ending as it
    /// did, with its final break or without one.
    mutating func replace(_ range: Range<Int>, with replacement: [String]) {
        let finalBreak = breaks[breaks.count - 1]
        var newBreaks = Array(repeating: newline, count: replacement.count)
        if !range.isEmpty, !replacement.isEmpty { newBreaks[newBreaks.count - 1] = breaks[range.upperBound - 1] }
        let endsFile = range.upperBound == lines.count
        lines.replaceSubrange(range, with: replacement.map { Substring($0) })
        breaks.replaceSubrange(range, with: newBreaks)
        if endsFile, let last = breaks.indices.last {
            if range.lowerBound > 0, range.lowerBound - 1 < last, breaks[range.lowerBound - 1].isEmpty {
                breaks[range.lowerBound - 1] = newline
            }
            breaks[last] = finalBreak
        }
        // A CR right before an empty line broken by LF would read as one CRLF, and that line would
        // vanish: such a new line ends in CRLF, such a new empty line in CR.
        let inserted = range.lowerBound..<(range.lowerBound + replacement.count)
        for index in max(0, range.lowerBound - 1)..<min(inserted.upperBound + 1, lines.count - 1)
        where breaks[index] == "\r" && lines[index + 1].isEmpty && breaks[index + 1].hasPrefix("\n") {
            if inserted.contains(index) { breaks[index] = "\r\n" } else { breaks[index + 1] = "\r" }
        }
    }
}

/// One replacement of whole lines, 0-based, computed against the unedited text.
struct LineSplice {
    var range: Range<Int>
    var lines: [String]
}

/// How sluice spells a new scalar so that any YAML reader, 1.1 or 1.2, reads back the same string.
enum YAMLScalar {
    /// Plain when that is unambiguous, otherwise single-quoted (double-quoted if it holds control characters).
    /// `inFlow` also quotes text with the flow indicators `,[]{}`.
    static func render(_ text: String, inFlow: Bool = false) -> String {
        if needsQuotes(text, inFlow: inFlow) {
            if text.unicodeScalars.contains(where: needsEscape) { return doubleQuoted(text) }
            // Literal: Foundation's default comparison does not see a `'` that a combining mark follows.
            return "'" + text.replacingOccurrences(of: "'", with: "''", options: .literal) + "'"
        }
        return text
    }

    /// A character no quoting but double quotes' escapes keeps: a tab, a line break (YAML folds it) or
    /// one outside YAML's printable set (libyaml refuses the file), such as C0 and C1 controls and a BOM.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF: false
        default: true
        }
    }

    private static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where !needsEscape(scalar): out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x80: out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
            }
        }
        return out + "\""
    }

    private static let indicators = Set("-?:,[]{}#&*!|>'\"%@`".unicodeScalars)

    /// Words YAML 1.1 or 1.2 would read as booleans or null.
    private static let specialWords: Set<String> = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ]

    /// By scalars, not Characters: YAML reads code points, and `#` or `, ` followed by a combining
    /// mark is one Character that a Character test would not see.
    static func needsQuotes(_ text: String, inFlow: Bool) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { return true }
        if first == " " || last == " " || first == "\t" || last == "\t" { return true }
        if indicators.contains(first) {
            // "-x", ":x", "?x" are plain in YAML, but a reader is better served by quotes than by that rule.
            return true
        }
        if last == ":" || zip(scalars, scalars.dropFirst()).contains(where: { pair in
            (pair.0 == ":" && (pair.1 == " " || pair.1 == "\t")) || ((pair.0 == " " || pair.0 == "\t") && pair.1 == "#")
        }) { return true }
        if scalars.contains(where: needsEscape) { return true }
        if inFlow, scalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return true }
        if specialWords.contains(text.lowercased()) { return true }
        return looksNumericOrDate(text)
    }

    /// Integers, floats, sexagesimals and dates that some YAML reader would not keep as strings.
    private static func looksNumericOrDate(_ text: String) -> Bool {
        let body = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        if body.isEmpty { return false }
        let lowered = body.lowercased()
        if [".inf", ".nan"].contains(lowered) { return true }
        if body.allSatisfy({ $0.isASCII && ($0.isNumber || "._:".contains($0)) }) && body.contains(where: \.isNumber) { return true }
        if lowered.hasPrefix("0x") || lowered.hasPrefix("0o") || lowered.hasPrefix("0b") { return true }
        // 1e5, 2.5E-3
        if body.first?.isNumber == true, lowered.contains("e"),
           lowered.allSatisfy({ $0.isASCII && ($0.isNumber || ".e+-_".contains($0)) }) { return true }
        // 2012-10-17 and timestamps that start with a date
        let digitsAndDashes = body.prefix(10)
        if digitsAndDashes.count == 10, digitsAndDashes.enumerated().allSatisfy({ index, character in
            index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
        }) { return true }
        return false
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

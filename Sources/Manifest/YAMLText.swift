// The manifest's text as lines, the unit of every surgical edit, and how new scalars are spelled.

/// The text split at "\n". A line keeps a trailing "\r" of a CRLF file, so joining the lines
/// gives back the exact bytes; inserted lines get the file's own line ending.
struct TextLines {
    var lines: [Substring]
    /// "\r" for CRLF files, "" otherwise: appended to every inserted line.
    let carriageReturn: String

    init(_ text: String) {
        // Split by scalars: "\r\n" is a single Character, so a Character split would miss CRLF lines.
        let scalars = text.unicodeScalars
        var lines: [Substring] = []
        var start = scalars.startIndex
        var index = start
        var previous: Unicode.Scalar = "\n"
        var crlf = false
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\n" {
                lines.append(Substring(scalars[start..<index]))
                start = scalars.index(after: index)
                crlf = crlf || previous == "\r"
            }
            previous = scalar
            index = scalars.index(after: index)
        }
        lines.append(Substring(scalars[start...]))
        self.lines = lines
        carriageReturn = crlf ? "\r" : ""
    }

    var count: Int { lines.count }

    func joined() -> String { lines.joined(separator: "\n") }

    /// Leading spaces of line `index` (0-based).
    func indent(_ index: Int) -> Int {
        var count = 0
        for character in lines[index].unicodeScalars {
            guard character == " " else { break }
            count += 1
        }
        return count
    }

    /// Only spaces, tabs or a carriage return.
    func isBlank(_ index: Int) -> Bool {
        lines[index].unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
    }

    /// The first non-space character is `#`.
    func isComment(_ index: Int) -> Bool {
        lines[index].unicodeScalars.first { $0 != " " && $0 != "\t" } == "#"
    }

    /// The line's text after its indentation, without a trailing "\r".
    func content(_ index: Int) -> Substring {
        var line = lines[index].drop { $0 == " " }
        if line.hasSuffix("\r") { line = line.dropLast() }
        return line
    }

    /// The last line (0-based) of the block that starts on `start` and holds everything indented
    /// deeper than `indent`, blank lines inside it included, trailing blank lines excluded.
    /// Comment lines count by their indentation, so a comment at or left of `indent` ends the block.
    func blockEnd(from start: Int, deeperThan indent: Int) -> Int {
        var last = start
        var index = start + 1
        while index < count {
            if isBlank(index) { index += 1; continue }
            if self.indent(index) <= indent { break }
            last = index
            index += 1
        }
        return last
    }

    /// Replaces lines `range` with `replacement` (each given without its line ending).
    mutating func replace(_ range: Range<Int>, with replacement: [String]) {
        lines.replaceSubrange(range, with: replacement.map { Substring($0 + carriageReturn) })
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
            if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return doubleQuoted(text)
            }
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        }
        return text
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
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static let indicators: Set<Character> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`"]

    /// Words YAML 1.1 or 1.2 would read as booleans or null.
    private static let specialWords: Set<String> = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ]

    static func needsQuotes(_ text: String, inFlow: Bool) -> Bool {
        guard let first = text.first, let last = text.last else { return true }
        if first == " " || last == " " || first == "\t" || last == "\t" { return true }
        if indicators.contains(first) {
            // "-x", ":x", "?x" are plain in YAML, but a reader is better served by quotes than by that rule.
            return true
        }
        if text.contains(": ") || text.contains(" #") || last == ":" { return true }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return true }
        if inFlow, text.contains(where: { ",[]{}".contains($0) }) { return true }
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

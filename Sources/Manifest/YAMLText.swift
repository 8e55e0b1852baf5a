// The manifest's text as lines, the unit of every surgical edit, and how new scalars are spelled.

/// The text split into lines where YAML readers break them (LF, CRLF, CR, and YAML 1.1's NEL, LS and
/// PS, which libyaml counts too), so a node's line in the parser's marks is its index here. Each line
/// keeps its own break and a leading byte-order mark is kept aside (readers skip it, so line 1's
/// columns start after it): joining gives back the exact text. Inserted lines get the file's own
/// line ending.
///
/// A document keeps its text only so: an edit replaces the lines it concerns and learns exactly what
/// it replaced (a ``LineEdit``, which undo puts back), and the whole text is joined only when it is
/// needed whole (saving, showing, comparing), so an edit costs the size of the edit, not of the file.
struct TextLines {
    struct Line: Equatable {
        var text: Substring
        /// The break that ends the line; "" after the last.
        var lineBreak: Substring

        var utf8Count: Int { text.utf8.count + lineBreak.utf8.count }
    }

    private var store: ChunkedArray<Line>
    private let byteOrderMark: Substring
    /// The break new lines get: the file's most common one when it was split (see ``adoptCommonestBreak()``), LF when it has none.
    private var newline: Substring
    /// The whole text's length in UTF-8 bytes, kept up to date by every change.
    private(set) var utf8Count: Int

    init(_ text: String) {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        if scalars.first == "\u{FEFF}" { start = scalars.index(after: start) }
        byteOrderMark = Substring(scalars[scalars.startIndex..<start])
        var lines: [Line] = []
        var index = start
        while index < scalars.endIndex {
            guard Self.isBreak(scalars[index]) else {
                index = scalars.index(after: index)
                continue
            }
            var end = scalars.index(after: index)
            if scalars[index] == "\r", end < scalars.endIndex, scalars[end] == "\n" { end = scalars.index(after: end) }
            lines.append(Line(text: Substring(scalars[start..<index]), lineBreak: Substring(scalars[index..<end])))
            start = end
            index = end
        }
        lines.append(Line(text: Substring(scalars[start...]), lineBreak: ""))
        store = ChunkedArray(lines)
        newline = "\n"
        utf8Count = text.utf8.count
        adoptCommonestBreak()
    }

    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// New lines take the commonest break of the lines as they are now: done when the text is split,
    /// and when undo or redo gives a text back (which used to be split again).
    mutating func adoptCommonestBreak() {
        let usual: [Substring] = ["\n", "\r\n", "\r"]
        var uses = [0, 0, 0]
        for line in store.elements {
            if let convention = usual.firstIndex(of: line.lineBreak) { uses[convention] += 1 }
        }
        newline = usual[uses.indices.max { uses[$0] < uses[$1] }!]
    }

    var count: Int { store.count }

    /// Line `index`'s text, without its break.
    subscript(index: Int) -> Substring { store[index].text }

    /// Every line with its break, in order.
    var all: [Line] { Array(store.elements) }

    /// Joined as UTF-8 bytes: `String += Substring` is the standard library's generic append,
    /// unspecialised, whose first call asks the runtime for `Substring: Collection` (a scan of every
    /// protocol conformance of the binary, on every start that reads a manifest).
    func joined() -> String {
        var bytes = Array(byteOrderMark.utf8)
        bytes.reserveCapacity(utf8Count)
        for line in store.elements {
            bytes += line.text.utf8
            bytes += line.lineBreak.utf8
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lines `range` with their breaks (the byte-order mark aside).
    func joined(_ range: ClosedRange<Int>) -> String {
        var bytes: [UInt8] = []
        for line in store.elements(in: range.lowerBound..<(range.upperBound + 1)) {
            bytes += line.text.utf8
            bytes += line.lineBreak.utf8
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Leading spaces of line `index` (0-based).
    func indent(_ index: Int) -> Int {
        var count = 0
        for character in self[index].unicodeScalars {
            guard character == " " else { break }
            count += 1
        }
        return count
    }

    /// Only spaces or tabs.
    func isBlank(_ index: Int) -> Bool {
        self[index].unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The first non-space character is `#`.
    func isComment(_ index: Int) -> Bool {
        self[index].unicodeScalars.first { $0 != " " && $0 != "\t" } == "#"
    }

    /// The line's text after its indentation.
    func content(_ index: Int) -> Substring {
        self[index].drop { $0 == " " }
    }

    /// The last line (0-based) of the block that starts on `start` and holds everything indented
    /// deeper than `indent`, blank lines inside it included, trailing blank lines excluded.
    /// Comment lines count by their indentation, so a comment at or left of `indent` ends the block
    /// (it is about what follows) — unless the block goes on after it: YAML ignores comments, so a
    /// deeper line after one still belongs to the block. So does every line that carries on a flow
    /// collection or quoted scalar left open, however it is indented (see ``YAMLContinuation``).
    func blockEnd(from start: Int, deeperThan indent: Int) -> Int {
        var last = start
        var index = start + 1
        var continuation = YAMLContinuation()
        continuation.read(self[start], indent: self.indent(start))
        while index < count {
            if continuation.isOpen {
                last = index
                continuation.read(self[index], indent: self.indent(index))
                index += 1
                continue
            }
            if isBlank(index) { index += 1; continue }
            if self.indent(index) <= indent {
                guard isComment(index) else { break }
                var next = index + 1
                while next < count, isBlank(next) || isComment(next) { next += 1 }
                guard next < count, self.indent(next) > indent else { break }
            }
            last = index
            continuation.read(self[index], indent: self.indent(index))
            index += 1
        }
        return last
    }

    /// The first block key written with the explicit key indicator (`? KEY`, or `?` alone for an empty
    /// key) in lines `range`, which start a block; 1-based. Lines inside a flow collection, a quoted or
    /// a block scalar are passed over.
    func firstExplicitKey(in range: ClosedRange<Int>) -> SourceLocation? {
        var continuation = YAMLContinuation()
        for index in range where index < count {
            continuation.read(self[index], indent: indent(index))
            if let column = continuation.explicitKeyColumn { return SourceLocation(line: index + 1, column: column + 1) }
        }
        return nil
    }

    /// Where the flow collection that opens at `column` of line `start` closes: its bracket's line and
    /// column, whether an item added before it needs a comma, and whether a comment lies inside it.
    /// Nil if it never closes.
    func flowCollectionEnd(line start: Int, column: Int) -> (line: Int, column: Int, needsComma: Bool, holdsComments: Bool)? {
        var continuation = YAMLContinuation()
        var index = start
        var text = Substring(self[start].unicodeScalars.dropFirst(column))
        while index < count {
            if let closing = continuation.read(text, indent: index == start ? column : indent(index)) {
                return (index, closing.column + (index == start ? column : 0), closing.needsComma, continuation.sawCommentInFlow)
            }
            index += 1
            guard continuation.isOpen, index < count else { return nil }
            text = self[index]
        }
        return nil
    }

    /// Applies `splices` (each against the current lines, none overlapping) and returns what changed,
    /// exactly: the lines from the first one touched to the last, before and after (a line next to a
    /// splice may get a new break).
    mutating func splice(_ splices: [LineSplice]) -> LineEdit {
        let start = max(0, (splices.map(\.range.lowerBound).min() ?? 0) - 1)
        let end = min(count, (splices.map(\.range.upperBound).max() ?? 0) + 1)
        let countBefore = count
        let removed = store.elements(in: start..<end)
        for splice in splices.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            replace(splice.range, with: splice.lines)
        }
        let inserted = store.elements(in: start..<(end + count - countBefore))
        utf8Count += inserted.reduce(0) { $0 + $1.utf8Count } - removed.reduce(0) { $0 + $1.utf8Count }
        return LineEdit(start: start, removed: removed, inserted: inserted)
    }

    /// Takes `edit` back: the lines it replaced return, byte for byte.
    mutating func undo(_ edit: LineEdit) {
        put(edit.removed, over: edit.start..<(edit.start + edit.inserted.count))
    }

    /// Makes `edit` again, on the lines it was taken back from.
    mutating func redo(_ edit: LineEdit) {
        put(edit.inserted, over: edit.start..<(edit.start + edit.removed.count))
    }

    private mutating func put(_ lines: [Line], over range: Range<Int>) {
        utf8Count += lines.reduce(0) { $0 + $1.utf8Count } - store.elements(in: range).reduce(0) { $0 + $1.utf8Count }
        store.replaceSubrange(range, with: lines)
    }

    /// Replaces lines `range` with `replacement` (each given without its line break). The last new
    /// line ends as the last replaced one did, and an edit at the end leaves the file ending as it
    /// did, with its final break or without one.
    private mutating func replace(_ range: Range<Int>, with replacement: [String]) {
        let finalBreak = store[store.count - 1].lineBreak
        var newBreaks = Array(repeating: newline, count: replacement.count)
        if !range.isEmpty, !replacement.isEmpty { newBreaks[newBreaks.count - 1] = store[range.upperBound - 1].lineBreak }
        let endsFile = range.upperBound == store.count
        store.replaceSubrange(range, with: zip(replacement, newBreaks).map { Line(text: Substring($0), lineBreak: $1) })
        if endsFile, store.count > 0 {
            let last = store.count - 1
            if range.lowerBound > 0, range.lowerBound - 1 < last, store[range.lowerBound - 1].lineBreak.isEmpty {
                store[range.lowerBound - 1].lineBreak = newline
            }
            store[last].lineBreak = finalBreak
        }
        // A CR right before an empty line broken by LF would read as one CRLF, and that line would
        // vanish: such a new line ends in CRLF, such a new empty line in CR.
        let inserted = range.lowerBound..<(range.lowerBound + replacement.count)
        for index in max(0, range.lowerBound - 1)..<max(0, min(inserted.upperBound + 1, store.count - 1))
        where store[index].lineBreak == "\r" && store[index + 1].text.isEmpty && store[index + 1].lineBreak.hasPrefix("\n") {
            if inserted.contains(index) { store[index].lineBreak = "\r\n" } else { store[index + 1].lineBreak = "\r" }
        }
    }
}

/// Lines `start…` held `removed` and now hold `inserted`, breaks included: what one change did to the
/// lines, exactly enough to take it back or make it again.
struct LineEdit {
    let start: Int
    let removed: [TextLines.Line]
    let inserted: [TextLines.Line]

    /// The lines read the same as before (Swift's string equality, as the texts were once compared).
    var changesNothing: Bool { removed == inserted }
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

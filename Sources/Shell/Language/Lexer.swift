import Text

// The script syntax: words separated by blanks; '…' (literal) and "…" (escapes and
// expansion) quoting; `#` comments; `\` line continuation; `;` or a newline between
// commands; `$NAME` / `${NAME}` expanded when the command runs (not when it is read),
// so a `set` affects the lines after it.

/// A piece of a word: text as written, or a variable expanded when the command runs.
public enum WordPart: Equatable, Sendable {
    case literal(String)
    case variable(name: String, location: ScriptLocation)
}

/// One word of a command before expansion.
public struct Word: Equatable, Sendable {
    public var parts: [WordPart]
    public var location: ScriptLocation
    /// Some part of it was inside quotes.
    public var isQuoted: Bool

    /// The word as `--echo` shows it: literals quoted when needed, variables as `${NAME}`.
    public var displayText: String {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal): text += ShellEscaping.quoted(literal)
            case .variable(let name, _): text += "${\(name)}"
            }
        }
        return text.isEmpty ? "''" : text
    }
}

/// One command as read: its words, where it starts, and what a replay shows of it.
public struct CommandSyntax: Equatable, Sendable {
    public var words: [Word]
    public var location: ScriptLocation
    /// The command exactly as written (continuation lines and a comment after it on its line
    /// included): what `--echo` shows. Empty when the words came from elsewhere (`sluice stage ls`).
    public var source = ""
    /// The comment lines before it (since the previous command), without their `#`: narration.
    public var narration: [String] = []
    /// Comment lines after the script's last command.
    public var closingNarration: [String] = []
}

public enum Lexer {
    /// Splits `text` into commands. Throws a located usage error for an unterminated
    /// quote or a malformed `${…}`.
    public static func commands(in text: String, file: String, firstLine: Int = 1) throws -> [CommandSyntax] {
        var scanner = Scanner(bytes: Array(text.utf8), file: file, line: firstLine)
        do {
            return try scanner.scanCommands()
        } catch let error as LexError {
            throw error.error
        }
    }

    /// Where `text` ends: a script's implicit save happens, and is reported, there.
    public static func end(of text: String, file: String, firstLine: Int = 1) -> ScriptLocation {
        var scanner = Scanner(bytes: Array(text.utf8), file: file, line: firstLine)
        while scanner.peek() != nil { scanner.advance() }
        return scanner.location
    }

    /// True when an interactive entry is not finished: an open quote or a trailing `\`.
    /// The prompt then reads a continuation line and lexes the whole entry again.
    public static func needsContinuation(_ text: String) -> Bool {
        var scanner = Scanner(bytes: Array(text.utf8), file: "", line: 1)
        scanner.reportTrailingBackslash = true
        do {
            _ = try scanner.scanCommands()
            return false
        } catch let error as LexError {
            return error.isIncomplete
        } catch {
            return false
        }
    }
}

struct LexError: Error {
    var error: ShellError
    /// More input (a continuation line) could complete it.
    var isIncomplete: Bool
}

private struct Scanner {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line: Int
    var column = 1
    /// Interactive entries treat a final `\` as "more to come"; files ignore it.
    var reportTrailingBackslash = false

    init(bytes: [UInt8], file: String, line: Int) {
        self.bytes = bytes
        self.file = file
        self.line = line
    }

    var location: ScriptLocation { ScriptLocation(file: file, line: line, column: column) }

    mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // Columns count characters (Unicode scalars), not UTF-8 continuation bytes.
            column += 1
        }
    }

    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    mutating func scanCommands() throws -> [CommandSyntax] {
        var commands: [CommandSyntax] = []
        var words: [Word] = []
        var narration: [String] = []
        // The bytes of the command being read, from its first word to its last (or its comment).
        var sourceStart = 0, sourceEnd = 0
        func finish() {
            if let first = words.first {
                commands.append(CommandSyntax(words: words, location: first.location,
                                              source: String(decoding: bytes[sourceStart..<sourceEnd], as: UTF8.self),
                                              narration: narration))
                words.removeAll(keepingCapacity: true)
                narration.removeAll()
            }
        }
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                advance()
            case UInt8(ascii: "\n"), UInt8(ascii: ";"):
                advance()
                finish()
            case UInt8(ascii: "#"):
                let start = index, isShebang = index == 0 && peek(1) == UInt8(ascii: "!")
                while let next = peek(), next != UInt8(ascii: "\n") { advance() }
                if !words.isEmpty {
                    sourceEnd = index  // a comment after a command is shown with it
                } else if !isShebang {
                    var text = bytes[(start + 1)..<index]
                    if text.first == UInt8(ascii: " ") { text = text.dropFirst() }
                    while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\r") { text = text.dropLast() }
                    narration.append(String(decoding: text, as: UTF8.self))
                }
            case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "\n") || peek(1) == nil:
                try continuation()
            default:
                if words.isEmpty { sourceStart = index }
                words.append(try scanWord())
                sourceEnd = index
            }
        }
        finish()
        if !narration.isEmpty, !commands.isEmpty { commands[commands.count - 1].closingNarration = narration }
        return commands
    }

    /// A `\` before a newline joins the lines; before the end of the input it asks for more.
    mutating func continuation() throws {
        if peek(1) == nil {
            if reportTrailingBackslash {
                throw LexError(error: .usage("the entry ends with `\\`", at: location), isIncomplete: true)
            }
            advance()
            return
        }
        advance()
        advance()
    }

    mutating func scanWord() throws -> Word {
        let start = location
        var parts: [WordPart] = []
        var literal: [UInt8] = []
        var quoted = false
        func flush() {
            if !literal.isEmpty {
                parts.append(.literal(String(decoding: literal, as: UTF8.self)))
                literal.removeAll(keepingCapacity: true)
            }
        }
        scan: while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ";"):
                break scan
            case UInt8(ascii: "'"):
                quoted = true
                let open = location
                advance()
                while true {
                    guard let next = peek() else {
                        throw LexError(error: .usage("unterminated single quote",
                                                     hint: "close it with ' (a ' inside is written '\\'')", at: open),
                                       isIncomplete: true)
                    }
                    advance()
                    if next == UInt8(ascii: "'") { break }
                    literal.append(next)
                }
            case UInt8(ascii: "\""):
                quoted = true
                let open = location
                advance()
                while true {
                    guard let next = peek() else {
                        throw LexError(error: .usage("unterminated double quote",
                                                     hint: "close it with \" (a \" inside is written \\\")", at: open),
                                       isIncomplete: true)
                    }
                    if next == UInt8(ascii: "\"") {
                        advance()
                        break
                    }
                    if next == UInt8(ascii: "$") {
                        if let variable = try scanVariable() {
                            flush()
                            parts.append(variable)
                        } else {
                            literal.append(next)
                        }
                        continue
                    }
                    if next == UInt8(ascii: "\\"), let escaped = peek(1) {
                        advance()
                        advance()
                        switch escaped {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): literal.append(escaped)
                        case UInt8(ascii: "n"): literal.append(UInt8(ascii: "\n"))
                        case UInt8(ascii: "t"): literal.append(UInt8(ascii: "\t"))
                        case UInt8(ascii: "\n"): break
                        default: literal.append(contentsOf: [UInt8(ascii: "\\"), escaped])
                        }
                        continue
                    }
                    advance()
                    literal.append(next)
                }
            case UInt8(ascii: "\\"):
                guard let escaped = peek(1) else {
                    if reportTrailingBackslash {
                        throw LexError(error: .usage("the entry ends with `\\`", at: location), isIncomplete: true)
                    }
                    advance()
                    break scan
                }
                advance()
                advance()
                if escaped != UInt8(ascii: "\n") { literal.append(escaped) }
            case UInt8(ascii: "$"):
                if let variable = try scanVariable() {
                    flush()
                    parts.append(variable)
                } else {
                    literal.append(byte)
                }
            default:
                // The bytes up to the next special one at once: most of a word, and no line break.
                var end = index + 1
                while end < bytes.count, !Self.isSpecialInWord(bytes[end]) { end += 1 }
                literal.append(contentsOf: bytes[index..<end])
                for byte in bytes[index..<end] where byte & 0xC0 != 0x80 { column += 1 }
                index = end
            }
        }
        flush()
        return Word(parts: parts, location: start, isQuoted: quoted)
    }

    /// The bytes `scanWord` treats otherwise than as part of the word: blanks, line breaks, `;`,
    /// quotes, `\` and `$`. One test of a bit instead of a comparison with each.
    static func isSpecialInWord(_ byte: UInt8) -> Bool {
        byte < 64 ? specialBelow64 >> UInt64(byte) & 1 != 0 : byte == UInt8(ascii: "\\")
    }

    /// Bit N set for each special byte N below 64: tab (9), LF (10), CR (13), space (32), `"` (34),
    /// `$` (36), `'` (39) and `;` (59).
    private static let specialBelow64: UInt64 = 1 << 9 | 1 << 10 | 1 << 13 | 1 << 32 | 1 << 34 | 1 << 36 | 1 << 39 | 1 << 59

    /// At a `$`: `$NAME` or `${NAME}`; nil (and nothing consumed but the `$`) when no
    /// name follows, so `$` alone or `$5` stays literal.
    mutating func scanVariable() throws -> WordPart? {
        let start = location
        if peek(1) == UInt8(ascii: "{") {
            advance()
            advance()
            var name: [UInt8] = []
            while let next = peek(), next != UInt8(ascii: "}") {
                guard isNameByte(next, first: name.isEmpty) else {
                    throw LexError(error: .usage("bad variable reference: a name has letters, digits and _",
                                                 hint: "write ${NAME}", at: start), isIncomplete: false)
                }
                name.append(next)
                advance()
            }
            guard peek() == UInt8(ascii: "}") else {
                throw LexError(error: .usage("unterminated ${", hint: "close it with }", at: start), isIncomplete: false)
            }
            advance()
            guard !name.isEmpty else {
                throw LexError(error: .usage("empty variable name in ${}", hint: "write ${NAME}", at: start),
                               isIncomplete: false)
            }
            return .variable(name: String(decoding: name, as: UTF8.self), location: start)
        }
        guard let first = peek(1), isNameByte(first, first: true) else {
            advance()
            return nil
        }
        advance()
        var name: [UInt8] = []
        while let next = peek(), isNameByte(next, first: name.isEmpty) {
            name.append(next)
            advance()
        }
        return .variable(name: String(decoding: name, as: UTF8.self), location: start)
    }

    func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return !first
        default: return false
        }
    }
}

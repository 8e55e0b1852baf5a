import Errors
import Foundation

/// An INI file as the AWS CLI reads `~/.aws/config` and `~/.aws/credentials`: Python's
/// `RawConfigParser` in its strict mode, then botocore's one level of nesting.
///
/// - `[NAME]` is a header when the stripped line starts with `[` and has a later `]`: NAME is
///   everything between the first `[` and the last `]`, unstripped (`[ dev ]` is " dev "), and
///   anything after the `]` is ignored, a comment included.
/// - `name = value` or `name: value` (split at the first `=` or `:`), names lower-cased; a line
///   whose stripped text starts with `#` or `;` is a comment; there are no comments after a value.
/// - A line indented deeper than its setting's continues its value (blank lines inside are
///   kept); a setting whose value starts on the next line holds nested `name = value` settings.
/// - A section or a setting in a section given twice, a setting before any header, a line
///   that is neither, and text that is not UTF-8 are errors, located at their line.
/// - `[DEFAULT]` is no section: its settings are in every section that lacks them.
///
/// It reads bytes, once, so its time is linear in the file's size.
struct ConfigFile {
    enum Value: Equatable {
        case text(String)
        case nested([String: String])
    }

    struct ParseError: ReportableError {
        let path: String, line: Int, message: String
        var problem: Problem {
            Problem(message, hint: "the AWS CLI refuses this file too; fix the line", at: TextLocation(file: path, line: line))
        }
    }

    /// A file that exists but cannot be read as one: a directory, a FIFO or device, no permission.
    struct ReadError: ReportableError {
        let path: String, reason: String
        var problem: Problem {
            Problem("the AWS configuration file \(reason)", hint: "point AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at a readable file",
                    at: TextLocation(file: path))
        }
    }

    let path: String
    /// Section names in the order they first appear (`[DEFAULT]` is not among them).
    private(set) var sectionNames: [String] = []
    /// Section name → lower-cased key → value.
    private(set) var sections: [String: [String: Value]] = [:]

    /// nil when nothing is at `path` (or it is empty, or /dev/null), as the AWS CLI skips a missing file.
    static func load(_ path: String) throws -> ConfigFile? {
        guard !path.isEmpty, let bytes = try readRegularFile(path) else { return nil }
        return try ConfigFile(path: path, bytes: bytes)
    }

    init(path: String, text: String) throws {
        try self.init(path: path, bytes: Array(text.utf8))
    }

    init(path: String, bytes: [UInt8]) throws {
        self.path = path
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ParseError(path: path, line: Self.firstLineNotUTF8(bytes), message: "the line is not UTF-8 text")
        }
        var parser = Parser(bytes: bytes, path: path)
        try parser.run()
        for (index, name) in parser.sectionNames.enumerated() {
            sections[name] = parser.defaults.isEmpty ? parser.sections[index]
                : parser.sections[index].merging(parser.defaults) { mine, _ in mine }
        }
        sectionNames = parser.sectionNames
    }

    func text(_ section: String, _ key: String) -> String? {
        if case .text(let value)? = sections[section]?[key] { return value }
        return nil
    }

    func nested(_ section: String, _ key: String) -> [String: String]? {
        if case .nested(let value)? = sections[section]?[key] { return value }
        return nil
    }

    // MARK: - Reading

    /// The bytes of a regular file; nil when there is none. The AWS CLI skips anything else
    /// silently; sluice says what is there instead, except for /dev/null (an empty file).
    private static func readRegularFile(_ path: String) throws -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ReadError(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFDIR:
            throw ReadError(path: path, reason: "is a directory")
        case S_IFCHR where isNullDevice(info):
            return nil
        case S_IFIFO:
            throw ReadError(path: path, reason: "is a named pipe (FIFO), which the AWS CLI skips as if it were not there")
        case S_IFSOCK:
            throw ReadError(path: path, reason: "is a socket")
        default:
            throw ReadError(path: path, reason: "is a device, which the AWS CLI skips as if it were not there")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    private static func isNullDevice(_ info: stat) -> Bool {
        var null = stat()
        return stat("/dev/null", &null) == 0 && null.st_rdev == info.st_rdev
    }

    private static func firstLineNotUTF8(_ bytes: [UInt8]) -> Int {
        var line = 1, start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            if String(validating: bytes[start..<index], as: UTF8.self) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }

    // MARK: - RawConfigParser's reading, over bytes

    private struct Parser {
        let bytes: [UInt8]
        let path: String
        var sectionNames: [String] = []
        var sections: [[String: Value]] = []
        var defaults: [String: Value] = [:]
        /// Each section's header line, for a second one.
        private var headerLines: [String: Int] = [:]
        /// Where settings go: an index into `sections`, -1 for `[DEFAULT]`, nil before any header.
        private var current: Int?
        /// The setting that lines indented deeper continue (configparser's `optname`): where it
        /// is, its first line's text (after `=`), and the lines that continue it with their numbers.
        private var pending: (section: Int, key: String, first: String, continuation: [(text: String, line: Int)])?
        private var indentLevel = 0
        /// configparser reports a line that is neither a header nor a setting after the whole file.
        private var deferred: ParseError?

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes
            self.path = path
        }

        mutating func run() throws {
            var start = 0, lineNumber = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
                var next = end
                if end < bytes.count { next = bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A ? end + 2 : end + 1 }
                lineNumber += 1
                try line(from: start, to: end, number: lineNumber)
                start = next
            }
            try finishPending()
            if let deferred { throw deferred }
        }

        private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

        private mutating func store(_ value: Value, _ section: Int, _ key: String) {
            if section < 0 { defaults[key] = value } else { sections[section][key] = value }
        }

        /// The pending setting's value once no more lines can continue it: a single line stays as
        /// stored; continued lines are joined and right-stripped, as configparser does, and a value
        /// starting with a line break is read, as botocore reads it, as nested `name = value` settings.
        private mutating func finishPending() throws {
            guard let pending, !pending.continuation.isEmpty else { return }
            self.pending = nil
            let joined = ([pending.first] + pending.continuation.map(\.text)).joined(separator: "\n")
            let text = String(Substring(ConfigFile.rightStripped(joined[...].unicodeScalars)))
            guard text.hasPrefix("\n") else { return store(.text(text), pending.section, pending.key) }
            var nested: [String: String] = [:]
            for (line, number) in pending.continuation where !line.isEmpty {
                guard let equals = line.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                    throw ParseError(path: path, line: number, message: "nested setting '\(line)' needs 'name = value'")
                }
                nested[ConfigFile.strip(line[..<equals])] = ConfigFile.strip(line[line.utf8.index(after: equals)...])
            }
            store(.nested(nested), pending.section, pending.key)
        }

        /// The range of `start..<end` without white space at either end, and how many white-space characters led.
        private func trimmed(_ start: Int, _ end: Int) -> (range: Range<Int>, indent: Int) {
            var first = start, indent = 0, last = end
            while first < end {
                let length = ConfigFile.whitespaceLength(bytes, first, end)
                if length == 0 { break }
                first += length
                indent += 1
            }
            while last > first {
                let length = ConfigFile.trailingWhitespaceLength(bytes, first, last)
                if length == 0 { break }
                last -= length
            }
            return (first..<last, indent)
        }

        private mutating func line(from start: Int, to end: Int, number: Int) throws {
            let (content, indent) = trimmed(start, end)
            let first = content.lowerBound, last = content.upperBound
            if first == last {
                pending?.continuation.append(("", number))
                return
            }
            if bytes[first] == UInt8(ascii: "#") || bytes[first] == UInt8(ascii: ";") { return }
            if pending != nil, indent > indentLevel {
                let continued = text(first..<last)
                pending?.continuation.append((continued, number))
                return
            }
            indentLevel = indent
            if bytes[first] == UInt8(ascii: "["), let close = bytes[first..<last].lastIndex(of: UInt8(ascii: "]")), close > first + 1 {
                try finishPending()
                pending = nil
                try header(text(first + 1..<close), line: number)
                return
            }
            guard let section = current else {
                throw ParseError(path: path, line: number, message: "a setting before any [section] header")
            }
            guard let separator = bytes[first..<last].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }) else {
                let found = text(first..<last)
                deferred = deferred ?? ParseError(path: path, line: number, message: bytes[first] == UInt8(ascii: "[")
                    ? "a section header needs a closing ']'" : "expected 'name = value', found '\(found)'")
                return
            }
            try finishPending()
            let key = text(trimmed(first, separator).range).lowercased()
            if key.isEmpty { deferred = deferred ?? ParseError(path: path, line: number, message: "a setting without a name") }
            guard (section < 0 ? defaults[key] : sections[section][key]) == nil else {
                throw ParseError(path: path, line: number, message: "'\(key)' is set twice in [\(section < 0 ? "DEFAULT" : sectionNames[section])]")
            }
            let value = text(trimmed(separator + 1, last).range)
            store(.text(value), section, key)
            pending = (section, key, value, [])
        }

        private mutating func header(_ name: String, line: Int) throws {
            if name == "DEFAULT" {
                current = -1
                return
            }
            if let earlier = headerLines[name] {
                throw ParseError(path: path, line: line, message: "[\(name)] appears twice (first at line \(earlier))")
            }
            headerLines[name] = line
            current = sectionNames.count
            sectionNames.append(name)
            sections.append([:])
        }
    }

    // MARK: - Python's white space (str.isspace), over UTF-8

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    static func strip(_ text: Substring) -> String {
        String(Substring(rightStripped(text.unicodeScalars.drop(while: isWhitespace))))
    }

    static func rightStripped(_ scalars: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        var end = scalars.endIndex
        while end > scalars.startIndex, isWhitespace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return scalars[..<end]
    }

    /// The length in bytes of the white-space character at `index`, 0 if there is none.
    private static func whitespaceLength(_ bytes: [UInt8], _ index: Int, _ end: Int) -> Int {
        switch bytes[index] {
        case 0x09...0x0D, 0x1C...0x20: return 1
        case 0xC2, 0xE1, 0xE2, 0xE3:
            let length = bytes[index] == 0xC2 ? 2 : 3
            guard index + length <= end else { return 0 }
            return isWhitespaceSequence(bytes[index..<index + length]) ? length : 0
        default: return 0
        }
    }

    /// The length in bytes of the white-space character that ends just before `end`, 0 if none.
    private static func trailingWhitespaceLength(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        switch bytes[end - 1] {
        case 0x09...0x0D, 0x1C...0x20: return 1
        case 0x80...0xBF:
            for length in [2, 3] where end - length >= start && isWhitespaceSequence(bytes[(end - length)..<end]) { return length }
            return 0
        default: return 0
        }
    }

    private static func isWhitespaceSequence(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let scalar = String(validating: bytes, as: UTF8.self)?.unicodeScalars.first,
              String(scalar).utf8.count == bytes.count else { return false }
        return isWhitespace(scalar)
    }
}

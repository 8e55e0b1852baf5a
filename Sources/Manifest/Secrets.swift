/// Recognises token-like text (GitHub and similar credentials) so it is never echoed by
/// `--echo`, written by `record` or an edit, printed in a message, kept in history or taken
/// by the validator for a secret's name. In `Manifest`, the lowest module both the shell and
/// the validator read.
public enum Secrets {
    /// What a redacted token shows instead.
    public static let mask = "<redacted>"

    /// Shorter pieces are never taken for tokens (and cost no more than a length check).
    static let shortestToken = 16

    private static let prefixes: [[UInt8]] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-"]
        .map { Array($0.utf8) }

    /// True for well-known token prefixes, AWS access key ids, and long base64-ish runs
    /// mixing upper case, lower case and digits (what random secrets look like; words,
    /// paths, URLs and lower-case hex commit ids do not).
    public static func looksLikeToken(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { isToken($0[...]) }
    }

    /// True when some piece of `text` (see `tokenRanges`) looks like a token.
    public static func containsToken(_ text: String) -> Bool {
        !tokenRanges(in: text).isEmpty
    }

    /// `text` with every token-like piece replaced by the mask (quotes and `KEY=` around it
    /// stay, so an echoed command still reads as one). Returns `text` itself,
    /// without copying, when there is nothing to mask: this runs on every line printed.
    public static func redacted(_ text: String) -> String {
        guard text.utf8.count >= shortestToken else { return text }
        var bytes = Array(text.utf8)
        return redact(&bytes) ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// Masks the token-like pieces of `bytes` in place, whatever their encoding (a build's
    /// output need not be UTF-8, and is kept byte for byte around the masks). True when
    /// anything was masked.
    @discardableResult
    public static func redact(_ bytes: inout [UInt8]) -> Bool {
        guard bytes.count >= shortestToken else { return false }
        let ranges = bytes.withUnsafeBufferPointer(tokenRanges)
        for range in ranges.reversed() { bytes.replaceSubrange(range, with: mask.utf8) }
        return !ranges.isEmpty
    }

    /// Byte ranges of the token-like pieces of `text`, pieces being split at blanks, quotes
    /// and the punctuation around values (`KEY=ghp_…`, `user:ghp_…@host`, `?token=…&`).
    private static func tokenRanges(in text: String) -> [Range<Int>] {
        guard text.utf8.count >= shortestToken else { return [] }
        if let ranges = text.utf8.withContiguousStorageIfAvailable(tokenRanges) { return ranges }
        return Array(text.utf8).withUnsafeBufferPointer(tokenRanges)
    }

    private static func tokenRanges(_ buffer: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for index in 0...buffer.count {
            guard index == buffer.count || isSeparator(buffer[index]) else { continue }
            if index - start >= shortestToken, isToken(buffer[start..<index]) { ranges.append(start..<index) }
            start = index + 1
        }
        return ranges
    }

    private static func isToken(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard bytes.count >= shortestToken else { return false }
        for prefix in prefixes where bytes.starts(with: prefix) { return true }
        if bytes.count == 20, bytes.starts(with: "AKIA".utf8) || bytes.starts(with: "ASIA".utf8),
           bytes.allSatisfy({ isUpper($0) || isDigit($0) }) {
            return true
        }
        guard bytes.count >= 32 else { return false }
        var upper = false, lower = false, digit = false
        for byte in bytes {
            if isUpper(byte) { upper = true } else if isLower(byte) { lower = true } else if isDigit(byte) { digit = true } else if
                byte != UInt8(ascii: "+"), byte != UInt8(ascii: "/"), byte != UInt8(ascii: "="),
                byte != UInt8(ascii: "_"), byte != UInt8(ascii: "-") {
                return false
            }
        }
        return upper && lower && digit
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "'"), UInt8(ascii: "\""),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\\"), UInt8(ascii: "@"),
             UInt8(ascii: "?"), UInt8(ascii: "&"):
            return true
        default:
            return false
        }
    }
    private static func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

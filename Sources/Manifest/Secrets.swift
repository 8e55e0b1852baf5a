import Foundation

/// The token detector: recognises credentials in text so none is echoed by `--echo`, written by
/// `record` or an edit, printed in a message or a log, kept in history or taken by the validator
/// for a secret's name. In `Manifest`, the lowest module both the shell and the validator read.
///
/// It knows the formats services give their tokens — GitHub (classic `ghp_…` and the other `gh?_`
/// kinds, fine-grained `github_pat_…`), GitLab (`glpat-…` and its other kinds), Bitbucket and
/// Atlassian (`ATBB…`, `ATATT…`), Slack (`xoxb-…`, `xapp-…`, webhook URLs), AWS access key ids
/// and JSON Web Tokens — and random-looking text: long base64 runs mixing upper case, lower case
/// and digits (anywhere when 16 of them stand together, else where a secret stands), and high-entropy hex (a classic 40-hex GitHub token) where a secret
/// stands: after a word such as `token`, `Bearer`, `Authorization:` or `PASSWORD=`, or as a
/// value given for a secret. Text is scanned once, in time linear in its length.
public enum Secrets {
    /// What a redacted token shows instead.
    public static let mask = "<redacted>"

    /// Shorter pieces are never taken for tokens (and cost no more than a length check).
    static let shortestToken = 16

    private static let prefixes: [[UInt8]] = [
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",  // GitHub
        "glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glsoat-", "glcbt-", "glimt-", "glagent-", "GR1348941",  // GitLab
        "ATBB", "ATATT", "ATCTT",  // Bitbucket app passwords, Atlassian API tokens
        "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-",  // Slack
    ].map { Array($0.utf8) }

    /// Words after which (or as whose value) a hex string is taken for a secret: `token abc…`,
    /// `Authorization: Bearer …`, `GITHUB_TOKEN=…`, `aws_secret_access_key = …`.
    private static let secretWords: [[UInt8]] = ["token", "secret", "passw", "pwd", "auth", "bearer", "apikey", "api_key",
                                                 "api-key", "accesskey", "access_key", "privatekey", "private_key",
                                                 "credential", "signature"].map { Array($0.utf8) }

    /// True when `text` as a whole looks like a token; `givenAsSecret`: it stands where a secret
    /// goes (the value of `token-secret`, of `access_token_secret:`), so high-entropy hex counts too.
    public static func looksLikeToken(_ text: String, givenAsSecret: Bool = false) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { isToken($0[...], whereSecretStands: givenAsSecret) }
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

    /// Masks the token-like pieces of `bytes`, whatever their encoding (a build's output need not
    /// be UTF-8, and is kept byte for byte around the masks). True when anything was masked.
    @discardableResult
    public static func redact(_ bytes: inout [UInt8]) -> Bool {
        guard bytes.count >= shortestToken else { return false }
        let ranges = bytes.withUnsafeBufferPointer(tokenRanges)
        guard !ranges.isEmpty else { return false }
        // Rebuilt in one pass: replacing each range in place would move the rest of the text each time.
        var masked: [UInt8] = []
        masked.reserveCapacity(bytes.count)
        var kept = 0
        for range in ranges {
            masked.append(contentsOf: bytes[kept..<range.lowerBound])
            masked.append(contentsOf: mask.utf8)
            kept = range.upperBound
        }
        masked.append(contentsOf: bytes[kept...])
        bytes = masked
        return true
    }

    /// Byte ranges of the token-like pieces of `text`, pieces being split at blanks, quotes,
    /// brackets and the punctuation around values (`KEY=ghp_…`, `user:ghp_…@host`, `?token=…&`).
    private static func tokenRanges(in text: String) -> [Range<Int>] {
        guard text.utf8.count >= shortestToken else { return [] }
        if let ranges = text.utf8.withContiguousStorageIfAvailable(tokenRanges) { return ranges }
        return Array(text.utf8).withUnsafeBufferPointer(tokenRanges)
    }

    private static func tokenRanges(_ buffer: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        // The piece before this one, for `token abc…` and `PASSWORD=abc…`.
        var previous: Range<Int>?
        for index in 0...buffer.count {
            guard index == buffer.count || isSeparator(buffer[index]) else { continue }
            if index > start {
                if index - start >= shortestToken,
                   isToken(buffer[start..<index], whereSecretStands: previous.map { isSecretWord(buffer[$0]) } ?? false) {
                    ranges.append(start..<index)
                }
                previous = start..<index
            }
            start = index + 1
        }
        return ranges
    }

    private static func isToken(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, whereSecretStands: @autoclosure () -> Bool) -> Bool {
        guard bytes.count >= shortestToken else { return false }
        for prefix in prefixes where bytes.starts(with: prefix) { return true }
        if bytes.count == 20, bytes.starts(with: "AKIA".utf8) || bytes.starts(with: "ASIA".utf8),
           bytes.allSatisfy({ isUpper($0) || isDigit($0) }) {
            return true
        }
        if isJSONWebToken(bytes) || contains(bytes, "hooks.slack.com/services/") { return true }
        if bytes.count >= 20, bytes.allSatisfy(isHex), whereSecretStands(), entropy(bytes) >= 3 { return true }
        guard bytes.count >= 32 else { return false }
        var upper = false, lower = false, digit = false
        // The longest run of letters and digits: a path or a generated name (`/tmp/sluice-074A43C3/config`,
        // a CodePipeline's `demo-main-Pipeline-SIVGC9JJS4ZY`) is short words between `/` and `-`; random base64 is
        // long runs. Where a secret stands, any mix counts (an AWS secret key may have `/` every few characters).
        var run = 0, longestRun = 0
        for byte in bytes {
            if isUpper(byte) { upper = true } else if isLower(byte) { lower = true } else if isDigit(byte) { digit = true } else if
                byte != UInt8(ascii: "+"), byte != UInt8(ascii: "/"), byte != UInt8(ascii: "="),
                byte != UInt8(ascii: "_"), byte != UInt8(ascii: "-") {
                return false
            }
            run = isUpper(byte) || isLower(byte) || isDigit(byte) ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        return upper && lower && digit && (longestRun >= shortestToken || whereSecretStands())
    }

    /// `eyJ…` (a JSON header, base64url) `.` payload `.` signature (empty when unsigned).
    private static func isJSONWebToken(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard bytes.starts(with: "eyJ".utf8) else { return false }
        var dots = 0, segment = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard segment >= 4 else { return false }
                dots += 1
                segment = 0
            } else if isUpper(byte) || isLower(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                        || byte == UInt8(ascii: "=") {
                segment += 1
            } else {
                return false
            }
        }
        return dots == 2
    }

    /// Whether a piece is a word after which a secret stands (`token`, `GITHUB_TOKEN`, `Authorization`).
    private static func isSecretWord(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard bytes.count <= 64 else { return false }
        let lowered = bytes.map { isUpper($0) ? $0 + 32 : $0 }
        return secretWords.contains { word in lowered.firstRange(of: word) != nil }
    }

    private static func contains(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ text: StaticString) -> Bool {
        // By hand, not with the generic `firstRange(of:)`: its first call asks the runtime for
        // `UnsafeBufferPointer: Collection`, a scan of every protocol conformance of the binary.
        let count = text.utf8CodeUnitCount
        guard bytes.count >= count, let base = bytes.base.baseAddress else { return false }
        for start in bytes.startIndex...(bytes.endIndex - count) where memcmp(base + start, text.utf8Start, count) == 0 {
            return true
        }
        return false
    }

    /// Shannon entropy in bits per byte: random hex has about 3.7 at 40 characters, `deadbeef…` 2.75.
    private static func entropy(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        return counts.reduce(0.0) { sum, count in
            guard count > 0 else { return sum }
            let share = Double(count) / total
            return sum - share * log2(share)
        }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "'"), UInt8(ascii: "\""),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\\"), UInt8(ascii: "@"),
             UInt8(ascii: "?"), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "`"), UInt8(ascii: "|"):
            return true
        default:
            return false
        }
    }
    private static func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}

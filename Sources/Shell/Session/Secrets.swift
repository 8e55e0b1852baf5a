/// Recognises token-like text (GitHub and similar credentials) so it is never echoed by
/// `--echo`, written by `record`, quoted in an error or kept in history.
public enum Secrets {
    /// What a redacted token shows instead.
    public static let mask = "<redacted>"

    private static let prefixes = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-"]

    /// True for well-known token prefixes, AWS access key ids, and long base64-ish runs
    /// mixing upper case, lower case and digits (what random secrets look like; words,
    /// paths, URLs and lower-case hex commit ids do not).
    public static func looksLikeToken(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count >= 16 else { return false }
        for prefix in prefixes where text.hasPrefix(prefix) { return true }
        if utf8.count == 20, text.hasPrefix("AKIA") || text.hasPrefix("ASIA"),
           utf8.allSatisfy({ isUpper($0) || isDigit($0) }) {
            return true
        }
        guard utf8.count >= 32 else { return false }
        var upper = false, lower = false, digit = false
        for byte in utf8 {
            if isUpper(byte) { upper = true } else if isLower(byte) { lower = true } else if isDigit(byte) { digit = true } else if
                byte != UInt8(ascii: "+"), byte != UInt8(ascii: "/"), byte != UInt8(ascii: "="),
                byte != UInt8(ascii: "_"), byte != UInt8(ascii: "-") {
                return false
            }
        }
        return upper && lower && digit
    }

    /// True when some blank-separated piece of `text` looks like a token.
    public static func containsToken(_ text: String) -> Bool {
        redacted(text) != text
    }

    /// `redacted` applied to each line of `text`.
    public static func redactedLines(_ text: String) -> String {
        guard text.utf8.count >= 16 else { return text }
        guard text.contains("\n") else { return redacted(text) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { redacted(String($0)) }.joined(separator: "\n")
    }

    /// `text` with every blank-separated token-like piece replaced by the mask.
    public static func redacted(_ text: String) -> String {
        guard text.utf8.count >= 16 else { return text }
        var changed = false
        let pieces = text.split(separator: " ", omittingEmptySubsequences: false).map { piece -> String in
            // Quotes around the token stay, so an echoed command still reads as one.
            let leading = piece.prefix { $0 == "'" || $0 == "\"" }
            let trailing = piece.dropFirst(leading.count).reversed().prefix { $0 == "'" || $0 == "\"" }
            let core = piece.dropFirst(leading.count).dropLast(trailing.count)
            guard looksLikeToken(String(core)) else { return String(piece) }
            changed = true
            return leading + mask + String(trailing)
        }
        return changed ? pieces.joined(separator: " ") : text
    }

    private static func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

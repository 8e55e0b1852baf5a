// One escaper for each format sluice writes text into for another program to read. Each works
// on Unicode scalars, never on Swift's Characters: a `"` followed by a combining mark or a
// zero-width joiner is one Character, and comparing Characters would let that quote through
// raw. Each is fuzzed (sluice-fuzz) and its output read back by the format's own reader in the
// tests (XMLParser, Graphviz's `dot`, /bin/sh, JSONSerialization).

/// XML 1.0 character data and attribute values (the SVG picture).
public enum XMLEscaping {
    /// `text` as XML text or a quoted attribute value: markup characters as entities, tab and line
    /// breaks as character references (a reader would otherwise turn CR into LF, and all three into
    /// spaces in an attribute), characters XML 1.0 does not allow at all (the other C0 controls,
    /// U+FFFE, U+FFFF) as U+FFFD.
    public static func escaped(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&apos;".unicodeScalars)
            case "\t": out.append(contentsOf: "&#9;".unicodeScalars)
            case "\n": out.append(contentsOf: "&#10;".unicodeScalars)
            case "\r": out.append(contentsOf: "&#13;".unicodeScalars)
            default:
                out.append(scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF ? "\u{FFFD}" : scalar)
            }
        }
        return String(out)
    }
}

/// Graphviz DOT quoted strings (IDs and labels).
public enum DOTEscaping {
    /// `text` as a DOT quoted string, quotes included: `"` and `\` escaped (so no escape sequence
    /// of Graphviz's, `\N` or `\G`, is taken from the text), every line break written `\n` (a
    /// centred line break in a label), other control characters as U+FFFD.
    public static func quoted(_ text: String) -> String {
        "\"" + escaped(text, lineBreak: "\\n") + "\""
    }

    /// Lines each ended by `\l` (left-justified in a node), in one quoted string.
    public static func leftJustified(_ lines: [String]) -> String {
        "\"" + lines.map { escaped($0, lineBreak: "\\l") + "\\l" }.joined() + "\""
    }

    private static func escaped(_ text: String, lineBreak: String) -> String {
        escapingScalars(text, lineBreak: lineBreak) { scalar in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            default: return nil
            }
        }
    }
}

/// Mermaid flowchart labels, inside `["…"]`.
public enum MermaidEscaping {
    /// `text` for a quoted label: what Mermaid reads as markup or as the end of the label or the
    /// statement (`"`, `#`, `<`, `>`, `&`, `` ` ``, `;`) as its entity codes, line breaks as `<br/>`,
    /// other control characters as U+FFFD.
    public static func label(_ text: String) -> String {
        escapingScalars(text, lineBreak: "<br/>") { scalar in
            switch scalar {
            case "\"": return "#quot;"
            case "#": return "#35;"
            case "<": return "#lt;"
            case ">": return "#gt;"
            case "&": return "#amp;"
            case "`": return "#96;"
            case ";": return "#59;"
            default: return nil
            }
        }
    }

    /// Several lines as one label, joined by `<br/>`.
    public static func label(lines: [String]) -> String {
        lines.map(label).joined(separator: "<br/>")
    }
}

/// POSIX shell words (what /bin/sh reads, and sluice's own command language, which quotes the same way).
public enum ShellEscaping {
    /// `text` as one shell word: as it is when every byte is one no shell treats specially,
    /// otherwise in single quotes, a `'` inside written `'\''`.
    public static func quoted(_ text: String) -> String {
        if !text.isEmpty, text.utf8.allSatisfy(isPlain) { return text }
        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(text.utf8.count + 2)
        // By bytes: a `'` is a byte of its own in UTF-8, whatever follows it.
        for byte in text.utf8 {
            if byte == UInt8(ascii: "'") { out.append(contentsOf: Array("'\\''".utf8)) } else { out.append(byte) }
        }
        out.append(UInt8(ascii: "'"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Letters, digits and `@%+=:,./_-`: what Python's shlex.quote leaves bare.
    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: ","),
             UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

/// JSON strings (templates, and YAML double-quoted scalars, which read JSON's escapes the same way).
public enum JSONEscaping {
    /// `text` as a JSON string, quotes included: `"` and `\` escaped, control characters as
    /// `\n`, `\r`, `\t` or `\u00XX`, and NEL, LS and PS as `\u` escapes too (YAML folds them, and
    /// JavaScript once ended lines at LS and PS).
    public static func quoted(_ text: String) -> String {
        var out = ""
        append(text, quotedTo: &out)
        return out
    }

    /// ``quoted(_:)`` appended to `out`.
    public static func append(_ text: String, quotedTo out: inout String) {
        out.unicodeScalars.append("\"")
        defer { out.unicodeScalars.append("\"") }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.unicodeScalars.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.unicodeScalars.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.unicodeScalars.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.unicodeScalars.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.unicodeScalars.append(contentsOf: "\\t".unicodeScalars)
            case _ where scalar.value < 0x20 || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out.unicodeScalars.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
    }
}

/// `text` scalar by scalar for a format that holds no line break and no control character: each
/// scalar `special` names as its replacement, every line break — LF, CR (CRLF as one), VT, FF, NEL, LS,
/// PS — as `lineBreak`, other control characters as U+FFFD.
private func escapingScalars(_ text: String, lineBreak: String, _ special: (Unicode.Scalar) -> String?) -> String {
    var out = String.UnicodeScalarView()
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
        defer { previous = scalar }
        if let replacement = special(scalar) {
            out.append(contentsOf: replacement.unicodeScalars)
            continue
        }
        switch scalar.value {
        case 0x0A where previous == "\r":
            continue
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029:
            out.append(contentsOf: lineBreak.unicodeScalars)
        case 0..<0x20, 0x7F:
            out.append("\u{FFFD}")
        default:
            out.append(scalar)
        }
    }
    return String(out)
}

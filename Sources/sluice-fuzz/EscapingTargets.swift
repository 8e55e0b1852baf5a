import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Text

// One target per escaper: any text, escaped, is read back by the format's reader (XMLParser,
// JSONSerialization) or by a reader of the format's grammar written here (DOT's quoted strings,
// Mermaid's labels, sh's words) as exactly that text — or as the text the escaper promises when the
// format cannot hold a character (U+FFFD, a line break). Seeds hold combining marks, zero-width
// joiners and every line separator after each character the formats treat specially.
extension FuzzTarget {
    static let escapingSeeds = ["Sources/sluice-fuzz/Seeds/escaping"]

    static let xml = FuzzTarget(name: "xml", summary: "XML-escaped text, in an attribute and an element, reads back as itself",
                                seeds: escapingSeeds, maxLength: 256) { input in
        let text = String(decoding: input, as: UTF8.self)
        let escaped = XMLEscaping.escaped(text)
        let document = "<d a=\"\(escaped)\">\(escaped)</d>"
        let reader = XMLReadBack()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = reader
        guard parser.parse() else { violated("XMLParser refused \(document.debugDescription): \(String(describing: parser.parserError))") }
        let expected = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (scalar.value < 0x20 && !"\t\n\r".unicodeScalars.contains(scalar)) || scalar.value == 0xFFFE || scalar.value == 0xFFFF
                ? "\u{FFFD}" : scalar
        }))
        if reader.attribute != expected || reader.text != expected {
            violated("\(text.debugDescription) read back as \(reader.attribute.debugDescription) and \(reader.text.debugDescription)")
        }
    }

    static let dot = FuzzTarget(name: "dot", summary: "a DOT quoted string ends where it should and reads back as its text",
                                seeds: escapingSeeds, maxLength: 256) { input in
        let text = String(decoding: input, as: UTF8.self)
        let quoted = Array(DOTEscaping.quoted(text).unicodeScalars)
        // Graphviz's lexer: a string runs from `"` to the next `"` not after a backslash.
        guard quoted.first == "\"", quoted.last == "\"", quoted.count >= 2 else { violated("\(text.debugDescription): not quoted") }
        var read = String.UnicodeScalarView()
        var index = 1
        while index < quoted.count - 1 {
            let scalar = quoted[index]
            if scalar == "\"" { violated("\(text.debugDescription): the string ends early, at scalar \(index)") }
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                violated("\(text.debugDescription): a raw control character or line break in the string")
            }
            if scalar == "\\" {
                guard index + 1 < quoted.count - 1 else { violated("\(text.debugDescription): a backslash escapes the closing quote") }
                // Label escapes: \\ a backslash, \" a quote, \n a line break; Graphviz's others (\N, \G, \l…) must not appear.
                switch quoted[index + 1] {
                case "\\", "\"": read.append(quoted[index + 1])
                case "n": read.append("\n")
                default: violated("\(text.debugDescription): an escape \\\(quoted[index + 1]) taken from the text")
                }
                index += 2
                continue
            }
            read.append(scalar)
            index += 1
        }
        let expected = normalized(text, lineBreak: "\n")
        if String(read) != expected { violated("\(text.debugDescription) read back as \(String(read).debugDescription)") }
    }

    static let mermaid = FuzzTarget(name: "mermaid", summary: "a Mermaid label holds nothing that ends it and decodes to its text",
                                    seeds: escapingSeeds, maxLength: 256) { input in
        let text = String(decoding: input, as: UTF8.self)
        let label = Array(MermaidEscaping.label(text).unicodeScalars)
        // By scalars, as Mermaid's lexer reads: a combining mark after `"` is no part of the quote.
        let entities: [(String, Unicode.Scalar)] = [("#quot;", "\""), ("#35;", "#"), ("#lt;", "<"), ("#gt;", ">"), ("#amp;", "&"),
                                                    ("#96;", "`"), ("#59;", ";"), ("<br/>", "\n")]
        var read = String.UnicodeScalarView()
        var index = 0
        func starts(_ token: String) -> Bool { label[index...].starts(with: token.unicodeScalars) }
        while index < label.count {
            if let (token, scalar) = entities.first(where: { starts($0.0) }) {
                read.append(scalar)
                index += token.unicodeScalars.count
                continue
            }
            let scalar = label[index]
            if "\"<>&`;#".unicodeScalars.contains(scalar) || scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{85}"
                || scalar == "\u{2028}" || scalar == "\u{2029}" {
                violated("\(text.debugDescription): \(scalar.debugDescription) raw in \(String(String.UnicodeScalarView(label)).debugDescription)")
            }
            read.append(scalar)
            index += 1
        }
        if !read.elementsEqual(normalized(text, lineBreak: "\n").unicodeScalars) {
            violated("\(text.debugDescription) read back as \(String(read).debugDescription)")
        }
    }

    static let shell = FuzzTarget(name: "shell", summary: "a shell-quoted word is one word for sh, and reads back as its text",
                                  seeds: escapingSeeds, maxLength: 256) { input in
        let text = String(decoding: input, as: UTF8.self)
        let word = Array(ShellEscaping.quoted(text).utf8)
        // POSIX sh: outside quotes a byte is itself (only letters, digits and @%+=:,./_- may appear
        // there, which nothing expands), `\'` is a quote, and '…' holds anything but a quote.
        var read: [UInt8] = []
        var index = 0
        while index < word.count {
            let byte = word[index]
            if byte == UInt8(ascii: "'") {
                guard let close = word[(index + 1)...].firstIndex(of: UInt8(ascii: "'")) else { violated("\(text.debugDescription): an open quote") }
                read += word[(index + 1)..<close]
                index = close + 1
            } else if byte == UInt8(ascii: "\\"), index + 1 < word.count, word[index + 1] == UInt8(ascii: "'") {
                read.append(UInt8(ascii: "'"))
                index += 2
            } else if isShellPlain(byte) {
                read.append(byte)
                index += 1
            } else {
                violated("\(text.debugDescription): byte \(byte) outside quotes in \(String(decoding: word, as: UTF8.self).debugDescription)")
            }
        }
        if read != Array(text.utf8) || word.isEmpty { violated("\(text.debugDescription) read back as \(read)") }
    }

    static let json = FuzzTarget(name: "json", summary: "a JSON-escaped string parses back as itself",
                                 seeds: escapingSeeds, maxLength: 256) { input in
        let text = String(decoding: input, as: UTF8.self)
        let quoted = JSONEscaping.quoted(text)
        guard let read = try? JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String else {
            violated("JSONSerialization refused \(quoted.debugDescription)")
        }
        if !read.unicodeScalars.elementsEqual(text.unicodeScalars) { violated("\(text.debugDescription) read back as \(read.debugDescription)") }
        if quoted.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) {
            violated("\(quoted.debugDescription) holds a raw control character or line separator")
        }
    }
}

/// What a format that cannot hold a character reads back: line breaks (CRLF as one) as `lineBreak`,
/// other control characters as U+FFFD.
private func normalized(_ text: String, lineBreak: Unicode.Scalar) -> String {
    var out = String.UnicodeScalarView()
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
        defer { previous = scalar }
        switch scalar.value {
        case 0x0A where previous == "\r": continue
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: out.append(lineBreak)
        case 0..<0x20, 0x7F: out.append("\u{FFFD}")
        default: out.append(scalar)
        }
    }
    return String(out)
}

private func isShellPlain(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return "@%+=:,./_-".utf8.contains(byte)
    }
}

/// The one element's attribute `a` and text, as XMLParser reports them.
private final class XMLReadBack: NSObject, XMLParserDelegate {
    var attribute = ""
    var text = ""

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        attribute = attributes["a"] ?? ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

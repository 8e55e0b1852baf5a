import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Text
import XCTest

/// Each escaper proven by the format's own reader (issue 27): seeded texts full of what each format
/// treats specially, each followed by combining marks, joiners and every kind of line break, read
/// back by XMLParser, Graphviz's `dot`, /bin/sh and JSONSerialization. (The Mermaid labels are read
/// by `GraphTests`' grammar of the subset sluice writes; no parser of Mermaid's is packaged for this machine.)
final class EscapingTests: XCTestCase {
    /// 300 texts of up to 40 scalars drawn from the troublemakers and ordinary letters.
    static let texts: [String] = {
        let pieces: [String] = ["\"", "'", "<", ">", "&", "\\", "#", ";", "`", "$", "]", "[", "{", "}", "|", "-->",
                                "\u{0301}", "\u{200D}", "\u{200C}", "\u{FE0F}", "\u{0338}", "\n", "\r\n", "\r", "\u{0B}",
                                "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\t", "\u{1F468}", "é", "ß", "URL=", "\\N", "\\l",
                                " ", "a", "b", "z", "0", "9", "javascript:"]
        var generator = SplitMix64(seed: 27)
        return (0..<300).map { _ in
            (0..<Int(generator.next() % 40)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
    }()

    func testXMLTextReadsBackThroughXMLParser() throws {
        for text in Self.texts + ["\u{01}\u{1F}\u{FFFE}"] {
            let escaped = XMLEscaping.escaped(text)
            let reader = Reader()
            let parser = XMLParser(data: Data("<d a=\"\(escaped)\">\(escaped)</d>".utf8))
            parser.delegate = reader
            XCTAssertTrue(parser.parse(), "\(text.debugDescription): \(String(describing: parser.parserError))")
            let expected = String(String.UnicodeScalarView(text.unicodeScalars.map {
                ($0.value < 0x20 && !"\t\n\r".unicodeScalars.contains($0)) || $0.value == 0xFFFE ? "\u{FFFD}" : $0
            }))
            XCTAssertEqual(reader.attribute, expected)
            XCTAssertEqual(reader.text, expected)
        }
    }

    /// Graphviz reads every label as one string (no attribute taken from it) with the text's characters.
    func testDOTLabelsAreOneStringEachForGraphviz() throws {
        let dot = try Graphviz.required()
        let nodes = Self.texts.enumerated().map { "  n\($0.offset) [label=\(DOTEscaping.quoted($0.element))];" }
        let directory = try TemporaryDirectory("sluice-dot")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("labels.dot")
        try Data(("digraph labels {\n" + nodes.joined(separator: "\n") + "\n}\n").utf8).write(to: file)
        let result = try runProcess(dot, ["-Tjson", file.path], timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "", "dot warned")
        let graph = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let objects = try XCTUnwrap(graph["objects"] as? [[String: Any]])
        XCTAssertEqual(objects.count, Self.texts.count, "one node per label")
        for object in objects {
            let index = try XCTUnwrap(Int((object["name"] as? String ?? "").dropFirst()))
            XCTAssertNil(object["URL"], "a URL taken from \(Self.texts[index].debugDescription)")
            XCTAssertNil(object["href"])
            XCTAssertEqual(object["label"] as? String, Self.graphvizLabel(DOTEscaping.quoted(Self.texts[index])), Self.texts[index].debugDescription)
        }
    }

    /// What Graphviz's lexer keeps of a quoted string: the scalars between the quotes, `\"` read as `"`
    /// and every other backslash pair kept for its label escapes. By scalars: a quote followed by a
    /// combining mark is one Character, and Swift's String operations would take the two together.
    static func graphvizLabel(_ quoted: String) -> String {
        let scalars = Array(quoted.unicodeScalars.dropFirst().dropLast())
        var kept = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count {
                if scalars[index + 1] != "\"" { kept.append(scalars[index]) }
                kept.append(scalars[index + 1])
                index += 2
            } else {
                kept.append(scalars[index])
                index += 1
            }
        }
        return String(kept)
    }

    func testShellWordsReadBackThroughTheShell() throws {
        let script = Self.texts.map { "printf '%s\\0' \(ShellEscaping.quoted($0))" }.joined(separator: "\n")
        let result = try runProcess("/bin/sh", ["-c", script], timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderr)
        var words = result.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(words.removeLast(), "")
        XCTAssertEqual(words.count, Self.texts.count)
        for (word, text) in zip(words, Self.texts) { XCTAssertTrue(word.unicodeScalars.elementsEqual(text.unicodeScalars), text.debugDescription) }
    }

    func testJSONStringsReadBackThroughJSONSerialization() throws {
        for text in Self.texts + ["\u{00}\u{1F}\u{7F}"] {
            let quoted = JSONEscaping.quoted(text)
            let read = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String
            XCTAssertTrue(read?.unicodeScalars.elementsEqual(text.unicodeScalars) == true, "\(text.debugDescription) → \(quoted)")
        }
    }
}

private final class Reader: NSObject, XMLParserDelegate {
    var attribute = ""
    var text = ""

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        attribute = attributes["a"] ?? ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

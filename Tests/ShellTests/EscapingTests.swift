import Foundation
import TestSupport
import Text
import XCTest

/// The escapers whose format's reader is another program, proven by it (issue 27): seeded texts full
/// of what each format treats specially, each followed by combining marks, joiners and every kind of
/// line break, read back by Graphviz's `dot` and /bin/sh. (The XML and JSON escapers are read back by
/// XMLParser and JSONSerialization in their fuzz targets, whose seeds FuzzRegressionTests replays on
/// every run; `GraphTests` parses whole pictures; Mermaid labels are read by its grammar of the subset
/// sluice writes, no parser of Mermaid's being packaged for this machine.)
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
}

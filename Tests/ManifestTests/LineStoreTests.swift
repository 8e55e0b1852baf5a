import XCTest
import TestSupport
@testable import Manifest

/// The document keeps its text as lines and edits them in place (no edit joins the whole text): the
/// lines must always split as their text does, the stage table must follow the stages, every
/// change must take itself back exactly when it fails, and undo and redo must give back the very
/// bytes each change replaced.
final class LineStoreTests: XCTestCase {
    /// Explicit keys are found where a block entry starts, and nowhere a `?` is text: in a plain or
    /// quoted scalar, a block scalar's lines, or a flow collection.
    func testExplicitKeysAreFoundOnlyWhereABlockEntryStarts() {
        func found(_ text: String) -> String? {
            let lines = TextLines(text)
            return lines.firstExplicitKey(in: 0...(lines.count - 1)).map(\.description)
        }
        XCTAssertEqual(found("?"), "1:1")
        XCTAssertEqual(found("a: 1\n? b\n: 2\n"), "2:1")
        XCTAssertEqual(found("s:\n  - ? k\n    : v\n"), "2:5")
        XCTAssertEqual(found("s:\n  -\t?\tk\n"), "2:5")
        for text in ["a: ?b\n", "a: b ? c\n", "a: '?\n  ? x'\n", "a: \"x\n? y\"\n", "a: |\n  ? x\nb: 1\n",
                     "a: [x,\n? y]\n", "?b: 1\n", "# ? note\n"] {
            XCTAssertNil(found(text), text.debugDescription)
        }
        XCTAssertEqual(found("a: |\n  ? x\n? b\n"), "3:1")
    }

    /// Chunked storage behaves as a plain array under every kind of replacement, across chunk bounds.
    func testChunkedArrayMatchesAPlainArray() {
        var random = SplitMix64(seed: 12)
        var plain = Array(0..<300)
        var chunked = ChunkedArray(plain)
        for step in 0..<2_000 {
            let lower = Int.random(in: 0...plain.count, using: &random)
            let upper = Int.random(in: lower...min(plain.count, lower + Int.random(in: 0...150, using: &random)), using: &random)
            let replacement = (0..<Int.random(in: 0...(step % 7 == 0 ? 200 : 5), using: &random)).map { _ in Int.random(in: 0..<1_000, using: &random) }
            if plain.count - (upper - lower) + replacement.count == 0 { continue }
            let copy = chunked
            let before = plain
            plain.replaceSubrange(lower..<upper, with: replacement)
            chunked.replaceSubrange(lower..<upper, with: replacement)
            XCTAssertEqual(Array(copy.elements), before, "a copy keeps its elements (step \(step))")
            XCTAssertEqual(chunked.count, plain.count, "step \(step)")
            XCTAssertEqual(Array(chunked.elements), plain, "step \(step)")
            let probe = Int.random(in: 0..<plain.count, using: &random)
            XCTAssertEqual(chunked[probe], plain[probe], "step \(step)")
            let from = Int.random(in: 0...plain.count, using: &random), to = Int.random(in: from...plain.count, using: &random)
            XCTAssertEqual(chunked.elements(in: from..<to), Array(plain[from..<to]), "step \(step)")
            chunked[probe] = -step
            plain[probe] = -step
            if Array(chunked.elements) != plain { break }
        }
    }

    /// Each line-break convention (and a byte-order mark, and NEL, LS, PS inside comments): after every
    /// change the lines are those the text splits into, the kept length is the text's, the model is the
    /// text's read whole; then undo gives back each earlier text byte for byte, and redo each later one.
    func testChangesKeepLinesTextAndModelInStepAndUndoExactly() throws {
        let crlf = copilotTemplate.replacingOccurrences(of: "\n", with: "\r\n")
        let starts = [
            copilotTemplate,
            crlf,
            copilotTemplate.replacingOccurrences(of: "\n", with: "\r"),
            "\u{FEFF}" + crlf,
            // Mixed: CRLF mostly, a CR and an LF, and a comment holding NEL, LS and PS (each a break to YAML).
            "# top\u{85}# a\u{2028}# b\u{2029}name: mixed\r\nversion: 1\rsource:\n  provider: GitHub\r\n  properties:\r\n    repository: acme/x\r\nstages:\r\n  - name: test\r\n",
            // CR mostly, and an empty line broken by LF after an LF: a line inserted before it with a CR
            // would make one CRLF of the two breaks, and the empty line would vanish.
            "name: cr\rversion: 1\rsource:\r  provider: GitHub\r  properties:\r    repository: acme/x\rstages:\r  - name: test\n\n  - name: prod\r",
            // No final break; the stages at the end.
            "name: tail\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: acme/x\nstages:\n  - name: test",
        ]
        for start in starts {
            var document = try ManifestDocument(text: start)
            var history: [(text: [UInt8], change: ManifestDocument.Change, edited: [UInt8])] = []
            for step in 0..<60 {
                let name = Self.edits[step % Self.edits.count]
                let before = Array(document.text.utf8)
                guard let change = try document.change({ try Self.edit(name, &$0, step) }) else { continue }
                let text = document.text
                let context = "\(name) at step \(step) of \(start.debugDescription.prefix(40))"
                XCTAssertEqual(document.lines.all, TextLines(text).all, "the lines split as their text: \(context)")
                XCTAssertEqual(document.lines.utf8Count, text.utf8.count, context)
                XCTAssertEqual(try ManifestDocument(text: text).manifest, document.manifest, context)
                for (index, stage) in document.manifest.stages.enumerated() {
                    XCTAssertEqual(document.stageIndex(named: stage.name), index, "the stage table, carried along: \(context)")
                }
                XCTAssertNil(document.stageIndex(named: "none"), context)
                XCTAssertEqual(document.deploysEnvironments, document.manifest.stages.contains { $0.deployments.contains { $0.name == "deploy-env" } },
                               "the stage table's count of stages deploying an environment: \(context)")
                history.append((before, change, Array(text.utf8)))
            }
            XCTAssertGreaterThan(history.count, 40)
            for (index, entry) in history.enumerated().reversed() {
                XCTAssertEqual(Array(document.text.utf8), entry.edited, "before undoing change \(index)")
                try document.undo(entry.change)
                XCTAssertEqual(Array(document.text.utf8), entry.text, "undoing change \(index)")
                XCTAssertEqual(document.lines.all, TextLines(document.text).all, "undoing change \(index)")
            }
            XCTAssertEqual(document.text, start)
            for (index, entry) in history.enumerated() {
                try document.redo(entry.change)
                XCTAssertEqual(Array(document.text.utf8), entry.edited, "redoing change \(index)")
                XCTAssertEqual(try ManifestDocument(text: document.text).manifest, document.manifest, "redoing change \(index)")
            }
        }
    }

    static let edits = ["stage add", "test add", "approval on", "build image", "test add first", "approval off",
                        "stage move", "deploy env", "test rm", "stage rm", "deploy env rm", "source set"]

    /// Edit `name`, made with `step` in its values; false when it changed nothing or does not apply.
    static func edit(_ name: String, _ document: inout ManifestDocument, _ step: Int) throws -> Bool {
        let stages = document.manifest.stages
        switch name {
        case "stage add": return try document.addStage("env\(step)")
        case "test add": return try document.addTestCommand("make check-\(step)", stage: stages.last!.name)
        case "approval on": return try document.setApproval(true, stage: stages.last!.name)
        case "build image": return try document.setBuildImage("aws/codebuild/standard:\(step)")
        case "test add first": return try document.addTestCommand("make more-\(step)", stage: stages[0].name)
        case "approval off": return try document.setApproval(false, stage: stages.last!.name)
        case "stage move": return stages.count > 1 ? try document.moveStage(stages.last!.name, to: .before(stages[0].name)) : false
        case "test rm":
            guard let stage = stages.first(where: { !$0.testCommands.isEmpty }) else { return false }
            return try document.removeTestCommand(at: 1, stage: stage.name)
        case "stage rm": return stages.count > 2 ? try document.removeStage(stages[1].name) : false
        case "deploy env":
            return try document.addDeployment(Deployment(name: "deploy-env", stackName: "app-\(step)"), stage: stages[step % stages.count].name)
        case "deploy env rm":
            guard let stage = stages.first(where: { $0.deployments.contains { $0.name == "deploy-env" } }) else { return false }
            return try document.removeDeployment(named: "deploy-env", stage: stage.name)
        default: return try document.setSource(provider: .gitHub, repository: "https://github.com/acme/r\(step % 3)", branch: "b\(step % 2)")
        }
    }

    /// A change whose second edit fails leaves the document as it was, and the next edit works on it.
    func testFailingChangeTakesItselfBack() throws {
        var document = try ManifestDocument(text: copilotTemplate.replacingOccurrences(of: "\n", with: "\r\n"))
        _ = try document.addStage("test")
        _ = try document.addTestCommand("make", stage: "test")
        let text = Array(document.text.utf8), model = document.manifest
        XCTAssertThrowsError(try document.change {
            _ = try $0.addTestCommand("make more", stage: "test")
            _ = try $0.setBuildImage("x:1")
            _ = try $0.addStage("staging")
            _ = try $0.addStage("qa", at: .before("prod"))
            return try $0.addTestCommand("make check", stage: "nope")
        })
        XCTAssertEqual(Array(document.text.utf8), text)
        XCTAssertEqual(document.manifest, model)
        XCTAssertEqual(document.lines.all, TextLines(document.text).all)
        XCTAssertEqual(document.lines.utf8Count, text.count)
        XCTAssertNil(try document.change { _ in false })
        XCTAssertTrue(try document.addTestCommand("make more", stage: "test"))
        XCTAssertEqual(try ManifestDocument(text: document.text).manifest, document.manifest)
        var expected = model
        expected.stages[0].testCommands.append("make more")
        XCTAssertEqual(document.manifest, expected)
    }
}

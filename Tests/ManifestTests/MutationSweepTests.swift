import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// Every corpus manifest, damaged in seeded ways (ManifestMutation: flipped bits, line-break
/// conventions, BOMs, UTF-16, truncation, indentation, control characters, NEL/LS/PS): loading either
/// refuses it with a located error or reads it, and then each edit either refuses with a located error or
/// changes only the lines it concerns to the model it means, and the saved file reads back the same.
final class MutationSweepTests: XCTestCase {
    /// The edits tried on every mutant; bounds looser than CorpusEditTests' where a damaged file
    /// legitimately takes more (a whole new `stages:` or `source:` section).
    enum SweepEdit {
        static let all: [EditCase] = [
            EditCase(name: "approval", applies: { !$0.stages.isEmpty },
                     edit: { try $0.setApproval(!$1.stages[0].requiresApproval, stage: $1.stages[0].name) },
                     model: { $0.stages[0].requiresApproval.toggle() }, mayRemove: { $0.contains("requires_approval") }, maxAdded: 1),
            EditCase(name: "test add", applies: { $0.stages.first.map { !$0.testCommands.contains("make sweep") } ?? false },
                     edit: { try $0.addTestCommand("make sweep", stage: $1.stages[0].name) },
                     model: { $0.stages[0].testCommands.append("make sweep") }, mayRemove: { $0.contains("test_commands") }, maxAdded: 2),
            EditCase(name: "stage add", applies: { !$0.stages.contains { $0.name == "zz-sweep" } },
                     edit: { document, _ in try document.addStage("zz-sweep") },
                     model: { $0.stages.append(Stage(name: "zz-sweep")) }, mayRemove: { $0.contains("stages") }, maxAdded: 9),
            EditCase(name: "build image", applies: { $0.build?.image != "sweep/image:1" },
                     edit: { document, _ in try document.setBuildImage("sweep/image:1") },
                     model: { $0.build = Build(image: "sweep/image:1", buildspec: $0.build?.buildspec, additionalPolicy: $0.build?.additionalPolicy) },
                     mayRemove: { $0.contains("image") || $0.contains("build") }, maxAdded: 3),
            EditCase(name: "source set", applies: { _ in true },
                     edit: { document, _ in
                         try document.setSource(provider: .gitHub, repository: "https://github.com/acme/sweep", branch: "release", connectionName: "acme")
                     },
                     model: sourceSet("https://github.com/acme/sweep"),
                     mayRemove: { line in ["source", "provider", "properties", "repository", "branch", "connection_", "access_token"].contains { line.contains($0) } },
                     maxAdded: 7),
        ]
    }

    /// What one mutant came to, counted for the summary.
    struct Tally {
        var refused = 0, loaded = 0, edits = 0, editRefusals = 0
    }

    func testMutatedCorpusManifestsAreEditedRightOrRefusedWithALocation() throws {
        let scratch = try TemporaryDirectory("sluice-sweep")
        defer { scratch.remove() }
        var tally = Tally()
        var mutants = 0
        for (number, file) in try PipelineCorpusFile.all().filter(\.isManifest).enumerated() {
            let original = try [UInt8](Data(contentsOf: file.url))
            for mutant in ManifestMutation.mutants(of: original, count: 20, seed: UInt64(number)) {
                let url = scratch.url.appendingPathComponent("m\(mutants).yml")
                mutants += 1
                try Data(mutant.bytes).write(to: url)
                Self.check(url, root: scratch.url, context: "\(file.name), \(mutant.name)", tally: &tally)
            }
        }
        XCTAssertGreaterThan(mutants, 1_000)
        // The sweep means something only if both outcomes occur often.
        XCTAssertGreaterThan(tally.refused, 100, "\(tally)")
        XCTAssertGreaterThan(tally.edits, 1_500, "\(tally)")
    }

    /// Loads the file at `url` and checks every edit on it.
    static func check(_ url: URL, root: URL, context: String, tally: inout Tally, file: StaticString = #filePath, line: UInt = #line) {
        let document: ManifestDocument
        do {
            document = try ManifestDocument.load(contentsOf: url)
        } catch let error as ManifestError {
            tally.refused += 1
            if error.line < 1 { XCTFail("\(context): refused without a location: \(error)", file: file, line: line) }
            return
        } catch {
            XCTFail("\(context): \(error)", file: file, line: line)
            return
        }
        tally.loaded += 1
        var combined = document
        var expected = document.manifest
        for edit in SweepEdit.all where edit.applies(document.manifest) {
            var edited = document
            do {
                guard try edit.edit(&edited, document.manifest) else {
                    XCTFail("\(context), \(edit.name): changed nothing", file: file, line: line)
                    continue
                }
            } catch let error as ManifestError {
                tally.editRefusals += 1
                if error.line < 1 { XCTFail("\(context), \(edit.name): refused without a location: \(error)", file: file, line: line) }
                continue
            } catch {
                XCTFail("\(context), \(edit.name): \(error)", file: file, line: line)
                continue
            }
            tally.edits += 1
            var model = document.manifest
            edit.model(&model)
            XCTAssertEqual(edited.manifest, model, "\(context), \(edit.name)", file: file, line: line)
            let diff = yamlLines(edited.text).difference(from: yamlLines(document.text))
            let removed = diff.removals.compactMap { change -> Substring? in
                if case .remove(_, let text, _) = change { return text }
                return nil
            }
            for text in removed where !edit.mayRemove(text) {
                XCTFail("\(context), \(edit.name): changed the line \(text.debugDescription)", file: file, line: line)
            }
            if diff.insertions.count - removed.count > edit.maxAdded {
                XCTFail("\(context), \(edit.name): added \(diff.insertions.count - removed.count) lines", file: file, line: line)
            }
            if (try? edit.edit(&combined, expected)) == true { edit.model(&expected) }
        }
        guard combined.hasUnsavedChanges else { return }
        do {
            try combined.save(in: WorkspaceFiles(root: root))
            let reread = try ManifestDocument.load(contentsOf: url)
            XCTAssertEqual(reread.manifest, expected, "\(context): saved and read back", file: file, line: line)
            XCTAssertEqual(reread.text, combined.text, "\(context): saved text", file: file, line: line)
        } catch {
            XCTFail("\(context): saving the edits: \(error)", file: file, line: line)
        }
    }
}

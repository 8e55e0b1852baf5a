import Foundation
import TestSupport
import XCTest

/// A sample of the mutated corpus manifests (see ManifestTests' MutationSweepTests, which runs all of
/// them through the library) edited and saved by the binary: sluice either refuses with an error at
/// pipeline.yml:LINE:COL and leaves the file as it was, or edits only the lines it concerns, and a
/// second sluice reads the saved file back and finds the edits already made.
final class MutatedManifestTests: XCTestCase {
    static let edits = "stage add zz-sweep; build image sweep/image:1; save"

    func testASampleOfMutatedManifestsThroughTheBinary() throws {
        let sandbox = try Sandbox(.quickstartWith(["copilot/environments/zz-sweep/manifest.yml": "name: zz-sweep\ntype: Environment\n"]))
        let manifest = sandbox.root.url.appendingPathComponent("copilot/pipeline.yml")
        let located = try NSRegularExpression(pattern: #"copilot/pipeline\.yml:[0-9]+:[0-9]+: "#)
        var refused = 0, edited = 0
        for (number, file) in try PipelineCorpusFile.all().filter(\.isManifest).enumerated() {
            let original = try [UInt8](Data(contentsOf: file.url))
            // The library sweep's mutants of this file (same seed), one in twelve of them: every kind once.
            for (index, mutant) in ManifestMutation.mutants(of: original, count: 20, seed: UInt64(number)).enumerated()
            where (index + number) % 12 == 0 {
                let context = "\(file.name), \(mutant.name)"
                try Data(mutant.bytes).write(to: manifest)
                let result = try sandbox.run(.sluice("-c", Self.edits))
                let after = try [UInt8](Data(contentsOf: manifest))
                if result.status != 0 {
                    refused += 1
                    let range = NSRange(result.stderr.startIndex..., in: result.stderr)
                    XCTAssertNotNil(located.firstMatch(in: result.stderr, range: range), "\(context): \(result.stderr)")
                    XCTAssertEqual(after, mutant.bytes, "\(context): a refused edit left the file changed")
                    continue
                }
                edited += 1
                let diff = yamlLines(String(decoding: after, as: UTF8.self)).difference(from: yamlLines(String(decoding: mutant.bytes, as: UTF8.self)))
                for case .remove(_, let line, _) in diff where !["stages", "image", "build"].contains(where: line.contains) {
                    XCTFail("\(context): changed the line \(line.debugDescription)")
                }
                let again = try sandbox.run(.sluice("-c", Self.edits))
                XCTAssertEqual(again.status, 0, "\(context): \(again.stderr)")
                XCTAssertTrue(again.stdout.contains("unchanged: nothing to save"), "\(context): \(again.stdout)")
            }
        }
        XCTAssertGreaterThan(refused, 10)
        XCTAssertGreaterThan(edited, 40)
    }
}

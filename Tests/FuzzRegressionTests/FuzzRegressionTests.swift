import Foundation
import TestSupport
import XCTest

/// Every input a fuzzer ever found (Tests/FuzzRegressions/TARGET/), and every target's seeds, replayed
/// through the built `sluice-fuzz` — the same checks libFuzzer runs under scripts/fuzz, without the
/// sanitizers. A finding that comes back fails here.
final class FuzzRegressionTests: XCTestCase {
    var fuzzer: String { productsDirectory.appendingPathComponent("sluice-fuzz").path }

    func targets() throws -> [String] {
        let listed = try runProcess(fuzzer, ["--list"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        return listed.stdout.split(separator: "\n").map(String.init)
    }

    func testEveryTargetIsListed() throws {
        XCTAssertEqual(try targets(), ["lexer", "binder", "manifest", "splicer", "buildspec", "sigv4", "errors", "xml", "dot", "mermaid", "shell", "json"])
    }

    func testEveryFindingStaysFixed() throws {
        let regressions = packageRoot.appendingPathComponent("Tests/FuzzRegressions")
        for target in try targets() {
            let folder = regressions.appendingPathComponent(target)
            guard FileManager.default.fileExists(atPath: folder.path) else { continue }
            try replay(target, [folder.path])
        }
    }

    /// The seeds are real inputs (the corpus, the SigV4 suite, the examples): every check holds on them.
    func testEverySeedPassesTheChecks() throws {
        for target in try targets() {
            let seeds = try runProcess(fuzzer, [target, "--seeds"]).stdout.split(separator: "\n").map {
                packageRoot.appendingPathComponent(String($0)).standardized
            }
            var files: [String] = []
            for seed in seeds {
                if seed.path.contains("/shared/data/") { _ = try SharedData.required(seed.lastPathComponent) }
                let enumerator = FileManager.default.enumerator(at: seed, includingPropertiesForKeys: [.isRegularFileKey])
                while let file = enumerator?.nextObject() as? URL {
                    guard (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
                    // The SigV4 suite's folders hold expected outputs beside each request.
                    if seed.lastPathComponent == "sigv4-testsuite", file.pathExtension != "req" { continue }
                    files.append(file.path)
                }
            }
            XCTAssertFalse(files.isEmpty, "\(target) has no seeds")
            try replay(target, files)
        }
    }

    private func replay(_ target: String, _ paths: [String]) throws {
        let result = try runProcess(fuzzer, [target] + paths, environment: ["SWIFT_BACKTRACE": "enable=no"])
        XCTAssertEqual(result.status, 0, "\(target): \(result.stderr.prefix(2_000))")
        XCTAssertTrue(result.stdout.hasSuffix("inputs replayed, no finding\n"), result.stdout)
    }
}

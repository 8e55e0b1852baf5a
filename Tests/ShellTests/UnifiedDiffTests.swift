import Foundation
import TestSupport
import Text
import XCTest

/// The unified diff (`diff`, the tour) is read back by `patch`, the format's own reader: applied to
/// the old text it gives the new one, for seeded texts with repeated and unique lines, edits
/// scattered or massed, and texts past the bound on the search (lines in reverse order).
final class UnifiedDiffTests: XCTestCase {
    func testPatchTurnsTheOldTextIntoTheNewOne() throws {
        var generator = SplitMix64(seed: 27)
        func number(_ below: Int) -> Int { Int(generator.next() % UInt64(below)) }
        var pairs: [(String, String)] = []
        for _ in 0..<60 {
            let old = (0..<number(80)).map { _ in number(3) == 0 ? "line \(number(1_000_000))" : "repeated \(number(5))" }
            var new = old
            for _ in 0..<number(12) {
                let at = new.isEmpty ? 0 : number(new.count)
                switch number(3) {
                case 0: new.insert("inserted \(number(1_000))", at: at)
                case 1 where !new.isEmpty: new.remove(at: at)
                default: if !new.isEmpty { new[at] = "changed \(number(1_000))" }
                }
            }
            pairs.append((old.map { $0 + "\n" }.joined(), new.map { $0 + "\n" }.joined()))
        }
        let big = (0..<3_000).map { "line \($0 % 97) of a manifest that repeats itself\n" }
        pairs.append((big.joined(), big.reversed().joined()))
        pairs.append((big.joined(), big.enumerated().map { $0.offset % 50 == 0 ? "edited \($0.offset)\n" : $0.element }.joined()))

        let directory = try TemporaryDirectory("sluice-diff")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("text")
        for (index, (old, new)) in pairs.enumerated() {
            try Data(old.utf8).write(to: file)
            let diff = UnifiedDiff.make(old: old, new: new, oldName: "a/text", newName: "b/text")
            XCTAssertEqual(diff.isEmpty, old == new, "case \(index)")
            guard !diff.isEmpty else { continue }
            let patched = try runProcess("/usr/bin/patch", ["--quiet", "--force", file.path], input: diff, timeout: 60)
            XCTAssertEqual(patched.status, 0, "case \(index): \(patched.stdout)\(patched.stderr)")
            XCTAssertEqual(String(decoding: try Data(contentsOf: file), as: UTF8.self), new, "case \(index)")
        }
    }
}

import Foundation
@testable import Shell
import TestSupport
import XCTest

/// The tour's example workspace is carried in the binary, generated from examples/quickstart at
/// build time: it must be that folder, byte for byte and mode for mode. (The tour itself runs on a pseudo-terminal: InteractiveTests.)
final class TourWorkspaceTests: XCTestCase {
    func testTheTourNeedsATerminal() throws {
        try assertGolden("tour-script", [.script("tour"), .sluice("tour")])
    }

    func testTheTourWorkspaceIsTheExampleWorkspace() throws {
        let root = packageRoot.appendingPathComponent("examples/quickstart")
        var onDisk: [String: (Data, Bool)] = [:]
        let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path))
        for case let path as String in walker {
            var isDirectory: ObjCBool = false
            let full = root.path + "/" + path
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            onDisk[path] = (try Data(contentsOf: URL(fileURLWithPath: full)), FileManager.default.isExecutableFile(atPath: full))
        }
        let carried = Dictionary(uniqueKeysWithValues: TourWorkspace.files.map { ($0.path, ($0.contents, $0.executable)) })
        XCTAssertEqual(Set(carried.keys), Set(onDisk.keys), "the same files")
        for (path, file) in onDisk {
            XCTAssertEqual(carried[path]?.0, file.0, "\(path): the same bytes")
            XCTAssertEqual(carried[path]?.1, file.1, "\(path): the same mode")
        }
    }
}

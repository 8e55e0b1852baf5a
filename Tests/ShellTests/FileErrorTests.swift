import Foundation
import TestSupport
import XCTest

/// File-level problems through the binary: each names what the path is and where the problem
/// sits, and every way a script arrives (file, `-c`, stdin) decodes it the same way.
final class FileErrorTests: XCTestCase {
    private static let manifest = "copilot/pipeline.yml"

    private func sandboxWithPipeline() throws -> Sandbox {
        try Sandbox(.quickstartWith(WorkspaceSafetyTests.savedPipeline))
    }

    private func replaceManifest(in sandbox: Sandbox, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: sandbox.root.url.appendingPathComponent(Self.manifest))
    }

    private func stageList(_ sandbox: Sandbox) throws -> ProcessResult {
        let result = try sandbox.run(.sluice("stage", "ls"))
        XCTAssertEqual(result.status, 1, result.stdout)
        return result
    }

    func testAManifestThatIsNotUTF8IsLocatedAtItsFirstBadByte() throws {
        let sandbox = try sandboxWithPipeline()
        try replaceManifest(in: sandbox, Array("name: api\nsource:\n  provider: Gé".utf8) + [0xFF] + Array("\n".utf8))
        XCTAssertEqual(try stageList(sandbox).stderr, """
            <command line>:1:1: error: copilot/pipeline.yml:3:15: the text is not UTF-8:
              byte 0xFF does not begin a character
              hint: save the file as UTF-8

            """)
    }

    func testAControlCharacterIsLocatedByLineAndColumn() throws {
        let sandbox = try sandboxWithPipeline()
        try replaceManifest(in: sandbox, Array("name: api\nversion: \"1\u{1}\"\n".utf8))
        XCTAssertEqual(try stageList(sandbox).stderr, """
            <command line>:1:1: error: copilot/pipeline.yml:2:12: cannot read the text:
              control characters are not allowed
              hint: YAML allows tabs, line breaks and printable characters; remove this one

            """)
    }

    func testAFIFOADeviceLinkAndADirectoryAreNamedForWhatTheyAre() throws {
        let cases: [(String, (URL) throws -> Void)] = [
            // As laid out at 80 columns.
            ("it is a FIFO (named pipe), not\n  a file", { url in XCTAssertEqual(mkfifo(url.path, 0o644), 0) }),
            ("it is a link to /dev/zero, a\n  character device, not a file", { url in
                try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: "/dev/zero")
            }),
            ("it is a directory, not a file", { url in try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false) }),
        ]
        for (message, make) in cases {
            let sandbox = try sandboxWithPipeline()
            let url = sandbox.root.url.appendingPathComponent(Self.manifest)
            try FileManager.default.removeItem(at: url)
            try make(url)
            let result = try stageList(sandbox)
            XCTAssertEqual(result.stderr, """
                <command line>:1:1: error: copilot/pipeline.yml: \(message)
                  hint: sluice reads a regular file here; put one in its place

                """)
            XCTAssertFalse(result.stderr.contains("ermission"))
            XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"))
        }
    }

    func testAScriptThatIsADirectoryIsSaidToBeOne() throws {
        let sandbox = try sandboxWithPipeline()
        let result = try sandbox.run(.sluice("copilot/"))
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "error: copilot: it is a directory, not a file\n  hint: sluice reads a regular file here; put one in its place\n")
    }

    // MARK: One decoding for every input

    /// Runs `sluice` through /bin/sh so arbitrary bytes reach it: `command` sees $SLUICE.
    private func shell(_ sandbox: Sandbox, _ command: String) throws -> ProcessResult {
        try runProcess("/bin/sh", ["-c", command], environment: ["SLUICE": sluiceBinary, "HOME": sandbox.home.path,
                                                                "XDG_STATE_HOME": sandbox.home.path + "/state", "NO_COLOR": "1"],
                       directory: sandbox.root.url)
    }

    func testAByteOrderMarkStartsAScriptFromAFileDashCAndStdin() throws {
        let sandbox = try sandboxWithPipeline()
        try sandbox.write("\u{FEFF}stage ls\n", to: "bom.sluice")
        for command in [#""$SLUICE" bom.sluice"#, #""$SLUICE" -c "$(cat bom.sluice)""#, #""$SLUICE" < bom.sluice"#] {
            let result = try shell(sandbox, command)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
            XCTAssertEqual(result.stdout, "  1. test\n  2. prod\n", command)
        }
    }

    func testInvalidUTF8IsRefusedAlikeFromAFileDashCAndStdinAndNothingIsSaved() throws {
        let sandbox = try sandboxWithPipeline()
        let before = sandbox.read(Self.manifest)
        XCTAssertEqual(try shell(sandbox, #"printf 'stage ls\ntest add test "a\377b"\n' > bad.sluice"#).status, 0)
        let inputs = [("bad.sluice", #""$SLUICE" bad.sluice"#), ("<command line>", #""$SLUICE" -c "$(cat bad.sluice)""#),
                      ("<stdin>", #""$SLUICE" < bad.sluice"#)]
        for (name, command) in inputs {
            let result = try shell(sandbox, command)
            XCTAssertEqual(result.status, 2, command)
            XCTAssertEqual(result.stdout, "", "\(command): nothing runs")
            // The same message and hint from each (laid out for 80 columns; the name's length moves the break).
            XCTAssertEqual(result.stderr.split(whereSeparator: \.isWhitespace).joined(separator: " "),
                           "\(name):2:17: error: the text is not UTF-8: byte 0xFF does not begin a character hint: save the file as UTF-8")
            XCTAssertTrue(result.stderr.hasSuffix("\n  hint: save the file as UTF-8\n"), result.stderr)
        }
        XCTAssertEqual(sandbox.read(Self.manifest), before)
    }
}

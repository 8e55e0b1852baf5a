import Foundation
import TestSupport
import XCTest

// Golden transcripts: the real `sluice` binary runs in a temporary copy of a workspace;
// its stdout, stderr, exit status and the files it leaves are written as one text and
// compared with Tests/ShellTests/Golden/NAME.txt.
//
// To accept new output after a deliberate change, run the tests with
// SLUICE_UPDATE_GOLDEN=1 (e.g. `SLUICE_UPDATE_GOLDEN=1 swift test --filter ShellTests`)
// and review the diff of Tests/ShellTests/Golden in git before committing it.

/// One run of `sluice`.
struct Step {
    var arguments: [String]
    var input: String?
    var environment: [String: String] = [:]
    /// The directory to run in, relative to the workspace copy.
    var directory: String = "."

    /// `sluice ARGS…`.
    static func sluice(_ arguments: String..., input: String? = nil, environment: [String: String] = [:],
                       in directory: String = ".") -> Step {
        Step(arguments: arguments, input: input, environment: environment, directory: directory)
    }

    /// `sluice --echo -c SCRIPT`: the usual form, each command shown before its output.
    static func script(_ text: String, environment: [String: String] = [:]) -> Step {
        Step(arguments: ["--echo", "-c", text], input: nil, environment: environment)
    }
}

/// What the temporary directory starts as.
enum Fixture {
    /// examples/quickstart: application demo, environments test and prod, service api.
    case quickstart
    /// examples/quickstart plus these files (relative path → content).
    case quickstartWith([String: String])
    /// A directory that is no Copilot workspace.
    case empty
}

/// A temporary workspace the binary runs in.
final class Sandbox {
    let root: TemporaryDirectory
    let home: TemporaryDirectory

    init(_ fixture: Fixture) throws {
        root = try TemporaryDirectory("sluice-shell")
        home = try TemporaryDirectory("sluice-home")
        switch fixture {
        case .empty:
            break
        case .quickstart:
            try copyQuickstart()
        case .quickstartWith(let files):
            try copyQuickstart()
            for (path, content) in files { try write(content, to: path) }
        }
    }

    deinit {
        root.remove()
        home.remove()
    }

    private func copyQuickstart() throws {
        let source = packageRoot.appendingPathComponent("examples/quickstart/copilot")
        try FileManager.default.copyItem(at: source, to: root.url.appendingPathComponent("copilot"))
    }

    func write(_ content: String, to path: String) throws {
        let url = root.url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: root.url.appendingPathComponent(path).path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every regular file under the root (relative paths, sorted) with its bytes.
    func snapshot() -> [String: Data] {
        regularFiles(under: root.url)
    }

    /// Runs the built binary with a clean, deterministic environment.
    func run(_ step: Step) throws -> ProcessResult {
        var environment = ["HOME": home.path, "XDG_STATE_HOME": home.path + "/state", "NO_COLOR": "1",
                           "TERM": "dumb"]
        environment.merge(step.environment) { _, new in new }
        return try runProcess(sluiceBinary, step.arguments, environment: environment,
                              removingEnvironment: ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "REPO"],
                              directory: root.url.appendingPathComponent(step.directory), input: step.input ?? "",
                              timeout: 60)
    }

    /// `text` with the sandbox's paths replaced by stable names.
    func normalized(_ text: String) -> String {
        var text = text
        for (path, name) in [(root.path, "$WORK"), (home.path, "$HOME")] {
            text = text.replacingOccurrences(of: URL(fileURLWithPath: path).resolvingSymlinksInPath().path, with: name)
            text = text.replacingOccurrences(of: path, with: name)
        }
        return text
    }
}

extension XCTestCase {
    /// Runs `steps` in a fresh sandbox and compares the transcript (and the `files` after the
    /// last step) with Golden/NAME.txt.
    func assertGolden(_ name: String, fixture: Fixture = .quickstart, _ steps: [Step], files: [String] = [],
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let sandbox = try Sandbox(fixture)
        var transcript = ""
        for step in steps {
            let result = try sandbox.run(step)
            transcript += Transcript.render(step, result, sandbox: sandbox)
        }
        for path in files {
            if let content = sandbox.read(path) {
                transcript += "=== \(path)\n" + content + (content.hasSuffix("\n") || content.isEmpty ? "" : "\n[no newline at end]\n")
            } else {
                transcript += "=== \(path) (absent)\n"
            }
        }
        try Transcript.compare(transcript, golden: name, file: file, line: line)
    }
}

enum Transcript {
    static let directory = packageRoot.appendingPathComponent("Tests/ShellTests/Golden")
    static var updating: Bool { ProcessInfo.processInfo.environment["SLUICE_UPDATE_GOLDEN"] == "1" }

    static func render(_ step: Step, _ result: ProcessResult, sandbox: Sandbox) -> String {
        var text = "$ " + (step.directory == "." ? "" : "(in \(step.directory)) ")
        text += step.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(shellQuoted($0.value)) " }.joined()
        text += (["sluice"] + step.arguments.map(shellQuoted)).joined(separator: " ")
        if let input = step.input { text += " <<'EOF'\n" + input + (input.hasSuffix("\n") ? "" : "\n") + "EOF" }
        text += "\n"
        text += sandbox.normalized(result.stdout)
        if !result.stderr.isEmpty {
            text += "[stderr]\n" + sandbox.normalized(result.stderr)
        }
        text += "[exit \(result.status)]\n\n"
        return text
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func compare(_ transcript: String, golden name: String, file: StaticString, line: UInt) throws {
        let url = directory.appendingPathComponent("\(name).txt")
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(transcript.utf8).write(to: url)
            return
        }
        guard let expected = FileManager.default.contents(atPath: url.path).map({ String(decoding: $0, as: UTF8.self) }) else {
            XCTFail("no golden file \(url.path); run with SLUICE_UPDATE_GOLDEN=1 to create it. Output was:\n\(transcript)",
                    file: file, line: line)
            return
        }
        if expected != transcript {
            XCTFail("transcript differs from Golden/\(name).txt (SLUICE_UPDATE_GOLDEN=1 accepts it):\n"
                    + firstDifference(expected, transcript), file: file, line: line)
        }
    }

    /// The first differing line with some context, enough to see what changed.
    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let from = max(0, index - 3)
        return "expected (line \(index + 1)):\n" + a[from..<min(a.count, index + 4)].joined(separator: "\n")
            + "\n\nactual:\n" + b[from..<min(b.count, index + 4)].joined(separator: "\n")
    }
}

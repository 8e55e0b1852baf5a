import CopilotRules
import Foundation
import Manifest

// The Manifest module's own measuring tools, run by scripts/corpus-report and scripts/bench-manifest:
//   manifest-tool corpus-report DIR   what loading, validating and re-saving does to each corpus file
//   manifest-tool bench [--quick]     load+validate and load+edit+save at 100, 1,000 and 10,000 stages
//                                     (--quick: 100 stages, 3 runs: it works, not how fast)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("manifest-tool: \(message)\n".utf8))
    exit(2)
}

/// One line per corpus file, then the totals the README quotes.
func corpusReport(_ directory: URL) throws {
    let index = try String(contentsOf: directory.appendingPathComponent("INDEX.tsv"), encoding: .utf8)
    let rows = index.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-tool-\(getpid())")
    defer { try? FileManager.default.removeItem(at: scratch) }
    var loaded = 0, valid = 0, invalidLocated = 0, identical = 0, warnings = 0
    print("kind                 result                          file")
    for (number, row) in rows.enumerated() {
        let file = row[0], kind = row[5]
        let url = directory.appendingPathComponent(file)
        var result: String
        do {
            let document = try ManifestDocument.load(contentsOf: url)
            loaded += 1
            let findings = PipelineValidator().validate(document).diagnostics
            let errors = findings.filter { $0.severity == .error }
            warnings += findings.count - errors.count
            if errors.isEmpty {
                valid += 1
                result = findings.isEmpty ? "valid" : "valid, \(findings.count) warning(s)"
            } else {
                if errors.allSatisfy({ $0.location != nil }) { invalidLocated += 1 }
                result = "invalid: \(errors[0].location.map { "\($0.line):\($0.column)" } ?? "?") \(errors[0].message)"
            }
            // Round trip through a real save, as a new file.
            var copy = try ManifestDocument(text: document.text, path: scratch.appendingPathComponent("\(number).yml"))
            try copy.save(in: WorkspaceFiles(root: scratch))
            if try Data(contentsOf: copy.path!) == Data(contentsOf: url) { identical += 1 } else { result += ", ROUND TRIP DIFFERS" }
        } catch let error as ManifestError {
            if error.line > 0 { invalidLocated += 1 }
            result = "not loaded: \(error.line):\(error.column) \(error.message)"
        }
        let shown = result.count > 60 ? String(result.prefix(57)) + "…" : result
        print(kind.padding(toLength: 20, withPad: " ", startingAt: 0), shown.padding(toLength: 60, withPad: " ", startingAt: 0), file)
    }
    print("""

        | files | loaded | valid | invalid with location | round-trip identical |
        |------:|-------:|------:|----------------------:|---------------------:|
        | \(rows.count) | \(loaded) | \(valid) | \(invalidLocated) | \(identical) of \(loaded) |
        (\(warnings) warnings among the valid; buildspecs in the corpus are not manifests and fail to load, with a location)
        """)
}

/// A Copilot-style manifest with `stages` stages, each with a test command.
func manifest(stages: Int) -> String {
    var text = PipelineScaffold.manifest(
        name: "bench", source: Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/acme/bench", branch: "main")),
        stages: (0..<stages).map { "env\($0)" })
    text = text.replacingOccurrences(of: "      # test_commands: [echo 'running tests', make test]\n",
                                     with: "      test_commands:\n        - make test\n")
    return text
}

/// Wall-clock and CPU time of one run, in milliseconds. CPU time (this thread's) is the figure to
/// compare: on a shared, busy machine the wall clock also counts waiting for a core.
struct Timing {
    var wall: Double
    var cpu: Double

    static func measure(_ body: () throws -> Void) rethrows -> Timing {
        let wallStart = DispatchTime.now().uptimeNanoseconds, cpuStart = threadCPUTime()
        try body()
        return Timing(wall: Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e6, cpu: (threadCPUTime() - cpuStart) / 1e6)
    }

    private static func threadCPUTime() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1e9 + Double(spec.tv_nsec)
    }

    /// The medians of wall and CPU time over `runs` runs, `prepare` (untimed) before each.
    static func median(runs: Int, prepare: () throws -> Void = {}, _ body: () throws -> Void) rethrows -> Timing {
        var timings: [Timing] = []
        for _ in 0..<runs {
            try prepare()
            timings.append(try measure(body))
        }
        return Timing(wall: timings.map(\.wall).sorted()[runs / 2], cpu: timings.map(\.cpu).sorted()[runs / 2])
    }
}

func bench(quick: Bool) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let sizes = quick ? [100] : [100, 1_000, 10_000]
    func runs(_ count: Int) -> Int { quick ? 3 : count >= 10_000 ? 7 : 25 }
    print("median of \(runs(100)) runs\(quick ? " (quick mode)" : " (7 at 10,000)"); CPU = this thread's CPU time, wall = elapsed (includes fsync and waiting for a core)")
    print("")
    print("| stages | file size | load+validate CPU (wall) ms | load+edit+save CPU (wall) ms | edit+save CPU per 1,000 stages |")
    print("|-------:|----------:|----------------------------:|-----------------------------:|-------------------------------:|")
    for count in sizes {
        let text = manifest(stages: count)
        let url = directory.appendingPathComponent("stages-\(count).yml")
        let runs = runs(count)
        let validate = try Timing.median(runs: runs) {
            let document = try ManifestDocument(text: text, path: url)
            let findings = PipelineValidator().validate(document).diagnostics
            guard findings.isEmpty else { fail("the benchmark manifest should be valid: \(findings)") }
        }
        // Each run starts from the unedited file, so every edit changes it and every save writes.
        let edit = try Timing.median(runs: runs, prepare: { try Data(text.utf8).write(to: url) }) {
            var document = try ManifestDocument.load(contentsOf: url)
            guard try document.setApproval(true, stage: "env\(count / 2)") else { fail("the edit changed nothing") }
            try document.save(in: WorkspaceFiles(root: directory))
        }
        print(String(format: "| %6d | %6.0f KB | %15.1f (%6.1f) | %16.1f (%6.1f) | %30.1f |", count, Double(text.utf8.count) / 1024,
                     validate.cpu, validate.wall, edit.cpu, edit.wall, edit.cpu * 1000 / Double(count)))
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "corpus-report":
    guard let path = arguments.dropFirst().first else { fail("usage: manifest-tool corpus-report DIR") }
    try corpusReport(URL(fileURLWithPath: path))
case "bench" where arguments.count == 1 || (arguments.count == 2 && arguments.last == "--quick"):
    try bench(quick: arguments.count == 2)
default:
    fail("usage: manifest-tool corpus-report DIR | manifest-tool bench [--quick]")
}

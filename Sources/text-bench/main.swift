// text-bench [--quick]: times sluice's text algorithms on inputs of 10^4, 10^5 and 10^6 characters
// (scripts/bench-text; README "Fuzzing" and "Nothing lost"): word wrapping, the pipeline picture's
// layout of a box holding one unbroken word, masking tokens, and the unified diff. Prints a
// Markdown table of each size's CPU time (the thread's own, the least of several runs) and its
// growth per ×10 of text: linear work costs ten times, quadratic a hundred. `--quick` (scripts/test)
// runs 10^3 to 10^5 to show the benchmark still works; its figures are not judged, since a loaded
// CI machine makes any timing threshold flaky (the algorithms' bounds are tested by their tests).
import CopilotRules
import Foundation
import Manifest
import Targets
import Text

struct Case {
    let name: String
    /// Makes the input of about `size` characters, then returns the work to time on it.
    let prepare: (Int) throws -> () -> Void
}

/// A word of `size` characters with no space in it, but `/` now and then (where a box line may break).
func unbrokenWord(_ size: Int) -> String {
    var word = ""
    word.reserveCapacity(size)
    var generator = SystemRandomNumberGenerator()
    let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    for index in 0..<size { word.append(index % 97 == 96 ? "/" : letters[Int(generator.next() % UInt64(letters.count))]) }
    return word
}

/// Prose of `size` characters: words of 1 to 12 letters.
func prose(_ size: Int) -> String {
    var text = ""
    var length = 0
    while text.utf8.count < size {
        length = length % 12 + 1
        text += String(repeating: "w", count: length) + " "
    }
    return text
}

let cases: [Case] = [
    Case(name: "wrap prose to 80 columns") { size in
        let text = prose(size)
        return { _ = TerminalText.wrap(text, width: 80) }
    },
    Case(name: "wrap one unbroken word to 80 columns") { size in
        let text = unbrokenWord(size)
        return { _ = TerminalText.wrap(text, width: 80) }
    },
    Case(name: "layout and draw a box holding one unbroken word") { size in
        let manifest = PipelineManifest(name: "bench", source: Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/acme/api")),
                                        stages: [Stage(name: "test", testCommands: [unbrokenWord(size)])])
        let graph = PipelineGraph(plan: PipelinePlan(PlanInput(application: "demo", manifest: try PipelineValidator().validate(manifest).validated(),
                                                                   buildspecPath: "copilot/buildspec.yml", workloads: ["api"])))
        return { _ = TerminalGraph.render(GraphLayout(graph, columns: 120), theme: nil) }
    },
    Case(name: "mask a build log, a token every 1,000 characters") { size in
        var log = ""
        var line = 0
        while log.utf8.count < size {
            line += 1
            log += line % 20 == 0 ? "export GITHUB_TOKEN=ghp_" + String(repeating: "aB3", count: 12) + "\n"
                : "Step \(line)/500 : RUN make build && curl -H 'Authorization: token 4b825dc642cb6eb9a060e54bf8d69288fbee4904'\n"
        }
        return { _ = Secrets.redacted(log) }
    },
    Case(name: "diff two texts whose every line differs") { size in
        let lines = max(1, size / 40)
        let old = (0..<lines).map { "old line \($0) of the manifest as it was\n" }.joined()
        let new = (0..<lines).map { "new line \($0) of the manifest as edited\n" }.joined()
        return { _ = UnifiedDiff.make(old: old, new: new, oldName: "a", newName: "b") }
    },
    Case(name: "diff a text against its lines in reverse order (the search's bound)") { size in
        let lines = max(1, size / 40)
        let old = (0..<lines).map { "line \($0 % 97) of a manifest that repeats itself\n" }
        return { _ = UnifiedDiff.make(old: old.joined(), new: old.reversed().joined(), oldName: "a", newName: "b") }
    },
    Case(name: "diff a text with a line changed every 50") { size in
        let lines = max(1, size / 40)
        let old = (0..<lines).map { "line \($0) of the manifest, unchanged so far\n" }.joined()
        let new = (0..<lines).map { $0 % 50 == 0 ? "line \($0) edited\n" : "line \($0) of the manifest, unchanged so far\n" }.joined()
        return { _ = UnifiedDiff.make(old: old, new: new, oldName: "a", newName: "b") }
    },
]

/// The thread's own CPU time, in seconds: waiting for a core (other processes on a shared machine) is not counted.
func threadCPUTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The least CPU time of `runs` runs, in seconds: the machine's noise only ever adds time.
func fastest(_ runs: Int, _ work: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
        let start = threadCPUTime()
        work()
        best = min(best, threadCPUTime() - start)
    }
    return best
}

func milliseconds(_ seconds: Double) -> String { String(format: seconds < 0.01 ? "%.3f ms" : "%.1f ms", seconds * 1000) }

let quick = CommandLine.arguments.contains("--quick")
let sizes = quick ? [1_000, 10_000, 100_000] : [10_000, 100_000, 1_000_000]
let labels = sizes.map { "\($0 / 1000)k chars" }
print("| text algorithm | " + labels.joined(separator: " | ") + " | growth per ×10 |")
print("|---|" + sizes.map { _ in "---:|" }.joined() + "---:|")
for benchmark in cases {
    var times: [Double] = []
    for size in sizes {
        let work = try benchmark.prepare(size)
        times.append(fastest(quick ? 3 : 5, work))
    }
    let growth = zip(times, times.dropFirst()).map { $1 / max($0, 1e-9) }
    print("| \(benchmark.name) | " + times.map(milliseconds).joined(separator: " | ") + " | "
          + growth.map { String(format: "×%.1f", $0) }.joined(separator: ", ") + " |")
}

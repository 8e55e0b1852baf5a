import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest

/// `show graph`, `export graph` and `explain` through the binary: the picture at 80 and 120
/// columns against golden files; every export of every example and of the corpus's manifests
/// with deployments read back by a parser (XMLParser for SVG, Graphviz's `dot` for DOT, a strict
/// grammar of the flowchart subset sluice writes for Mermaid, which no apt or PyPI package parses).
final class GraphTests: XCTestCase {
    static let quickstartEdits = """
        source set github https://github.com/acme/api
        build buildspec buildspec.yml
        stage add test
        test add test "make test"
        test add test "make integration-test ENV=test"
        stage add prod
        approval on prod
        """

    func testShowGraphAt80And120Columns() throws {
        try assertGolden("graph-quickstart", [
            .sluice("-c", Self.quickstartEdits),
            .sluice("show", "graph", environment: ["COLUMNS": "80"]),
            .sluice("show", "graph", environment: ["COLUMNS": "120"]),
        ])
    }

    /// Many deployments in one stage (run together, then one after them), pre and post actions,
    /// a long image name, five stages: wraps inside boxes and onto new rows.
    func testWidePipelineWrapsAt80And120Columns() throws {
        let environments = ["dev", "qa", "staging", "perf", "prod"]
        var files: [String: String] = [:]
        for environment in environments {
            files["copilot/environments/\(environment)/manifest.yml"] = "name: \(environment)\ntype: Environment\n"
        }
        var script = "source set bitbucket acme/storefront branch release\nbuild image aws/codebuild/amazonlinux2-aarch64-standard:3.0\n"
        for environment in environments { script += "stage add \(environment)\n" }
        for service in ["orders", "payments", "catalog", "search", "accounts"] { script += "deploy add staging \(service)\n" }
        script += "deploy add staging frontend depends-on orders,payments,catalog,search,accounts\n"
        script += "pre add staging migrate buildspec copilot/pipelines/migrate.yml\n"
        script += "post add staging smoke buildspec copilot/pipelines/smoke.yml\n"
        script += "approval on prod\ntest add qa \"make e2e SUITE='checkout and payments' BROWSER=firefox\"\n"
        try assertGolden("graph-wide", fixture: .quickstartWith(files), [
            .sluice("-c", script),
            .sluice("show", "graph", environment: ["COLUMNS": "80"]),
            .sluice("show", "graph", environment: ["COLUMNS": "120"]),
        ])
    }

    func testExportErrors() throws {
        try assertGolden("graph-export-errors", [
            .sluice("-c", "export graph pipeline.png"),
            .sluice("-c", Self.quickstartEdits + "\nexport graph no/such/dir/pipeline.svg"),
            .sluice("-c", "export graph pipeline.svg; export graph pipeline.svg width 60"),
        ])
    }

    func testExportOfEveryExampleParses() throws {
        let examples = packageRoot.appendingPathComponent("examples")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".sluice") }.sorted()
        XCTAssertGreaterThanOrEqual(scripts.count, 3)
        let targetCommands: Set<String> = ["push", "watch", "approve", "reject", "release", "status", "history", "logs"]
        for script in scripts {
            let sandbox = try Sandbox(.quickstart)
            let text = try String(contentsOf: examples.appendingPathComponent(script), encoding: .utf8)
            let editing = text.split(separator: "\n").filter { !targetCommands.contains(String($0.split(separator: " ").first ?? "")) }
            // codecommit.sluice builds the repository's URL in the application's region.
            try assertExportsParse(in: sandbox, editing: editing.joined(separator: "\n"), named: script,
                                   environment: ["AWS_REGION": "us-west-2"])
        }
    }

    func testExportOfCorpusManifestsWithDeploymentsParses() throws {
        let files = try PipelineCorpusFile.all().filter(\.isManifest).filter {
            (try? String(contentsOf: $0.url, encoding: .utf8))?.contains("deployments:") == true
        }
        XCTAssertGreaterThanOrEqual(files.count, 5, "the corpus has manifests with deployments")
        var exported = 0
        for file in files {
            let manifest = try String(contentsOf: file.url, encoding: .utf8)
            let sandbox = try Sandbox(.quickstartWith(["copilot/pipelines/corpus/manifest.yml": manifest]))
            try FileManager.default.removeItem(at: sandbox.root.url.appendingPathComponent("copilot/api"))
            // The corpus's workloads, so stages without `deployments` deploy them as Copilot would.
            for workload in ["web", "worker"] {
                try sandbox.write("name: \(workload)\ntype: Load Balanced Web Service\n", to: "copilot/\(workload)/manifest.yml")
            }
            let probe = try sandbox.run(.sluice("-c", "export graph probe.dot"))
            guard probe.status == 0 else {
                // A manifest Copilot refuses has no plan, hence no picture: said, not drawn.
                XCTAssertTrue(probe.stderr.contains("error:"), "\(file.name): \(probe.stderr)")
                continue
            }
            try assertExportsParse(in: sandbox, editing: "", named: file.name)
            exported += 1
        }
        XCTAssertGreaterThanOrEqual(exported, 5, "most corpus manifests with deployments have a picture")
    }

    /// After a local run parked at prod's approval: every format carries the run's states.
    func testExportWithTheNewestRunsStates() throws {
        let sandbox = try Sandbox(.empty)
        try FileManager.default.removeItem(at: sandbox.root.url)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart"), to: sandbox.root.url)
        for arguments in [["init", "-q", "-b", "main"], ["add", "-A"],
                          ["-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "example"]] {
            XCTAssertEqual(try runProcess("/usr/bin/git", ["-C", sandbox.root.path] + arguments).status, 0)
        }
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.quickstartEdits + "\nsave")).status, 0)
        for arguments in [["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "pipeline"]] {
            XCTAssertEqual(try runProcess("/usr/bin/git", ["-C", sandbox.root.path] + arguments).status, 0)
        }
        let before = try sandbox.run(.sluice("-c", "show graph --run"))
        XCTAssertEqual(before.status, 1)
        XCTAssertTrue(before.stderr.contains("api-main has not run yet"), before.stderr)
        XCTAssertEqual(try sandbox.run(.sluice("-c", "push --yes")).status, 0)

        // In a script, watch --graph says each change in a line, then draws the picture once.
        let watched = try sandbox.run(.sluice("watch", "--graph"))
        XCTAssertEqual(watched.status, 0, watched.stderr)
        let picture = try XCTUnwrap(watched.stdout.range(of: "pipeline api-main · application demo"), watched.stdout)
        XCTAssertTrue(watched.stdout[..<picture.lowerBound].contains("DeployTo-prod/ApprovePromotionTo-prod WaitingForApproval"), watched.stdout)
        XCTAssertTrue(watched.stdout[picture.lowerBound...].contains("? WaitingForApproval"), watched.stdout)

        let shown = try sandbox.run(.sluice("show", "graph", "--run"))
        XCTAssertTrue(shown.stdout.contains("? WaitingForApproval") && shown.stdout.contains("✓ Succeeded")
                      && shown.stdout.contains("DeployTo-prod ● InProgress"), shown.stdout)
        try assertExportsParse(in: sandbox, editing: "", named: "quickstart after a run", flags: " --run")
        let svg = try XCTUnwrap(sandbox.read("pipeline.svg"))
        XCTAssertTrue(svg.contains("#fff8e1") && svg.contains("#e6f4ea"), "waiting and succeeded actions coloured")
        XCTAssertTrue(try XCTUnwrap(sandbox.read("pipeline.mmd")).contains("class n4 waitingforapproval"))
        XCTAssertTrue(try XCTUnwrap(sandbox.read("pipeline.dot")).contains("fillcolor=\"#fff8e1\""))
    }

    func testExplainManifestAndBuildspec() throws {
        try assertGolden("explain", [
            .sluice("-c", Self.quickstartEdits + "\ndeploy add prod api stack demo-prod-api-v2"),
            .sluice("explain", environment: ["COLUMNS": "100"]),
            // The buildspec the manifest names is the one explained: Copilot's, here.
            .sluice("build", "buildspec", "copilot/buildspec.yml"),
            .sluice("explain", "buildspec", environment: ["COLUMNS": "100"]),
            .sluice("-c", "explain nonsense"),
        ])
    }

    /// Lines end where YAML readers end them: a manifest with CR breaks is explained line by line.
    func testExplainFollowsTheFilesLineBreaks() throws {
        let manifest = "name: api-main\rversion: 1\rsource:\r  provider: GitHub\r  properties:\r    repository: https://github.com/acme/api\r"
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": manifest]))
        let result = try sandbox.run(.sluice("explain"))
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let version = try XCTUnwrap(lines.firstIndex(of: "2 │ version: 1"), result.stdout)
        XCTAssertTrue(lines[version + 1].contains("↳ The manifest's schema version"), result.stdout)
        XCTAssertTrue(lines.contains("6 │     repository: https://github.com/acme/api"), result.stdout)
    }

    /// Markup in a committed manifest's test commands (issue 27): a `"`, `<`, `>` or `&` followed by a
    /// combining mark or a zero-width joiner, line breaks of every kind, Mermaid statements and DOT
    /// attributes. Every format keeps it inside its label: the SVG parses and shows the text, Graphviz
    /// reads the DOT without a warning and makes no link, and the Mermaid file holds only the subset.
    func testMarkupInActionTextNeverLeavesItsLabel() throws {
        let commands = [
            #"curl \"\u0301 URL=<javascript:alert(1)> \"\u200D ]; n0 [URL=\"javascript:alert(2)\"]"#,
            #"echo <\u200D/text>&\u0301amp; </svg> ' \\N \\G"#,
            #"echo one\ntwo\r\nthree\u2028four\u2029five\u0085six\"]\n  n0 --> n1; click n0 \"javascript:alert(3)\""#,
        ]
        let manifest = HostileFileTests.manifest("stages:\n  - name: test\n    test_commands:\n"
                                                 + commands.map { "      - \"\($0)\"\n" }.joined() + "  - name: prod\n")
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": manifest]))
        try assertExportsParse(in: sandbox, editing: "stage ls", named: "markup")
        let svg = try XCTUnwrap(sandbox.read("pipeline.svg"))
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        XCTAssertTrue(parser.parse())
        XCTAssertEqual(collector.counts["a", default: 0], 0, "the SVG has a link")
        XCTAssertTrue(collector.text.unicodeScalars.contains("\u{200D}"), "the joiner is drawn as text")
        XCTAssertTrue(collector.text.contains("alert(1)"), collector.text)
        let dot = try Graphviz.required()
        let rendered = try runProcess(dot, ["-Tsvg", sandbox.root.url.appendingPathComponent("pipeline.dot").path], timeout: 60)
        XCTAssertFalse(rendered.stdout.contains("<a "), "Graphviz made a link from a label:\n\(rendered.stdout)")
        XCTAssertFalse(rendered.stdout.contains("href="), "Graphviz took a URL from a label")
        let dotParser = XMLParser(data: Data(rendered.stdout.utf8))
        XCTAssertTrue(dotParser.parse(), "Graphviz's SVG of the file is not well-formed")
    }

    /// The picture of a 200,000-character word (a generated command) is drawn in time linear in its
    /// length: it took 60 s and more, ignoring Ctrl-C, when every line of the box measured the rest.
    func testABoxHoldingAVeryLongWordIsDrawn() throws {
        let word = String(repeating: "abcdefghij", count: 20_000)
        let manifest = HostileFileTests.manifest("stages:\n  - name: test\n    test_commands: [\(word)]\n")
        let sandbox = try Sandbox(.quickstartWith(["copilot/pipeline.yml": manifest]))
        let result = try sandbox.run(.sluice("show", "graph", environment: ["COLUMNS": "80"]))
        XCTAssertEqual(result.status, 0, result.stderr)
        let drawn = result.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let start = line.range(of: "│ "), let end = line.range(of: " │", options: .backwards), start.upperBound <= end.lowerBound
            else { return nil }
            return String(line[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespaces)
        }.joined()
        // "$" on a line of its own (the word does not fit beside it), then the word, whole, line after line.
        XCTAssertTrue(drawn.contains("$" + word), String(result.stdout.prefix(2_000)))
    }

    /// Runs `editing`, then exports all three formats, and parses each file.
    private func assertExportsParse(in sandbox: Sandbox, editing: String, named name: String, environment: [String: String] = [:],
                                    flags: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let exports = ["svg", "mmd", "dot"].map { "\nexport graph pipeline.\($0)\(flags)" }.joined()
        let run = try sandbox.run(.sluice("-c", editing + exports, environment: environment))
        XCTAssertEqual(run.status, 0, "\(name): \(run.stderr)", file: file, line: line)
        let svg = try XCTUnwrap(sandbox.read("pipeline.svg"), name)
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = SVGCollector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "\(name): the SVG is not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
        XCTAssertEqual(collector.root, "svg", name, file: file, line: line)
        XCTAssertGreaterThan(collector.counts["rect", default: 0], 2, "\(name): boxes drawn", file: file, line: line)
        XCTAssertGreaterThan(collector.counts["path", default: 0], 1, "\(name): arrows drawn", file: file, line: line)
        XCTAssertTrue(collector.text.contains("SourceCodeFor-demo"), "\(name): the source action is named", file: file, line: line)

        let mermaid = try XCTUnwrap(sandbox.read("pipeline.mmd"), name)
        XCTAssertEqual(MermaidSubset.problems(in: mermaid), [], "\(name):\n\(mermaid)", file: file, line: line)

        let dot = try Graphviz.required()
        let rendered = try runProcess(dot, ["-Tsvg", sandbox.root.url.appendingPathComponent("pipeline.dot").path], timeout: 60)
        XCTAssertEqual(rendered.status, 0, "\(name): dot refused the file: \(rendered.stderr)", file: file, line: line)
        XCTAssertEqual(rendered.stderr, "", "\(name): dot warned", file: file, line: line)
        XCTAssertTrue(rendered.stdout.contains("<svg"), name, file: file, line: line)
    }
}

/// Graphviz's `dot`, which scripts/test installs; its absence skips the DOT check (fails under CI).
enum Graphviz {
    static func required() throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: directory + "/dot") {
            return directory + "/dot"
        }
        let message = "graphviz's dot is not installed (scripts/test installs it)"
        if SharedData.isCI { throw MissingTool(message: message + "; CI needs it") }
        throw XCTSkip(message)
    }
}

struct MissingTool: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

private final class SVGCollector: NSObject, XMLParserDelegate {
    var root: String?
    var counts: [String: Int] = [:]
    var text = ""

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = element }
        counts[element, default: 0] += 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

/// The flowchart subset `export graph FILE.mmd` writes, checked line by line: front matter with
/// a title, `flowchart LR`, subgraphs (not nested) with `direction TB` and quoted node labels,
/// edges between declared nodes or subgraphs, class definitions and assignments. A label may
/// hold no raw quote, and `<`, `>` and `#` only as `<br/>` and entity codes.
enum MermaidSubset {
    static func problems(in text: String) -> [String] {
        var problems: [String] = []
        // Mermaid ends a statement at CR too; the others are line breaks for some reader.
        if text.unicodeScalars.contains(where: { [0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029].contains($0.value) }) {
            return ["a line break other than LF"]
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.last == "" else { return ["the file does not end with a newline"] }
        lines.removeLast()
        guard lines.count >= 4, lines[0] == "---", lines[1].hasPrefix("title: \""), lines[1].hasSuffix("\""), lines[2] == "---",
              lines[3] == "flowchart LR" else { return ["no front matter with a title, then `flowchart LR`"] }
        var nodes = Set<String>(), subgraphs = Set<String>(), classes = Set<String>()
        var inSubgraph = false
        for (index, line) in lines.enumerated().dropFirst(4) {
            let at = "line \(index + 1): "
            if let match = line.wholeMatch(of: #/  subgraph (s\d+)\["(.*)"\]/#) {
                if inSubgraph { problems.append(at + "nested subgraph") }
                if !subgraphs.insert(String(match.1)).inserted { problems.append(at + "subgraph declared twice") }
                problems += labelProblems(String(match.2)).map { at + $0 }
                inSubgraph = true
            } else if line == "    direction TB" {
                if !inSubgraph { problems.append(at + "direction outside a subgraph") }
            } else if let match = line.wholeMatch(of: #/    (n\d+)\["(.*)"\]/#) {
                if !inSubgraph { problems.append(at + "node outside a subgraph") }
                if !nodes.insert(String(match.1)).inserted { problems.append(at + "node declared twice") }
                problems += labelProblems(String(match.2)).map { at + $0 }
            } else if line == "  end" {
                if !inSubgraph { problems.append(at + "`end` without a subgraph") }
                inSubgraph = false
            } else if let match = line.wholeMatch(of: #/  ([sn]\d+) --> ([sn]\d+)/#) {
                for id in [String(match.1), String(match.2)] where !nodes.contains(id) && !subgraphs.contains(id) {
                    problems.append(at + "edge to undeclared \(id)")
                }
            } else if let match = line.wholeMatch(of: #/  classDef ([a-z]+) ([a-z-]+: ?[#0-9a-zA-Z ]+)(,[a-z-]+: ?[#0-9a-zA-Z ]+)*/#) {
                classes.insert(String(match.1))
            } else if let match = line.wholeMatch(of: #/  class (n\d+(?:,n\d+)*) ([a-z]+)/#) {
                if !classes.contains(String(match.2)) { problems.append(at + "class \(match.2) used before classDef") }
                for id in match.1.split(separator: ",") where !nodes.contains(String(id)) {
                    problems.append(at + "class given to undeclared \(id)")
                }
            } else {
                problems.append(at + "not in the subset: \(line)")
            }
        }
        if inSubgraph { problems.append("a subgraph is not closed") }
        if nodes.isEmpty { problems.append("no nodes") }
        return problems
    }

    /// By Unicode scalars, as Mermaid's lexer reads: a quote followed by a combining mark is still a quote.
    /// A label holds `<br/>` and entity codes (`#name;`, `#number;`), and none of what ends a label or a
    /// statement: a quote, markup, `;`, a line break.
    private static func labelProblems(_ label: String) -> [String] {
        var problems: Set<String> = []
        let scalars = Array(label.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index...].starts(with: "<br/>".unicodeScalars) {
                index += 5
                continue
            }
            switch scalars[index] {
            case "#":
                let code = scalars[(index + 1)...].prefix { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
                guard !code.isEmpty, index + 1 + code.count < scalars.count, scalars[index + 1 + code.count] == ";" else {
                    problems.insert("a # that is no entity code")
                    index += 1
                    continue
                }
                index += code.count + 2
                continue
            case "\"": problems.insert("a raw quote in a label")
            case "<", ">": problems.insert("markup in a label")
            case ";": problems.insert("a `;` (which ends a statement) in a label")
            case _ where [0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029].contains(scalars[index].value):
                problems.insert("a line break in a label")
            default: break
            }
            index += 1
        }
        return problems.sorted()
    }
}

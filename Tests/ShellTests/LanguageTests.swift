import Errors
import Foundation
import Shell
import TestSupport
import XCTest

/// The language itself: quoting, expansion, comments, errors, the ways of running a script.
final class LanguageTests: XCTestCase {
    func testQuotingAndEscapes() throws {
        try assertGolden("quoting", [.script(#"""
            echo plain   words 'single $NOT expanded' "double \"quoted\" \$ \\ back\tslash"
            echo a\ b 'it'\''s' "x"'y'z ''
            echo "#not a comment" # but this is
            echo "line one
            line two"
            """#)])
    }

    func testVariablesFromSetAndEnvironment() throws {
        try assertGolden("variables", [.script("""
            set NAME world
            echo "hello $NAME" ${NAME}s $NAME-ish ${GREETING}
            set GREETING "set wins"
            echo $GREETING; echo cost: $ 5 $5
            """, environment: ["GREETING": "from the environment"])])
    }

    func testUndefinedVariableIsAnErrorNotEmpty() throws {
        try assertGolden("undefined-variable", [.script("echo before\necho \"x ${MISSING} y\"\necho never")])
    }

    func testBadVariableReferences() throws {
        try assertGolden("bad-variable-reference", [.script("echo ${1x}"), .script("echo ${OPEN"), .script("echo ${}")])
    }

    func testCommentsContinuationAndSemicolons() throws {
        try assertGolden("comments-continuation", fixture: .quickstartWith(["setup.sluice": """
            #!/usr/bin/env sluice
            # a comment line
            echo one; echo two   # trailing comment
            echo three \\
                 continued \\
                 lines
            ;;  ; echo after empty commands
            echo "quoted \\
            continuation"
            """]), [.sluice("--echo", "setup.sluice")])
    }

    func testUnterminatedQuotes() throws {
        try assertGolden("unterminated-quote", [.script("echo ok\necho \"open"), .script("echo 'open")])
    }

    func testUnknownCommandSuggestsTheClosest() throws {
        try assertGolden("unknown-command", [.script("stgae add test"), .script("frobnicate"), .script("stage ad test"),
                                             .script("stage"), .script("helpp")])
    }

    /// What passes a name over before its table (a length or a count of missing characters beyond
    /// reach) never changes a suggestion: the same as plain Damerau–Levenshtein over every name, for
    /// misspellings of the command table's words and for random words.
    func testSuggestionsEqualAPlainEditDistanceOverEveryName() {
        func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
            var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in 0...a.count { table[i][0] = i }
            for j in 0...b.count { table[0][j] = j }
            for i in stride(from: 1, through: a.count, by: 1) {
                for j in stride(from: 1, through: b.count, by: 1) {
                    table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
                }
            }
            return table[a.count][b.count]
        }
        let names = CommandTable.standard.firstWords + ["Stage", "déployer", "prod-eu"]
        func expected(_ word: String) -> [String] {
            let target = Array(word.lowercased().unicodeScalars)
            let allowed = max(1, min(3, target.count / 3 + 1))
            let scored = names.compactMap { name -> (String, Int)? in
                if name.hasPrefix(word), !word.isEmpty { return (name, 0) }
                let d = distance(target, Array(name.lowercased().unicodeScalars))
                return d <= allowed ? (name, d) : nil
            }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            var seen = Set<String>()
            return Array(scored.map(\.0).filter { seen.insert($0).inserted }.prefix(3))
        }
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("abcdeilmnoprstuvwxyz-éS".unicodeScalars)
        let candidates = Suggestions.Candidates(names)
        for _ in 0..<3000 {
            var word = next(2) == 0 ? Array(names[next(names.count)].unicodeScalars) : []
            if word.isEmpty { for _ in 0..<(1 + next(9)) { word.append(alphabet[next(alphabet.count)]) } }
            for _ in 0..<next(3) {
                let at = next(word.count + 1)
                switch next(3) {
                case 0: word.insert(alphabet[next(alphabet.count)], at: at)
                case 1: if at < word.count { word.remove(at: at) }
                default: if at + 1 < word.count { word.swapAt(at, at + 1) }
                }
            }
            let text = String(String.UnicodeScalarView(word))
            XCTAssertEqual(Suggestions.closest(to: text, among: candidates), expected(text), text)
        }
    }

    func testArgumentErrors() throws {
        try assertGolden("argument-errors", [
            .script("stage add"),
            .script("stage ls extra"),
            .script("approval maybe test"),
            .script("test rm test zero"),
            .script("push --force"),
            .script("source set github acme/api branch"),
            .script("target aws endpoint ftp://example"),
            .script("pre add test migrate"),
            .script("set 9lives x"),
        ])
    }

    func testHelp() throws {
        try assertGolden("help", [.sluice("help"), .sluice("help", "stage"), .sluice("help", "stage", "add"),
                                  .sluice("help", "source", "set", "github"), .sluice("help", "stag")])
    }

    func testScriptFileErrorsPointIntoTheFile() throws {
        try assertGolden("script-file-error", fixture: .quickstartWith(["scripts/bad.sluice": """
            #!/usr/bin/env sluice
            echo first

              stage rm  nowhere extra
            echo never
            """]), [.sluice("scripts/bad.sluice"), .sluice("--echo", "scripts/bad.sluice")])
    }

    func testStandardInputIsAScript() throws {
        try assertGolden("stdin", [.sluice(input: "echo from stdin\nset X 1; echo $X\nnope\necho never\n")])
    }

    func testOneCommandFromWords() throws {
        try assertGolden("words", [.sluice("echo", "two words", "$NOT_EXPANDED_AGAIN"), .sluice("help", "record"),
                                   .sluice("stage", "frob")])
    }

    func testSluiceUsageErrors() throws {
        try assertGolden("sluice-usage", [.sluice("-c", "echo x", "extra"), .sluice("missing.sluice"),
                                          .sluice("--bogus"), .sluice("--help"), .sluice("--version", "stage", "ls")])
    }

    /// A test build is a plain `swift build`: it knows its version, and says it does not know
    /// its commit (scripts/check-install checks an installed build names its commit).
    /// A plain build says it knows no commit (the golden transcript); a binary built by
    /// scripts/install, tested through SLUICE_TEST_BINARY, names its own, the same in text and JSON.
    func testVersion() throws {
        guard ProcessInfo.processInfo.environment["SLUICE_TEST_BINARY"] != nil else {
            try assertGolden("sluice-version", [.sluice("--version"), .sluice("--version", "--json"), .sluice("--json", "--version")])
            return
        }
        let text = try runProcess(sluiceBinary, ["--version"])
        let json = try runProcess(sluiceBinary, ["--json", "--version"])
        XCTAssertEqual([text.status, json.status], [0, 0], text.stderr + json.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let version = try XCTUnwrap(fields["version"] as? String)
        XCTAssertEqual(lines.first, "sluice \(version)")
        let commit = try XCTUnwrap(fields["commit"] as? String, "a release build names its commit")
        XCTAssertNotNil(commit.wholeMatch(of: #/[0-9a-f]{40}(-dirty)?/#), commit)
        XCTAssertTrue(lines.contains("commit: \(commit)"), text.stdout)
        let swift = try XCTUnwrap(fields["swift"] as? String)
        XCTAssertTrue(lines.contains("swift: \(swift)"), text.stdout)
    }

    func testSecretsAreNeverEchoed() throws {
        try assertGolden("secrets", [.script("""
            echo ghp_abcdefghijklmnopqrstuvwxyz0123456789 is masked
            set TOKEN github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz
            echo ${TOKEN}
            ghp_abcdefghijklmnopqrstuvwxyz0123456789
            """)])
    }

    func testRunFileSharesTheSession() throws {
        try assertGolden("run-file", fixture: .quickstartWith([
            "lib/vars.sluice": "set WHO nested\necho in vars.sluice\n",
            "lib/broken.sluice": "echo in broken\n\nundefined-command\n",
            "lib/loop.sluice": "run lib/loop.sluice\n",
        ]), [.script("run lib/vars.sluice; echo back with $WHO"), .script("run lib/broken.sluice; echo never"),
             .script("run lib/missing.sluice"), .sluice("-c", "run lib/loop.sluice")])
    }

    func testExitStopsAScript() throws {
        try assertGolden("exit", [.script("echo a; exit; echo b"), .script("exit\necho never")])
    }

    func testOutsideAWorkspace() throws {
        try assertGolden("no-workspace", fixture: .empty, [.script("echo works anywhere"), .script("stage ls"),
                                                           .script("target local")])
    }

    func testRecordErrors() throws {
        try assertGolden("record-errors", [.script("record stop"), .script("record a.sluice; record b.sluice"),
                                           .script("record copilot/.workspace/inside-a-file.sluice"), .script("record a.sluice; record stop")], files: ["a.sluice"])
    }

    func testHelpForEveryCommand() throws {
        let words = ["pipeline ls", "pipeline new", "pipeline use", "pipeline rm", "pipeline show", "source set codecommit",
                     "source set bitbucket", "source show", "stage rm", "stage move", "stage ls", "approval", "test add",
                     "test rm", "test ls", "deploy add", "deploy rm", "pre add", "pre rm", "post add", "post rm", "build image",
                     "build buildspec", "build policy", "show", "diff", "validate", "save", "undo", "redo", "reload", "target",
                     "target local", "target aws", "whoami", "trace", "push", "release", "watch", "status", "history", "approve",
                     "reject", "logs", "help", "set", "echo", "run", "record", "record stop", "exit"]
        try assertGolden("help-every-command", [.script(words.map { "help \($0)" }.joined(separator: "\n"))])
    }

    /// The commands for teaching and demos, and Copilot's words for sluice's commands.
    func testHelpForDemoCommandsAndCopilotWords() throws {
        let words = ["pipeline init", "pipeline deploy", "pipeline update", "pipeline status", "pipeline delete", "reset", "say", "pause"]
        try assertGolden("help-demo-commands", [.script(words.map { "help \($0)" }.joined(separator: "\n"))])
    }

    func testColumnsCountCharactersNotBytes() throws {
        try assertGolden("unicode-columns", [.script("echo café ünïcödé; stgae ✓"), .script("echo 'naïve \"quote")])
    }

    func testStandardInputWithContinuationsAndQuotesAcrossLines() throws {
        try assertGolden("stdin-continuation", [.sluice(input: "echo one \\\n  two\necho \"three\nfour\"; echo five\n")])
    }
}

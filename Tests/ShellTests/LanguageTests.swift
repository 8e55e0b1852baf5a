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
    func testVersion() throws {
        try assertGolden("sluice-version", [.sluice("--version"), .sluice("--version", "--json"), .sluice("--json", "--version")])
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

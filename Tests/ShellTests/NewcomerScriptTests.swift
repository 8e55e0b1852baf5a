import Foundation
import Shell
import TestSupport
import XCTest

/// What a newcomer met in scripts and at the command line (issue 26), through the real binary:
/// each defect first reproduced here, then fixed.
final class NewcomerScriptTests: XCTestCase {
    /// A whole copy of examples/quickstart (its Makefile and buildspec.yml too), optionally in a git
    /// repository with everything committed on main.
    func quickstart(git: Bool = true) throws -> Sandbox {
        let sandbox = try Sandbox(.empty)
        try FileManager.default.removeItem(at: sandbox.root.url)
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart"), to: sandbox.root.url)
        if git {
            try self.git(sandbox, "init", "-q", "-b", "main")
            try commit(sandbox, "quickstart")
        }
        return sandbox
    }

    func git(_ sandbox: Sandbox, _ arguments: String...) throws {
        let result = try runProcess("/usr/bin/git", ["-C", sandbox.root.path] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func commit(_ sandbox: Sandbox, _ message: String) throws {
        try git(sandbox, "add", "-A")
        try git(sandbox, "-c", "user.name=sluice", "-c", "user.email=test@sluice.invalid", "commit", "-q", "--allow-empty", "-m", message)
    }

    /// The quickstart's pipeline, saved: GitHub source, its own buildspec.yml, test and prod (with approval).
    static let pipeline = "source set github https://github.com/acme/api; build buildspec buildspec.yml; stage add test; "
        + "test add test 'make test'; stage add prod; approval on prod; save"

    // MARK: The first session: push refuses a run that cannot get far here, saying what to do

    func testPushRefusesARunThatCannotGetFarHereBeforeRecordingIt() throws {
        // No git repository: nothing for the Source to take.
        let loose = try quickstart(git: false)
        let withoutGit = try loose.run(.sluice("-c", "source set github acme/api; stage add test; push --yes"))
        XCTAssertEqual(withoutGit.status, 1, withoutGit.stdout)
        XCTAssertTrue(withoutGit.stderr.flattened.contains("is not in a git repository"), withoutGit.stderr)
        XCTAssertTrue(withoutGit.stderr.flattened.contains("hint: git init -b main && git add -A && git commit"), withoutGit.stderr)
        XCTAssertNil(loose.read(".sluice/local/pipelines/api-main/pipeline.json"), "nothing recorded")

        // Copilot's buildspec, on a machine with git and nothing it runs: named, before it is even committed.
        let sandbox = try quickstart()
        let bin = sandbox.root.url.appendingPathComponent(".bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("git"), withDestinationURL: URL(fileURLWithPath: "/usr/bin/git"))
        let copilots = try sandbox.run(.sluice("-c", "source set github acme/api; stage add test; push --yes", environment: ["PATH": bin.path]))
        XCTAssertEqual(copilots.status, 1, copilots.stdout)
        let said = copilots.stderr.flattened
        XCTAssertTrue(said.contains("copilot/buildspec.yml runs ") && said.contains("copilot") && said.contains("jq") && said.contains("ruby"), said)
        XCTAssertTrue(said.contains("hint: install them, or build with a buildspec that runs here (`build buildspec FILE`"), said)
        XCTAssertNil(sandbox.read(".sluice/local/pipelines/api-main/pipeline.json"), "nothing recorded")
        // The workspace's own buildspec, not committed yet: the Build runs what is committed.
        try sandbox.write("version: 0.2\nphases:\n  build:\n    commands:\n      - make all\n", to: "ci/buildspec.yml")
        let uncommitted = try sandbox.run(.sluice("-c", "build buildspec ci/buildspec.yml; push --yes"))
        XCTAssertEqual(uncommitted.status, 1, uncommitted.stdout)
        XCTAssertTrue(uncommitted.stderr.flattened.contains("ci/buildspec.yml is not in commit"), uncommitted.stderr)
        XCTAssertTrue(uncommitted.stderr.flattened.contains("hint: the pipeline builds what is committed: git add ci/buildspec.yml"), uncommitted.stderr)
    }

    // MARK: 1. pipeline rm asks, takes --yes, and undo puts the files back

    func testPipelineRmInAScriptNeedsYesAndUndoPutsTheFilesBack() throws {
        let sandbox = try quickstart(git: false)
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline)).status, 0)
        let before = sandbox.snapshot()

        let refused = try sandbox.run(.sluice("-c", "pipeline rm api-main"))
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("pipeline rm needs confirmation") && refused.stderr.contains("--yes"), refused.stderr)
        XCTAssertEqual(sandbox.snapshot(), before, "nothing removed without --yes")

        // Copilot's word for it too; undo in the same script puts both files back, byte for byte.
        let undone = try sandbox.run(.sluice("-c", "pipeline delete api-main --yes; pipeline ls; undo; pipeline ls"))
        XCTAssertEqual(undone.status, 0, undone.stderr)
        XCTAssertTrue(undone.stdout.contains("removed pipeline api-main"), undone.stdout)
        XCTAssertTrue(undone.stdout.contains("no pipelines"), undone.stdout)
        XCTAssertTrue(undone.stdout.hasSuffix("* api-main  copilot/pipeline.yml\n"), undone.stdout)
        XCTAssertEqual(sandbox.snapshot(), before)

        let removed = try sandbox.run(.sluice("pipeline", "rm", "api-main", "--yes"))
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertNil(sandbox.read("copilot/pipeline.yml"))
        XCTAssertNil(sandbox.read("copilot/buildspec.yml"))
    }

    // MARK: 3. release fails when its run fails, as push does

    func testReleaseExitsOneWhenItsRunFails() throws {
        let sandbox = try quickstart()
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline.replacingOccurrences(of: "make test", with: "false"))).status, 0)
        try commit(sandbox, "pipeline")
        let pushed = try sandbox.run(.sluice("-c", "push --yes"))
        XCTAssertEqual(pushed.status, 1, pushed.stdout)
        let released = try sandbox.run(.sluice("-c", "release"))
        XCTAssertEqual(released.status, 1, released.stdout + released.stderr)
        XCTAssertTrue(released.stderr.flattened.contains("failed: DeployTo-test/TestCommands"), released.stderr)
    }

    // MARK: 4. the picture's arrows say what runs after what

    /// Stage to stage, the arrow leaves from the stage's last action (its tests), as a wrapped row's
    /// does; each of two actions that start together has an arrow in.
    func testArrowsLeaveFromTheLastActionAndEnterEachParallelAction() throws {
        let sandbox = try quickstart(git: false)
        let result = try sandbox.run(.sluice("-c", Self.pipeline + "; deploy add test api; deploy add test db; show graph",
                                             environment: ["COLUMNS": "80"]))
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func line(_ text: String) throws -> String { try XCTUnwrap(lines.first { $0.contains(text) }, "no line with \(text):\n" + result.stdout) }
        func after(_ text: String, in line: String) -> Substring { line[line.range(of: text)!.upperBound...] }
        // Into prod from the test stage's tests, not from its first deployment.
        XCTAssertTrue(after("TestCommands", in: try line("│ TestCommands")).contains("├"), result.stdout)
        XCTAssertFalse(after("CreateOrUpdate-api-test", in: try line("CreateOrUpdate-api-test")).contains("├"), result.stdout)
        XCTAssertTrue(try line("ApprovePromotionTo-prod").contains("▶╎ ApprovePromotionTo-prod"), result.stdout)
        // Both deployments of test start together; each is entered.
        for name in ["CreateOrUpdate-api-test", "CreateOrUpdate-db-test"] {
            XCTAssertTrue(try line(name).contains("▶│ " + name), name + "\n" + result.stdout)
        }
    }

    // MARK: 5. show/explain buildspec show the buildspec the manifest names

    func testShowAndExplainBuildspecFollowTheManifest() throws {
        let sandbox = try quickstart(git: false)
        let own = try XCTUnwrap(sandbox.read("buildspec.yml"))
        let shown = try sandbox.run(.sluice("-c", "source set github acme/api; build buildspec buildspec.yml; show buildspec"))
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("build buildspec: buildspec.yml\n" + own), shown.stdout)
        let explained = try sandbox.run(.sluice("-c", "explain buildspec"))
        XCTAssertEqual(explained.status, 0, explained.stderr)
        XCTAssertTrue(explained.stdout.hasPrefix("buildspec.yml explained:"), explained.stdout)
        XCTAssertTrue(explained.stdout.contains("make all"), explained.stdout)
    }

    // MARK: 9. removing what is not there is an error, as for stages

    func testRemovingADeploymentThatIsNotThereIsAnError() throws {
        let sandbox = try quickstart(git: false)
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline + "; deploy add test db; pre add test migrate buildspec m.yml")).status, 0)
        let before = sandbox.snapshot()
        for (script, message, hint) in [("deploy rm test dbb", "no deployment dbb in stage test", "did you mean 'db'?"),
                                        ("pre rm test migrat", "no pre-deployment action migrat in stage test", "did you mean 'migrate'?"),
                                        ("post rm test smoke", "no post-deployment action smoke in stage test", "`stage ls` shows")] {
            let result = try sandbox.run(.sluice("-c", script))
            XCTAssertEqual(result.status, 1, script + "\n" + result.stdout)
            XCTAssertTrue(result.stderr.contains(message) && result.stderr.contains("hint: " + hint), script + "\n" + result.stderr)
            XCTAssertEqual(sandbox.snapshot(), before, script)
        }
    }

    // MARK: 12. a demo run twice: what to do is said

    func testASecondRunOfADemoScriptIsToldAboutReset() throws {
        let sandbox = try quickstart()
        try sandbox.write(Self.pipeline.replacingOccurrences(of: "; ", with: "\n") + "\npush --yes\napprove prod\n", to: "demo.sluice")
        try commit(sandbox, "demo")
        let first = try sandbox.run(.sluice("demo.sluice"))
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let second = try sandbox.run(.sluice("demo.sluice"))
        XCTAssertTrue(second.stdout.contains("up to date"), second.stdout)
        XCTAssertTrue((second.stdout + second.stderr).contains("reset --yes"), second.stdout + second.stderr)
        // What it suggests works: the demo runs again from a clean slate.
        let again = try sandbox.run(.sluice("-c", "reset --yes; run demo.sluice"))
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
    }

    // MARK: 14. an edit before `source set` saves no pipeline without a repository

    func testAnEditBeforeSourceSetSavesNothing() throws {
        let sandbox = try quickstart(git: false)
        let before = sandbox.snapshot()
        let result = try sandbox.run(.sluice("-c", "stage add test"))
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stderr.contains("source set github"), result.stderr)
        XCTAssertEqual(sandbox.snapshot(), before)
        // `pipeline new` says the repository is still to be named, and saving it says so again.
        let named = try sandbox.run(.sluice("-c", "pipeline new api-main; save"))
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertTrue(named.stdout.contains("no repository yet"), named.stdout)
        XCTAssertTrue(named.stdout.contains("warning:"), named.stdout)
    }

    // MARK: 15. the useful hint is the hint

    func testARejectedRunIsNotSentToTheLogs() throws {
        let sandbox = try quickstart()
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline)).status, 0)
        XCTAssertEqual(try sandbox.run(.sluice("-c", "push --yes")).status, 0)
        let result = try sandbox.run(.sluice("-c", "reject prod comment 'not today'; watch"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("rejected"), result.stderr)
        XCTAssertFalse(result.stderr.contains("logs"), "a rejection wrote no log worth reading:\n" + result.stderr)
        XCTAssertTrue(result.stderr.contains("hint: `release` starts another run"), result.stderr)
    }

    func testAFailingActionsOwnHintIsTheHint() throws {
        let sandbox = try quickstart()
        // The buildspec's own error (a shell this machine lacks) comes with its own hint.
        try sandbox.write("version: 0.2\nenv:\n  shell: sluice-no-shell\nphases:\n  build:\n    commands:\n      - make all\n", to: "buildspec.yml")
        try commit(sandbox, "a shell that is not there")
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline)).status, 0)
        let result = try sandbox.run(.sluice("-c", "push --yes"))
        XCTAssertEqual(result.status, 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.contains("hint:") }.count, 1, result.stderr)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  hint: install sluice-no-shell") }, result.stderr)
        XCTAssertFalse(lines.contains { $0.contains("error:") && $0.contains("hint") }, "the hint is not inside the message:\n" + result.stderr)
    }

    // MARK: 16. output that fits 80 columns

    func testHistoryHasAHeaderAndFitsEightyColumns() throws {
        let sandbox = try quickstart()
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline)).status, 0)
        XCTAssertEqual(try sandbox.run(.sluice("-c", "push --yes; approve prod; release; approve prod")).status, 0)
        let history = try sandbox.run(.sluice("history"))
        XCTAssertEqual(history.status, 0, history.stderr)
        let lines = history.stdout.split(separator: "\n").map(String.init)
        // A header, then each run's first line under it; what the run did follows, indented.
        XCTAssertEqual(lines.filter { !$0.hasPrefix(" ") }.count, 3, history.stdout)
        XCTAssertTrue(lines[0].hasPrefix("RUN"), history.stdout)
        XCTAssertTrue(lines[0].contains("STATE") && lines[0].contains("STARTED"), history.stdout)
        let column = try XCTUnwrap(lines[0].range(of: "STATE")).lowerBound.utf16Offset(in: lines[0])
        XCTAssertTrue(lines[1].dropFirst(column).hasPrefix("Succeeded"), "states under STATE:\n" + history.stdout)
        for line in lines { XCTAssertLessThanOrEqual(line.count, 80, line) }
    }

    /// `history` shows when each run started in this machine's time zone (TZ), as the time zone data
    /// of this test process (the toolchain's whole ICU data) says. scripts/check-install runs this test
    /// against the installed release binary too (SLUICE_TEST_BINARY), whose ICU data is the subset
    /// scripts/icu-data-subset writes: zones with half- and quarter-hour offsets and daylight saving.
    func testHistoryStartTimesAreInTheMachinesTimeZone() throws {
        let sandbox = try quickstart()
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline)).status, 0)
        XCTAssertEqual(try sandbox.run(.sluice("-c", "push --yes")).status, 0)
        let json = try sandbox.run(.sluice("--json", "history"))
        XCTAssertEqual(json.status, 0, json.stderr)
        let runs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let startedAt = try XCTUnwrap(runs.first?["startedAt"] as? String)
        let started = try XCTUnwrap(ISO8601DateFormatter().date(from: startedAt), startedAt)
        for zone in ["UTC", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "America/New_York", "Europe/Berlin",
                     "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago"] {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = try XCTUnwrap(TimeZone(identifier: zone), zone)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: started)
            let expected = String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year!, parts.month!, parts.day!,
                                  parts.hour!, parts.minute!, parts.second!)
            let history = try sandbox.run(.sluice("history", environment: ["TZ": zone]))
            XCTAssertEqual(history.status, 0, history.stderr)
            let lines = history.stdout.split(separator: "\n").map(String.init)
            // RUN, STATE, STARTED (TOOK is empty while the run waits for its approval).
            let columns = lines.count > 1 ? lines[1].components(separatedBy: "  ").filter { !$0.isEmpty } : []
            XCTAssertEqual(columns.count > 2 ? columns[2] : nil, expected, "\(zone) (\(startedAt)):\n\(history.stdout)")
        }
    }

    /// The stages in the rows the terminal draws them in, so Graphviz makes a picture about as wide as
    /// the terminal's, not one long strip (the quickstart was 2516×205 pixels, 12 times wider than high).
    func testTheDOTPictureIsNoStrip() throws {
        let sandbox = try quickstart(git: false)
        let result = try sandbox.run(.sluice("-c", Self.pipeline + "; test add test 'make integration-test ENV=test'; export graph pipeline.dot"))
        XCTAssertEqual(result.status, 0, result.stderr)
        let dot = try XCTUnwrap(sandbox.read("pipeline.dot"))
        XCTAssertTrue(dot.contains("rankdir=TB") && dot.contains("{ rank=same; n0; n1; n2; }"), dot)
        let rendered = try runProcess(try Graphviz.required(), ["-Tsvg", sandbox.root.url.appendingPathComponent("pipeline.dot").path], timeout: 60)
        XCTAssertEqual(rendered.status, 0, rendered.stderr)
        let size = try XCTUnwrap(rendered.stdout.firstMatch(of: #/<svg width="(\d+)pt" height="(\d+)pt"/#), rendered.stdout)
        let (width, height) = (try XCTUnwrap(Double(size.1)), try XCTUnwrap(Double(size.2)))
        XCTAssertLessThan(width / height, 4, "\(width)×\(height)")
    }

    // MARK: 17. one form of location

    func testCommandLineErrorsAreLocatedAlike() throws {
        let sandbox = try quickstart(git: false)
        XCTAssertEqual(try sandbox.run(.sluice("-c", Self.pipeline)).status, 0)
        let given = try sandbox.run(.sluice("-c", "stage rm staing"))
        let words = try sandbox.run(.sluice("stage", "rm", "staing"))
        XCTAssertEqual(given.stderr, words.stderr)
        XCTAssertTrue(given.stderr.hasPrefix("<command line>:1:10: error: "), given.stderr)
    }

    // MARK: The bar: help at 80 columns cuts no word

    /// `help` for every command of the table, at 80 columns: no line wider, and the same words, in
    /// the same order, as with all the room in the world — so no word was cut.
    func testHelpForEveryCommandFitsEightyColumnsWithoutCuttingAWord() throws {
        let sandbox = try Sandbox(.quickstart)
        let topics = [""] + CommandTable.standard.commands.map(\.name) + CommandTable.standard.firstWords
        let script = topics.map { "help \($0)" }.joined(separator: "\n")
        let narrow = try sandbox.run(.sluice("-c", script, environment: ["COLUMNS": "80"]))
        let wide = try sandbox.run(.sluice("-c", script, environment: ["COLUMNS": "100000"]))
        XCTAssertEqual(narrow.status, 0, narrow.stderr)
        for line in narrow.stdout.split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 80, String(line))
        }
        let words = { (text: String) in text.split(whereSeparator: \.isWhitespace) }
        XCTAssertEqual(words(narrow.stdout), words(wide.stdout))
        XCTAssertTrue(wide.stdout.split(separator: "\n").contains { $0.count > 80 }, "the wide run has long lines to wrap")
    }

    /// Errors and their hints wrap too, the hint on a line of its own.
    func testAnErrorAndItsHintWrapAtEightyColumns() throws {
        let sandbox = try Sandbox(.quickstart)
        let result = try sandbox.run(.sluice("-c", "pipeline init", environment: ["COLUMNS": "80"]))
        XCTAssertEqual(result.status, 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(lines.count, 2, result.stderr)
        for line in lines { XCTAssertLessThanOrEqual(line.count, 80, line) }
        let hint = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  hint: ") }, result.stderr)
        XCTAssertTrue(lines[..<hint].allSatisfy { !$0.contains("hint:") })
        XCTAssertTrue(lines[(hint + 1)...].allSatisfy { $0.hasPrefix("        ") }, "the hint's lines are indented under it:\n" + result.stderr)
    }
}

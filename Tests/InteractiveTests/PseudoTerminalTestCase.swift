import AWS
import Foundation
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What every interactive test starts from: a home directory of its own (history under its
/// XDG_STATE_HOME, no ~/.editrc) holding a Copilot workspace — application `demo`,
/// environments test, prod and staging, pipeline `api-main` with stages test and prod — and a
/// way to open `sluice` there on a pseudo-terminal.
class PseudoTerminalTestCase: XCTestCase {
    var home: TemporaryDirectory!
    var workspace: URL { home.url.appendingPathComponent("api") }
    var historyFile: URL { home.url.appendingPathComponent("state/sluice/history") }

    override func setUpWithError() throws {
        home = try TemporaryDirectory("sluice-interactive")
        try makeWorkspace(at: workspace, environments: ["test", "prod", "staging"])
    }

    override func tearDown() {
        home.remove()
    }

    /// `sluice` (with no arguments unless given) in the workspace; `environment` is added to a minimal one.
    func start(_ arguments: [String] = [], columns: UInt16 = 100, rows: UInt16 = 30,
               environment: [String: String] = ["NO_COLOR": "1"]) throws -> PseudoTerminal {
        var childEnvironment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home.path,
            "XDG_STATE_HOME": home.path + "/state",
            "EDITRC": "/dev/null",
            "TERM": "xterm",
            "LANG": "C.UTF-8",
        ]
        childEnvironment.merge(environment) { _, new in new }
        return try PseudoTerminal(sluiceBinary, arguments, directory: workspace, environment: childEnvironment, columns: columns, rows: rows)
    }

    /// `sluice` at its prompt in a workspace whose pipeline runs to the end on the local target: a build
    /// that succeeds and prod's `make smoke` test.
    func startWithARunnablePipeline() throws -> PseudoTerminal {
        try "smoke:\n\t@echo smoke-ran\n".write(to: workspace.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        try commitBuild(["echo built"])
        let shell = try start()
        try shell.expectPrompt()
        return shell
    }

    /// A fresh moto holding what `copilot app init demo` and `copilot env init` leave (SSM, the
    /// application StackSet) for `environments`.
    func seedCopilotApplication(environments: [String]) async throws -> (MotoServer, AWSClient) {
        let moto = try MotoServer.shared()
        try await moto.reset()
        try await AWSCommandLine(moto: moto).seedCopilotApplication("demo", environments: environments)
        return (moto, AWSClient(configuration: try moto.configuration()))
    }

    /// Ctrl-D on an empty line; optionally answers yes to leaving unsaved edits.
    func exit(_ shell: PseudoTerminal, discardingEdits: Bool = false) throws {
        shell.send("\u{04}")
        if discardingEdits {
            try shell.expectInput("[y/N] ")
            shell.send("y\r")
        }
        XCTAssertEqual(try shell.waitForExit(), 0)
    }

    func assertCooked(_ settings: termios, _ when: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(settings.c_lflag & tcflag_t(ICANON), 0, "line editing (ICANON) back on \(when)", file: file, line: line)
        XCTAssertNotEqual(settings.c_lflag & tcflag_t(ECHO), 0, "echo back on \(when)", file: file, line: line)
    }

    /// The entries of the history file (libedit's format: a header line, then one entry a line).
    func historyEntries() throws -> [String] {
        let lines = try String(contentsOf: historyFile, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "_HiStOrY_V2_")
        return lines.dropFirst().map { $0.replacingOccurrences(of: "\\040", with: " ") }
    }

    /// Paths of regular files under `directory` whose bytes contain `text`.
    func filesContaining(_ text: String, under directory: URL) throws -> [String] {
        let needle = Data(text.utf8)
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                  let data = try? Data(contentsOf: url) else { continue }
            if data.range(of: needle) != nil { found.append(url.path) }
        }
        return found
    }

    static let manifest = """
        # The manifest for the "api-main" pipeline.
        name: api-main
        version: 1
        source:
          provider: GitHub
          properties:
            branch: main
            repository: https://github.com/acme/api
        stages:
          - name: test
          - name: prod
            requires_approval: true
            test_commands:
              - make smoke

        """

    /// A Copilot workspace (application `demo`, pipeline `api-main` with stages test and prod)
    /// in a git repository on branch main.
    func makeWorkspace(at root: URL, environments: [String]) throws {
        let copilot = root.appendingPathComponent("copilot")
        try FileManager.default.createDirectory(at: copilot, withIntermediateDirectories: true)
        try "application: demo\n".write(to: copilot.appendingPathComponent(".workspace"), atomically: true, encoding: .utf8)
        for environment in environments {
            let directory = copilot.appendingPathComponent("environments/\(environment)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "name: \(environment)\ntype: Environment\n"
                .write(to: directory.appendingPathComponent("manifest.yml"), atomically: true, encoding: .utf8)
        }
        let pipeline = copilot.appendingPathComponent("pipelines/api-main")
        try FileManager.default.createDirectory(at: pipeline, withIntermediateDirectories: true)
        try Self.manifest.write(to: pipeline.appendingPathComponent("manifest.yml"), atomically: true, encoding: .utf8)
        // Service api: what the stages deploy (Copilot leaves out a stage with nothing to deploy).
        try FileManager.default.createDirectory(at: copilot.appendingPathComponent("api"), withIntermediateDirectories: true)
        try "name: api\ntype: Backend Service\n".write(to: copilot.appendingPathComponent("api/manifest.yml"), atomically: true, encoding: .utf8)
        try Self.buildspec(["make"]).write(to: pipeline.appendingPathComponent("buildspec.yml"), atomically: true, encoding: .utf8)
        let git = try runProcess("/usr/bin/git", ["init", "-q", "-b", "main", root.path])
        XCTAssertEqual(git.status, 0, git.stderr)
    }

    /// A buildspec running `commands`, then writing service api's template and configuration for every
    /// environment under Copilot's names, as `copilot svc package` would, for the deployments to read.
    static func buildspec(_ commands: [String]) -> String {
        let package = "for env in test prod staging; do echo 'Resources: {}' > infrastructure/api-$env.stack.yml; "
            + "echo '{}' > infrastructure/api-$env.params.json; done"
        return "version: 0.2\nphases:\n  build:\n    commands:\n"
            + commands.map { "      - \($0)\n" }.joined()
            + "      - mkdir -p infrastructure\n      - >\n        \(package)\n"
            + "artifacts:\n  files:\n    - 'infrastructure/*'\n"
    }

    /// Gives pipeline api-main a build phase of `commands`, then commits the workspace.
    func commitBuild(_ commands: [String]) throws {
        try Self.buildspec(commands).write(to: workspace.appendingPathComponent("copilot/pipelines/api-main/buildspec.yml"), atomically: true, encoding: .utf8)
        try commitWorkspace()
    }

    /// Commits the workspace as it is: the local target builds what is committed.
    func commitWorkspace() throws {
        for arguments in [["add", "-A"], ["-c", "user.name=sluice", "-c", "user.email=test@sluice.invalid", "commit", "-q", "-m", "workspace"]] {
            let git = try runProcess("/usr/bin/git", ["-C", workspace.path] + arguments)
            XCTAssertEqual(git.status, 0, git.stderr)
        }
    }
}

extension PseudoTerminal {
    /// Waits for the main prompt (`…]> `, or `…]*> ` with unsaved edits) and for libedit to
    /// be reading; returns what came before the prompt.
    @discardableResult
    func expectPrompt(dirty: Bool = false, timeout: TimeInterval = 15) throws -> String {
        try expectInput(dirty ? "]*> " : "]> ", timeout: timeout)
    }

    /// Types `keys` and Enter, waits for `output`, then for the next prompt.
    func enter(_ keys: String, expecting output: String, dirty: Bool = false) throws {
        send(keys + "\r")
        try expect(output)
        try expectPrompt(dirty: dirty)
    }

    /// Types `push` (which parks at prod's approval), then `watch`, approves inside it and waits
    /// for the run to succeed and the prompt to come back.
    func pushAndApproveInsideWatch(_ push: String = "push --yes", confirming: Bool = false) throws {
        send(push + "\r")
        if confirming {
            try expect("[y/N] ")
            send("y\r")
        }
        try expect("WaitingForApproval")
        try expectPrompt()
        send("watch\r")
        try expect("Enter leaves watch: ")
        send("a\r")
        let drawn = try expect("approved prod")  // after the run it let go on, drawn once
        XCTAssertTrue(drawn.contains("Succeeded"), drawn.debugDescription)
        try expectPrompt()
    }

    /// Waits for `prompt` and for libedit to be reading the answer.
    @discardableResult
    func expectInput(_ prompt: String, timeout: TimeInterval = 15) throws -> String {
        let before = try expect(prompt, timeout: timeout)
        try awaitLineEditing()
        return before
    }
}

import CopilotRules
import Errors
import Foundation
import Manifest
@testable import Targets
import TestSupport
import XCTest

/// The local target driven directly (the end-to-end cases through the `sluice` binary are in
/// LocalEndToEndTests): real git, real /bin/sh, real make.
final class LocalEngineTests: XCTestCase {
    var workspace: LocalWorkspace!

    override func setUpWithError() throws {
        workspace = try LocalWorkspace()
    }

    override func tearDown() {
        workspace.remove()
    }

    func testQuickstartRunsToTheApprovalThenSucceeds() async throws {
        let (target, output) = workspace.target()
        let outcome = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        guard case .deployed(let id?, _) = outcome else { return XCTFail("\(outcome)") }

        var snapshot = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.id, id)
        XCTAssertEqual(snapshot.state, .inProgress)
        XCTAssertEqual(snapshot.stages.map(\.name), ["Source", "Build", "DeployTo-test", "DeployTo-prod"])
        XCTAssertEqual(snapshot.stages.map(\.state), [.succeeded, .succeeded, .succeeded, .inProgress])
        XCTAssertEqual(snapshot.stages[2].actions.map(\.name), ["CreateOrUpdate-api-test", "TestCommands"])
        XCTAssertEqual(snapshot.stages[2].actions[0].summary, "stack demo-test-api ← infrastructure/api-test.stack.yml")
        XCTAssertEqual(snapshot.stages[2].actions[1].summary, "2 commands passed")
        XCTAssertEqual(snapshot.waitingApprovals.map(\.environment), ["prod"])
        XCTAssertEqual(snapshot.sourceRevision, workspace.head)
        XCTAssertTrue(output().contains("DeployTo-prod/ApprovePromotionTo-prod WaitingForApproval"), output())

        // A second sluice (a new target object) answers the approval and finishes the run.
        let (later, laterOutput) = workspace.target()
        try await later.approve(workspace.context(), environment: "prod", comment: "ship it")
        snapshot = try await XCTUnwrapAsync(try await later.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.state, .succeeded)
        XCTAssertEqual(snapshot.stages.map(\.state), [.succeeded, .succeeded, .succeeded, .succeeded])
        XCTAssertTrue(snapshot.stages[3].actions[0].summary?.hasSuffix(": ship it") ?? false)
        XCTAssertFalse(laterOutput().contains("Source"), "only what changed after the approval is said: \(laterOutput())")
        XCTAssertTrue(laterOutput().contains("Execution \(id) Succeeded\n"), laterOutput())

        // Approving again what was approved is an error that says so.
        do {
            try await later.approve(workspace.context(), environment: "prod", comment: nil)
            XCTFail("approved an approval answered already")
        } catch let error as LocalTargetError {
            XCTAssertEqual(error.message, "the approval for prod in run \(id) was already approved (approved by \(LocalEngine.userName): ship it)")
        }

        // Deployments are recorded per environment with the build's template.
        let deployed = workspace.url.appendingPathComponent(".sluice/local/deployments/prod/demo-prod-api")
        let template = try String(contentsOf: deployed.appendingPathComponent("template.yml"), encoding: .utf8)
        XCTAssertTrue(template.contains("Name: /demo/prod/api/greeting"))
        XCTAssertEqual(try String(contentsOf: workspace.url.appendingPathComponent(".sluice/.gitignore"), encoding: .utf8), "*\n")

        // Logs of each action.
        let build = try await later.logs(workspace.context(), stage: "Build", action: nil)
        XCTAssertTrue(build.contains("[Container] Running command make all"), build)
        XCTAssertTrue(build.contains("ok - greets an environment"), build)
        XCTAssertTrue(build.contains("Building \(workspace.head) in "), build)
        let tests = try await later.logs(workspace.context(), stage: "test", action: "TestCommands")
        XCTAssertTrue(tests.contains("[Container] Running command make integration-test"), tests)
        let stage = try await later.logs(workspace.context(), stage: "DeployTo-prod", action: nil)
        XCTAssertTrue(stage.contains("==> DeployTo-prod/CreateOrUpdate-api-prod (Succeeded) <=="), stage)

        // A finished execution keeps its logs and artifacts, not its copies of the source.
        let run = workspace.url.appendingPathComponent(".sluice/local/pipelines/release/executions/\(id)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted(),
                       ["artifacts", "execution.json", "lock", "logs"])

        // Pushing the same pipeline again changes nothing; release starts a second execution.
        let again = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        XCTAssertEqual(again, .upToDate)
        let second = try await target.release(workspace.context(), variables: []).id
        let history = try await target.history(workspace.context(), limit: 10)
        XCTAssertEqual(history.map(\.id), [second, id])
        XCTAssertEqual(history.map(\.trigger), ["release", "push"])
        XCTAssertEqual(history.map(\.state), [.inProgress, .succeeded])
    }

    func testAFailingTestCommandStopsPromotion() async throws {
        try workspace.write("tests/greeting_test.sh", "echo 'not ok - broken on purpose'; exit 3\n")
        try workspace.commit("break the tests")
        workspace.testCommands = ["sh tests/greeting_test.sh"]
        try workspace.write("buildspec.yml", "version: 0.2\nphases:\n  build:\n    commands: [make templates]\nartifacts:\n  files: ['infrastructure/*']\n")
        try workspace.commit("build without tests")
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        let snapshot = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.state, .failed)
        XCTAssertEqual(snapshot.stages.map(\.state), [.succeeded, .succeeded, .failed, .pending])
        XCTAssertEqual(snapshot.stages[2].actions[1].summary, "`sh tests/greeting_test.sh` exited with 3: not ok - broken on purpose")
        XCTAssertEqual(snapshot.failureReason, "DeployTo-test/TestCommands: `sh tests/greeting_test.sh` exited with 3: not ok - broken on purpose")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.url.appendingPathComponent(".sluice/local/deployments/prod").path))
    }

    func testARejectedApprovalStopsTheExecution() async throws {
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        try await target.reject(workspace.context(), environment: "prod", comment: "not today")
        let snapshot = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.state, .rejected)
        XCTAssertEqual(snapshot.stages[3].actions.map(\.state), [.rejected, .pending])
        do {
            try await target.approve(workspace.context(), environment: "prod", comment: nil)
            XCTFail("approved a rejected execution")
        } catch let error as LocalTargetError {
            XCTAssertEqual(error.message, "the approval for prod in run \(snapshot.id) was already rejected (rejected by \(LocalEngine.userName): not today)")
            XCTAssertEqual(error.hint, "no approval is waiting anywhere; `status` shows where run \(snapshot.id) is; "
                           + "`release` starts a new run, or `reset --yes` clears the runs so that `push` starts afresh")
        }
    }

    func testBuildPhasesShareOneShellAndFollowCodeBuildTransitions() async throws {
        try workspace.write("buildspec.yml", """
        version: 0.2
        env:
          variables:
            GREETING: "hello: there"
        phases:
          install:
            commands:
              - cd src
              - LOCAL_ONLY=kept
          build:
            commands:
              - echo "in $(basename "$PWD") with $LOCAL_ONLY and $GREETING"
              - false
              - echo never runs
            finally:
              - echo finally runs
          post_build:
            commands:
              - echo "post_build sees CODEBUILD_BUILD_SUCCEEDING=$CODEBUILD_BUILD_SUCCEEDING"
        """)
        try workspace.commit("a failing build")
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        let snapshot = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.stages[1].actions[0].state, .failed)
        XCTAssertEqual(snapshot.stages[1].actions[0].summary, "`false` exited with 1")
        let log = try await target.logs(workspace.context(), stage: "Build", action: nil)
        XCTAssertTrue(log.contains("in src with kept and hello: there\n"), log)
        XCTAssertFalse(log.contains("never runs\n"), log)
        XCTAssertTrue(log.contains("finally runs\n"), log)
        XCTAssertTrue(log.contains("post_build sees CODEBUILD_BUILD_SUCCEEDING=0\n"), log)
        XCTAssertTrue(log.contains("[Container] Phase complete: BUILD State: FAILED"), log)
    }

    /// A tool that is on PATH when the run starts (so the preflight lets it through) but cannot be
    /// started — here a script whose interpreter is missing — fails the build with a hint.
    func testAMissingToolFailsTheBuildWithAHint() async throws {
        let bin = workspace.url.deletingLastPathComponent().appendingPathComponent("broken-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let tool = bin.appendingPathComponent("sluice-no-such-tool")
        try Data("#!/nonexistent/interpreter\n".utf8).write(to: tool)
        XCTAssertEqual(chmod(tool.path, 0o755), 0)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        setenv("PATH", bin.path + ":" + path, 1)
        defer { setenv("PATH", path, 1) }
        try workspace.write("buildspec.yml", "version: 0.2\nphases:\n  install:\n    commands:\n      - sluice-no-such-tool --version\n  build:\n    commands: [make]\n")
        try workspace.commit("needs a tool")
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        let snapshot = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.stages[1].actions[0].summary,
                       "`sluice-no-such-tool` is not installed on this machine (`sluice-no-such-tool --version` exited with 127)")
        XCTAssertEqual(snapshot.stages[1].actions[0].hint, "install it, or skip it when running locally")
        let log = try await target.logs(workspace.context(), stage: "Build", action: "Build")
        XCTAssertTrue(log.contains("sluice-no-such-tool: not found"), log)
        XCTAssertTrue(log.contains("[Container] Skipping phase BUILD"), log)
    }

    /// What would stop the Source or the Build is refused before the run is recorded, each saying what to do.
    func testSourceAndBuildspecErrorsSayWhatToDo() async throws {
        let (target, _) = workspace.target()
        func refusal() async throws -> Problem? {
            do {
                _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
                return nil
            } catch let error as any ReportableError {
                return error.problem
            }
        }
        // The buildspec the manifest names is not committed.
        workspace.buildspec = "copilot/pipelines/release/buildspec.yml"
        var problem = try await refusal()
        XCTAssertEqual(problem?.message.hasPrefix("copilot/pipelines/release/buildspec.yml is not in commit "), true, "\(String(describing: problem))")
        XCTAssertEqual(problem?.hint, "the pipeline builds what is committed: git add copilot/pipelines/release/buildspec.yml && git commit")

        // A located buildspec error.
        workspace.buildspec = "buildspec.yml"
        try workspace.write("buildspec.yml", "version: 0.2\nphases:\n  biuld:\n    commands: [make]\n")
        try workspace.commit("typo")
        problem = try await refusal()
        XCTAssertEqual(problem?.oneLine, "buildspec.yml:3:3: unknown key `biuld` in `phases`; hint: did you mean `build`? known keys: install, pre_build, build, post_build")

        // A branch that does not exist.
        workspace.branch = "release"
        problem = try await refusal()
        XCTAssertEqual(problem?.message, "the repository has no branch `release`, which the pipeline tracks")
        XCTAssertEqual(problem?.hint, "commit to `release` (git checkout -b release && git commit), or track another branch: source set … branch NAME")
        let history = try await target.history(workspace.context(), limit: 10)
        XCTAssertEqual(history, [], "no run was recorded")
    }

    func testReleaseBeforePushIsAnError() async throws {
        let (target, _) = workspace.target()
        do {
            _ = try await target.release(workspace.context(), variables: [])
            XCTFail("released an unpushed pipeline")
        } catch let error as LocalTargetError {
            XCTAssertEqual(error.message, "pipeline release has not been pushed to the local target")
            XCTAssertEqual(error.hint, "`push` records it and starts the first execution")
        }
        let latest = try await target.latestExecution(workspace.context())
        XCTAssertNil(latest)
    }

    func testDeploymentsFollowDependsOnAndNeedTheirTemplates() async throws {
        workspace.deployments = [
            Deployment(name: "web", dependsOn: ["api"]),
            Deployment(name: "api"),
        ]
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        let snapshot = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.stages[2].actions.map(\.name), ["CreateOrUpdate-api-test", "CreateOrUpdate-web-test", "TestCommands"])
        XCTAssertEqual(snapshot.stages[2].actions.map(\.state), [.succeeded, .failed, .pending])
        XCTAssertEqual(snapshot.stages[2].actions[1].summary, "infrastructure/web-test.stack.yml is not in the build artifacts")
        XCTAssertEqual(snapshot.stages[2].actions[1].hint, "make the build write it "
                       + "(`copilot svc package --output-dir infrastructure` does) and list it under artifacts.files in the buildspec")

        workspace.deployments = [Deployment(name: "a", dependsOn: ["b"]), Deployment(name: "b", dependsOn: ["a"])]
        do {
            _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
            XCTFail("pushed a cycle")
        } catch let error as InvalidManifest {
            XCTAssertEqual(error.errors.map(\.constraint), [.dependency(.cycle(["a", "b", "a"], list: .deployments, stage: "test"))])
        }
    }

    func testPreAndPostDeploymentsRunTheirBuildspecsAroundTheDeployments() async throws {
        try workspace.write("ops/migrate.yml", "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"migrating $COPILOT_APPLICATION_NAME in $COPILOT_ENVIRONMENT_NAME\"\n")
        try workspace.write("ops/smoke.yml", "version: 0.2\nphases:\n  build:\n    commands:\n      - test -f Makefile\n")
        try workspace.write("ops/announce.yml", "version: 0.2\nphases:\n  build:\n    commands:\n      - exit 3\n")
        try workspace.commit("deployment actions")
        workspace.preDeployments = [DeploymentAction(name: "migrate", buildspec: "ops/migrate.yml")]
        workspace.postDeployments = [DeploymentAction(name: "smoke", buildspec: "ops/smoke.yml"),
                                     DeploymentAction(name: "announce", buildspec: "ops/announce.yml", dependsOn: ["smoke"])]
        workspace.testCommands = []  // Copilot allows test_commands or post_deployments, not both
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        let snapshot = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(snapshot.stages[2].actions.map(\.name), ["migrate", "CreateOrUpdate-api-test", "smoke", "announce"])
        XCTAssertEqual(snapshot.stages[2].actions.map(\.state), [.succeeded, .succeeded, .succeeded, .failed])
        XCTAssertEqual(snapshot.stages[2].actions[3].summary, "`exit 3` exited with 3")
        let log = try await target.logs(workspace.context(), stage: "test", action: "migrate")
        XCTAssertTrue(log.contains("migrating demo in test\n"), log)
    }

    /// Copilot gives pre/post-deployment projects COPILOT_APPLICATION_NAME and COPILOT_ENVIRONMENT_NAME
    /// (and the build's AWS_ACCOUNT_ID and PARTITION); the test-commands project gets none of them.
    func testActionsSeeTheVariablesCopilotGivesThem() async throws {
        try workspace.write("ops/show.yml", "version: 0.2\nphases:\n  build:\n    commands:\n"
                            + "      - echo \"app=$COPILOT_APPLICATION_NAME env=$COPILOT_ENVIRONMENT_NAME partition=$PARTITION\"\n")
        try workspace.commit("show variables")
        workspace.preDeployments = [DeploymentAction(name: "show", buildspec: "ops/show.yml")]
        workspace.testCommands = ["echo \"tests see [${COPILOT_APPLICATION_NAME:-}${COPILOT_ENVIRONMENT_NAME:-}${PARTITION:-}]\""]
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        let pre = try await target.logs(workspace.context(), stage: "test", action: "show")
        XCTAssertTrue(pre.contains("app=demo env=test partition=aws\n"), pre)
        let tests = try await target.logs(workspace.context(), stage: "test", action: "TestCommands")
        XCTAssertTrue(tests.contains("tests see []\n"), tests)
    }

    /// The programs a buildspec starts, as the preflight before an execution finds them in Copilot's own buildspec.
    func testThePreflightFindsTheProgramsABuildspecRuns() throws {
        let text = PipelineScaffold.buildspec(manifestPath: "copilot/pipeline.yml")
        let spec = try BuildspecParser.parse(text, path: "copilot/buildspec.yml")
        let programs = Set(spec.phases.flatMap(\.commands).flatMap(BuildPreflight.programs(in:)))
        XCTAssertEqual(programs, ["cat", "copilot", "cut", "grep", "jq", "ln", "ls", "rev", "ruby", "sed", "wget", "chmod"])
        XCTAssertEqual(BuildPreflight.missingPrograms(spec, searchPath: "/nonexistent"), programs.sorted())
    }

    /// `push` refuses, before recording anything, a run whose Build would fail on a program the buildspec
    /// runs that this machine lacks, and says what would make it run.
    func testPushRefusesARunNeedingProgramsThisMachineLacks() async throws {
        try workspace.write("buildspec.yml", "version: 0.2\nphases:\n  build:\n    commands:\n      - sluice-no-such-tool --version && make all\n")
        try workspace.commit("a tool this machine lacks")
        let (target, _) = workspace.target()
        do {
            _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
            XCTFail("the push should be refused")
        } catch let error as LocalTargetError {
            XCTAssertTrue(error.message.hasPrefix("buildspec.yml runs sluice-no-such-tool, which this machine does not have on PATH"), error.message)
            XCTAssertTrue(error.hint?.contains("build buildspec FILE") == true, error.hint ?? "")
        }
        let history = try await target.history(workspace.context(), limit: 10)
        XCTAssertEqual(history, [], "nothing was recorded")
    }

    func testAnExecutionWhoseSluiceDiedIsAbandoned() async throws {
        let (target, _) = workspace.target()
        _ = try await target.push(workspace.context(), options: PushOptions(assumeYes: true), ui: SilentUI())
        // Rewrite the stored execution as a sluice that died in the middle of the build leaves it.
        let executions = workspace.url.appendingPathComponent(".sluice/local/pipelines/release/executions")
        let id = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: executions.path).first)
        let file = executions.appendingPathComponent("\(id)/execution.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var snapshot = try XCTUnwrap(json["snapshot"] as? [String: Any])
        var stages = try XCTUnwrap(snapshot["stages"] as? [[String: Any]])
        var build = stages[1]
        build["state"] = "InProgress"
        build["actions"] = [["name": "Build", "state": "InProgress", "startedAt": "2026-01-01T00:00:00Z"]]
        stages[1] = build
        for index in 2..<stages.count {
            stages[index]["state"] = "Pending"
            stages[index]["actions"] = (stages[index]["actions"] as? [[String: Any]] ?? []).map { action in
                action.filter { $0.key == "name" }.merging(["state": "Pending"]) { $1 }
            }
        }
        snapshot["stages"] = stages
        snapshot["state"] = "InProgress"
        json["snapshot"] = snapshot
        json["driverPID"] = 999_999
        try JSONSerialization.data(withJSONObject: json).write(to: file)

        let latest = try await XCTUnwrapAsync(try await target.latestExecution(workspace.context()))
        XCTAssertEqual(latest.state, .abandoned)
        XCTAssertEqual(latest.stages[1].actions[0].state, .abandoned)
        XCTAssertEqual(latest.stages[1].actions[0].summary, "sluice (pid 999999) ended while this ran")
    }

    func testCancellingStopsTheRunningActionAndTheExecution() async throws {
        try workspace.write("buildspec.yml", "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 30\n")
        try workspace.commit("slow build")
        let (target, _) = workspace.target()
        let context = workspace.context()
        let push = Task { try await target.push(context, options: PushOptions(assumeYes: true), ui: SilentUI()) }
        let started = ContinuousClock.now
        while (try await target.latestExecution(context))?.stages[1].state != .inProgress {
            try await Task.sleep(for: .milliseconds(50))
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        push.cancel()
        do {
            _ = try await push.value
            XCTFail("push finished after cancellation")
        } catch is CancellationError {}
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20))
        let snapshot = try await XCTUnwrapAsync(try await target.latestExecution(context))
        XCTAssertEqual(snapshot.state, .stopped)
        XCTAssertEqual(snapshot.stages[1].actions[0].summary, "stopped by the user")
    }

    func testArtifactGlobs() throws {
        let base = workspace.url
        try workspace.write("out/a.yml", "a")
        try workspace.write("out/deep/b.yml", "b")
        try workspace.write("out/c.json", "c")
        func collect(_ files: [String], base directory: String? = nil, discard: Bool = false, exclude: [String] = []) throws -> [String] {
            let destination = base.appendingPathComponent("collected-\(UUID().uuidString.prefix(6))")
            _ = try ArtifactCollector.collect(BuildArtifacts(files: files, baseDirectory: directory, discardPaths: discard,
                                                             excludePaths: exclude),
                                              from: base, into: destination)
            return ArtifactCollector.regularFiles(under: destination)
        }
        XCTAssertEqual(try collect(["out/*"]), ["out/a.yml", "out/c.json"])
        XCTAssertEqual(try collect(["out/**/*.yml"]), ["out/a.yml", "out/deep/b.yml"])
        XCTAssertEqual(try collect(["**/*.yml"], base: "out", discard: true), ["a.yml", "b.yml"])
        XCTAssertEqual(try collect(["./out/?.json"]), ["out/c.json"])
        XCTAssertEqual(try collect(["out/**/*"], exclude: ["out/deep/*", "**/*.json"]), ["out/a.yml"])
        XCTAssertThrowsError(try collect(["nothing/*"])) { error in
            XCTAssertEqual((error as? LocalTargetError)?.message, "no matching artifact paths found for nothing/*")
        }
    }
}

func XCTUnwrapAsync<T>(_ value: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    let result = try await value()
    return try XCTUnwrap(result, file: file, line: line)
}

struct SilentUI: TargetUI {
    var isInteractive: Bool { false }
    func say(_ line: String) {}
    func confirm(_ question: String) async -> Bool { false }
    func readSecret(_ prompt: String) async -> String? { nil }
    func ask(_ question: String) async -> String? { nil }
}

/// A non-interactive UI that keeps what it is told.
final class RecordingUI: TargetUI, @unchecked Sendable {
    private let lock = NSLock()
    private var said: [String] = []
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return said }
    var isInteractive: Bool { false }
    func say(_ line: String) { lock.lock(); said.append(line); lock.unlock() }
    func confirm(_ question: String) async -> Bool { false }
    func readSecret(_ prompt: String) async -> String? { nil }
    func ask(_ question: String) async -> String? { nil }
}

/// A git repository holding the quickstart example plus the Copilot files it needs.
final class LocalWorkspace {
    let directory: TemporaryDirectory
    var url: URL { directory.url }
    var branch = "main"
    var buildspec = "buildspec.yml"
    var testCommands = ["make test", "make integration-test ENV=test"]
    var deployments: [Deployment] = []
    var preDeployments: [DeploymentAction] = []
    var postDeployments: [DeploymentAction] = []

    init() throws {
        directory = try TemporaryDirectory("sluice-local")
        let example = packageRoot.appendingPathComponent("examples/quickstart")
        for item in try FileManager.default.contentsOfDirectory(atPath: example.path) where item != "copilot" {
            try FileManager.default.copyItem(at: example.appendingPathComponent(item), to: url.appendingPathComponent(item))
        }
        try write("copilot/.workspace", "application: demo\n")
        try write("copilot/api/manifest.yml", "name: api\ntype: Backend Service\n")
        try write("copilot/environments/test/manifest.yml", "name: test\ntype: Environment\n")
        try write("copilot/environments/prod/manifest.yml", "name: prod\ntype: Environment\n")
        try git("init", "-q", "-b", "main")
        try commit("quickstart")
    }

    func remove() { directory.remove() }

    func write(_ path: String, _ text: String) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func commit(_ message: String) throws {
        try git("add", "-A")
        try git("-c", "user.name=sluice", "-c", "user.email=test@sluice.invalid", "commit", "-q", "-m", message)
    }

    var head: String { (try? git("rev-parse", "HEAD")) ?? "" }

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        let result = try runProcess("/usr/bin/env", ["git"] + arguments, directory: url)
        guard result.status == 0 else { throw LocalTargetError("git \(arguments) failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func context() -> PipelineContext {
        let manifest = PipelineManifest(
            name: "release",
            source: Source(provider: .gitHub, properties: SourceProperties(repository: "https://github.com/demo/api", branch: branch)),
            build: Build(buildspec: buildspec),
            stages: [Stage(name: "test", testCommands: testCommands, deployments: deployments,
                           preDeployments: preDeployments, postDeployments: postDeployments),
                     Stage(name: "prod", requiresApproval: true)])
        return PipelineContext(workspaceRoot: url, application: "demo", manifest: manifest,
                               manifestPath: "copilot/pipelines/release/manifest.yml", buildspecPath: buildspec)
    }

    /// A target as a new sluice would make it, and what it printed (line mode).
    func target() -> (LocalTarget, () -> String) {
        let buffer = Buffer()
        return (LocalTarget(workspaceRoot: url, console: WatchConsole(live: false, theme: nil) { buffer.append($0) }), { buffer.text })
    }
}

extension LocalTarget {
    /// `push` as the shell makes it: the plan of the context's manifest, once the rule book found no error in it.
    func push(_ context: PipelineContext, options: PushOptions, ui: any TargetUI) async throws -> PushOutcome {
        try await push(context, plan: context.plan(PipelineValidator().validate(context.manifest).validated()), options: options, ui: ui)
    }
}

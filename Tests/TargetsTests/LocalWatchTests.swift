import Foundation
import CopilotRules
import Manifest
@testable import Targets
import XCTest

/// The shared watch loop, display and status table, fed scripted snapshots.
final class LocalWatchTests: XCTestCase {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func snapshot(build: RunState, test: RunState = .pending, approval: RunState = .pending,
                  state: RunState = .inProgress) -> ExecutionSnapshot {
        func stageState(_ states: [RunState]) -> RunState {
            states.allSatisfy { $0 == .pending } ? .pending : states.first { $0 != .succeeded } ?? .succeeded
        }
        return ExecutionSnapshot(
            pipeline: "release", id: "e1", state: state, startedAt: start, sourceRevision: "0123456789abcdef",
            sourceSummary: "0123456 Add api",
            stages: [
                StageSnapshot(name: "Source", state: .succeeded, actions: [
                    ActionSnapshot(name: "SourceCodeFor-demo", state: .succeeded, startedAt: start,
                                   finishedAt: start + 1, summary: "0123456 Add api")]),
                StageSnapshot(name: "Build", state: build, actions: [
                    ActionSnapshot(name: "Build", state: build, startedAt: start + 1,
                                   finishedAt: build.isFinal ? start + 5 : nil)]),
                StageSnapshot(name: "DeployTo-test", state: stageState([test]), actions: [
                    ActionSnapshot(name: "TestCommands", state: test,
                                   summary: test == .failed ? "make test exited with 2" : nil)]),
                StageSnapshot(name: "DeployTo-prod", state: stageState([approval]), actions: [
                    ActionSnapshot(name: "ApprovePromotionTo-prod", state: approval)]),
            ])
    }

    func capture(live: Bool = false) -> (WatchConsole, () -> String) {
        let buffer = Buffer()
        return (WatchConsole(live: live, theme: nil) { buffer.append($0) }, { buffer.text })
    }

    func testLineModeSaysEachChangeOnceAndStopsAtAnApproval() async throws {
        let target = ScriptedTarget([
            snapshot(build: .inProgress),
            snapshot(build: .inProgress),
            snapshot(build: .succeeded, test: .inProgress),
            snapshot(build: .succeeded, test: .succeeded, approval: .waitingForApproval),
        ])
        let (console, output) = capture()
        let outcome = try await watch(target: target, pipeline: .example, console: console)
        guard case .awaitingApproval(let approval, _) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(approval, WaitingApproval(environment: "prod", stage: "DeployTo-prod", action: "ApprovePromotionTo-prod"))
        XCTAssertEqual(outcome.exitStatus, 0)
        XCTAssertEqual(output(), """
        Execution e1 of release at 0123456
        Source/SourceCodeFor-demo Succeeded: 0123456 Add api
        Source Succeeded
        Build/Build InProgress
        Build/Build Succeeded
        Build Succeeded
        DeployTo-test/TestCommands InProgress
        DeployTo-test/TestCommands Succeeded
        DeployTo-test Succeeded
        DeployTo-prod/ApprovePromotionTo-prod WaitingForApproval
        Waiting for approval of DeployTo-prod: `approve prod` or `reject prod`.

        """)
        XCTAssertEqual(target.calls, 4)
    }

    func testEndsWithTheExecutionAndAFailureStatus() async throws {
        let target = ScriptedTarget([snapshot(build: .succeeded, test: .failed, state: .failed)])
        let (console, output) = capture()
        let outcome = try await watch(target: target, pipeline: .example, console: console)
        XCTAssertEqual(outcome.exitStatus, 1)
        XCTAssertTrue(output().hasSuffix("Execution e1 Failed: DeployTo-test/TestCommands: make test exited with 2\n"), output())
    }

    func testNeverRan() async throws {
        let (console, _) = capture()
        let outcome = try await watch(target: ScriptedTarget([]), pipeline: .example, console: console)
        XCTAssertEqual(outcome, .neverRan)
        XCTAssertEqual(outcome.exitStatus, 1)
    }

    func testLiveModeRedrawsTheTreeInPlace() async throws {
        let target = ScriptedTarget([snapshot(build: .inProgress), snapshot(build: .succeeded, test: .succeeded, state: .succeeded)])
        let (console, output) = capture(live: true)
        _ = try await watch(target: target, pipeline: .example, console: console, now: { self.start + 65 })
        let text = output()
        let frames = text.components(separatedBy: "\u{1B}[9F\u{1B}[J")
        XCTAssertEqual(frames.count, 2, text)
        XCTAssertEqual(frames[1], """
        release  execution e1  Succeeded  1m05s  0123456 Add api
          ✓ Source                      Succeeded  1s
          ✓ └─ SourceCodeFor-demo       Succeeded  1s  0123456 Add api
          ✓ Build                       Succeeded  4s
          ✓ └─ Build                    Succeeded  4s
          ✓ DeployTo-test               Succeeded
          ✓ └─ TestCommands             Succeeded
          ○ DeployTo-prod               Pending
          ○ └─ ApprovePromotionTo-prod  Pending

        """)
        XCTAssertTrue(frames[0].contains("● └─ Build                    InProgress  1m04s"), frames[0])
    }

    func testAFailedActionsLastLogLinesAreDrawnUnderIt() async throws {
        var failed = snapshot(build: .succeeded, test: .failed, state: .failed)
        failed.stages[2].actions[0].logTail = ["make: *** [test] Error 2", "exit status 2"]
        let (console, output) = capture(live: true)
        _ = try await watch(target: ScriptedTarget([failed]), pipeline: .example, console: console, now: { self.start + 65 })
        XCTAssertTrue(output().contains("""
              ✗ └─ TestCommands             Failed         make test exited with 2
                  │ make: *** [test] Error 2
                  │ exit status 2
              ○ DeployTo-prod               Pending
            """), output())
        let (lines, said) = capture(live: false)
        _ = try await watch(target: ScriptedTarget([failed]), pipeline: .example, console: lines, now: { self.start + 65 })
        XCTAssertTrue(said().contains("DeployTo-test/TestCommands Failed: make test exited with 2\n      │ make: *** [test] Error 2\n      │ exit status 2\n"),
                      said())
    }

    func testLiveLinesAreCutToTheTerminalWidth() {
        XCTAssertEqual("abcdef".truncatedVisibly(to: 4), "abc…")
        XCTAssertEqual("abcd".truncatedVisibly(to: 4), "abcd")
        XCTAssertEqual("\u{1B}[32mabcdef\u{1B}[0m".truncatedVisibly(to: 3), "\u{1B}[32mab…\u{1B}[0m")
        XCTAssertEqual("\u{1B}[32mab\u{1B}[0m".truncatedVisibly(to: 2), "\u{1B}[32mab\u{1B}[0m")
        XCTAssertEqual(ExecutionDisplay.fit(["a", "b", "c", "d", "e"], columns: 80, rows: 4),
                       ["a", "b", "  ↓ 3 more lines below (`status` shows them all)"])
        // A picture too tall keeps what runs in view (`focus`), saying what it leaves out above and below.
        let picture = (0..<10).map(String.init)
        XCTAssertEqual(ExecutionDisplay.fit(picture, columns: 80, rows: 6, focus: 5...6),
                       ["  ↑ 4 more lines above", "4", "5", "6", "  ↓ 3 more lines below (`show graph --run` draws it whole)"])
        XCTAssertEqual(ExecutionDisplay.fit(picture, columns: 80, rows: 6, focus: 8...9),
                       ["  ↑ 6 more lines above", "6", "7", "8", "9"])
        XCTAssertEqual(ExecutionDisplay.fit(picture, columns: 80, rows: 6, focus: 0...1),
                       ["0", "1", "2", "3", "  ↓ 6 more lines below (`show graph --run` draws it whole)"])
        XCTAssertEqual(ExecutionDisplay.fit(["a", "b"], columns: 80, rows: 4), ["a", "b"])
    }

    func testCancellingStopsWatching() async throws {
        let target = ScriptedTarget([snapshot(build: .inProgress)])
        let (console, _) = capture()
        let task = Task { try await watch(target: target, pipeline: .example, console: console) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("watch went on after cancellation")
        } catch is CancellationError {}
    }

    func testStatusTableAndJSON() throws {
        let table = StatusTable.render(snapshot(build: .succeeded, test: .failed, state: .failed), now: start + 30)
        XCTAssertEqual(table, """
        Pipeline Status

        Stage                          Transition    Status
        -----                          ----------    ------
        Source                         -             Succeeded
        └── SourceCodeFor-demo                       Succeeded
        Build                          ENABLED       Succeeded
        └── Build                                    Succeeded
        DeployTo-test                  ENABLED       Failed
        └── TestCommands                             Failed
        DeployTo-prod                  ENABLED       Pending
        └── ApprovePromotionTo-prod                  Pending

        Last Execution

          Pipeline   release
          Execution  e1
          Status     Failed
          Source     0123456 Add api
          Started    30s ago
          Reason     DeployTo-test/TestCommands: make test exited with 2

        """)
        let json = try StatusTable.json(snapshot(build: .succeeded))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        XCTAssertEqual(try decoder.decode(ExecutionSnapshot.self, from: Data(json.utf8)), snapshot(build: .succeeded))
    }
}

/// Returns the given snapshots one poll at a time, then repeats the last one.
final class ScriptedTarget: PipelineTarget, @unchecked Sendable {
    private var snapshots: [ExecutionSnapshot]
    private(set) var calls = 0
    let kind = "scripted"
    var pollingPolicy: PollingPolicy { PollingPolicy(initial: .milliseconds(5), maximum: .milliseconds(20)) }

    init(_ snapshots: [ExecutionSnapshot]) { self.snapshots = snapshots }

    func latestExecution(_ pipeline: PipelineContext) async throws -> ExecutionSnapshot? {
        calls += 1
        return snapshots.count > 1 ? snapshots.removeFirst() : snapshots.first
    }

    struct NotScripted: Error {}
    func push(_ pipeline: PipelineContext, plan: PipelinePlan, options: PushOptions, ui: any TargetUI) async throws -> PushOutcome {
        throw NotScripted()
    }
    func release(_ pipeline: PipelineContext, variables: [PipelineV2.VariableValue]) async throws -> StartedRun { throw NotScripted() }
    func differsFromPushed(_ pipeline: PipelineContext, plan: PipelinePlan) async throws -> Bool { throw NotScripted() }
    func execution(_ pipeline: PipelineContext, id: String) async throws -> ExecutionSnapshot { throw NotScripted() }
    func history(_ pipeline: PipelineContext, limit: Int) async throws -> [ExecutionSummary] { throw NotScripted() }
    func approve(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot? { throw NotScripted() }
    func reject(_ pipeline: PipelineContext, environment: String, comment: String?) async throws -> ExecutionSnapshot? { throw NotScripted() }
    func logs(_ pipeline: PipelineContext, stage: String, action: String?) async throws -> String { throw NotScripted() }
    func remove(_ pipeline: PipelineContext, ui: any TargetUI) async throws { throw NotScripted() }
    func stop(_ pipeline: PipelineContext, execution: String?, mode: StopMode, reason: String?) async throws -> ExecutionSnapshot {
        throw NotScripted()
    }
    func retry(_ pipeline: PipelineContext, stage: String, mode: StageRetryMode) async throws -> ExecutionSnapshot { throw NotScripted() }
    func rollBack(_ pipeline: PipelineContext, stage: String, to target: String?) async throws -> ExecutionSnapshot { throw NotScripted() }
    func waitingApprovals(_ pipeline: PipelineContext) async throws -> [PendingApproval] { throw NotScripted() }
    func applicationPipelines(application: String) async throws -> [ApplicationPipeline] { throw NotScripted() }
}

final class Buffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage = ""
    func append(_ text: String) { lock.lock(); storage += text; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return storage }
}

extension PipelineContext {
    static let example = PipelineContext(
        workspaceRoot: URL(fileURLWithPath: "/nonexistent"), application: "demo",
        manifest: PipelineManifest(name: "release", source: Source(provider: .gitHub, properties: SourceProperties())),
        manifestPath: "copilot/pipelines/release/manifest.yml", buildspecPath: "copilot/pipelines/release/buildspec.yml")
}

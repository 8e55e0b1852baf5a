import Foundation

/// How often `watch` asks a target for the latest execution: `initial` after a change,
/// growing by `factor` while nothing moves, never beyond `maximum`.
public struct PollingPolicy: Equatable, Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double

    public init(initial: Duration, maximum: Duration, factor: Double = 1.5) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
    }

    /// CodePipeline: state changes take seconds, and every poll is an API call.
    public static let remote = PollingPolicy(initial: .seconds(2), maximum: .seconds(15))

    /// The next delay after `current` when nothing changed.
    func slower(_ current: Duration) -> Duration {
        min(maximum, current * factor)
    }
}

extension PipelineTarget {
    /// Targets that answer from the network poll at `.remote` unless they say otherwise.
    public var pollingPolicy: PollingPolicy { .remote }
}

/// An error a target throws when the service asks it to slow down; `watch` waits and goes on.
public protocol ThrottlingError: Error {
    /// What the service asked for, if it said.
    var retryAfter: Duration? { get }
}

/// How `watch` ended.
public enum WatchOutcome: Equatable, Sendable {
    /// The execution ended, in the snapshot's state.
    case finished(ExecutionSnapshot)
    /// The execution is parked at an approval; a script's next line can approve or reject it.
    case awaitingApproval(WaitingApproval, ExecutionSnapshot)
    /// The pipeline has never run.
    case neverRan

    /// 0 when it succeeded or waits for an approval; 1 when it failed, was rejected, stopped or
    /// abandoned, or never ran.
    public var exitStatus: Int32 {
        switch self {
        case .finished(let snapshot): return snapshot.state == .succeeded ? 0 : 1
        case .awaitingApproval: return 0
        case .neverRan: return 1
        }
    }
}

/// Follows the newest run of every pipeline of `pipelines` in one view, a line each (state, where it
/// is, time), until none is in progress: each ended or waits for an approval, or never ran. Cancelling
/// the task (Ctrl-C) stops watching.
public func watchAll(target: any PipelineTarget, pipelines: [PipelineContext], console: WatchConsole,
                     now: @escaping @Sendable () -> Date = { Date() }) async throws {
    let display = ExecutionDisplay(console: console)
    defer { display.end() }
    let policy = target.pollingPolicy
    var delay = policy.initial
    var last: [ExecutionSnapshot?] = []
    while true {
        var snapshots: [ExecutionSnapshot?] = []
        do {
            for pipeline in pipelines { snapshots.append(try await target.latestExecution(pipeline)) }
        } catch let throttled as ThrottlingError {
            delay = max(throttled.retryAfter ?? policy.slower(delay), policy.slower(delay))
            try await Task.sleep(for: delay)
            continue
        }
        let board = BoardLine.board(zip(pipelines.map(\.manifest.name), snapshots).map { ($0, $1) }, now: now(), theme: console.theme)
        display.showBoard(board)
        if snapshots.allSatisfy({ $0 == nil || $0!.state.isFinal || !$0!.waitingApprovals.isEmpty }) { return }
        delay = snapshots == last ? policy.slower(delay) : policy.initial
        last = snapshots
        try await Task.sleep(for: delay)
    }
}

/// A line of `watch all`: the pipeline, its newest run's state, where it is, and for how long.
enum BoardLine {
    static func board(_ rows: [(String, ExecutionSnapshot?)], now: Date, theme: ColorTheme?) -> [(key: String, line: String)] {
        let palette = Palette(theme: theme)
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let stateWidth = rows.map { ($0.1?.state.rawValue ?? "never ran").count }.max() ?? 0
        return rows.map { name, snapshot in
            guard let snapshot else {
                return (name, "  ○ " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  never ran")
            }
            let state = snapshot.state
            var line = "  \(palette.paint(state.symbol, state)) " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + "  " + palette.paint(state.rawValue.padding(toLength: stateWidth, withPad: " ", startingAt: 0), state)
                + "  run \(snapshot.id.prefix(8))"
            if let place = place(snapshot) { line += "  " + place }
            if !state.isFinal, let time = elapsed(from: snapshot.startedAt, to: nil, now: now) { line += "  " + time }
            return (name, line.trailingSpacesRemoved)
        }
    }

    /// Where the run is: the action running or waiting, else (ended) the action it ended at.
    static func place(_ snapshot: ExecutionSnapshot) -> String? {
        let actions = snapshot.stages.flatMap { stage in stage.actions.map { (stage.name, $0) } }
        let current = actions.first { [.inProgress, .waitingForApproval].contains($0.1.state) }
            ?? actions.first { [.failed, .rejected, .stopped, .abandoned].contains($0.1.state) }
            ?? (snapshot.state.isFinal ? nil : actions.last { $0.1.state != .pending })
        return current.map { "\($0.0)/\($0.1.name)" }
    }
}

/// Follows the newest execution of `pipeline` until it ends or waits at an approval, drawing it
/// on `console` (live tree or one line per change; with `graph`, the picture with its states:
/// redrawn live, or once at the end after the lines). Cancelling the task (Ctrl-C) stops watching
/// and throws `CancellationError`; the execution itself carries on.
public func watch(target: any PipelineTarget, pipeline: PipelineContext, console: WatchConsole,
                  graph: PipelineGraph? = nil, columns: Int = 80,
                  now: @escaping @Sendable () -> Date = { Date() }) async throws -> WatchOutcome {
    let display = ExecutionDisplay(console: console, graph: graph, columns: columns)
    defer { display.end() }
    let policy = target.pollingPolicy
    // A live tree's elapsed times tick every second even while polls slow down.
    let redrawEvery: Duration = .seconds(1)
    var delay = policy.initial
    var last: ExecutionSnapshot?

    while true {
        let snapshot: ExecutionSnapshot?
        do {
            snapshot = try await target.latestExecution(pipeline)
        } catch let throttled as ThrottlingError {
            delay = max(throttled.retryAfter ?? policy.slower(delay), policy.slower(delay))
            try await Task.sleep(for: delay)
            continue
        }
        if let snapshot {
            display.show(snapshot, now: now())
            if snapshot.state.isFinal || !snapshot.waitingApprovals.isEmpty { display.showFinalPicture(snapshot) }
            if snapshot.state.isFinal { return .finished(snapshot) }
            if let approval = snapshot.waitingApprovals.first {
                console.message("Waiting for approval of \(approval.stage): `approve \(approval.environment)` or `reject \(approval.environment)`.")
                return .awaitingApproval(approval, snapshot)
            }
            delay = snapshot == last ? policy.slower(delay) : policy.initial
            last = snapshot
        } else if last == nil {
            return .neverRan
        }

        var waited: Duration = .zero
        while waited < delay {
            let step = console.live ? min(redrawEvery, delay - waited) : delay - waited
            try await Task.sleep(for: step)
            waited += step
            if console.live, let last { display.show(last, now: now()) }
        }
    }
}

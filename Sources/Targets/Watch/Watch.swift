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

/// Waits for something AWS does in the background (a change set being made, a stack settling), asking
/// as botocore's waiters do: soon at first, then less often.
public enum Waiter {
    /// Calls `check` until it returns a value: 250 ms after the first call, then twice as long each time,
    /// at most 5 s apart. Cancelling the task stops the wait.
    public static func until<Value>(_ check: () async throws -> Value?) async throws -> Value {
        guard let value = try await until(within: nil, check) else { preconditionFailure("an unbounded wait ended without a value") }
        return value
    }

    /// The same, for at most `limit` (none: for as long as it takes): nil when `check` gave no value in time.
    public static func until<Value>(within limit: Duration?, _ check: () async throws -> Value?) async throws -> Value? {
        let clock = ContinuousClock()
        let deadline = limit.map { clock.now + $0 }
        var delay = Duration.milliseconds(250)
        while true {
            if let value = try await check() { return value }
            if let deadline, clock.now >= deadline { return nil }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }
}

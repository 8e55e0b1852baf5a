import Foundation

/// The SDKs' shared `retry_mode`.
public enum RetryMode: String, Sendable, CaseIterable {
    /// botocore's original rules (AWS CLI v1's default): 5 attempts, throttling codes only with
    /// HTTP 400, 429 and 5xx, backoff doubling without a cap.
    case legacy
    /// The SDKs' standard rules (AWS CLI v2's default): 3 attempts, a retry quota, backoff capped at 20 s.
    case standard
    /// Standard, plus a client-side rate limit that throttling responses lower and successes raise.
    case adaptive
}

/// How often a call is tried: `retry_mode` and `max_attempts` (or `AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS`).
public struct RetrySettings: Sendable, Equatable {
    public let mode: RetryMode
    /// Attempts in all, the first included.
    public let maxAttempts: Int

    public init(mode: RetryMode, maxAttempts: Int) {
        self.mode = mode
        self.maxAttempts = maxAttempts
    }

    /// Unset, the mode is standard (AWS CLI v2's default) and the attempts the mode's default.
    static func resolve(mode: AWSConfiguration.Resolved<String>?,
                        maxAttempts: AWSConfiguration.Resolved<String>?) throws -> AWSConfiguration.Resolved<RetrySettings> {
        var chosen = RetryMode.standard
        if let mode {
            guard let named = RetryMode(rawValue: mode.value) else {
                throw AWSConfigurationError.invalidSetting(name: "retry_mode", value: mode.value, source: mode.source,
                                                           expected: "legacy, standard or adaptive")
            }
            chosen = named
        }
        var attempts = chosen == .legacy ? 5 : 3
        if let maxAttempts {
            guard let count = Int(maxAttempts.value.trimmingCharacters(in: .whitespaces)), count >= 1 else {
                throw AWSConfigurationError.invalidSetting(name: "max_attempts", value: maxAttempts.value, source: maxAttempts.source,
                                                           expected: "a whole number of attempts, at least 1")
            }
            attempts = count
        }
        let source = "mode from \(mode?.source ?? "the AWS CLI v2 default"), attempts from \(maxAttempts?.source ?? "the mode's default")"
        return .init(value: RetrySettings(mode: chosen, maxAttempts: attempts), source: source)
    }
}

/// When to try again and how long to wait first, by the rules of `settings.mode`.
public struct RetryPolicy: Sendable {
    public var settings: RetrySettings
    /// Multiplies every backoff: 1 as in the SDKs (tests make it small).
    public var backoffScale: Double

    public init(_ settings: RetrySettings, backoffScale: Double = 1) {
        self.settings = settings
        self.backoffScale = backoffScale
    }

    static let standardMaximumBackoff = 20.0

    /// The pause before attempt `attempt + 1` (attempt counts from 1), `random` uniform in [0, 1):
    /// legacy `random × 2^(attempt-1)`, standard and adaptive `random × min(2^(attempt-1), 20)`.
    func backoff(afterAttempt attempt: Int, random: Double) -> Double {
        let growth = pow(2, Double(attempt - 1))
        return random * (settings.mode == .legacy ? growth : min(growth, Self.standardMaximumBackoff)) * backoffScale
    }

    /// Whether the mode retries this failure (the attempt count and quota aside).
    func retries(_ failure: AWSError, service: AWSService) -> Bool {
        if service == .sts, failure.code == .idpCommunicationError, settings.mode != .legacy || failure.httpStatus == 400 { return true }
        guard let status = failure.httpStatus else { return failure.code == .connectionFailed || failure.code == .timedOut }
        switch settings.mode {
        case .legacy:
            if [429, 500, 502, 503, 504, 509].contains(status) { return true }
            // botocore's legacy throttling codes count only with HTTP 400.
            switch failure.code {
            case .throttling, .throttlingException, .throttledException, .requestThrottledException, .provisionedThroughputExceededException:
                return status == 400
            default:
                return false
            }
        case .standard, .adaptive:
            // Throttling and transient codes whatever the status, and the transient statuses.
            return [500, 502, 503, 504].contains(status) || failure.code.isTransient
        }
    }
}

/// The standard mode's retry quota, one per client as in botocore: 500 units; a retry costs 5
/// (10 after a timeout); a success gives back what its retry took, or 1 when it needed none.
/// With the quota spent, failures are not retried until successes refill it.
actor RetryQuota {
    static let capacity = 500
    static let retryCost = 5
    static let timeoutRetryCost = 10
    static let noRetryIncrement = 1

    private(set) var available = capacity

    func acquire(_ amount: Int) -> Bool {
        guard amount <= available else { return false }
        available -= amount
        return true
    }

    func release(_ amount: Int) {
        available = min(Self.capacity, available + amount)
    }
}

/// The adaptive mode's client-side rate limit (botocore's `ClientRateLimiter`): once a response
/// is throttled, every send first takes a token from a bucket refilled at the allowed rate; the
/// rate falls by CUBIC's β on each throttle and grows back along CUBIC's curve on successes,
/// never above twice the measured send rate.
actor ClientRateLimiter {
    private let now: @Sendable () -> Double
    private let sleep: @Sendable (Double) async throws -> Void
    private var enabled = false
    // The token bucket.
    private static let minimumFillRate = 0.5
    private(set) var fillRate = 0.0
    private var maximumCapacity = 1.0
    private var capacity = 0.0
    private var lastRefill: Double?
    // The send-rate measurement (RateClocker): 0.5 s buckets, smoothed by 0.8.
    private(set) var measuredRate = 0.0
    private var lastBucket: Double
    private var count = 0.0
    // CUBIC.
    private static let scale = 0.4, beta = 0.7
    private var lastMaximumRate = 0.0
    private var zeroPoint = 0.0
    private var lastThrottle: Double

    init(now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
         sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }) {
        self.now = now
        self.sleep = sleep
        let start = now()
        lastBucket = start.rounded(.down)
        lastThrottle = start
        // The bucket starts at a rate of 1, empty, its refill clock started.
        fillRate = 1
        lastRefill = start
    }

    /// Waits for a token before a send, once the limit is on.
    func beforeSending() async throws {
        guard enabled else { return }
        refill()
        while capacity < 1 {
            try await sleep((1 - capacity) / fillRate)
            refill()
        }
        capacity -= 1
    }

    /// Adjusts the rate after each attempt's outcome.
    func afterAttempt(throttled: Bool) {
        let measured = recordSend()
        let time = now()
        let newRate: Double
        if throttled {
            let rate = enabled ? min(measured, fillRate) : measured
            lastMaximumRate = rate
            zeroPoint = Self.zeroPoint(lastMaximumRate)
            lastThrottle = time
            newRate = rate * Self.beta
            enabled = true
        } else {
            newRate = Self.scale * pow(time - lastThrottle - zeroPoint, 3) + lastMaximumRate
        }
        setMaximumRate(min(newRate, 2 * measured))
    }

    private static func zeroPoint(_ maximumRate: Double) -> Double { cbrt(maximumRate * (1 - beta) / scale) }

    private func setMaximumRate(_ rate: Double) {
        refill()
        fillRate = max(rate, Self.minimumFillRate)
        maximumCapacity = max(rate, 1)
        capacity = min(capacity, maximumCapacity)
    }

    private func refill() {
        let time = now()
        defer { lastRefill = time }
        guard let lastRefill else { return }
        capacity = min(maximumCapacity, capacity + (time - lastRefill) * fillRate)
    }

    private func recordSend() -> Double {
        let bucket = (now() * 2).rounded(.down) / 2
        count += 1
        if bucket > lastBucket {
            measuredRate = count / (bucket - lastBucket) * 0.8 + measuredRate * 0.2
            count = 0
            lastBucket = bucket
        }
        return measuredRate
    }
}

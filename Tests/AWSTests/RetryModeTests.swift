@testable import AWS
import Foundation
import TestSupport
import XCTest

/// The retry modes of the SDKs' shared settings, against botocore as the oracle: a server that
/// always answers 503 (Tests/Harness/fault_proxy.py in front of moto, with the XML error STS
/// sends: botocore gives up on a 503 whose text it cannot parse) receives exactly the number
/// of attempts `retry_mode`, `max_attempts`, `AWS_RETRY_MODE` and `AWS_MAX_ATTEMPTS` say; which
/// answers each mode retries; the standard mode's retry quota; the adaptive mode's rate limit.
/// Backoff pauses are scaled down here (and skipped in botocore): only counts are compared.
final class RetryModeTests: FaultProxyTestCase {
    var home: TemporaryDirectory!

    override func setUp() async throws {
        try await super.setUp()
        home = try TemporaryDirectory("sluice-retry-modes")
    }

    override func tearDown() { home?.remove() }

    /// moto's user, every call through the proxy, the retry settings of `variables` and of the
    /// default profile's `profile` lines.
    func environment(_ variables: [String: String], profile: String = "") throws -> [String: String] {
        try "[default]\nregion = us-east-1\n\(profile)".write(to: home.url.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        var environment = moto.environment()
        environment["AWS_ENDPOINT_URL"] = proxy.endpoint
        environment["AWS_CONFIG_FILE"] = home.url.appendingPathComponent("config").path
        environment["HOME"] = home.path
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        return environment.merging(variables) { $1 }
    }

    /// How many times each of `calls` calls was sent by sluice (one client), counted at the proxy.
    func sluiceAttempts(_ environment: [String: String], calls: Int = 1) async throws -> [Int] {
        let configuration = try AWSConfiguration.resolve(environment: environment)
        let client = AWSClient(configuration: configuration, retryPolicy: RetryPolicy(configuration.network.retry.value, backoffScale: 0.0005))
        var attempts: [Int] = []
        for _ in 0..<calls {
            try await proxy.plan(Array(repeating: "503-xml", count: 40))
            do { _ = try await STS(client: client).getCallerIdentity() } catch let error as AWSError {
                XCTAssertEqual(error.httpStatus, 503)
                let counted = try await proxy.requestCount()
                XCTAssertEqual(error.attempts, counted, "the error says how often the call was sent")
                attempts.append(counted)
            }
        }
        return attempts
    }

    /// The same calls made by botocore with the same environment.
    func botocoreAttempts(_ environment: [String: String], calls: Int = 1, plan: String = "503-xml") async throws -> [Int] {
        let script = packageRoot.appendingPathComponent("Tests/Harness/botocore_attempts.py").path
        let result = try runProcess("/usr/bin/env", ["-i"] + environment.map { "\($0)=\($1)" } + ["python3", script, proxy.endpoint, plan, String(calls)],
                                    timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONDecoder().decode([Int].self, from: Data(result.stdout.utf8))
    }

    func testAServerAnswering503ReceivesTheAttemptsTheSettingsSay() async throws {
        let settings: [(name: String, variables: [String: String], profile: String, attempts: Int)] = [
            ("legacy from the environment", ["AWS_RETRY_MODE": "legacy"], "", 5),
            ("standard from the environment", ["AWS_RETRY_MODE": "standard"], "", 3),
            ("adaptive from the environment", ["AWS_RETRY_MODE": "adaptive"], "", 3),
            ("one attempt", ["AWS_MAX_ATTEMPTS": "1"], "", 1),
            ("standard, six attempts", ["AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "6"], "", 6),
            ("legacy and two attempts from the profile", [:], "retry_mode = legacy\nmax_attempts = 2\n", 2),
            ("the environment over the profile", ["AWS_MAX_ATTEMPTS": "4"], "retry_mode = adaptive\nmax_attempts = 2\n", 4),
            ("legacy, seven attempts", ["AWS_MAX_ATTEMPTS": "7"], "retry_mode = legacy\n", 7),
        ]
        for setting in settings {
            let environment = try environment(setting.variables, profile: setting.profile)
            let ours = try await sluiceAttempts(environment)
            XCTAssertEqual(ours, [setting.attempts], setting.name)
            let theirs = try await botocoreAttempts(environment)
            XCTAssertEqual(ours, theirs, "\(setting.name): sluice vs botocore")
        }
        // Nothing set: AWS CLI v2's standard mode with 3 attempts; botocore (v1) defaults to legacy's 5.
        let unset = try environment([:])
        let ours = try await sluiceAttempts(unset)
        XCTAssertEqual(ours, [3])
        let theirs = try await botocoreAttempts(unset)
        XCTAssertEqual(theirs, [5], "botocore v1's default, the one difference kept (README: AWS layer)")
    }

    func testEachModeRetriesWhatItsRulesSay() async throws {
        // Legacy retries 429 whatever its code; standard retries throttling by its code only.
        for (mode, plan, expected) in [("legacy", "429-xml", 3), ("standard", "429-xml", 1), ("adaptive", "429-xml", 1),
                                       ("legacy", "throttle-xml", 3), ("standard", "throttle-xml", 3), ("standard", "500-xml", 3)] {
            let environment = try environment(["AWS_RETRY_MODE": mode, "AWS_MAX_ATTEMPTS": "3"])
            let configuration = try AWSConfiguration.resolve(environment: environment)
            let client = AWSClient(configuration: configuration, retryPolicy: RetryPolicy(configuration.network.retry.value, backoffScale: 0.0005))
            try await proxy.plan(Array(repeating: plan, count: 10))
            do {
                _ = try await STS(client: client).getCallerIdentity()
                XCTFail("\(mode) \(plan): every answer was a failure")
            } catch let error as AWSError {
                XCTAssertEqual(error.attempts, expected, "\(mode) \(plan)")
            }
            let theirs = try await botocoreAttempts(environment, plan: plan)
            XCTAssertEqual(theirs, [expected], "\(mode) \(plan): botocore")
        }
    }

    /// The codes each mode acts on are botocore's own lists: the standard mode's throttling and
    /// transient codes, and the legacy mode's codes retried with HTTP 400 (its `_retry.json`).
    func testTheCodesEachModeActsOnAreBotocores() throws {
        let program = """
            import json
            from botocore.loaders import Loader
            from botocore.retries import standard
            legacy = Loader().load_data("_retry")["definitions"].values()
            print(json.dumps({
                "throttling": sorted(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES),
                "transient": sorted(set(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES)
                                    | set(standard.TransientRetryableChecker._TRANSIENT_ERROR_CODES)),
                "legacy400": sorted(d["applies_when"]["response"]["service_error_code"] for d in legacy
                                    if d["applies_when"].get("response", {}).get("http_status_code") == 400
                                    and "service_error_code" in d["applies_when"]["response"])}))
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", program])
        XCTAssertEqual(result.status, 0, result.stderr)
        let theirs = try JSONDecoder().decode([String: [String]].self, from: Data(result.stdout.utf8))
        let legacy = RetryPolicy(.init(mode: .legacy, maxAttempts: 5))
        func codes(_ test: (AWSErrorCode) -> Bool) -> [String] { AWSErrorCode.named.filter(test).map(\.description).sorted() }
        XCTAssertEqual(codes(\.isThrottling), theirs["throttling"])
        XCTAssertEqual(codes(\.isTransient), theirs["transient"])
        XCTAssertEqual(codes { legacy.retries(AWSError(service: "CodePipeline", operation: "GetPipeline", code: $0, message: "", httpStatus: 400),
                                              service: .codePipeline) }, theirs["legacy400"])
    }

    /// 500 units, 5 a retry: fifty calls that each retry twice spend the quota, and the next call
    /// is sent once. botocore's client keeps the same quota.
    func testTheStandardModesRetryQuotaRunsOut() async throws {
        let environment = try environment(["AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "3"])
        let ours = try await sluiceAttempts(environment, calls: 51)
        XCTAssertEqual(ours, Array(repeating: 3, count: 50) + [1])
        let theirs = try await botocoreAttempts(environment, calls: 51)
        XCTAssertEqual(ours, theirs)
    }

    /// The adaptive mode's limiter fed the same sends and outcomes at the same (made-up) times as
    /// botocore's `ClientRateLimiter`: the same measured send rate and allowed rate after each.
    func testTheAdaptiveRateLimitFollowsBotocores() async throws {
        let start = 1_700_000_000.0
        // (seconds after start, throttled?) — a burst, throttling, recovery.
        let burst: [(Double, Bool)] = (0..<12).map { (Double($0) * 0.2, false) }
        let throttled: [(Double, Bool)] = (0..<8).map { (2.5 + Double($0) * 0.3, true) }
        let recovery: [(Double, Bool)] = (0..<15).map { (5.0 + Double($0) * 0.7, false) }
        let events = burst + throttled + recovery
        let clock = FakeClock(start)
        let limiter = ClientRateLimiter(now: { clock.now }, sleep: { clock.advance($0) })
        var ours: [[Double]] = []
        for (offset, throttled) in events {
            clock.set(start + offset)
            await limiter.afterAttempt(throttled: throttled)
            ours.append([await limiter.measuredRate, await limiter.fillRate])
        }
        let program = """
            import json, sys
            from botocore.retries import adaptive, bucket, throttling
            class Clock:
                now = \(start)
                def current_time(self): return self.now
            class Detector:
                def is_throttling_error(self, **kwargs): return kwargs["throttled"]
            clock = Clock()
            limiter = adaptive.ClientRateLimiter(throttling.CubicCalculator(starting_max_rate=0, start_time=clock.current_time()),
                                                 adaptive.RateClocker(clock), bucket.TokenBucket(max_rate=1, clock=clock), Detector(), clock)
            rates = []
            for offset, throttled in json.loads(sys.argv[1]):
                clock.now = \(start) + offset
                limiter.on_receiving_response(throttled=throttled)
                rates.append([limiter._rate_clocker.measured_rate, limiter._token_bucket.max_rate])
            print(json.dumps(rates))
            """
        let input = String(decoding: try JSONSerialization.data(withJSONObject: events.map { [$0.0, $0.1] }), as: UTF8.self)
        let result = try runProcess("/usr/bin/env", ["python3", "-c", program, input])
        XCTAssertEqual(result.status, 0, result.stderr)
        let theirs = try JSONDecoder().decode([[Double]].self, from: Data(result.stdout.utf8))
        XCTAssertEqual(ours.count, theirs.count)
        for (index, (mine, botocore)) in zip(ours, theirs).enumerated() {
            XCTAssertEqual(mine[0], botocore[0], accuracy: 1e-9, "measured rate after event \(index)")
            XCTAssertEqual(mine[1], botocore[1], accuracy: 1e-9, "allowed rate after event \(index)")
        }
        // Once throttled, sends wait for tokens: at the lowest rate (0.5 a second) the second of two
        // sends in a row waits two seconds.
        clock.set(start + 100)  // a whole second: no send is measured yet, so the rate falls to the floor
        let slow = ClientRateLimiter(now: { clock.now }, sleep: { clock.advance($0) })
        for _ in 0..<3 { await slow.afterAttempt(throttled: true) }
        let floor = await slow.fillRate
        XCTAssertEqual(floor, 0.5)
        let before = clock.now
        try await slow.beforeSending()
        try await slow.beforeSending()
        XCTAssertEqual(clock.now - before, 4, accuracy: 1e-9, "two tokens at 0.5 a second, from an empty bucket")
    }
}

/// A clock the test moves.
final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Double
    init(_ start: Double) { time = start }
    var now: Double { lock.lock(); defer { lock.unlock() }; return time }
    func set(_ value: Double) { lock.lock(); time = value; lock.unlock() }
    func advance(_ seconds: Double) { lock.lock(); time += seconds; lock.unlock() }
}

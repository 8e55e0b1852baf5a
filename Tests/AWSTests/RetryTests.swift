@testable import AWS
import Foundation
import TestSupport
import XCTest

/// Faults injected on loopback between the client and moto (Tests/Harness/fault_proxy.py):
/// throttling and 5xx are retried with backoff and then succeed; retries stop at the attempt
/// bound; an endpoint that never answers times out at the read timeout on every attempt; a call
/// in flight can be cancelled. (RetryModeTests compares the modes' counts with botocore.)
final class RetryTests: FaultProxyTestCase {
    let records = CallRecords()

    /// A client whose every call goes through the proxy, with `attempts` (AWS_MAX_ATTEMPTS) and
    /// the profile's `cli_read_timeout`; backoff is scaled down.
    func client(attempts: Int = 3, readTimeout: String = "10") throws -> AWSClient {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-retry-tests-\(readTimeout)")
        try "[default]\ncli_read_timeout = \(readTimeout)\n".write(to: config, atomically: true, encoding: .utf8)
        var environment = moto.environment()
        environment["AWS_ENDPOINT_URL"] = proxy.endpoint
        environment["AWS_MAX_ATTEMPTS"] = String(attempts)
        environment["AWS_CONFIG_FILE"] = config.path
        let records = records
        let configuration = try AWSConfiguration.resolve(environment: environment)
        return AWSClient(configuration: configuration, retryPolicy: RetryPolicy(configuration.network.retry.value, backoffScale: 0.05),
                         observer: { records.append($0) })
    }

    func testThrottlingAndServerErrorsAreRetriedUntilTheCallSucceeds() async throws {
        try await proxy.plan(["throttle-xml", "500"])
        let identity = try await STS(client: try client()).getCallerIdentity()
        XCTAssertEqual(identity.account, "123456789012")
        let requests = try await proxy.requestCount()
        XCTAssertEqual(requests, 3)
        XCTAssertEqual(records.all.map(\.retries), [2])
        XCTAssertEqual(records.all.first?.httpStatus, 200)
        XCTAssertNil(records.all.first?.errorCode)

        try await proxy.plan(["throttle", "503", "drop"])
        let created = try await SecretsManager(client: try client(attempts: 4)).createSecret(.init(name: "retried", secretString: "x"))
        XCTAssertEqual(created.name, "retried")
        XCTAssertEqual(records.all.last?.retries, 3)
    }

    func testRetriesStopAtTheAttemptBound() async throws {
        try await proxy.plan(["throttle", "throttle", "throttle", "throttle"])
        do {
            _ = try await SSM(client: try client(attempts: 3)).getParameter(.init(name: "/x"))
            XCTFail("three throttled attempts must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .throttlingException)
            XCTAssertEqual(error.message, "Rate exceeded")
            XCTAssertEqual(error.attempts, 3)
            XCTAssertTrue(error.description.contains("after 3 attempts"), error.description)
        }
        let requests = try await proxy.requestCount()
        XCTAssertEqual(requests, 3)
        XCTAssertEqual(records.all.map(\.errorCode), ["ThrottlingException"])
        XCTAssertEqual(records.all.map(\.httpStatus), [400])
    }

    func testAnEndpointThatDoesNotAnswerTimesOutWithinTheBound() async throws {
        try await proxy.plan(["hang", "hang", "hang"])
        let started = ContinuousClock.now
        do {
            _ = try await STS(client: try client(attempts: 2, readTimeout: "0.5")).getCallerIdentity()
            XCTFail("an endpoint that never answers must time out")
        } catch let error as AWSError {
            let elapsed = ContinuousClock.now - started
            XCTAssertEqual(error.code, .timedOut)
            XCTAssertEqual(error.attempts, 2)
            XCTAssertNil(error.httpStatus)
            // What happened is the code, the attempts and the timeout named; the time taken is at
            // least the two timeouts waited (a loaded machine only lengthens it).
            XCTAssertGreaterThanOrEqual(elapsed, .seconds(1), "two 0.5 s reads were waited")
            XCTAssertTrue(error.description.contains("STS GetCallerIdentity failed: TimedOut: nothing read for 0.5 seconds (the read timeout)"),
                          error.description)
            XCTAssertTrue(error.description.contains(proxy.endpoint), "the message names the endpoint: \(error.description)")
            XCTAssertTrue(error.description.contains("hint: check the endpoint"), error.description)
        }
    }

    func testACallInFlightCanBeCancelled() async throws {
        try await proxy.plan(["hang"])
        let client = try client(readTimeout: "60")
        let started = ContinuousClock.now
        let call = Task { try await STS(client: client).getCallerIdentity() }
        try await Task.sleep(for: .milliseconds(300))
        call.cancel()
        do {
            _ = try await call.value
            XCTFail("a cancelled call must not succeed")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .cancelled)
            // Cancelled, not timed out: it ended before the timeout it would otherwise have waited.
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(60), "cancellation does not wait for the 60 s timeout")
        }
        XCTAssertEqual(records.all.map(\.errorCode), ["Cancelled"])
    }

    /// Cancelled while the answer's body has stalled (the head came, the rest never does).
    func testACallWhoseAnswerStalledCanBeCancelled() async throws {
        try await proxy.plan(["stall"])
        let client = try client(readTimeout: "60")
        let started = ContinuousClock.now
        let call = Task { try await STS(client: client).getCallerIdentity() }
        try await Task.sleep(for: .milliseconds(500))
        call.cancel()
        do {
            _ = try await call.value
            XCTFail("a cancelled call must not succeed")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .cancelled)
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(60), "cancellation does not wait for the 60 s read timeout")
        }
    }

    func testARefusedConnectionIsRetriedThenReportedWithTheEndpoint() async throws {
        var environment = moto.environment()
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1"  // nothing listens on port 1
        let records = records
        let client = AWSClient(configuration: try AWSConfiguration.resolve(environment: environment),
                               retryPolicy: RetryPolicy(.init(mode: .standard, maxAttempts: 3), backoffScale: 0.05),
                               observer: { records.append($0) })
        do {
            _ = try await STS(client: client).getCallerIdentity()
            XCTFail("nothing listens there")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .connectionFailed)
            XCTAssertEqual(error.attempts, 3)
            XCTAssertTrue(error.description.hasPrefix("STS GetCallerIdentity failed: ConnectionFailed: Connection refused [http://127.0.0.1:1]"),
                          error.description)
            XCTAssertTrue(error.description.contains("[http://127.0.0.1:1] after 3 attempts"), error.description)
            // Refused, not timed out (the code says which); 3 attempts with the backoff scaled down.
        }
        XCTAssertEqual(records.all.map(\.retries), [2])
    }

    func testBackoffIsExponentialWithFullJitterCappedInTheStandardModes() {
        let standard = RetryPolicy(.init(mode: .standard, maxAttempts: 10))
        XCTAssertEqual(standard.backoff(afterAttempt: 1, random: 0.5), 0.5)
        XCTAssertEqual(standard.backoff(afterAttempt: 3, random: 0.5), 2.0)
        XCTAssertEqual(standard.backoff(afterAttempt: 8, random: 0.5), 10, "capped at 20 s")
        XCTAssertEqual(standard.backoff(afterAttempt: 2, random: 0), 0)
        XCTAssertEqual(RetryPolicy(.init(mode: .legacy, maxAttempts: 10)).backoff(afterAttempt: 8, random: 0.5), 64, "legacy has no cap")
    }
}

/// What the observer saw, from any thread.
final class CallRecords: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [AWSCallRecord] = []
    func append(_ record: AWSCallRecord) { lock.lock(); records.append(record); lock.unlock() }
    var all: [AWSCallRecord] { lock.lock(); defer { lock.unlock() }; return records }
}

import AWS
import Foundation
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A moto server on 127.0.0.1 (Tests/Harness/moto_server.py) with signature checking on.
/// `shared()` for plain moto, or one per test class when it needs extensions; `reset()` before
/// each test wipes its state and makes a fresh IAM user whose access key every later request
/// must be signed with.
public final class MotoServer: @unchecked Sendable {
    public let endpoint: String
    public let port: Int
    public let region = "us-east-1"
    /// The account moto answers for.
    public static let account = "123456789012"
    private let harness: HarnessProcess

    /// Starts the server, loading each extension (a Python file under Tests/Harness, e.g.
    /// `moto_codepipeline.py`) first. It stops when this process ends, even by a crash.
    /// `environment` is added to the server's (the extensions' settings, e.g. `SLUICE_MOTO_FAILING_ACTIONS`).
    public init(extensions: [String] = [], environment: [String: String] = [:]) throws {
        harness = try HarnessProcess("moto_server.py", extensions.map { HarnessProcess.directory.appendingPathComponent($0).path },
                                     environment: environment,
                                     missing: "is moto installed? `pip install 'moto[server]'`; scripts/test does it")
        port = harness.port
        endpoint = "http://127.0.0.1:\(port)"
    }

    public func stop() { harness.stop() }

    private static let sharedLock = NSLock()
    nonisolated(unsafe) private static var sharedServer: MotoServer?

    /// One server for the whole test process, started on first use; it ends with the process. Tests
    /// `reset()` it before each use. It has the application extension only (moto_application.py: StackSet
    /// instances and CloudFormation's limits as AWS has them), not the CodePipeline one.
    public static func shared() throws -> MotoServer {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if let sharedServer { return sharedServer }
        let server = try MotoServer(extensions: ["moto_application.py"])
        sharedServer = server
        return server
    }

    /// Wipes every service's state, then makes IAM user `sluice-test` with an allow-all policy
    /// and an access key. From then on moto checks every signature: the returned credentials work,
    /// anything else is refused.
    @discardableResult
    public func reset() async throws -> AWSCredentials {
        try await post("/moto-api/reset", body: "")
        // The three IAM calls below are the last unauthenticated requests moto accepts.
        try await post("/moto-api/reset-auth", body: "3")
        let bootstrap = AWSClient(configuration: try configuration(
            credentials: AWSCredentials(accessKeyID: "AKIAUNAUTHENTICATED0", secretAccessKey: "unused")))
        let user = "sluice-test"
        let _: AWSEmptyShape = try await bootstrap.call(.iam, "CreateUser", ["UserName": user])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        let _: AWSEmptyShape = try await bootstrap.call(
            .iam, "PutUserPolicy", ["UserName": user, "PolicyName": "allow-all", "PolicyDocument": policy])
        let created: CreateAccessKeyResult = try await bootstrap.call(.iam, "CreateAccessKey", ["UserName": user])
        credentials = AWSCredentials(accessKeyID: created.accessKey.accessKeyId, secretAccessKey: created.accessKey.secretAccessKey)
        return credentials!
    }

    /// Another IAM user that may do anything, with an access key: its credentials.
    public func makeUser(_ name: String) async throws -> AWSCredentials {
        let iam = AWSClient(configuration: try configuration())
        let _: AWSEmptyShape = try await iam.call(.iam, "CreateUser", ["UserName": name])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        let _: AWSEmptyShape = try await iam.call(.iam, "PutUserPolicy", ["UserName": name, "PolicyName": "allow-all", "PolicyDocument": policy])
        let created: CreateAccessKeyResult = try await iam.call(.iam, "CreateAccessKey", ["UserName": name])
        return AWSCredentials(accessKeyID: created.accessKey.accessKeyId, secretAccessKey: created.accessKey.secretAccessKey)
    }

    /// A role in IAM that may do anything, trusted by every principal under `conditions`
    /// (`["Bool": ["aws:MultiFactorAuthPresent": "true"]]`); returns its ARN.
    @discardableResult
    public func makeRole(_ name: String, conditions: [String: [String: String]] = [:]) async throws -> String {
        let iam = AWSClient(configuration: try configuration())
        var statement: [String: Any] = ["Effect": "Allow", "Principal": ["AWS": "*"], "Action": "sts:AssumeRole"]
        if !conditions.isEmpty { statement["Condition"] = conditions }
        let trust = String(decoding: try JSONSerialization.data(withJSONObject: ["Version": "2012-10-17", "Statement": [statement]]),
                           as: UTF8.self)
        let _: AWSEmptyShape = try await iam.call(.iam, "CreateRole", ["RoleName": name, "AssumeRolePolicyDocument": trust])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        let _: AWSEmptyShape = try await iam.call(.iam, "PutRolePolicy", ["RoleName": name, "PolicyName": "all", "PolicyDocument": policy])
        return "arn:aws:iam::123456789012:role/\(name)"
    }

    /// The credentials of the user `reset()` made last.
    public private(set) var credentials: AWSCredentials?

    /// Every service at this server, with `credentials` (the current user's by default).
    public func configuration(credentials: AWSCredentials? = nil) throws -> AWSConfiguration {
        try AWSConfiguration.resolve(environment: environment(credentials: credentials))
    }

    /// The environment that points the AWS CLI conventions (and so the `sluice` binary) at this server.
    public func environment(credentials: AWSCredentials? = nil) -> [String: String] {
        let credentials = credentials ?? self.credentials
        var environment = [
            "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region,
            "AWS_CONFIG_FILE": "/nonexistent/sluice-test-config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/sluice-test-credentials",
        ]
        if let credentials {
            environment["AWS_ACCESS_KEY_ID"] = credentials.accessKeyID
            environment["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
        }
        return environment
    }

    private struct CreateAccessKeyResult: Decodable {
        struct AccessKey: Decodable { let accessKeyId: String, secretAccessKey: String }
        let accessKey: AccessKey
    }

    /// Which CodePipeline actions fail from now on (names, or STAGE/ACTION), as a fix or a breakage
    /// outside the pipeline would change them; `reset` restores the server's setting.
    public func setFailingActions(_ names: [String]) async throws {
        try await post("/sluice-moto/failing-actions", body: names.joined(separator: ","))
    }

    private func post(_ path: String, body: String) async throws {
        var request = URLRequest(url: URL(string: endpoint + path)!)
        request.httpMethod = "POST"
        request.setValue("text/plain", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, status == 200 else {
            throw TestSupportError.launch("moto \(path)", "answered \(response)")
        }
    }
}

/// A loopback proxy in front of an upstream server that injects faults
/// (Tests/Harness/fault_proxy.py): throttling, 5xx, dropped connections, no answer at all.
public final class FaultProxy: @unchecked Sendable {
    public let endpoint: String
    private let harness: HarnessProcess

    public init(upstream: String) throws {
        harness = try HarnessProcess("fault_proxy.py", [upstream], missing: "see its stderr")
        endpoint = "http://127.0.0.1:\(harness.port)"
    }

    public func stop() { harness.stop() }

    /// The next requests' fates, in order: `throttle`, `throttle-xml`, `503`, `500`, `drop`,
    /// `hang`; after the plan every request passes through.
    public func plan(_ steps: [String]) async throws {
        var request = URLRequest(url: URL(string: endpoint + "/fault-proxy/plan")!)
        request.httpMethod = "POST"
        request.httpBody = Data(steps.joined(separator: ",").utf8)
        _ = try await URLSession.shared.data(for: request)
    }

    /// Requests received since the last `plan`.
    public func requestCount() async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: URL(string: endpoint + "/fault-proxy/count")!)
        return Int(String(decoding: data, as: UTF8.self)) ?? -1
    }
}

/// A Python script from Tests/Harness that prints its port on the first line of stdout and
/// exits when its stdin closes (so a crashed test never leaves it running).
final class HarnessProcess: @unchecked Sendable {
    static let directory = packageRoot.appendingPathComponent("Tests/Harness")
    let port: Int
    private let process = Process()
    private let stdin = Pipe()

    init(_ script: String, _ arguments: [String], environment: [String: String] = [:], missing hint: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.directory.appendingPathComponent(script).path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw TestSupportError.launch("python3 \(script)", "\(error)") }
        // The first line is the port; end of output first means it failed to start.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw TestSupportError.launch("python3 \(script)", "printed no port (\(hint))")
        }
        self.port = port
    }

    /// Closes the script's stdin, which ends it, and waits.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }
}

/// Test cases whose calls go through a fault-injecting proxy in front of the shared moto server:
/// one proxy per class, its plan emptied and moto reset before each test.
open class FaultProxyTestCase: XCTestCase {
    nonisolated(unsafe) private static var sharedProxy: FaultProxy?
    public var moto: MotoServer!
    public var proxy: FaultProxy { Self.sharedProxy! }

    override open class func tearDown() {
        sharedProxy?.stop()
        sharedProxy = nil
        super.tearDown()
    }

    override open func setUp() async throws {
        moto = try MotoServer.shared()
        try await moto.reset()
        if Self.sharedProxy == nil { Self.sharedProxy = try FaultProxy(upstream: moto.endpoint) }
        try await proxy.plan([])
    }
}

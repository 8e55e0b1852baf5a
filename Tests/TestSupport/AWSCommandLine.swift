import Foundation
import XCTest

/// The real `aws` CLI pointed at a moto server, with the server's current test user.
public struct AWSCommandLine {
    public let moto: MotoServer

    public init(moto: MotoServer) { self.moto = moto }

    public var environment: [String: String] {
        var environment = moto.environment()
        // aws-cli v1 reads only AWS_DEFAULT_REGION.
        environment["AWS_DEFAULT_REGION"] = moto.region
        environment["AWS_PAGER"] = ""
        environment["AWS_CONFIG_FILE"] = Self.configFile
        return environment
    }

    /// Makes the CLI print timestamps as ISO 8601, which it can do only after botocore parsed them
    /// (by default aws-cli v1 echoes them as they came).
    static let configFile: String = {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-aws-cli-config")
        try? Data("[default]\ncli_timestamp_format = iso8601\n".utf8).write(to: file)
        return file.path
    }()

    /// `aws ARGUMENTS --output json`, as it ended.
    public func run(_ arguments: [String]) throws -> ProcessResult {
        try runProcess("/usr/bin/env", ["aws", "--endpoint-url", moto.endpoint, "--output", "json"] + arguments,
                       environment: environment, timeout: 60)
    }

    /// What `copilot app init APP` and `copilot env init` leave in SSM, each environment in the
    /// server's region and account 123456789012 with Copilot's role names.
    public func seedCopilotApplication(_ application: String, environments: [String]) throws {
        try json(["ssm", "put-parameter", "--type", "String", "--name", "/copilot/applications/\(application)",
                  "--value", #"{"name":"\#(application)","account":"123456789012"}"#])
        for environment in environments {
            let value = """
            {"app":"\(application)","name":"\(environment)","region":"\(moto.region)","accountID":"123456789012",\
            "prod":false,"executionRoleARN":"arn:aws:iam::123456789012:role/\(application)-\(environment)-CFNExecutionRole",\
            "managerRoleARN":"arn:aws:iam::123456789012:role/\(application)-\(environment)-EnvManagerRole"}
            """
            try json(["ssm", "put-parameter", "--type", "String",
                      "--name", "/copilot/applications/\(application)/environments/\(environment)", "--value", value])
        }
    }

    /// The parsed JSON of a call that must succeed (empty for no output).
    @discardableResult
    public func json(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try run(arguments)
        XCTAssertEqual(result.status, 0, "aws \(arguments.prefix(2).joined(separator: " ")): \(result.stderr)", file: file, line: line)
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return [:] }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text, file: file, line: line)
    }
}

/// Test cases that share one moto server (with the CodePipeline extension) per class.
open class AWSMotoTestCase: XCTestCase {
    public static var moto: MotoServer!

    /// Settings for the extension (`SLUICE_MOTO_ACTION_SECONDS`, `SLUICE_MOTO_FAILING_ACTIONS`).
    open class var motoEnvironment: [String: String] { [:] }

    override open class func setUp() {
        super.setUp()
        moto = try? MotoServer(extensions: ["moto_codepipeline.py"], environment: motoEnvironment)
    }

    /// Resets moto, seeds application `demo` with `environments`, and copies examples/quickstart
    /// into a temporary home: the CLI, the home (for tearDown to remove) and the workspace in it.
    public func prepareQuickstart(environments: [String] = ["test", "prod"]) async throws
        -> (cli: AWSCommandLine, home: TemporaryDirectory, workspace: URL) {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        try cli.seedCopilotApplication("demo", environments: environments)
        let home = try TemporaryDirectory("sluice-aws-\(name.filter(\.isLetter).suffix(24))")
        let workspace = home.url.appendingPathComponent("quickstart")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples/quickstart"), to: workspace)
        return (cli, home, workspace)
    }

    override open class func tearDown() {
        moto?.stop()
        moto = nil
        super.tearDown()
    }
}

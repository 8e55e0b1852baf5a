import AWS
import Foundation
import XCTest

/// The real `aws` CLI pointed at a moto server, with the server's current test user; and the state
/// Copilot leaves there, seeded.
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

    // The seeds below stand in for Copilot writing an application's state: signed HTTP from this
    // process (the AWS module's client), not the `aws` CLI, whose Python start-up costs about a
    // second of CPU per call (a seed is 5 to 50 calls). Tests still read with the CLI.

    /// What `copilot app init APP` and `copilot env init` leave in SSM, each environment in the
    /// server's region and account 123456789012 with Copilot's role names, and the application's
    /// StackSet with its stack in that region; service api (the quickstart's) registered, as `copilot svc init` leaves it.
    public func seedCopilotApplication(_ application: String, environments: [String]) async throws {
        try await seedCopilotApplication(application, environments: environments.map { ($0, moto.region, MotoServer.account) })
    }

    /// What `copilot svc init` (or `job init`) leaves in SSM for workload `name` of manifest type `type`.
    public func registerWorkload(_ name: String, type: String = "Load Balanced Web Service", application: String,
                                 region: String? = nil) async throws {
        try await putParameter("/copilot/applications/\(application)/components/\(name)",
                               #"{"app":"\#(application)","name":"\#(name)","type":"\#(type)"}"#, region: region ?? moto.region)
    }

    /// The same with each environment in its own region and account: the StackSet gets an instance in every
    /// environment's region, and its KMS key and bucket policy grant every environment's account, as Copilot's do.
    /// `homeRegion` (default the server's) is where the application lives: its SSM parameters and StackSet.
    /// `workloads` are registered in it.
    public func seedCopilotApplication(_ application: String, environments: [(name: String, region: String, account: String)],
                                       applicationFields: String = "", homeRegion: String? = nil,
                                       workloads: [String] = ["api"]) async throws {
        let home = homeRegion ?? moto.region
        for workload in workloads { try await registerWorkload(workload, application: application, region: home) }
        try await putParameter("/copilot/applications/\(application)",
                               #"{"name":"\#(application)","account":"\#(MotoServer.account)"\#(applicationFields)}"#, region: home)
        for environment in environments {
            let value = """
            {"app":"\(application)","name":"\(environment.name)","region":"\(environment.region)","accountID":"\(environment.account)",\
            "prod":false,"executionRoleARN":"arn:aws:iam::\(environment.account):role/\(application)-\(environment.name)-CFNExecutionRole",\
            "managerRoleARN":"arn:aws:iam::\(environment.account):role/\(application)-\(environment.name)-EnvManagerRole"}
            """
            try await putParameter("/copilot/applications/\(application)/environments/\(environment.name)", value, region: home)
        }
        let accounts = Array(Set(environments.map(\.account)).subtracting([MotoServer.account])).sorted()
        var regions = Set(environments.map(\.region))
        regions.insert(home)
        let cloudFormation = try client(region: home)
        let _: AWSEmptyShape = try await cloudFormation.call(.cloudFormation, "CreateStackSet", StackSetInput(
            stackSetName: "\(application)-infrastructure", permissionModel: "SELF_MANAGED",
            templateBody: Self.applicationTemplate(application, accounts: accounts)))
        let _: AWSEmptyShape = try await cloudFormation.call(.cloudFormation, "CreateStackInstances", StackInstancesInput(
            stackSetName: "\(application)-infrastructure", accounts: [MotoServer.account], regions: regions.sorted()))
    }

    private struct StackSetInput: Encodable { let stackSetName, permissionModel, templateBody: String }
    private struct StackInstancesInput: Encodable {
        let stackSetName: String
        let accounts, regions: [String]
    }

    /// A String parameter in SSM of `region`.
    private func putParameter(_ name: String, _ value: String, region: String) async throws {
        let _: AWSEmptyShape = try await client(region: region).call(.ssm, "PutParameter", ["Name": name, "Value": value, "Type": "String"])
    }

    /// The server's current user, in `region`.
    private func client(region: String) throws -> AWSClient {
        var environment = moto.environment()
        environment["AWS_REGION"] = region
        return AWSClient(configuration: try AWSConfiguration.resolve(environment: environment))
    }

    /// The regional resources of Copilot's application template (templates/app/cf.yml) that pipelines use:
    /// the KMS key and the artifact bucket, both granting the environments' accounts, exported as Copilot exports them.
    static func applicationTemplate(_ application: String, accounts: [String]) -> String {
        let principals = (["!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root"]
            + accounts.map { "!Sub arn:${AWS::Partition}:iam::\($0):root" }).map { "                - \($0)" }.joined(separator: "\n")
        return """
        AWSTemplateFormatVersion: '2010-09-09'
        Description: Cross-regional resources to support the CodePipeline for a workspace
        Metadata:
          Accounts: [\(accounts.joined(separator: ", "))]
        Resources:
          KMSKey:
            Type: AWS::KMS::Key
            Properties:
              EnableKeyRotation: true
              KeyPolicy:
                Version: '2012-10-17'
                Statement:
                  - Effect: Allow
                    Principal:
                      AWS:
        \(principals)
                    Action: ['kms:*']
                    Resource: '*'
          PipelineBuiltArtifactBucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketEncryption:
                ServerSideEncryptionConfiguration:
                  - ServerSideEncryptionByDefault:
                      SSEAlgorithm: 'aws:kms'
                      KMSMasterKeyID: !GetAtt KMSKey.Arn
          PipelineBuiltArtifactBucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref PipelineBuiltArtifactBucket
              PolicyDocument:
                Version: '2012-10-17'
                Statement:
                  - Action: ['s3:*']
                    Effect: Allow
                    Resource:
                      - !Sub arn:${AWS::Partition}:s3:::${PipelineBuiltArtifactBucket}
                      - !Sub arn:${AWS::Partition}:s3:::${PipelineBuiltArtifactBucket}/*
                    Principal:
                      AWS:
        \(principals)
        Outputs:
          KMSKeyARN:
            Value: !GetAtt KMSKey.Arn
            Export:
              Name: \(application)-ArtifactKey
          PipelineBucket:
            Value: !Ref PipelineBuiltArtifactBucket

        """
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
        moto = try? MotoServer(extensions: ["moto_codepipeline.py", "moto_application.py"], environment: motoEnvironment)
    }

    /// Resets moto, seeds application `demo` with `environments`, and copies examples/quickstart
    /// into a temporary home: the CLI, the home (for tearDown to remove) and the workspace in it.
    public func prepareQuickstart(environments: [String] = ["test", "prod"]) async throws
        -> (cli: AWSCommandLine, home: TemporaryDirectory, workspace: URL) {
        try await prepareQuickstart { try await $0.seedCopilotApplication("demo", environments: environments) }
    }

    /// The same, application `demo` seeded by `seed`.
    public func prepareQuickstart(seed: (AWSCommandLine) async throws -> Void) async throws
        -> (cli: AWSCommandLine, home: TemporaryDirectory, workspace: URL) {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        try await seed(cli)
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

import AWS
import Foundation
import TestSupport
import XCTest

/// Every client operation moto implements, round-tripped over HTTP to a moto server on
/// 127.0.0.1 that checks signatures (a fresh IAM user per test).
final class MotoClientTests: XCTestCase {
    var moto: MotoServer!
    var client: AWSClient!

    override func setUp() async throws {
        moto = try MotoServer.shared()
        try await moto.reset()
        client = AWSClient(configuration: try moto.configuration())
    }

    func testSTSGetCallerIdentityNamesTheSignedInUser() async throws {
        let identity = try await STS(client: client).getCallerIdentity()
        XCTAssertEqual(identity.account, "123456789012")
        XCTAssertEqual(identity.arn, "arn:aws:iam::123456789012:user/sluice-test")
    }

    func testSSMParametersByNameAndPath() async throws {
        for (name, value) in [("/sluice/app/image", "repo:1"), ("/sluice/app/db/url", "postgres://x"), ("/other", "no")] {
            let _: AWSEmptyShape? = try? await client.call(.ssm, "PutParameter", ["Name": name, "Value": value, "Type": "String"])
        }
        let ssm = SSM(client: client)
        let one = try await ssm.getParameter(.init(name: "/sluice/app/image"))
        XCTAssertEqual(one.parameter?.value, "repo:1")
        XCTAssertEqual(one.parameter?.type, "String")
        XCTAssertNotNil(one.parameter?.lastModifiedDate)

        let shallow = try await ssm.getParametersByPath(.init(path: "/sluice/app"))
        XCTAssertEqual(shallow.parameters?.map(\.name), ["/sluice/app/image"])
        let deep = try await ssm.getParametersByPath(.init(path: "/sluice/app", recursive: true))
        XCTAssertEqual(Set(deep.parameters?.compactMap(\.name) ?? []), ["/sluice/app/image", "/sluice/app/db/url"])

        do {
            _ = try await ssm.getParameter(.init(name: "/missing"))
            XCTFail("a missing parameter must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .parameterNotFound)
            XCTAssertEqual(error.httpStatus, 400)
            XCTAssertEqual(error.operation, "GetParameter")
        }
    }

    static let template = """
        Parameters:
          BucketName:
            Type: String
        Resources:
          Artifacts:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Ref BucketName
        Outputs:
          Bucket:
            Value: !Ref Artifacts
        """

    func testCloudFormationChangeSetLifecycle() async throws {
        let cloudFormation = CloudFormation(client: client)
        let created = try await cloudFormation.createChangeSet(.init(
            stackName: "sluice-demo", changeSetName: "first", changeSetType: .create, templateBody: Self.template,
            parameters: [.init(parameterKey: "BucketName", parameterValue: "sluice-artifacts")],
            capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            tags: [.init(key: "copilot-application", value: "demo"), .init(key: "owner", value: "sluice & co <test>")]))
        let changeSetID = try XCTUnwrap(created.id)
        XCTAssertNotNil(created.stackId)

        let described = try await cloudFormation.describeChangeSet(.init(changeSetName: changeSetID))
        XCTAssertEqual(described.stackName, "sluice-demo")
        XCTAssertEqual(described.status, .createComplete)
        XCTAssertEqual(described.parameters, [.init(parameterKey: "BucketName", parameterValue: "sluice-artifacts")])
        XCTAssertEqual(described.changes?.first?.resourceChange?.logicalResourceId, "Artifacts")
        XCTAssertEqual(described.changes?.first?.resourceChange?.action, .add)

        try await cloudFormation.executeChangeSet(.init(changeSetName: "first", stackName: "sluice-demo"))
        let stacks = try await cloudFormation.describeStacks(.init(stackName: "sluice-demo")).stacks
        XCTAssertEqual(stacks.map(\.stackStatus), [.createComplete])
        // Escaped characters survive the form encoding and the XML (moto lists tags on the stack only).
        XCTAssertEqual(stacks.first?.tags?.first { $0.key == "owner" }?.value, "sluice & co <test>")
        XCTAssertEqual(stacks.first?.parameters?.first?.parameterValue, "sluice-artifacts")
        XCTAssertEqual(stacks.first?.enableTerminationProtection, false)
        XCTAssertNotNil(stacks.first?.creationTime)

        let events = try await cloudFormation.describeStackEvents(.init(stackName: "sluice-demo")).stackEvents
        XCTAssertTrue(events.contains { $0.resourceStatus == .createComplete }, "\(events.map(\.resourceStatus))")
        let resources = try await cloudFormation.describeStackResources(.init(stackName: "sluice-demo")).stackResources
        XCTAssertEqual(resources.map(\.logicalResourceId), ["Artifacts"])
        XCTAssertEqual(resources.first?.resourceType, "AWS::S3::Bucket")
        let template = try await cloudFormation.getTemplate(.init(stackName: "sluice-demo"))
        XCTAssertEqual(template.templateBody, Self.template)

        let update = try await cloudFormation.createChangeSet(.init(
            stackName: "sluice-demo", changeSetName: "second", changeSetType: .update, usePreviousTemplate: true,
            parameters: [.init(parameterKey: "BucketName", parameterValue: "sluice-artifacts-2")]))
        try await cloudFormation.deleteChangeSet(.init(changeSetName: try XCTUnwrap(update.id)))
        do {
            _ = try await cloudFormation.describeChangeSet(.init(changeSetName: "second", stackName: "sluice-demo"))
            XCTFail("the deleted change set must be gone")
        } catch let error as AWSError {
            // AWS says ChangeSetNotFound; moto says ValidationError.
            XCTAssertTrue([.changeSetNotFound, .validationError].contains(error.code), error.description)
        }

        try await cloudFormation.deleteStack(.init(stackName: "sluice-demo"))
        do {
            let after = try await cloudFormation.describeStacks(.init(stackName: "sluice-demo")).stacks
            XCTAssertEqual(after.map(\.stackStatus), [.deleteComplete])
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .validationError)
            XCTAssertTrue(error.message.contains("does not exist"), error.message)
        }
    }

    func testCodePipelineGetAndList() async throws {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        struct CreateRoleResult: Decodable { struct Role: Decodable { let arn: String }; let role: Role }
        let role: CreateRoleResult = try await client.call(.iam, "CreateRole", ["RoleName": "pipeline", "AssumeRolePolicyDocument": trust])
        let pipeline: [String: Any] = [
            "name": "sluice-demo", "roleArn": role.role.arn,
            "artifactStore": ["type": "S3", "location": "sluice-artifacts"],
            "stages": [
                ["name": "Source", "actions": [[
                    "name": "Source", "runOrder": 1,
                    "actionTypeId": ["category": "Source", "owner": "AWS", "provider": "CodeStarSourceConnection", "version": "1"],
                    "configuration": ["BranchName": "main", "FullRepositoryId": "acme/demo", "ConnectionArn": "arn:aws:codestar-connections:us-east-1:123456789012:connection/x"],
                    "outputArtifacts": [["name": "SCCheckoutArtifact"]],
                ]]],
                ["name": "Build", "actions": [[
                    "name": "Build", "runOrder": 1,
                    "actionTypeId": ["category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"],
                    "configuration": ["ProjectName": "demo-build"],
                    "inputArtifacts": [["name": "SCCheckoutArtifact"]],
                ]]],
            ],
        ]
        let _: AWSEmptyShape = try await client.call(.codePipeline, "CreatePipeline", JSONValue(["pipeline": pipeline]))

        let codePipeline = CodePipeline(client: client)
        let got = try await codePipeline.getPipeline(.init(name: "sluice-demo"))
        XCTAssertEqual(got.pipeline?.stages.map(\.name), ["Source", "Build"])
        XCTAssertEqual(got.pipeline?.stages.first?.actions.first?.configuration?["FullRepositoryId"], "acme/demo")
        XCTAssertEqual(got.pipeline?.stages.last?.actions.first?.actionTypeId.provider, "CodeBuild")
        XCTAssertEqual(got.pipeline?.version, 1)
        XCTAssertEqual(got.metadata?.pipelineArn, "arn:aws:codepipeline:us-east-1:123456789012:sluice-demo")
        XCTAssertNotNil(got.metadata?.created)

        let listed = try await codePipeline.listPipelines()
        XCTAssertEqual(listed.pipelines?.map(\.name), ["sluice-demo"])

        do {
            _ = try await codePipeline.getPipeline(.init(name: "absent"))
            XCTFail("an absent pipeline must fail")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .pipelineNotFoundException)
            XCTAssertFalse(error.message.isEmpty)
        }
    }

    func testSecretsManagerLifecycle() async throws {
        let secrets = SecretsManager(client: client)
        let created = try await secrets.createSecret(.init(name: "sluice/github-token", description: "for the source stage",
                                                           secretString: "ghp_example", tags: [.init(key: "app", value: "demo")]))
        XCTAssertEqual(created.name, "sluice/github-token")
        let arn = try XCTUnwrap(created.arn)
        let described = try await secrets.describeSecret(.init(secretId: arn))
        XCTAssertEqual(described.description, "for the source stage")
        XCTAssertEqual(described.tags, [.init(key: "app", value: "demo")])
        let put = try await secrets.putSecretValue(.init(secretId: "sluice/github-token", secretString: "ghp_rotated"))
        XCTAssertNotEqual(put.versionId, created.versionId)
        XCTAssertEqual(put.versionStages, ["AWSCURRENT"])
        let deleted = try await secrets.deleteSecret(.init(secretId: arn, forceDeleteWithoutRecovery: true))
        XCTAssertEqual(deleted.name, "sluice/github-token")
        XCTAssertNotNil(deleted.deletionDate)
        do {
            _ = try await secrets.describeSecret(.init(secretId: "sluice/github-token"))
            XCTFail("a deleted secret must be gone")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .resourceNotFoundException)
            XCTAssertEqual(error.service, "Secrets Manager")
        }
    }

    func testCodeCommitGetRepository() async throws {
        let _: AWSEmptyShape = try await client.call(.codeCommit, "CreateRepository",
                                                      ["repositoryName": "demo", "repositoryDescription": "the app"])
        let metadata = try await CodeCommit(client: client).getRepository(.init(repositoryName: "demo")).repositoryMetadata
        XCTAssertEqual(metadata?.repositoryName, "demo")
        XCTAssertEqual(metadata?.repositoryDescription, "the app")
        XCTAssertEqual(metadata?.arn, "arn:aws:codecommit:us-east-1:123456789012:demo")
        XCTAssertNotNil(metadata?.cloneUrlHttp)
    }

    func testResourceGroupsTaggingFindsTaggedResources() async throws {
        _ = try await SecretsManager(client: client).createSecret(.init(
            name: "tagged", secretString: "x", tags: [.init(key: "copilot-application", value: "demo")]))
        _ = try await SecretsManager(client: client).createSecret(.init(name: "untagged", secretString: "x"))
        let found = try await ResourceGroupsTagging(client: client).getResources(.init(
            tagFilters: [.init(key: "copilot-application", values: ["demo"])]))
        let mappings = found.resourceTagMappingList ?? []
        XCTAssertEqual(mappings.count, 1)
        XCTAssertTrue(mappings.first?.resourceARN?.contains(":secret:tagged") ?? false, "\(mappings.map(\.resourceARN))")
        XCTAssertEqual(mappings.first?.tags, [.init(key: "copilot-application", value: "demo")])
    }

    func testAWrongSecretKeyIsSignatureDoesNotMatch() async throws {
        let good = try XCTUnwrap(moto.credentials)
        let wrong = AWSClient(configuration: try moto.configuration(
            credentials: AWSCredentials(accessKeyID: good.accessKeyID, secretAccessKey: "not-the-secret")))
        // A Query service and a JSON service (moto answers the latter in XML too).
        for call in [{ _ = try await STS(client: wrong).getCallerIdentity() },
                     { _ = try await SSM(client: wrong).getParameter(.init(name: "/x")) }] as [() async throws -> Void] {
            do {
                try await call()
                XCTFail("a wrong secret must be refused")
            } catch let error as AWSError {
                XCTAssertEqual(error.code, .signatureDoesNotMatch)
                XCTAssertEqual(error.httpStatus, 403)
                XCTAssertEqual(error.attempts, 1, "an authentication failure is not retried")
                XCTAssertTrue(error.description.contains("failed: SignatureDoesNotMatch (HTTP 403): The request signature we calculated"),
                              error.description)
                XCTAssertTrue(error.description.contains("hint: the secret access key does not belong to the access key id"),
                              error.description)
                XCTAssertFalse(error.description.contains("not-the-secret"), "an error never shows the secret")
            }
        }
    }

    func testTemporaryCredentialsSignWithTheirSessionToken() async throws {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#
        let allowAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        struct CreateRoleResult: Decodable { struct Role: Decodable { let arn: String }; let role: Role }
        let role: CreateRoleResult = try await client.call(.iam, "CreateRole", ["RoleName": "deployer", "AssumeRolePolicyDocument": trust])
        let _: AWSEmptyShape = try await client.call(.iam, "PutRolePolicy",
                                                      ["RoleName": "deployer", "PolicyName": "all", "PolicyDocument": allowAll])
        struct AssumeRoleResult: Decodable {
            struct Credentials: Decodable { let accessKeyId: String, secretAccessKey: String, sessionToken: String }
            let credentials: Credentials
        }
        let assumed: AssumeRoleResult = try await client.call(.sts, "AssumeRole", ["RoleArn": role.role.arn, "RoleSessionName": "sluice"])
        // Through the environment, as a shell with exported temporary credentials would get them.
        var environment = moto.environment()
        environment["AWS_ACCESS_KEY_ID"] = assumed.credentials.accessKeyId
        environment["AWS_SECRET_ACCESS_KEY"] = assumed.credentials.secretAccessKey
        environment["AWS_SESSION_TOKEN"] = assumed.credentials.sessionToken
        let temporary = AWSClient(configuration: try AWSConfiguration.resolve(environment: environment))
        let identity = try await STS(client: temporary).getCallerIdentity()
        XCTAssertEqual(identity.arn, "arn:aws:sts::123456789012:assumed-role/deployer/sluice")

        environment["AWS_SESSION_TOKEN"] = "not-the-token"
        let wrongToken = AWSClient(configuration: try AWSConfiguration.resolve(environment: environment))
        do {
            _ = try await STS(client: wrongToken).getCallerIdentity()
            XCTFail("a wrong session token must be refused")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .invalidClientTokenId)
        }
    }

    func testAnUnknownAccessKeyIsInvalidClientTokenId() async throws {
        let stranger = AWSClient(configuration: try moto.configuration(
            credentials: AWSCredentials(accessKeyID: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x")))
        do {
            _ = try await STS(client: stranger).getCallerIdentity()
            XCTFail("an unknown key must be refused")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, .invalidClientTokenId)
            XCTAssertNotNil(error.hint)
        }
    }
}

/// Untyped JSON for test set-up calls whose shapes sluice has no struct for (CreatePipeline).
struct JSONValue: Encodable {
    let value: Any
    init(_ value: Any) { self.value = value }

    func encode(to encoder: Encoder) throws {
        switch value {
        case let dictionary as [String: Any]:
            var container = encoder.container(keyedBy: Key.self)
            for (key, element) in dictionary { try container.encode(JSONValue(element), forKey: Key(stringValue: key)) }
        case let array as [Any]:
            var container = encoder.unkeyedContainer()
            for element in array { try container.encode(JSONValue(element)) }
        case let int as Int:
            var container = encoder.singleValueContainer()
            try container.encode(int)
        case let string as String:
            var container = encoder.singleValueContainer()
            try container.encode(string)
        default:
            throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath, debugDescription: "not JSON"))
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

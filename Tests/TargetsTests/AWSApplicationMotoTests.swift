import Foundation
import XCTest
import TestSupport

/// Tests/Harness/moto_application.py, read by the real `aws` CLI (botocore): what moto lacks or
/// loosens and a Copilot application's pipelines depend on behaves as AWS documents it.
final class AWSApplicationMotoTests: AWSMotoTestCase {
    var cli: AWSCommandLine!

    override func setUp() async throws {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        cli = AWSCommandLine(moto: moto)
    }

    /// The application StackSet (Copilot's `APP-infrastructure`, SELF_MANAGED) has a real stack per region,
    /// named as AWS names them, whose id ListStackInstances gives and whose outputs DescribeStacks reads in that
    /// region; the account and region filters are honoured; the key grants the other account.
    func testStackSetInstancesAreStacksWithOutputsInTheirRegions() async throws {
        try await cli.seedCopilotApplication("demo", environments: [("test", "us-east-1", MotoServer.account),
                                                              ("prod", "us-west-2", "222222222222")])
        let listed = try XCTUnwrap(try cli.json(["cloudformation", "list-stack-instances", "--stack-set-name", "demo-infrastructure",
                                                 "--stack-instance-account", MotoServer.account])["Summaries"] as? [[String: Any]])
        XCTAssertEqual(listed.compactMap { $0["Region"] as? String }.sorted(), ["us-east-1", "us-west-2"])
        for summary in listed {
            let region = try XCTUnwrap(summary["Region"] as? String)
            let stackID = try XCTUnwrap(summary["StackId"] as? String)
            XCTAssertTrue(stackID.contains(":stack/StackSet-demo-infrastructure-"), stackID)
            let stack = try XCTUnwrap((try cli.json(["cloudformation", "describe-stacks", "--region", region, "--stack-name", stackID])["Stacks"]
                as? [[String: Any]])?.first)
            let outputs = Dictionary(uniqueKeysWithValues: (stack["Outputs"] as? [[String: Any]] ?? []).map {
                ($0["OutputKey"] as? String ?? "", $0["OutputValue"] as? String ?? "")
            })
            let key = try XCTUnwrap(outputs["KMSKeyARN"])
            XCTAssertTrue(key.hasPrefix("arn:aws:kms:\(region):\(MotoServer.account):key/"), key)
            let bucket = try XCTUnwrap(outputs["PipelineBucket"])
            XCTAssertEqual(try cli.run(["s3api", "head-bucket", "--region", region, "--bucket", bucket]).status, 0, bucket)
            let policy = try cli.json(["kms", "get-key-policy", "--region", region, "--key-id", key, "--policy-name", "default"])
            // The policy is JSON text, as AWS sends it, and grants the other account.
            let text = try XCTUnwrap(policy["Policy"] as? String, "\(policy)")
            XCTAssertTrue(text.contains(#""arn:aws:iam::222222222222:root""#), text)
        }
        let elsewhere = try cli.json(["cloudformation", "list-stack-instances", "--stack-set-name", "demo-infrastructure",
                                      "--stack-instance-region", "us-west-2"])["Summaries"] as? [[String: Any]]
        XCTAssertEqual(elsewhere?.compactMap { $0["Region"] as? String }, ["us-west-2"])
        let otherAccount = try cli.json(["cloudformation", "list-stack-instances", "--stack-set-name", "demo-infrastructure",
                                         "--stack-instance-account", "222222222222"])["Summaries"] as? [[String: Any]]
        XCTAssertEqual(otherAccount?.count, 0)
    }

    /// CloudFormation refuses a TemplateBody over 51,200 bytes and takes the same template by TemplateURL.
    func testATemplateBodyOver51200BytesIsRefusedAndTheSameTemplateByURLIsAccepted() throws {
        func template(bytes: Int) -> String {
            let head = #"{"Resources":{"Bucket":{"Type":"AWS::S3::Bucket"}},"Description":""#
            return head + String(repeating: "x", count: bytes - head.utf8.count - 2) + #""}"#
        }
        XCTAssertEqual(try cli.run(["cloudformation", "create-stack", "--stack-name", "at-the-limit",
                                    "--template-body", template(bytes: 51_200)]).status, 0)
        for operation in [["create-stack", "--stack-name", "over"],
                          ["create-change-set", "--stack-name", "over", "--change-set-name", "c", "--change-set-type", "CREATE"],
                          ["update-stack", "--stack-name", "at-the-limit"], ["validate-template"]] {
            let refused = try cli.run(["cloudformation"] + operation + ["--template-body", template(bytes: 51_201)])
            XCTAssertNotEqual(refused.status, 0, operation[0])
            XCTAssertTrue(refused.stderr.contains("(ValidationError)") && refused.stderr.contains(
                "Member must have length less than or equal to 51200"), refused.stderr)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-large-template-\(getpid()).json")
        try template(bytes: 200_000).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try cli.json(["s3api", "create-bucket", "--bucket", "templates-bucket"])
        try cli.json(["s3api", "put-object", "--bucket", "templates-bucket", "--key", "large.json", "--body", file.path])
        XCTAssertEqual(try cli.run(["cloudformation", "create-stack", "--stack-name", "by-url",
                                    "--template-url", "https://templates-bucket.s3.us-east-1.amazonaws.com/large.json"]).status, 0)
    }

    /// A change set says which modified resources are replaced, from their types' create-only properties;
    /// the stack's tags reach the roles it makes, and an executed change set's tags become the stack's.
    func testChangeSetsSayWhatIsReplacedAndStackTagsReachItsRoles() throws {
        func template(path: String, description: String) -> String {
            #"{"Resources":{"Role":{"Type":"AWS::IAM::Role","Properties":{"Path":"\#(path)","Description":"\#(description)","#
                + #""AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"#
                + #"{"Service":["codebuild.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}}}}}"#
        }
        try cli.json(["cloudformation", "create-stack", "--stack-name", "roles", "--template-body", template(path: "/", description: "a"),
                      "--tags", "Key=team,Value=payments"])
        func roleTags() throws -> [String: String] {
            let role = try XCTUnwrap((try cli.json(["iam", "list-roles"])["Roles"] as? [[String: Any]])?.first?["RoleName"] as? String)
            let tags = try cli.json(["iam", "list-role-tags", "--role-name", role])["Tags"] as? [[String: String]] ?? []
            return Dictionary(uniqueKeysWithValues: tags.map { ($0["Key"] ?? "", $0["Value"] ?? "") })
        }
        XCTAssertEqual(try roleTags(), ["team": "payments"])
        func replacement(_ body: String, _ name: String) throws -> String? {
            try cli.json(["cloudformation", "create-change-set", "--stack-name", "roles", "--change-set-name", name,
                          "--change-set-type", "UPDATE", "--template-body", body, "--tags", "Key=team,Value=billing"])
            let changes = try cli.json(["cloudformation", "describe-change-set", "--stack-name", "roles", "--change-set-name", name])
            return ((changes["Changes"] as? [[String: Any]])?.first?["ResourceChange"] as? [String: Any])?["Replacement"] as? String
        }
        XCTAssertEqual(try replacement(template(path: "/", description: "b"), "in-place"), "False")
        XCTAssertEqual(try replacement(template(path: "/other/", description: "a"), "replacing"), "True")
        try cli.json(["cloudformation", "execute-change-set", "--stack-name", "roles", "--change-set-name", "in-place"])
        let stack = (try cli.json(["cloudformation", "describe-stacks", "--stack-name", "roles"])["Stacks"] as? [[String: Any]])?.first
        XCTAssertEqual((stack?["Tags"] as? [[String: String]])?.first?["Value"], "billing")
        XCTAssertEqual(try roleTags(), ["team": "billing"])
    }

    /// A CREATE change set made for a stack an earlier CREATE change set left REVIEW_IN_PROGRESS (a push
    /// killed before its plan was accepted, then pushed again) belongs to that stack, as in CloudFormation:
    /// either change set executes and creates it, and the other is then gone. moto made a second stack of
    /// the same name, and executing the first change set failed inside moto (KeyError, HTTP 500).
    func testASecondCreateChangeSetOnAStackInReviewBelongsToIt() throws {
        let template = #"{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}"#
        for name in ["first", "second"] {
            try cli.json(["cloudformation", "create-change-set", "--stack-name", "review", "--change-set-name", name,
                          "--change-set-type", "CREATE", "--template-body", template])
        }
        let stacks = (try cli.json(["cloudformation", "list-stacks"])["StackSummaries"] as? [[String: Any]] ?? [])
            .filter { $0["StackName"] as? String == "review" }
        XCTAssertEqual(stacks.count, 1, "one stack in review, not two: \(stacks)")
        XCTAssertEqual(stacks.first?["StackStatus"] as? String, "REVIEW_IN_PROGRESS")
        let listed = try cli.json(["cloudformation", "list-change-sets", "--stack-name", "review"])["Summaries"] as? [[String: Any]]
        XCTAssertEqual(listed?.compactMap { $0["ChangeSetName"] as? String }.sorted(), ["first", "second"])

        let executed = try cli.run(["cloudformation", "execute-change-set", "--stack-name", "review", "--change-set-name", "first"])
        XCTAssertEqual(executed.status, 0, executed.stderr)
        let stack = (try cli.json(["cloudformation", "describe-stacks", "--stack-name", "review"])["Stacks"] as? [[String: Any]])?.first
        XCTAssertEqual(stack?["StackStatus"] as? String, "CREATE_COMPLETE")
        let left = try cli.json(["cloudformation", "list-change-sets", "--stack-name", "review"])["Summaries"] as? [[String: Any]]
        XCTAssertEqual(left?.compactMap { $0["ChangeSetName"] as? String }, ["first"], "executing one deletes the stack's others")
        let gone = try cli.run(["cloudformation", "execute-change-set", "--stack-name", "review", "--change-set-name", "second"])
        XCTAssertNotEqual(gone.status, 0)
        XCTAssertTrue(gone.stderr.contains("(ChangeSetNotFound)") && gone.stderr.contains("ChangeSet [second] does not exist"), gone.stderr)
    }

    /// A nested stack whose template uses a macro is made only by a change set that acknowledged
    /// CAPABILITY_AUTO_EXPAND, as in AWS; moto checks no capability.
    func testANestedStackUsingAMacroNeedsAutoExpand() throws {
        try cli.json(["s3api", "create-bucket", "--bucket", "templates"])
        let nested = try TemporaryDirectory("sluice-nested")
        defer { nested.remove() }
        let file = nested.url.appendingPathComponent("nested.yml")
        try "Transform: Sluice::Nothing\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n".write(to: file, atomically: true, encoding: .utf8)
        try cli.json(["s3api", "put-object", "--bucket", "templates", "--key", "nested.yml", "--body", file.path])
        let parent = #"{"Resources":{"Nested":{"Type":"AWS::CloudFormation::Stack","Properties":{"TemplateURL":"#
            + #""https://templates.s3.amazonaws.com/nested.yml"}}}}"#
        func execute(_ name: String, _ capabilities: [String]) throws -> ProcessResult {
            try cli.json(["cloudformation", "create-change-set", "--stack-name", name, "--change-set-name", "first",
                          "--change-set-type", "CREATE", "--template-body", parent] + (capabilities.isEmpty ? [] : ["--capabilities"] + capabilities))
            return try cli.run(["cloudformation", "execute-change-set", "--stack-name", name, "--change-set-name", "first"])
        }
        let acknowledged = try execute("with", ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
        XCTAssertEqual(acknowledged.status, 0, acknowledged.stderr)
        let refused = try execute("without", ["CAPABILITY_IAM"])
        XCTAssertNotEqual(refused.status, 0, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("InsufficientCapabilitiesException"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Requires capabilities : [CAPABILITY_AUTO_EXPAND]"), refused.stderr)
    }

    /// DescribeStackResources names every resource's logical ID and type, which AWS always does (botocore's model
    /// requires both), also for the types moto does not model.
    func testEveryStackResourceHasItsLogicalIDAndType() throws {
        let body = #"{"Resources":{"Project":{"Type":"AWS::CodeBuild::Project","Properties":{"Name":"p"}},"#
            + #""Topic":{"Type":"AWS::SNS::Topic"}}}"#
        try cli.json(["cloudformation", "create-stack", "--stack-name", "mixed", "--template-body", body])
        let resources = try cli.json(["cloudformation", "describe-stack-resources", "--stack-name", "mixed"])["StackResources"]
            as? [[String: Any]] ?? []
        XCTAssertEqual(resources.compactMap { $0["LogicalResourceId"] as? String }.sorted(), ["Project", "Topic"], "\(resources)")
        XCTAssertEqual(resources.compactMap { $0["ResourceType"] as? String }.sorted(), ["AWS::CodeBuild::Project", "AWS::SNS::Topic"])
        let one = try cli.json(["cloudformation", "describe-stack-resources", "--stack-name", "mixed", "--logical-resource-id", "Project"])
        XCTAssertEqual((one["StackResources"] as? [[String: Any]])?.count, 1)
    }
}

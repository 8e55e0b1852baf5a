import Foundation
import XCTest
import TestSupport
import Manifest
@testable import Targets

/// Tests/Harness/moto_codepipeline.py, read by the real `aws` CLI: a stack made from our
/// template creates its pipeline, and the execution operations moto lacks answer in shapes
/// botocore parses — the execution moves through its stages and parks at the approval, and its
/// build action's CodeBuild build and CloudWatch Logs events are there.
final class AWSMotoExtensionTests: AWSMotoTestCase {

    /// The harness's CodeStar Connections (which moto lacks) as the aws CLI reads them: created PENDING, listed by name.
    func testTheAWSCLICreatesAndListsConnections() async throws {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        let created = try cli.json(["codestar-connections", "create-connection", "--provider-type", "Bitbucket",
                                    "--connection-name", "acme-bitbucket"])
        let arn = try XCTUnwrap(created["ConnectionArn"] as? String)
        XCTAssertTrue(arn.hasPrefix("arn:aws:codestar-connections:\(moto.region):123456789012:connection/"), arn)
        let listed = try cli.json(["codestar-connections", "list-connections"])["Connections"] as? [[String: Any]]
        XCTAssertEqual(listed?.map { $0["ConnectionName"] as? String }, ["acme-bitbucket"])
        // The person completing the handshake does so at once here (AWSConnectionPendingTests has one who waits).
        XCTAssertEqual(listed?.first?["ConnectionStatus"] as? String, "AVAILABLE")
        let got = try cli.json(["codestar-connections", "get-connection", "--connection-arn", arn])["Connection"] as? [String: Any]
        XCTAssertEqual(got?["ProviderType"] as? String, "Bitbucket")
        // Unsigned (wrongly signed) requests are refused, as for moto's own services.
        var forged = cli.environment
        forged["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let refused = try runProcess("/usr/bin/env", ["aws", "codestar-connections", "list-connections"], environment: forged, timeout: 60)
        XCTAssertNotEqual(refused.status, 0, refused.stdout)
    }

    /// IAM accepts Principal.Service as a list (Copilot's templates write one); the harness's CreatePipeline does too.
    func testAPipelineRoleTrustingCodePipelineInAListIsAccepted() async throws {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["codepipeline.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}"#
        let role = try cli.json(["iam", "create-role", "--role-name", "listed", "--assume-role-policy-document", trust])
        let arn = try XCTUnwrap((role["Role"] as? [String: Any])?["Arn"] as? String)
        let stage = { (name: String, category: String, provider: String) in
            #"{"name":"\#(name)","actions":[{"name":"\#(name)","actionTypeId":{"category":"\#(category)","owner":"AWS","provider":"\#(provider)","version":"1"},"configuration":{"ProjectName":"p","RepositoryName":"r","BranchName":"main"}}]}"#
        }
        let pipeline = #"{"name":"listed","roleArn":"\#(arn)","artifactStore":{"type":"S3","location":"bucket"},"stages":["#
            + stage("Source", "Source", "CodeCommit") + "," + stage("Build", "Build", "CodeBuild") + "]}"
        let created = try cli.json(["codepipeline", "create-pipeline", "--pipeline", pipeline])
        XCTAssertEqual((created["pipeline"] as? [String: Any])?["name"] as? String, "listed")
    }

    func testTheAWSCLIFollowsAnExecutionThroughTheApprovalToSuccess() async throws {
        let moto = try XCTUnwrap(Self.moto, "moto did not start")
        try await moto.reset()
        let cli = AWSCommandLine(moto: moto)
        func aws(_ arguments: String...) throws -> [String: Any] { try cli.json(arguments) }
        let manifest = PipelineManifest(name: "release", source: AWSTemplateTests.github, stages: [
            Stage(name: "test", testCommands: ["make test"]), Stage(name: "prod", requiresApproval: true),
        ])
        let directory = try TemporaryDirectory("sluice-cli")
        defer { directory.remove() }
        let templateFile = directory.url.appendingPathComponent("template.json")
        try PipelineTemplate.make(try AWSTemplateTests.input(manifest)).rendered().write(to: templateFile, atomically: true, encoding: .utf8)
        let stackName = "pipeline-shop-release"
        _ = try aws("cloudformation", "create-stack", "--stack-name", stackName, "--template-body", "file://\(templateFile.path)",
                    "--capabilities", "CAPABILITY_NAMED_IAM")
        // CloudFormation names the pipeline (Copilot names only legacy ones); the stack's Pipeline resource says how.
        let resources = try aws("cloudformation", "describe-stack-resources", "--stack-name", stackName, "--logical-resource-id", "Pipeline")
        let pipelineName = try XCTUnwrap((resources["StackResources"] as? [[String: Any]])?.first?["PhysicalResourceId"] as? String)
        XCTAssertNotEqual(pipelineName, stackName)

        let pipeline = try aws("codepipeline", "get-pipeline", "--name", pipelineName)["pipeline"] as? [String: Any]
        let stageNames = (pipeline?["stages"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        XCTAssertEqual(stageNames, ["Source", "Build", "DeployTo-test", "DeployTo-prod"])

        // Creating the pipeline started an execution, as on AWS.
        let executions = try aws("codepipeline", "list-pipeline-executions", "--pipeline-name", pipelineName)
        let first = try XCTUnwrap((executions["pipelineExecutionSummaries"] as? [[String: Any]])?.first)
        let id = try XCTUnwrap(first["pipelineExecutionId"] as? String)
        XCTAssertEqual(first["trigger"] as? [String: String], ["triggerType": "CreatePipeline", "triggerDetail": ""])
        XCTAssertNotNil(first["startTime"] as? String, "botocore turns epoch seconds into a timestamp")

        // It runs Source, Build and DeployTo-test, then waits at the approval with a token.
        var token: String?
        let deadline = Date().addingTimeInterval(30)
        var state: [String: Any] = [:]
        while token == nil, Date() < deadline {
            state = try aws("codepipeline", "get-pipeline-state", "--name", pipelineName)
            let prod = (state["stageStates"] as? [[String: Any]])?.last
            let approval = (prod?["actionStates"] as? [[String: Any]])?.first?["latestExecution"] as? [String: Any]
            token = approval?["token"] as? String
            if token == nil { try await Task.sleep(for: .milliseconds(300)) }
        }
        let waitingToken = try XCTUnwrap(token, "no approval token within 30s: \(state)")
        let stages = try XCTUnwrap(state["stageStates"] as? [[String: Any]])
        XCTAssertEqual(stages.map { ($0["latestExecution"] as? [String: Any])?["status"] as? String },
                       ["Succeeded", "Succeeded", "Succeeded", "InProgress"])
        let testActions = stages[2]["actionStates"] as? [[String: Any]]
        XCTAssertEqual(testActions?.map { $0["actionName"] as? String }, ["CreateOrUpdate-api-test", "TestCommands"])

        // The Build action ran a CodeBuild build: its id leads to the build, the build to its log.
        let buildAction = (stages[1]["actionStates"] as? [[String: Any]])?.first?["latestExecution"] as? [String: Any]
        let buildID = try XCTUnwrap(buildAction?["externalExecutionId"] as? String, "\(stages[1])")
        let build = try XCTUnwrap((try aws("codebuild", "batch-get-builds", "--ids", buildID)["builds"] as? [[String: Any]])?.first)
        XCTAssertEqual(build["buildStatus"] as? String, "SUCCEEDED")
        let logs = try XCTUnwrap(build["logs"] as? [String: Any])
        let events = try aws("logs", "get-log-events", "--log-group-name", try XCTUnwrap(logs["groupName"] as? String),
                             "--log-stream-name", try XCTUnwrap(logs["streamName"] as? String), "--start-from-head")
        let messages = (events["events"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
        XCTAssertEqual(messages.last, "[Container] Phase complete: BUILD State: SUCCEEDED", "\(messages)")
        XCTAssertEqual(messages.count, 5)
        XCTAssertEqual(try aws("codepipeline", "get-pipeline-execution", "--pipeline-name", pipelineName,
                               "--pipeline-execution-id", id)["pipelineExecution"].flatMap { ($0 as? [String: Any])?["status"] as? String },
                       "InProgress")

        // A wrong token is refused; the right one lets the execution finish.
        let refused = try cli.run([
            "codepipeline", "put-approval-result", "--pipeline-name", pipelineName,
            "--stage-name", "DeployTo-prod", "--action-name", "ApprovePromotionTo-prod", "--token", "not-the-token",
            "--result", "summary=no,status=Approved"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("InvalidApprovalTokenException"), refused.stderr)
        let approved = try aws("codepipeline", "put-approval-result", "--pipeline-name", pipelineName, "--stage-name", "DeployTo-prod",
                               "--action-name", "ApprovePromotionTo-prod", "--token", waitingToken,
                               "--result", "summary=ship it,status=Approved")
        XCTAssertNotNil(approved["approvedAt"] as? String)
        var status = "InProgress"
        while status == "InProgress", Date() < deadline {
            try await Task.sleep(for: .milliseconds(300))
            let described = try aws("codepipeline", "get-pipeline-execution", "--pipeline-name", pipelineName, "--pipeline-execution-id", id)
            status = ((described["pipelineExecution"] as? [String: Any])?["status"] as? String) ?? "?"
        }
        XCTAssertEqual(status, "Succeeded")

        // A release starts a second execution, listed newest first.
        let released = try XCTUnwrap(try aws("codepipeline", "start-pipeline-execution", "--name", pipelineName)["pipelineExecutionId"] as? String)
        let listed = try aws("codepipeline", "list-pipeline-executions", "--pipeline-name", pipelineName)["pipelineExecutionSummaries"] as? [[String: Any]]
        XCTAssertEqual(listed?.compactMap { $0["pipelineExecutionId"] as? String }, [released, id])

        // Deleting the stack deletes the pipeline.
        _ = try aws("cloudformation", "delete-stack", "--stack-name", stackName)
        let remaining = try aws("codepipeline", "list-pipelines")["pipelines"] as? [[String: Any]]
        XCTAssertEqual(remaining?.count, 0)
    }
}

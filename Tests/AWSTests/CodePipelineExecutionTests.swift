import AWS
import Foundation
import TestSupport
import XCTest

/// The CodePipeline execution operations moto lacks, round-tripped against moto with the aws
/// target's extension (Tests/Harness/moto_codepipeline.py): start, list, get, state, approve.
final class CodePipelineExecutionTests: XCTestCase {
    nonisolated(unsafe) static var moto: MotoServer?
    var client: AWSClient!

    override class func tearDown() {
        moto?.stop()
        moto = nil
        super.tearDown()
    }

    override func setUp() async throws {
        if Self.moto == nil { Self.moto = try MotoServer(extensions: ["moto_codepipeline.py"]) }
        let moto = Self.moto!
        try await moto.reset()
        client = AWSClient(configuration: try moto.configuration())
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        struct CreateRoleResult: Decodable { struct Role: Decodable { let arn: String }; let role: Role }
        let role: CreateRoleResult = try await client.call(.iam, "CreateRole", ["RoleName": "pipeline", "AssumeRolePolicyDocument": trust])
        let action = { (name: String, category: String, provider: String, configuration: [String: String]) -> [String: Any] in
            ["name": name, "runOrder": 1, "configuration": configuration,
             "actionTypeId": ["category": category, "owner": "AWS", "provider": provider, "version": "1"]]
        }
        let pipeline: [String: Any] = [
            "name": "demo", "roleArn": role.role.arn, "artifactStore": ["type": "S3", "location": "artifacts"],
            "stages": [
                ["name": "Source", "actions": [action("Source", "Source", "CodeStarSourceConnection",
                                                      ["FullRepositoryId": "acme/demo", "BranchName": "main"])]],
                ["name": "DeployTo-prod", "actions": [action("ApprovePromotionTo-prod", "Approval", "Manual", [:])]],
            ],
        ]
        let _: AWSEmptyShape = try await client.call(.codePipeline, "CreatePipeline", JSONValue(["pipeline": pipeline]))
    }

    func testAnExecutionFromStartThroughApprovalToSuccess() async throws {
        let codePipeline = CodePipeline(client: client)
        let started = try await codePipeline.startPipelineExecution(.init(name: "demo"))
        let id = try XCTUnwrap(started.pipelineExecutionId)

        let listed = try await codePipeline.listPipelineExecutions(.init(pipelineName: "demo"))
        XCTAssertEqual(listed.pipelineExecutionSummaries?.first?.pipelineExecutionId, id)
        XCTAssertNotNil(listed.pipelineExecutionSummaries?.first?.startTime)
        let execution = try await codePipeline.getPipelineExecution(.init(pipelineName: "demo", pipelineExecutionId: id))
        XCTAssertEqual(execution.pipelineExecution?.status, .inProgress)
        XCTAssertEqual(execution.pipelineExecution?.pipelineName, "demo")

        // The approval waits with a token once the source action is done.
        var token: String?
        let deadline = ContinuousClock.now + .seconds(20)
        while token == nil, ContinuousClock.now < deadline {
            let state = try await codePipeline.getPipelineState(.init(name: "demo"))
            XCTAssertEqual(state.stageStates?.map(\.stageName), ["Source", "DeployTo-prod"])
            let approval = state.stageStates?.last?.actionStates?.first?.latestExecution
            if approval?.status == .inProgress { token = approval?.token } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        let approvalToken = try XCTUnwrap(token, "the approval never waited")

        let approved = try await codePipeline.putApprovalResult(.init(
            pipelineName: "demo", stageName: "DeployTo-prod", actionName: "ApprovePromotionTo-prod",
            result: .init(summary: "looks good", status: .approved), token: approvalToken))
        XCTAssertNotNil(approved.approvedAt)

        var status: CodePipeline.ExecutionStatus?
        while status != .succeeded, ContinuousClock.now < deadline {
            status = try await codePipeline.getPipelineExecution(.init(pipelineName: "demo", pipelineExecutionId: id))
                .pipelineExecution?.status
            if status != .succeeded { try await Task.sleep(for: .milliseconds(100)) }
        }
        XCTAssertEqual(status, .succeeded)

        do {
            _ = try await codePipeline.putApprovalResult(.init(
                pipelineName: "demo", stageName: "DeployTo-prod", actionName: "ApprovePromotionTo-prod",
                result: .init(summary: "again", status: .approved), token: approvalToken))
            XCTFail("an answered approval cannot be answered again")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, AWSErrorCode("ApprovalAlreadyCompletedException"))
        }
    }
}

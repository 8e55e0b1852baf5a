import CopilotRules
import Foundation
import XCTest
import TestSupport
import Manifest
@testable import Targets

/// The plan of `manifest` as a target gets it: made from the manifest once the rule book found no error in it.
func validatedPlan(_ manifest: PipelineManifest, application: String, buildspec: String, workloads: [String]) throws -> PipelinePlan {
    PipelinePlan(PlanInput(application: application, manifest: try PipelineValidator().validate(manifest).validated(),
                           buildspecPath: buildspec, workloads: workloads))
}

/// The one pipeline plan: Copilot's names, run orders and paths, and both targets running it alike.
final class PipelinePlanTests: XCTestCase {
    static func plan(_ manifest: PipelineManifest, workloads: [String] = ["api", "worker"]) throws -> PipelinePlan {
        try validatedPlan(manifest, application: "shop", buildspec: "copilot/pipelines/p/buildspec.yml", workloads: workloads)
    }

    /// One action as a target runs it: its stage, name, run order and what it deploys.
    struct RunAction: Equatable, CustomStringConvertible {
        var stage: String
        var name: String
        var runOrder: Int
        var deploys: String?
        var description: String { "\(stage)/\(name)@\(runOrder)" + (deploys.map { " \($0)" } ?? "") }
    }

    /// What the AWS target deploys: read back from the rendered template.
    static func awsActions(_ plan: PipelinePlan) throws -> [RunAction] {
        let environments = Dictionary(plan.stages.map {
            ($0.environment, CopilotEnvironment.standard(app: "shop", name: $0.environment, region: "us-east-1", accountID: "123456789012"))
        }, uniquingKeysWith: { a, _ in a })
        let template = try PipelineTemplate.make(PipelineTemplateInput(plan: plan, region: "us-east-1", environments: environments,
                                                                              regionalResources: [AWSTemplateTests.regional("us-east-1")],
                                                                              existingConnectionARN: AWSTemplateTests.lookedUpConnection))
        guard case .array(let stages)? = template["Resources"]?["Pipeline"]?["Properties"]?["Stages"] else { return [] }
        return stages.flatMap { stage -> [RunAction] in
            guard case .string(let stageName)? = stage["Name"], case .array(let actions)? = stage["Actions"] else { return [] }
            return actions.map { action in
                guard case .string(let name)? = action["Name"], case .int(let runOrder)? = action["RunOrder"] else {
                    return RunAction(stage: stageName, name: "?", runOrder: 0)
                }
                var deploys: String?
                if case .string(let stack)? = action["Configuration"]?["StackName"],
                   case .string(let template)? = action["Configuration"]?["TemplatePath"],
                   case .string(let config)? = action["Configuration"]?["TemplateConfiguration"] {
                    deploys = "\(stack) \(template) \(config)"
                }
                return RunAction(stage: stageName, name: name, runOrder: runOrder, deploys: deploys)
            }
        }
    }

    /// What the local target runs: the stages and actions of a new execution, in the order it runs them.
    static func localActions(_ plan: PipelinePlan) -> [RunAction] {
        let record = ExecutionRecord(id: "x", sequence: 1, trigger: "push", pipeline: plan, now: Date())
        return record.snapshot.stages.enumerated().flatMap { stageIndex, stage in
            stage.actions.enumerated().map { actionIndex, action in
                switch record.step(stageIndex, actionIndex) {
                case .source, .build:
                    return RunAction(stage: stage.name, name: action.name, runOrder: 1)
                case .planned(let planned):
                    var deploys: String?
                    if case .deployment(let deployment) = planned.kind {
                        deploys = "\(deployment.stackName) \(PipelinePlan.buildOutput)::\(deployment.templatePath) "
                            + "\(PipelinePlan.buildOutput)::\(deployment.templateConfigurationPath)"
                    }
                    return RunAction(stage: stage.name, name: action.name, runOrder: planned.runOrder, deploys: deploys)
                }
            }
        }
    }

    func testTheLocalAndAWSTargetsRunTheSamePlanForEveryCorpusManifest() throws {
        let manifests = try AWSTemplateTests.corpusManifests()
        guard !manifests.isEmpty else {
            if SharedData.isCI { XCTFail("the pipeline corpus is absent; CI needs it") }
            throw XCTSkip("the pipeline corpus (../shared/data/pipeline-corpus) is absent")
        }
        var compared = 0
        for (name, manifest) in manifests {
            let plan = try Self.plan(manifest)
            let local = Self.localActions(plan)
            XCTAssertEqual(local.map(\.description), try Self.awsActions(plan).map(\.description), name)
            // The local engine runs one action at a time, never before one CodePipeline would run first.
            for stage in Set(local.map(\.stage)) {
                let orders = local.filter { $0.stage == stage }.map(\.runOrder)
                XCTAssertEqual(orders, orders.sorted(), "\(name) \(stage)")
            }
            compared += 1
        }
        XCTAssertGreaterThan(compared, 40)
    }

    /// Copilot's gh reference: run orders from the approval, depends_on ranks, and post after the deployments.
    func testRunOrdersAreCopilots() throws {
        let plan = try Self.plan(PipelineManifest(name: "p", source: AWSTemplateTests.github, stages: [
            Stage(name: "test", requiresApproval: true,
                  preDeployments: [DeploymentAction(name: "preAction2", buildspec: "b.yml", dependsOn: ["preAction1"]),
                                   DeploymentAction(name: "preAction1", buildspec: "./buildspec.yml")],
                  postDeployments: [DeploymentAction(name: "postAction3", buildspec: "c.yml"),
                                    DeploymentAction(name: "postAction2", buildspec: "d.yml", dependsOn: ["postAction1"]),
                                    DeploymentAction(name: "postAction1", buildspec: "e.yml")]),
        ]), workloads: ["frontend", "api"])
        XCTAssertEqual(plan.stages[0].actions.map { "\($0.name)@\($0.runOrder)" }, [
            "ApprovePromotionTo-test@1", "preAction1@2", "preAction2@3", "CreateOrUpdate-api-test@4",
            "CreateOrUpdate-frontend-test@4", "postAction1@5", "postAction3@5", "postAction2@6",
        ])
    }

    /// Copilot's defaults: `copilot svc package` names, the parameters file even beside a template_path,
    /// empty strings as absent.
    func testDeploymentPathsAndEmptyValuesFollowCopilot() throws {
        let plan = try Self.plan(PipelineManifest(name: "p", source: AWSTemplateTests.github,
                                                  build: Build(image: "", buildspec: ""), stages: [
            Stage(name: "test", deployments: [Deployment(name: "db", templatePath: "infrastructure/db.yml"),
                                              Deployment(name: "api", stackName: "")]),
        ]))
        let deployments = plan.stages[0].actions.compactMap { action -> PipelinePlan.StackDeployment? in
            if case .deployment(let deployment) = action.kind { return deployment } else { return nil }
        }
        XCTAssertEqual(deployments.map(\.stackName), ["shop-test-api", "shop-test-db"])
        XCTAssertEqual(deployments.map(\.templatePath), ["infrastructure/api-test.stack.yml", "infrastructure/db.yml"])
        XCTAssertEqual(deployments.map(\.templateConfigurationPath),
                       ["infrastructure/api-test.params.json", "infrastructure/db-test.params.json"])
        XCTAssertEqual(plan.build.image, PipelinePlan.defaultImage)
        XCTAssertEqual(plan.build.buildspec, "copilot/pipelines/p/buildspec.yml")
    }

    /// Pre/post-deployment projects get Copilot's image and variables, not the build's image.
    func testPrePostProjectsGetCopilotsImageAndVariables() throws {
        let plan = try Self.plan(PipelineManifest(name: "p", source: AWSTemplateTests.github,
                                                  build: Build(image: "aws/codebuild/amazonlinux2-aarch64-standard:3.0"), stages: [
            Stage(name: "prod", preDeployments: [DeploymentAction(name: "migrate", buildspec: "m.yml")]),
        ]))
        guard case .preDeployment(let project) = plan.stages[0].actions[0].kind else { return XCTFail("\(plan.stages[0].actions)") }
        XCTAssertEqual(project.image, PipelinePlan.defaultImage)
        XCTAssertEqual(project.environmentType, "LINUX_CONTAINER")
        XCTAssertEqual(project.variables.map(\.name), ["AWS_ACCOUNT_ID", "PARTITION", "COPILOT_APPLICATION_NAME", "COPILOT_ENVIRONMENT_NAME"])
        XCTAssertEqual(project.variables.last?.value, .text("prod"))
        XCTAssertEqual(plan.build.environmentType, "ARM_CONTAINER")
    }

    /// Copilot leaves out a stage that deploys nothing, its approval and tests too.
    func testAStageWithNothingToDeployIsLeftOut() throws {
        let plan = try Self.plan(PipelineManifest(name: "p", source: AWSTemplateTests.github, stages: [
            Stage(name: "test", requiresApproval: true, testCommands: ["make test"]),
        ]), workloads: [])
        XCTAssertEqual(plan.stages.map(\.name), [])
        XCTAssertEqual(plan.omittedStages, ["test"])
    }
}

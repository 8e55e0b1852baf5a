import AWS
import CopilotRules
import Foundation

// Every pipeline of the application, found as Copilot's ListDeployedPipelines finds them, and the
// AWS console's address of a pipeline, an execution and each action.

/// Console addresses in the partition and region of the pipeline (an action in another region, in its own).
struct ConsoleLinks: Sendable {
    let region: String
    /// The pipeline's account (CodeBuild's pages name it).
    let account: String?

    private func origin(_ region: String?) -> String? {
        let region = region ?? self.region
        return AWSPartition(region: region).consoleOrigin(region: region)
    }

    private static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    func pipeline(_ name: String) -> String? {
        origin(nil).map { "\($0)/codesuite/codepipeline/pipelines/\(Self.segment(name))/view?region=\(region)" }
    }

    func execution(_ name: String, _ id: String) -> String? {
        origin(nil).map { "\($0)/codesuite/codepipeline/pipelines/\(Self.segment(name))/executions/\(Self.segment(id))/timeline?region=\(region)" }
    }

    /// A CodeBuild build (`PROJECT:UUID`).
    func build(_ id: String, region: String?) -> String? {
        let project = id.split(separator: ":").first.map(String.init) ?? id
        let place = region ?? self.region
        return origin(region).map { origin in
            "\(origin)/codesuite/codebuild/" + (account.map { "\($0)/" } ?? "")
                + "projects/\(Self.segment(project))/build/\(Self.segment(id))/?region=\(place)"
        }
    }

    func stack(_ name: String, region: String?) -> String? {
        let place = region ?? self.region
        return origin(region).map { "\($0)/cloudformation/home?region=\(place)#/stacks/stackinfo?stackId=\(Self.segment(name))" }
    }

    /// An action's page: its build, the stack it deploys, or (an approval, anything else) the pipeline's view.
    func action(_ declared: CodePipeline.ActionDeclaration?, pipeline name: String, buildID: String?) -> String? {
        if let buildID, declared?.actionTypeId.provider == "CodeBuild" { return build(buildID, region: declared?.region) }
        if declared?.actionTypeId.provider == "CloudFormation", let stackName = declared?.configuration?["StackName"] {
            return stack(stackName, region: declared?.region)
        }
        return pipeline(name)
    }
}

extension AWSTarget {
    /// The CodePipelines tagged `copilot-application: APP` in this account and region (Resource Groups
    /// Tagging, as Copilot's ListDeployedPipelines asks): named by their `copilot-pipeline` tag, or, legacy
    /// ones without it, by their own name.
    public func applicationPipelines(application: String) async throws -> [ApplicationPipeline] {
        let aws = try aws()
        let tagging = ResourceGroupsTagging(client: AWSClient(configuration: aws.configuration))
        let resources = try await Pages.collect({ token in
            try await tagging.getResources(.init(paginationToken: token?.isEmpty == false ? token : nil,
                                                 tagFilters: [.init(key: ResourceTags.application, values: [application])],
                                                 resourceTypeFilters: [ResourceTags.pipelineResourceType]))
        }, items: \.resourceTagMappingList, next: { $0.paginationToken?.isEmpty == false ? $0.paginationToken : nil })
        let links = ConsoleLinks(region: aws.configuration.region.value, account: nil)
        return resources.compactMap { resource -> ApplicationPipeline? in
            guard let arn = resource.resourceARN, let resourceName = arn.split(separator: ":", maxSplits: 5).last.map(String.init)
            else { return nil }
            let tagged = resource.tags?.first { $0.key == ResourceTags.pipeline }?.value
            return ApplicationPipeline(name: tagged ?? resourceName, resourceName: resourceName, isLegacy: tagged == nil,
                                       link: links.pipeline(resourceName))
        }.sorted { $0.name < $1.name }
    }

    /// The approvals waiting in the pipeline (GetPipelineState: an approval in progress with a token),
    /// whichever run they belong to.
    public func waitingApprovals(_ pipeline: PipelineContext) async throws -> [PendingApproval] {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        let state = try await aws.codePipeline.getPipelineState(.init(name: name))
        let links = try await described(name, aws).1
        return (state.stageStates ?? []).flatMap { stage in
            (stage.actionStates ?? []).compactMap { action -> PendingApproval? in
                guard let latest = action.latestExecution, latest.status == .inProgress, latest.token != nil,
                      let stageName = stage.stageName, let actionName = action.actionName else { return nil }
                return PendingApproval(pipeline: name, stage: stageName, action: actionName,
                                       execution: stage.latestExecution?.pipelineExecutionId ?? "?",
                                       since: latest.lastStatusChange, link: links.pipeline(name))
            }
        }
    }

    /// The pipeline's declaration and console addresses, asked once per pipeline.
    func described(_ name: String, _ aws: AWSClients) async throws -> (CodePipeline.PipelineDeclaration?, ConsoleLinks) {
        if let known = withLock({ declarations[name] }) { return known }
        let answer = try await aws.codePipeline.getPipeline(.init(name: name))
        let account = answer.metadata?.pipelineArn?.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init)
        let found = (answer.pipeline, ConsoleLinks(region: aws.configuration.region.value, account: account))
        withLock { declarations[name] = found }
        return found
    }

    /// `snapshot` with the console addresses of the execution and its actions; `buildIDs` by "STAGE/ACTION".
    static func linked(_ snapshot: ExecutionSnapshot, declaration: CodePipeline.PipelineDeclaration?, links: ConsoleLinks,
                       buildIDs: [String: String]) -> ExecutionSnapshot {
        var linked = snapshot
        linked.link = links.execution(snapshot.pipeline, snapshot.id)
        for (stageIndex, stage) in snapshot.stages.enumerated() {
            let declared = declaration?.stages.first { $0.name == stage.name }
            for (actionIndex, action) in stage.actions.enumerated() where action.state != .pending {
                linked.stages[stageIndex].actions[actionIndex].link = links.action(
                    declared?.actions.first { $0.name == action.name }, pipeline: snapshot.pipeline,
                    buildID: buildIDs["\(stage.name)/\(action.name)"])
            }
        }
        return linked
    }

    public func pipelineLink(_ pipeline: PipelineContext) async throws -> String? {
        let aws = try aws()
        let name = try await pipelineName(pipeline, aws)
        return try await described(name, aws).1.pipeline(name)
    }
}

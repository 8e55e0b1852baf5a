import AWS
import CopilotRules
import Foundation
import Manifest
import Text

// `push` and `pipeline rm` on AWS: the stack through a change set shown as a plan, then
// its progress from stack events until it settles.

extension AWSTarget {
    public func differsFromPushed(_ pipeline: PipelineContext, plan: PipelinePlan) async throws -> Bool {
        let aws = try aws()
        let stackName = try await pipelineStack(pipeline, aws).name
        guard try await aws.stacks.describe(stackName) != nil else { return false }
        return try await aws.cloudFormation.getTemplate(.init(stackName: stackName)).templateBody
            != rendered(pipeline, plan: plan, aws).text
    }

    public func push(_ pipeline: PipelineContext, plan: PipelinePlan, options: PushOptions, ui: any TargetUI) async throws -> PushOutcome {
        let aws = try aws()
        let target = try await pipelineStack(pipeline, aws)
        let stackName = target.name
        if target.isLegacy {
            ui.say("Updating stack \(stackName): Copilot deployed pipeline \(pipeline.manifest.name) before v1.16 under its legacy name "
                   + "(stack and CodePipeline named \(stackName), tagged without \(ResourceTags.pipeline)), so it is updated in place, "
                   + "not created beside it.")
        }
        let stack = try await aws.stacks.describe(stackName)
        if let status = stack?.stackStatus {
            if status == .rollbackComplete || status == .rollbackFailed {
                throw AWSTargetError("stack \(stackName) is \(status) after a failed creation and cannot be updated",
                                     hint: "`pipeline rm` deletes it, then `push` creates it again")
            }
            if status.isInProgress {
                throw AWSTargetError("stack \(stackName) is busy (\(status))", hint: "wait until it settles, then push again")
            }
        }
        let creating = stack == nil || stack?.stackStatus == .reviewInProgress
        let deployed = creating ? nil : try await aws.cloudFormation.getTemplate(.init(stackName: stackName)).templateBody
        // Copilot's version check comes first: a pipeline a newer release rendered is not touched unasked.
        let deployedVersion = deployed.flatMap(Self.recordedVersion)
        if let deployedVersion {
            try CopilotVersion.checkDowngrade(pipeline: pipeline.manifest.name, deployed: deployedVersion, allowed: options.allowDowngrade)
        }
        let rendered = try await rendered(pipeline, plan: plan, aws, preparing: options.dryRun ? nil : ui)
        let body = rendered.text
        // Copilot's `--diff`: the diff, then whether to go on, which stands for the question before the update.
        var confirmedAfterDiff = false
        if options.showDiff {
            let diff = UnifiedDiff.make(old: deployed.map(Self.comparable) ?? "", new: body,
                                        oldName: deployed == nil ? "/dev/null" : "a/\(stackName) (deployed)", newName: "b/\(stackName)")
            if diff.isEmpty { ui.say("No changes.") } else { ui.show(diff: diff) }
            if !diff.isEmpty, !options.dryRun, !options.assumeYes, ui.isInteractive {
                guard await ui.confirm("Continue with the deployment?") else {
                    ui.say("Nothing was deployed.")
                    return .planned
                }
                confirmedAfterDiff = true
            }
        }
        if let deployed {
            if deployed == body {
                ui.say("Pipeline \(pipeline.manifest.name) is up to date (stack \(stackName)).")
                return .upToDate
            }
            if let deployedVersion, deployedVersion != CopilotVersion.rendered {
                ui.say("Updating pipeline \(pipeline.manifest.name), whose template Copilot \(deployedVersion) rendered (stack \(stackName)), "
                       + "in place: the CodePipeline (with its history) and its connection are kept. The new template records "
                       + "Copilot \(CopilotVersion.rendered), as that release renders it, so `copilot pipeline deploy` can deploy it again.")
            }
        }
        // A missing token is found (and asked for) before the plan, but stored only once the plan is accepted.
        let secrets = TokenSecrets(secretsManager: aws.secretsManager)
        var tokenToStore: (secretID: String, token: String)?
        if case .gitHubToken(_, let repository, _, let secretID) = plan.source, case let state = try await secrets.state(secretID),
           !state.isPresent {
            if case .scheduledForDeletion(let date) = state {
                throw AWSTargetError("Secrets Manager secret \(secretID), which holds the GitHub token, is scheduled for deletion "
                                     + "(on \(ISO8601DateFormatter().string(from: date)))",
                                     hint: "`aws secretsmanager restore-secret --secret-id \(secretID)` restores it; or name another secret")
            }
            if options.dryRun {
                ui.say("Secret \(secretID) does not exist yet: the real push will ask for the GitHub token.")
            } else {
                tokenToStore = (secretID, try await TokenSecrets.gitHubToken(secretID, repository: repository, environment: environment, ui: ui))
            }
        }

        guard let object = templateObject(stackName, rendered.regionalResources, aws) else {
            preconditionFailure("the template is made only with a regional stack in the pipeline's region")
        }
        let s3 = aws.s3
        try TemplateCheck.checkSize(body, stack: stackName)
        try await s3.putObject(bucket: object.bucket, key: object.key, body: Array(body.utf8), contentType: "application/json")
        // Until the change set is executed, a pipeline not deployed keeps nothing in the application's
        // bucket: each way out removes the upload (one a kill leaves, `pipeline rm` finds by its key).
        let discardUpload = { if creating { try? await s3.deleteObject(bucket: object.bucket, key: object.key) } }
        let changeSet = "sluice-\(Int(Date().timeIntervalSince1970))"
        let reference = CloudFormation.ChangeSetReference(changeSetName: changeSet, stackName: stackName)
        let tags = ResourceTags.pipelineStack(application: rendered.application, pipeline: pipeline.manifest.name, isLegacy: target.isLegacy)
        do {
            try await rejectedTemplate(of: stackName) {
                _ = try await aws.cloudFormation.createChangeSet(.init(
                    stackName: stackName, changeSetName: changeSet, changeSetType: creating ? .create : .update,
                    templateURL: s3.objectURL(bucket: object.bucket, key: object.key), capabilities: StackNames.capabilities,
                    tags: tags.keys.sorted().map { AWSTag(key: $0, value: tags[$0]!) },
                    description: "sluice push of \(pipeline.manifestPath)"))
            }
        } catch {
            await discardUpload()
            throw error
        }
        let described = try await aws.stacks.settledChangeSet(reference)
        if described.status == .failed {
            let reason = described.statusReason ?? "no reason given"
            try? await aws.cloudFormation.deleteChangeSet(reference)
            if reason.contains("didn't contain changes") || reason.contains("No updates are to be performed") {
                ui.say("Pipeline \(pipeline.manifest.name) is up to date (stack \(stackName)).")
                return .upToDate
            }
            await discardUpload()
            throw AWSTargetError("CloudFormation rejected the change set for \(stackName): \(reason)",
                                 hint: "`show template` prints the template it was given")
        }
        let changes = (described.changes ?? []).compactMap(\.resourceChange)
        for line in ChangeSetPlan.lines(changes, stack: stackName, creating: creating) { ui.say(line) }

        // Nothing changes unasked: a script's answer is `--yes`, which the shell says.
        var confirmed = !options.dryRun && (options.assumeYes || confirmedAfterDiff)
        if !options.dryRun, !confirmed, ui.isInteractive { confirmed = await ui.confirm("Deploy these changes to \(stackName)?") }
        guard confirmed else {
            try? await aws.cloudFormation.deleteChangeSet(reference)
            await discardUpload()
            ui.say(options.dryRun ? "Dry run: nothing was deployed." : "Nothing was deployed.")
            return .planned
        }

        if let (secretID, token) = tokenToStore {
            _ = try await secrets.store(token, as: secretID, description: "GitHub token of pipeline \(pipeline.manifest.name)",
                                        tags: ResourceTags.tokenSecret(application: pipeline.application, pipeline: pipeline.manifest.name))
            ui.say("Stored the GitHub token in Secrets Manager secret \(secretID).")
        }
        let seen = try await aws.stacks.seenEvents(stackName)
        try await rejectedTemplate(of: stackName) { try await aws.cloudFormation.executeChangeSet(reference) }
        let settled = try await aws.stacks.follow(stackName, seen: seen, ui: ui)
        forget(pipeline)
        guard settled.status == .createComplete || settled.status == .updateComplete else {
            throw AWSTargetError("push of \(stackName) failed: \(settled.failureDescription); the stack is now \(settled.status)",
                                 hint: settled.status == .rollbackComplete ? "`pipeline rm` deletes it before the next push"
                                     : "fix the cause, then push again")
        }
        ui.say("Pipeline \(pipeline.manifest.name) deployed (stack \(stackName), \(settled.status)).")
        let addedConnection = changes.contains { $0.logicalResourceId == PipelineTemplate.connectionResource && $0.action == .add }
        guard creating || addedConnection else { return .deployed(executionID: nil) }
        let name = try await pipelineName(pipeline, aws)
        // CodePipeline starts a first execution when it creates a pipeline.
        let first = creating ? try await aws.codePipeline.listPipelineExecutions(.init(pipelineName: name, maxResults: 1))
            .pipelineExecutionSummaries?.first?.pipelineExecutionId : nil
        if let connectionARN = try await aws.stacks.describe(stackName)?.outputs?
            .first(where: { $0.outputKey == StackNames.connectionOutput })?.outputValue {
            try await awaitConnection(connectionARN, pipelineName: name, aws, ui: ui)
        }
        return .deployed(executionID: first)
    }

    /// Copilot's deploy after creating a pipeline with a CodeStar connection: a PENDING connection is named with
    /// where to complete it, waited for (at most ``PipelineSource/connectionWait``; Ctrl-C stops waiting), and the
    /// Source stage, which failed meanwhile, is retried once it is AVAILABLE.
    private func awaitConnection(_ arn: String, pipelineName: String, _ aws: AWSClients, ui: any TargetUI) async throws {
        let connections = aws.codeStarConnections
        guard let connection = try await connections.getConnection(.init(connectionArn: arn)).connection,
              connection.connectionStatus == .pending else { return }
        let name = connection.connectionName ?? arn
        ui.say("ACTION REQUIRED! Go to \(PipelineSource.connectionsConsole) to update the status of connection \(name) from PENDING "
               + "to AVAILABLE. Waiting for it (at most \(PipelineSource.connectionWait.components.seconds / 60) minutes; Ctrl-C stops "
               + "waiting, and the pipeline stays deployed).")
        let status: CodeStarConnections.ConnectionStatus?
        do {
            status = try await Waiter.until(within: PipelineSource.connectionWait) {
                let current = try await connections.getConnection(.init(connectionArn: arn)).connection?.connectionStatus
                return current == .pending ? nil : current
            }
        } catch is CancellationError {
            ui.say("Stopped waiting for connection \(name): once it is AVAILABLE, `release` runs the pipeline.")
            throw CancellationError()
        }
        guard let status else {
            throw AWSTargetError("connection \(name) is still PENDING after \(PipelineSource.connectionWait.components.seconds / 60) minutes",
                                 hint: "complete it at \(PipelineSource.connectionsConsole), then `release` runs the pipeline")
        }
        guard status == .available else {
            throw AWSTargetError("connection \(name) is \(status)", hint: "the console shows why: \(PipelineSource.connectionsConsole)")
        }
        // The source stage failed while the connection was PENDING: run it again, as Copilot does.
        let source = try await aws.codePipeline.getPipelineState(.init(name: pipelineName)).stageStates?
            .first { $0.stageName == StageName.source }?.latestExecution
        guard let source, source.status == .failed else {
            ui.say("Connection \(name) is AVAILABLE.")
            return
        }
        _ = try await aws.codePipeline.retryStageExecution(.init(pipelineName: pipelineName, stageName: StageName.source,
                                                                  pipelineExecutionId: source.pipelineExecutionId))
        ui.say("Connection \(name) is AVAILABLE: retried the \(StageName.source) stage of run \(source.pipelineExecutionId).")
    }

    /// Runs a change set call, saying a refusal (a 4xx answer) as the template's.
    private func rejectedTemplate(of stackName: String, _ call: () async throws -> Void) async throws {
        do {
            try await call()
        } catch let error as AWSError where error.httpStatus.map({ (400..<500).contains($0) }) ?? false {
            throw AWSTargetError("CloudFormation rejected the template of \(stackName): \(error.code): \(error.message)",
                                 hint: "`show template` prints it")
        }
    }

    public func remove(_ pipeline: PipelineContext, ui: any TargetUI) async throws {
        try await remove(pipeline, deleteSecret: false, ui: ui)
    }

    public func remove(_ pipeline: PipelineContext, deleteSecret: Bool, ui: any TargetUI) async throws {
        let aws = try aws()
        defer { forget(pipeline) }
        try await deleteStack(pipeline, ui: ui, aws)
        // Also when there was no stack: a push or `pipeline rm` killed after the upload left its template.
        try await deleteTemplateObjects(pipeline, ui: ui, aws)
        guard deleteSecret, let secretID = pipeline.manifest.source.properties.accessTokenSecret else { return }
        switch try await TokenSecrets(secretsManager: aws.secretsManager).delete(secretID) {
        case .absent:
            ui.say("Secrets Manager secret \(secretID) does not exist.")
        case .notMade:
            ui.say("Kept Secrets Manager secret \(secretID): neither Copilot nor sluice made it (it has no \(ResourceTags.application) "
                   + "tag), so it may serve more than this pipeline. Delete it yourself if it does not.")
        case .scheduled(let date):
            ui.say("Deleted Secrets Manager secret \(secretID)"
                   + (date.map { "; it can be restored until \(ISO8601DateFormatter().string(from: $0))" } ?? "")
                   + " (`aws secretsmanager restore-secret --secret-id \(secretID)`).")
        }
    }

    private func deleteStack(_ pipeline: PipelineContext, ui: any TargetUI, _ aws: AWSClients) async throws {
        let stackName = try await pipelineStack(pipeline, aws).name
        guard try await aws.stacks.describe(stackName) != nil else {
            ui.say("Pipeline \(pipeline.manifest.name) is not deployed (no stack \(stackName) in \(aws.configuration.region.value)).")
            return
        }
        let seen = try await aws.stacks.seenEvents(stackName)
        try await aws.cloudFormation.deleteStack(.init(stackName: stackName))
        let settled = try await aws.stacks.follow(stackName, seen: seen, ui: ui)
        guard settled.status == .deleteComplete else {
            throw AWSTargetError("deleting \(stackName) failed: the stack is \(settled.status)"
                                 + (settled.firstFailure.map { "; \($0.logicalResourceId ?? "?"): \($0.resourceStatusReason ?? "")" } ?? ""),
                                 hint: "the CloudFormation console shows what holds it")
        }
        ui.say("Pipeline \(pipeline.manifest.name) removed (stack \(stackName) deleted).")
    }

    /// The templates push uploaded, which CloudFormation does not delete with the stack: found by their
    /// key, `STACK.pipeline.stack.yml`, for the stack names the pipeline has (Copilot's, and the legacy
    /// one, the manifest's name) and none of which is a stack any more — so a rerun finishes what a
    /// killed push or `pipeline rm` left. A stack an earlier sluice or Copilot deployed may have no
    /// application StackSet to find them in: then there is none to delete.
    private func deleteTemplateObjects(_ pipeline: PipelineContext, ui: any TargetUI, _ aws: AWSClients) async throws {
        let lookup = ApplicationLookup(aws: aws)
        let regionalResources: [RegionalResources]
        do {
            regionalResources = try await lookup.regionalResources(try await lookup.application(pipeline.application).0)
        } catch let error as AWSTargetError {
            ui.say("No uploaded template to delete: \(error.message).")
            return
        }
        for stackName in Set([pipeline.stackName, pipeline.manifest.name]).sorted() {
            guard let object = templateObject(stackName, regionalResources, aws),
                  try await aws.s3.listKeys(bucket: object.bucket, prefix: object.key).contains(object.key),
                  try await aws.stacks.describe(stackName) == nil else { continue }
            try await aws.s3.deleteObject(bucket: object.bucket, key: object.key)
            ui.say("Deleted the pipeline's template s3://\(object.bucket)/\(object.key).")
        }
    }

    /// A deployed template in the form sluice renders (Copilot's YAML as CloudFormation reads it, written as
    /// sluice's JSON), so a diff against the new one shows what changes, not how each was written; a template
    /// that does not parse is compared as it is.
    static func comparable(_ template: String) -> String {
        guard let parsed = try? TaggedYAML.parse(template, file: "the deployed template", aliases: .bounded) else { return template }
        return CloudFormationYAML.value(parsed).rendered()
    }

    /// The Copilot release a deployed template records (`Metadata: Version: v1.28.0`), in Copilot's YAML or
    /// sluice's JSON; nil for a template that records none.
    static func recordedVersion(_ template: String) -> CopilotVersion? {
        guard case .mapping(let entries, _)? = try? TaggedYAML.parse(template, file: "the deployed template", aliases: .bounded),
              case .mapping(let metadata, _)? = entries.first(where: { $0.key == "Metadata" })?.value,
              case .scalar(let text, _, _)? = metadata.first(where: { $0.key == CopilotVersion.metadataKey })?.value else { return nil }
        return CopilotVersion(text)
    }
}

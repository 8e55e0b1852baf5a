import AWS
import Foundation
import Manifest

// `push` and `pipeline rm` on AWS: the stack through a change set shown as a plan, then
// its progress from stack events until it settles.

extension AWSTarget {
    public func deploymentTemplate(_ pipeline: PipelineContext) async throws -> String {
        try await template(pipeline, try aws())
    }

    /// The stack's template for the manifest and the application's environments.
    private func template(_ pipeline: PipelineContext, _ aws: AWSClients) async throws -> String {
        try await rendered(pipeline, aws).template
    }

    /// The template, with the application and its regional resources it was made from.
    private func rendered(_ pipeline: PipelineContext, _ aws: AWSClients) async throws
        -> (template: String, application: CopilotApplication, regionalResources: [RegionalResources]) {
        let (application, environments) = try await copilotApplication(pipeline.application, aws)
        var input = try await templateInput(pipeline, application: application, environments: environments, aws)
        input.isLegacy = try await pipelineStack(pipeline, aws).isLegacy
        do {
            return (try await TemplateOverrides.apply(to: PipelineTemplate.make(input), of: pipeline, environment: environment).rendered(),
                    application, input.regionalResources)
        } catch let error as AWSTargetError {
            throw AWSTargetError("\(pipeline.manifestPath): \(error.message)", hint: error.hint)
        }
    }

    /// Where push uploads the template: the application's bucket in the pipeline's region, under
    /// Copilot's key for it, so CloudFormation reads it by URL whatever its size.
    func templateObject(_ stackName: String, _ regionalResources: [RegionalResources],
                        _ aws: AWSClients) -> (bucket: String, key: String)? {
        regionalResources.first { $0.region == aws.configuration.region.value }.map { ($0.bucket, "\(stackName).pipeline.stack.yml") }
    }

    public func differsFromPushed(_ pipeline: PipelineContext) async throws -> Bool {
        let aws = try aws()
        let stackName = try await pipelineStack(pipeline, aws).name
        guard try await describeStack(stackName, aws) != nil else { return false }
        return try await aws.cloudFormation.getTemplate(.init(stackName: stackName)).templateBody != template(pipeline, aws)
    }

    public func push(_ pipeline: PipelineContext, options: PushOptions, ui: any TargetUI) async throws -> PushOutcome {
        let aws = try aws()
        let (body, application, regionalResources) = try await rendered(pipeline, aws)
        let target = try await pipelineStack(pipeline, aws)
        let stackName = target.name
        if target.isLegacy {
            ui.say("Updating stack \(stackName): Copilot deployed pipeline \(pipeline.manifest.name) before v1.16 under its legacy name "
                   + "(stack and CodePipeline named \(stackName), tagged without copilot-pipeline), so it is updated in place, not created beside it.")
        }
        let stack = try await describeStack(stackName, aws)
        if let status = stack?.stackStatus {
            if status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED" {
                throw AWSTargetError("stack \(stackName) is \(status) after a failed creation and cannot be updated",
                                     hint: "`pipeline rm` deletes it, then `push` creates it again")
            }
            if status.hasSuffix("_IN_PROGRESS"), status != "REVIEW_IN_PROGRESS" {
                throw AWSTargetError("stack \(stackName) is busy (\(status))",
                                     hint: "wait until it settles, then push again")
            }
        }
        let creating = stack == nil || stack?.stackStatus == "REVIEW_IN_PROGRESS"
        if !creating {
            let deployed = try await aws.cloudFormation.getTemplate(.init(stackName: stackName)).templateBody
            if deployed == body {
                ui.say("Pipeline \(pipeline.manifest.name) is up to date (stack \(stackName)).")
                return .upToDate
            }
            if let version = deployed.flatMap(Self.copilotVersion) {
                ui.say("Taking over pipeline \(pipeline.manifest.name): Copilot \(version) created stack \(stackName). It is updated in place: "
                       + "the CodePipeline (with its history) and its connection are kept, and Copilot no longer manages it.")
            }
        }
        // A missing token is found (and asked for) before the plan, but stored only once the plan is accepted.
        var tokenToStore: (secretID: String, token: String)?
        if case .gitHubToken(_, let repository, _, let secretID) = try pipeline.plan().source,
           try await !secretExists(secretID, aws) {
            if options.dryRun {
                ui.say("Secret \(secretID) does not exist yet: the real push will ask for the GitHub token.")
            } else {
                tokenToStore = (secretID, try await gitHubToken(secretID, repository: repository, ui: ui))
            }
        }

        guard let object = templateObject(stackName, regionalResources, aws) else {
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
        do {
            _ = try await aws.cloudFormation.createChangeSet(.init(
                stackName: stackName, changeSetName: changeSet, changeSetType: creating ? "CREATE" : "UPDATE",
                templateURL: s3.objectURL(bucket: object.bucket, key: object.key), capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
                tags: Self.stackTags(application: application, pipeline: pipeline.manifest.name, isLegacy: target.isLegacy),
                description: "sluice push of \(pipeline.manifestPath)"))
        } catch let error as AWSError where error.httpStatus.map({ (400..<500).contains($0) }) ?? false {
            await discardUpload()
            throw AWSTargetError("CloudFormation rejected the template of \(stackName): \(error.code): \(error.message)",
                                 hint: "`show template` prints it")
        }
        let described = try await settledChangeSet(reference, aws)
        if described.status == "FAILED" {
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
        for line in Self.plan(changes, stack: stackName, creating: creating) { ui.say(line) }

        if options.dryRun {
            try? await aws.cloudFormation.deleteChangeSet(reference)
            await discardUpload()
            ui.say("Dry run: nothing was deployed.")
            return .planned
        }
        if !options.assumeYes {
            guard ui.isInteractive else {
                try? await aws.cloudFormation.deleteChangeSet(reference)
                await discardUpload()
                throw AWSTargetError("push needs a confirmation, and a script cannot give one",
                                     hint: "`push --yes` deploys without asking; `push --dry-run` only shows the plan")
            }
            guard await ui.confirm("Deploy these changes to \(stackName)?") else {
                try? await aws.cloudFormation.deleteChangeSet(reference)
                await discardUpload()
                ui.say("Nothing was deployed.")
                return .planned
            }
        }

        if let (secretID, token) = tokenToStore {
            try await storeToken(token, as: secretID, pipeline: pipeline, ui: ui, aws)
        }
        let seen = Set(try await recentEvents(stackName, aws).map(\.eventId))
        do {
            try await aws.cloudFormation.executeChangeSet(reference)
        } catch let error as AWSError where error.httpStatus.map({ (400..<500).contains($0) }) ?? false {
            throw AWSTargetError("CloudFormation rejected the template of \(stackName): \(error.code): \(error.message)",
                                 hint: "`show template` prints it")
        }
        let settled = try await followStack(stackName, seen: seen, ui: ui, aws)
        forget(pipeline)
        guard ["CREATE_COMPLETE", "UPDATE_COMPLETE"].contains(settled.status) else {
            let failure = settled.firstFailure
            let what = failure.map { "\($0.logicalResourceId ?? "?") (\($0.resourceType ?? "?")) failed: \($0.resourceStatusReason ?? "no reason given")" }
                ?? "the stack ended \(settled.status)"
            throw AWSTargetError("push of \(stackName) failed: \(what); the stack is now \(settled.status)",
                                 hint: settled.status == "ROLLBACK_COMPLETE" ? "`pipeline rm` deletes it before the next push"
                                     : "fix the cause, then push again")
        }
        if changes.contains(where: { $0.logicalResourceId == "SourceConnection" && $0.action == "Add" }) {
            ui.say("The CodeStar connection for \(pipeline.manifest.source.properties.repository ?? "the repository") is PENDING: "
                   + "activate it in the console (Developer Tools › Settings › Connections, "
                   + "https://console.aws.amazon.com/codesuite/settings/connections) before the pipeline can read the source.")
        }
        ui.say("Pipeline \(pipeline.manifest.name) deployed (stack \(stackName), \(settled.status)).")
        guard creating else { return .deployed(executionID: nil) }
        // CodePipeline starts a first execution when it creates a pipeline.
        let name = try await pipelineName(pipeline, aws)
        let first = try await aws.codePipeline.listPipelineExecutions(.init(pipelineName: name, maxResults: 1))
        return .deployed(executionID: first.pipelineExecutionSummaries?.first?.pipelineExecutionId)
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
        do {
            _ = try await aws.secretsManager.deleteSecret(.init(secretId: secretID, forceDeleteWithoutRecovery: true))
            ui.say("Deleted Secrets Manager secret \(secretID).")
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            ui.say("Secrets Manager secret \(secretID) does not exist.")
        }
    }

    private func deleteStack(_ pipeline: PipelineContext, ui: any TargetUI, _ aws: AWSClients) async throws {
        let stackName = try await pipelineStack(pipeline, aws).name
        guard try await describeStack(stackName, aws) != nil else {
            ui.say("Pipeline \(pipeline.manifest.name) is not deployed (no stack \(stackName) in \(aws.configuration.region.value)).")
            return
        }
        let seen = Set(try await recentEvents(stackName, aws).map(\.eventId))
        try await aws.cloudFormation.deleteStack(.init(stackName: stackName))
        let settled = try await followStack(stackName, seen: seen, ui: ui, aws)
        guard settled.status == "DELETE_COMPLETE" else {
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
        let regionalResources: [RegionalResources]
        do {
            regionalResources = try await self.regionalResources(try await copilotApplication(pipeline.application, aws).0, aws)
        } catch let error as AWSTargetError {
            ui.say("No uploaded template to delete: \(error.message).")
            return
        }
        for stackName in Set([pipeline.stackName, pipeline.manifest.name]).sorted() {
            guard let object = templateObject(stackName, regionalResources, aws),
                  try await aws.s3.listKeys(bucket: object.bucket, prefix: object.key).contains(object.key),
                  try await describeStack(stackName, aws) == nil else { continue }
            try await aws.s3.deleteObject(bucket: object.bucket, key: object.key)
            ui.say("Deleted the pipeline's template s3://\(object.bucket)/\(object.key).")
        }
    }

    /// The stack's tags as Copilot sets them: the application's tags, then Copilot's own (which win).
    /// Copilot tags a legacy pipeline with its application only; the missing pipeline tag is what marks it legacy.
    static func stackTags(application: CopilotApplication, pipeline: String, isLegacy: Bool) -> [AWSTag] {
        var tags = application.tags ?? [:]
        tags["copilot-application"] = application.name
        if !isLegacy { tags["copilot-pipeline"] = pipeline }
        return tags.keys.sorted().map { AWSTag(key: $0, value: tags[$0]!) }
    }

    /// The Copilot version a template Copilot rendered records (`Metadata: Version: v1.28.0`); nil for any other.
    static func copilotVersion(_ template: String) -> String? {
        let lines = template.split(whereSeparator: \.isNewline)
        guard let metadata = lines.firstIndex(where: { $0.hasPrefix("Metadata:") }), metadata + 1 < lines.count else { return nil }
        let next = lines[metadata + 1].trimmingCharacters(in: .whitespaces)
        guard next.hasPrefix("Version:") else { return nil }
        let version = next.dropFirst("Version:".count).trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
        return version.isEmpty ? nil : version
    }

    // MARK: Inputs

    /// The plan, the application's environments from Copilot's SSM parameters, its regional resources, the connection a name names.
    func templateInput(_ pipeline: PipelineContext, application: CopilotApplication, environments: [String: CopilotEnvironment],
                       _ aws: AWSClients) async throws -> PipelineTemplateInput {
        let region = aws.configuration.region.value
        let regionalResources = try await self.regionalResources(application, aws)
        let plan = try pipeline.plan()
        try await checkAccountGrants(application, environments: plan.stages.compactMap { environments[$0.environment] },
                                     regionalResources: regionalResources, aws)
        if case .codeCommit(let repository, let repositoryRegion?, _, _) = plan.source, repositoryRegion != region {
            throw AWSTargetError("repository \(repository) is in \(repositoryRegion), but application \(pipeline.application) is in \(region); "
                                 + "they must be in the same region", hint: "Copilot refuses a CodeCommit repository in another region too")
        }
        var existingConnectionARN: String?
        if case .connection(_, _, _, .existing(let name), _) = plan.source {
            existingConnectionARN = try await connectionARN(named: name, aws)
        }
        return PipelineTemplateInput(plan: plan, region: region, environments: environments, regionalResources: regionalResources,
                                     permissionsBoundary: application.permissionsBoundary,
                                     existingConnectionARN: existingConnectionARN,
                                     additionalPolicy: pipeline.manifest.build?.additionalPolicy)
    }

    /// The application and its environments, from Copilot's SSM parameters `/copilot/applications/APP`
    /// and `/copilot/applications/APP/environments/ENV`.
    func copilotApplication(_ application: String, _ aws: AWSClients) async throws -> (CopilotApplication, [String: CopilotEnvironment]) {
        let region = aws.configuration.region.value
        let applicationParameter = "/copilot/applications/\(application)"
        let value: String?
        do {
            value = try await aws.ssm.getParameter(.init(name: applicationParameter)).parameter?.value
        } catch let error as AWSError where error.code == "ParameterNotFound" {
            throw AWSTargetError("application \(application) does not exist in \(region): no SSM parameter \(applicationParameter)",
                                 hint: "create it with `copilot app init \(application)`, or choose its region with `target aws region REGION`")
        }
        let decoded: CopilotApplication
        do {
            decoded = try JSONDecoder().decode(CopilotApplication.self, from: Data((value ?? "").utf8))
        } catch {
            throw AWSTargetError("SSM parameter \(applicationParameter) is not a Copilot application: \(error)",
                                 hint: "`copilot app show` shows the application")
        }
        var environments: [String: CopilotEnvironment] = [:]
        var nextToken: String?
        repeat {
            let page = try await aws.ssm.getParametersByPath(.init(path: applicationParameter + "/environments/", nextToken: nextToken))
            for parameter in page.parameters ?? [] {
                guard let name = parameter.name, let value = parameter.value else { continue }
                do {
                    let environment = try JSONDecoder().decode(CopilotEnvironment.self, from: Data(value.utf8))
                    environments[environment.name] = environment
                } catch {
                    throw AWSTargetError("SSM parameter \(name) is not a Copilot environment: \(error)",
                                         hint: "`copilot env ls` shows the application's environments")
                }
            }
            nextToken = page.nextToken
        } while nextToken != nil
        return (decoded, environments)
    }

    public func environments(application: String) async throws -> [String]? {
        try await copilotApplication(application, try aws()).1.keys.sorted()
    }

    /// The bucket and KMS key of each region of the application, as Copilot's GetRegionalAppResources reads
    /// them: the StackSet's instances in the application's account, then each instance stack's outputs in its region.
    func regionalResources(_ application: CopilotApplication, _ aws: AWSClients) async throws -> [RegionalResources] {
        var summaries: [CloudFormation.StackInstanceSummary] = []
        var nextToken: String?
        do {
            repeat {
                let page = try await aws.cloudFormation.listStackInstances(.init(
                    stackSetName: application.stackSetName, stackInstanceAccount: application.account, nextToken: nextToken))
                summaries += page.summaries ?? []
                nextToken = page.nextToken
            } while nextToken != nil
        } catch let error as AWSError where error.code == "StackSetNotFoundException" {
            throw AWSTargetError("application \(application.name) has no StackSet \(application.stackSetName) (its regional resources: "
                                 + "the pipelines' artifact buckets and KMS keys)",
                                 hint: "Copilot creates it with the application: `copilot app init \(application.name)`")
        }
        var resources: [RegionalResources] = []
        for summary in summaries {
            guard let region = summary.region, let stackID = summary.stackId else { continue }
            let regional = CloudFormation(client: aws.client(in: region, because: "the region of a stack of StackSet \(application.stackSetName)"))
            let stack = try await regional.describeStacks(.init(stackName: stackID)).stacks.first
            let outputs = stack?.outputs ?? []
            func output(_ key: String) -> String? { outputs.first { $0.outputKey == key }?.outputValue }
            guard let bucket = output("PipelineBucket"), let key = output("KMSKeyARN") else {
                throw AWSTargetError("stack \(stackID) of StackSet \(application.stackSetName) in \(region) has no PipelineBucket "
                                     + "and KMSKeyARN outputs", hint: "`copilot app upgrade` brings the application's stacks up to date")
            }
            resources.append(RegionalResources(region: region, bucket: bucket, kmsKeyARN: key))
        }
        return resources.sorted { $0.region < $1.region }
    }

    /// A stage in another account than the application's deploys from artifacts its region's application bucket
    /// holds, encrypted with the application's key there: that key must grant the account, as Copilot's does once
    /// it adds the environment to the application (AddEnvToApp). Otherwise the deployment fails at run time.
    func checkAccountGrants(_ application: CopilotApplication, environments: [CopilotEnvironment],
                            regionalResources: [RegionalResources], _ aws: AWSClients) async throws {
        for environment in environments where environment.accountID != application.account {
            // A region without a regional stack is reported with the template.
            guard let regional = regionalResources.first(where: { $0.region == environment.region }) else { continue }
            let kms = KMS(client: aws.client(in: environment.region, because: "the region of environment \(environment.name)"))
            let policy = try await kms.getKeyPolicy(.init(keyId: regional.kmsKeyARN)).policy ?? ""
            guard !Self.policy(policy, grantsAccount: environment.accountID) else { continue }
            throw AWSTargetError("environment \(environment.name) is in account \(environment.accountID), which the KMS key of application "
                                 + "\(application.name) in \(environment.region) (\(regional.kmsKeyARN)) does not grant: its deployments "
                                 + "could not read the pipeline's artifacts",
                                 hint: "Copilot grants an environment's account when it adds the environment to the application: "
                                     + "`copilot env init --name \(environment.name)` from application \(application.name)'s account")
        }
    }

    /// Whether a key policy (JSON text) allows `account` as a principal: the account, or its root user.
    static func policy(_ text: String, grantsAccount account: String) -> Bool {
        guard let document = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return false }
        func list(_ value: Any?) -> [Any] { value as? [Any] ?? (value.map { [$0] } ?? []) }
        return list(document["Statement"]).contains { item in
            guard let statement = item as? [String: Any], statement["Effect"] as? String == "Allow" else { return false }
            let principals = statement["Principal"] as? String == "*" ? ["*"] : list((statement["Principal"] as? [String: Any])?["AWS"])
            return principals.contains { ($0 as? String).map { $0 == "*" || $0 == account || $0.hasSuffix(":iam::\(account):root") } ?? false }
        }
    }

    /// The ARN of the existing connection `name`, as Copilot's codestar.GetConnectionARN finds it.
    private func connectionARN(named name: String, _ aws: AWSClients) async throws -> String {
        var nextToken: String?
        repeat {
            let page = try await aws.codeStarConnections.listConnections(.init(nextToken: nextToken))
            if let arn = page.connections?.first(where: { $0.connectionName == name })?.connectionArn { return arn }
            nextToken = page.nextToken
        } while nextToken != nil
        throw AWSTargetError("no CodeStar connection named \(name) in \(aws.configuration.region.value)",
                             hint: "connection_name names an existing connection; create it in the console, or remove connection_name to let the stack create one")
    }

    private func secretExists(_ secretID: String, _ aws: AWSClients) async throws -> Bool {
        do {
            _ = try await aws.secretsManager.describeSecret(.init(secretId: secretID))
            return true
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            return false
        }
    }

    /// The GitHub token for a new secret: GITHUB_TOKEN in a script, asked for without echo on a terminal.
    private func gitHubToken(_ secretID: String, repository: String, ui: any TargetUI) async throws -> String {
        if let fromEnvironment = environment["GITHUB_TOKEN"], !fromEnvironment.isEmpty { return fromEnvironment }
        if ui.isInteractive, let typed = await ui.readSecret("GitHub personal access token for \(repository): "), !typed.isEmpty {
            return typed
        }
        throw AWSTargetError("the GitHub token secret \(secretID) does not exist",
                             hint: "set GITHUB_TOKEN for a script, or push from a terminal to be asked for the token")
    }

    /// Keeps the token in Secrets Manager, and nowhere else.
    private func storeToken(_ token: String, as secretID: String, pipeline: PipelineContext, ui: any TargetUI,
                            _ aws: AWSClients) async throws {
        _ = try await storeSecret(secretID, value: token, description: "GitHub token of pipeline \(pipeline.manifest.name)",
                                  tags: ["copilot-application": pipeline.application, "copilot-pipeline": pipeline.manifest.name], aws)
        ui.say("Stored the GitHub token in Secrets Manager secret \(secretID).")
    }

    /// Keeps a GitHub token given to `source set github … token-secret` in Secrets Manager — a
    /// new secret `name`, or a new value of an existing one — so the manifest names the secret
    /// and no file holds the token. Returns whether the secret was created.
    public func storeGitHubToken(_ token: String, as name: String, application: String) async throws -> Bool {
        try await storeSecret(name, value: token, description: "GitHub token of application \(application)'s pipeline",
                              tags: ["copilot-application": application], try aws())
    }

    /// Creates secret `name` holding `value`, or puts `value` in it when it exists; true when created.
    private func storeSecret(_ name: String, value: String, description: String, tags: [String: String],
                             _ aws: AWSClients) async throws -> Bool {
        if try await secretExists(name, aws) {
            _ = try await aws.secretsManager.putSecretValue(.init(secretId: name, secretString: value))
            return false
        }
        _ = try await aws.secretsManager.createSecret(.init(
            name: name, description: description, secretString: value,
            tags: tags.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) }))
        return true
    }

    // MARK: CloudFormation

    func describeStack(_ name: String, _ aws: AWSClients) async throws -> CloudFormation.Stack? {
        do {
            return try await aws.cloudFormation.describeStacks(.init(stackName: name)).stacks.first
        } catch let error as AWSError where error.isMissingStack {
            return nil
        }
    }

    private func settledChangeSet(_ reference: CloudFormation.ChangeSetReference,
                                  _ aws: AWSClients) async throws -> CloudFormation.DescribeChangeSetOutput {
        var delay = Duration.milliseconds(250)
        while true {
            let described = try await aws.cloudFormation.describeChangeSet(reference)
            if let status = described.status, status == "CREATE_COMPLETE" || status == "FAILED" { return described }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// The newest page of the stack's events, newest first; none for a stack that does not exist.
    private func recentEvents(_ stack: String, _ aws: AWSClients) async throws -> [CloudFormation.StackEvent] {
        do {
            return try await aws.cloudFormation.describeStackEvents(.init(stackName: stack)).stackEvents
        } catch let error as AWSError where error.isMissingStack {
            return []
        }
    }

    /// Prints each new stack event until the stack settles (or is gone, after a delete).
    private func followStack(_ stack: String, seen: Set<String>, ui: any TargetUI,
                             _ aws: AWSClients) async throws -> SettledStack {
        var seen = seen
        var failures: [CloudFormation.StackEvent] = []
        var delay = Duration.milliseconds(250)
        while true {
            let events = try await recentEvents(stack, aws)
            for event in events.reversed() where seen.insert(event.eventId).inserted {
                var line = "  \(event.resourceStatus ?? "?")  \(event.logicalResourceId ?? "?")"
                if let type = event.resourceType { line += " (\(type))" }
                if let reason = event.resourceStatusReason, !reason.isEmpty { line += ": \(reason)" }
                ui.say(line)
                if event.resourceStatus?.hasSuffix("_FAILED") == true, event.resourceType != "AWS::CloudFormation::Stack" {
                    failures.append(event)
                }
            }
            guard let status = try await describeStack(stack, aws)?.stackStatus else {
                return SettledStack(status: "DELETE_COMPLETE", firstFailure: failures.first)
            }
            if !status.hasSuffix("_IN_PROGRESS") || status == "REVIEW_IN_PROGRESS" {
                return SettledStack(status: status, firstFailure: failures.first)
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// The change set as a plan: one line per resource, then the counts.
    static func plan(_ changes: [CloudFormation.ResourceChange], stack: String, creating: Bool) -> [String] {
        var lines = ["Plan for stack \(stack) (\(creating ? "create" : "update")):"]
        let width = changes.map { ($0.logicalResourceId ?? "").count }.max() ?? 0
        var counts = (add: 0, modify: 0, replace: 0, remove: 0)
        for change in changes {
            let symbol: String
            switch change.action {
            case "Add": symbol = "+"; counts.add += 1
            case "Remove": symbol = "-"; counts.remove += 1
            default: symbol = "~"; counts.modify += 1
            }
            var line = "  \(symbol) " + (change.logicalResourceId ?? "?").padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + (change.resourceType ?? "")
            switch change.replacement {
            case "True": line += "  (replaced)"; counts.replace += 1
            case "Conditional": line += "  (may be replaced)"; counts.replace += 1
            default: break
            }
            lines.append(line)
        }
        var summary = "\(counts.add) to add, \(counts.modify) to change"
        if counts.replace > 0 { summary += " (\(counts.replace) replaced)" }
        summary += ", \(counts.remove) to remove."
        lines.append(summary)
        return lines
    }
}

/// How a stack operation ended.
struct SettledStack {
    var status: String
    /// The first resource that failed, with CloudFormation's reason.
    var firstFailure: CloudFormation.StackEvent?
}

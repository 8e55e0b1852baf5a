import AWS
import CopilotRules
import Foundation

/// What Copilot recorded of an application, read as Copilot's deploy reads it: its SSM parameters
/// (the application and its environments), its StackSet's regional resources, and whether the KMS key
/// of each region grants the accounts of the environments deployed from it.
struct ApplicationLookup: Sendable {
    let aws: AWSClients

    /// The application and its environments, by name.
    func application(_ name: String) async throws -> (CopilotApplication, [String: CopilotEnvironment]) {
        let parameter = CopilotApplication.parameterName(name)
        let value: String?
        do {
            value = try await aws.ssm.getParameter(.init(name: parameter)).parameter?.value
        } catch let error as AWSError where error.code == .parameterNotFound {
            throw AWSTargetError("application \(name) does not exist in \(aws.configuration.region.value): no SSM parameter \(parameter)",
                                 hint: "create it with `copilot app init \(name)`, or choose its region with `target aws region REGION`")
        }
        let application: CopilotApplication
        do {
            application = try JSONDecoder().decode(CopilotApplication.self, from: Data((value ?? "").utf8))
        } catch {
            throw AWSTargetError("SSM parameter \(parameter) is not a Copilot application: \(error)",
                                 hint: "`copilot app show` shows the application")
        }
        let parameters = try await Pages.collect({ token in
            try await aws.ssm.getParametersByPath(.init(path: CopilotApplication.environmentsPath(name), nextToken: token))
        }, items: \.parameters, next: \.nextToken)
        var environments: [String: CopilotEnvironment] = [:]
        for parameter in parameters {
            guard let parameterName = parameter.name, let value = parameter.value else { continue }
            do {
                let environment = try JSONDecoder().decode(CopilotEnvironment.self, from: Data(value.utf8))
                environments[environment.name] = environment
            } catch {
                throw AWSTargetError("SSM parameter \(parameterName) is not a Copilot environment: \(error)",
                                     hint: "`copilot env ls` shows the application's environments")
            }
        }
        return (application, environments)
    }

    /// The services and jobs registered in the application (`copilot svc init`, `copilot job init`), as Copilot's
    /// `svc ls` and `job ls` read them.
    func workloads(_ application: String) async throws -> [CopilotWorkload] {
        let parameters = try await Pages.collect({ token in
            try await aws.ssm.getParametersByPath(.init(path: CopilotWorkload.parametersPath(application: application), nextToken: token))
        }, items: \.parameters, next: \.nextToken)
        return try parameters.compactMap { parameter in
            guard let name = parameter.name, let value = parameter.value else { return nil }
            do {
                return try JSONDecoder().decode(CopilotWorkload.self, from: Data(value.utf8))
            } catch {
                throw AWSTargetError("SSM parameter \(name) is not a Copilot service or job: \(error)",
                                     hint: "`copilot svc ls` and `copilot job ls` show the application's workloads")
            }
        }
    }

    /// The bucket and KMS key of each region of the application, as Copilot's GetRegionalAppResources reads
    /// them: the StackSet's instances in the application's account, then each instance stack's outputs in its region.
    func regionalResources(_ application: CopilotApplication) async throws -> [RegionalResources] {
        let summaries: [CloudFormation.StackInstanceSummary]
        do {
            summaries = try await Pages.collect({ token in
                try await aws.cloudFormation.listStackInstances(.init(
                    stackSetName: application.stackSetName, stackInstanceAccount: application.account, nextToken: token))
            }, items: \.summaries, next: \.nextToken)
        } catch let error as AWSError where error.code == .stackSetNotFoundException {
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
            guard let bucket = output(RegionalResources.bucketOutput), let key = output(RegionalResources.keyOutput) else {
                throw AWSTargetError("stack \(stackID) of StackSet \(application.stackSetName) in \(region) has no "
                                     + "\(RegionalResources.bucketOutput) and \(RegionalResources.keyOutput) outputs",
                                     hint: "`copilot app upgrade` brings the application's stacks up to date")
            }
            resources.append(RegionalResources(region: region, bucket: bucket, kmsKeyARN: key))
        }
        return resources.sorted { $0.region < $1.region }
    }

    /// Copilot's AddPipelineResourcesToApp: the application's StackSet gets an instance in `region`, the pipeline's,
    /// when it has none there (an application whose environments are all in other regions), so the pipeline has an
    /// artifact bucket and key in its own region. Waits for the StackSet operation; returns the regional resources then.
    func addRegionalStack(_ application: CopilotApplication, in region: String, ui: any TargetUI) async throws -> [RegionalResources] {
        let stackSet = application.stackSetName
        ui.say("Adding pipeline resources to application \(application.name) in \(region): an instance of StackSet \(stackSet) "
               + "(its artifact bucket and KMS key there), as copilot pipeline deploy does.")
        let started = try await aws.cloudFormation.createStackInstances(.init(
            stackSetName: stackSet, accounts: [application.account], regions: [region]))
        guard let operationID = started.operationId else {
            throw AWSTargetError("CloudFormation started adding an instance of \(stackSet) in \(region) but returned no operation id",
                                 hint: "the CloudFormation console shows the StackSet's operations")
        }
        let operation = try await Waiter.until {
            let described = try await aws.cloudFormation.describeStackSetOperation(.init(stackSetName: stackSet, operationId: operationID))
            return described.stackSetOperation?.status?.isFinal == true ? described.stackSetOperation : nil
        }
        guard operation.status == .succeeded else {
            throw AWSTargetError("adding an instance of StackSet \(stackSet) in \(region) ended \(operation.status?.description ?? "?")"
                                 + (operation.statusReason.map { ": \($0)" } ?? ""),
                                 hint: "the CloudFormation console shows the StackSet's operations")
        }
        ui.say("Added pipeline resources to application \(application.name) in \(region).")
        return try await regionalResources(application)
    }

    /// A stage in another account than the application's deploys from artifacts its region's application bucket
    /// holds, encrypted with the application's key there: that key must grant the account, as Copilot's does once
    /// it adds the environment to the application (AddEnvToApp). Otherwise the deployment fails at run time.
    func checkAccountGrants(_ application: CopilotApplication, environments: [CopilotEnvironment],
                            regionalResources: [RegionalResources]) async throws {
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
    func connectionARN(named name: String) async throws -> String {
        let connections = try await Pages.collect({ token in
            try await aws.codeStarConnections.listConnections(.init(nextToken: token))
        }, items: \.connections, next: \.nextToken)
        guard let arn = connections.first(where: { $0.connectionName == name })?.connectionArn else {
            throw AWSTargetError("no CodeStar connection named \(name) in \(aws.configuration.region.value)",
                                 hint: "connection_name names an existing connection; create it in the console, or remove connection_name to let the stack create one")
        }
        return arn
    }
}

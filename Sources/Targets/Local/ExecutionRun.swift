import CopilotRules
import Foundation
import Manifest

/// The files of one execution and what its actions read from them: the source snapshot,
/// a fresh working copy per action (as each CodeBuild action gets its own), the build's
/// artifacts, logs, and CodeBuild's variables.
struct ExecutionRun {
    let store: LocalStore
    let record: ExecutionRecord

    var directory: URL { store.executionDirectory(record.pipeline.name, record.snapshot.id) }
    var source: URL { directory.appendingPathComponent("source", isDirectory: true) }
    var artifacts: URL { directory.appendingPathComponent("artifacts", isDirectory: true) }

    func logFile(stage: String, action: String) -> URL {
        directory.appendingPathComponent("logs/\(stage)/\(action).log")
    }

    var workingCopies: URL { directory.appendingPathComponent("work", isDirectory: true) }

    /// A fresh copy of the source snapshot for one action.
    func workingCopy(_ name: String) throws -> URL {
        let work = workingCopies.appendingPathComponent(name, isDirectory: true)
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: work)
        return work
    }

    /// A buildspec from the snapshot: the pipeline builds what is committed, not the working tree.
    func buildspec(_ path: String) throws -> Buildspec {
        let relative = (record.workspacePrefix ?? "") + String(path.trimmingPrefix("./"))
        let url = source.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw LocalTargetError.notCommitted(path, commit: record.snapshot.sourceRevision, branch: record.pipeline.source.branch)
        }
        return try BuildspecParser.load(url, displayPath: path)
    }

    /// The environment of a command: this machine's, the buildspec's variables, CodeBuild's
    /// own, and the project's as the plan gives them (none for test commands, as on AWS).
    /// The local engine has no AWS account: AWS_ACCOUNT_ID is the machine's own if it sets one.
    func variables(workingDirectory: URL, spec: Buildspec?, project: PipelinePlan.Project?) -> [String: String] {
        var variables = ProcessInfo.processInfo.environment
        let pipeline = record.pipeline
        for variable in project?.variables ?? [] {
            switch variable.value {
            case .text(let text): variables[variable.name] = text
            case .partition: variables[variable.name] = "aws"
            case .accountID: variables[variable.name] = variables["AWS_ACCOUNT_ID"]
            }
        }
        for (name, value) in spec?.env.variables ?? [] { variables[name] = value }
        let region = variables["AWS_REGION"] ?? variables["AWS_DEFAULT_REGION"] ?? "us-east-1"
        // Copilot names the build project after the pipeline's stack.
        let codeBuildProject = StackNames.pipeline(application: pipeline.application, pipeline: pipeline.name)
        variables["AWS_REGION"] = region
        variables["AWS_DEFAULT_REGION"] = region
        variables["CODEBUILD_SRC_DIR"] = workingDirectory.path
        variables["CODEBUILD_BUILD_ID"] = "\(codeBuildProject):\(record.snapshot.id)"
        variables["CODEBUILD_BUILD_NUMBER"] = String(record.sequence)
        variables["CODEBUILD_INITIATOR"] = "codepipeline/\(codeBuildProject)"
        variables["CODEBUILD_BUILD_SUCCEEDING"] = "1"
        variables["CODEBUILD_LOCAL"] = "sluice"
        if let revision = record.snapshot.sourceRevision {
            variables["CODEBUILD_RESOLVED_SOURCE_VERSION"] = revision
            variables["CODEBUILD_SOURCE_VERSION"] = revision
        }
        if let start = record.snapshot.startedAt {
            variables["CODEBUILD_START_TIME"] = String(Int(start.timeIntervalSince1970 * 1000))
        }
        return variables
    }

    /// The run's pipeline variables by name.
    private var variableValues: [String: String] {
        Dictionary((record.snapshot.variables ?? []).map { ($0.name, $0.value) }) { $1 }
    }

    /// The Build action's EnvironmentVariables the pipeline's V2 settings give, each `#{variables.NAME}` resolved
    /// with the run's values.
    func buildActionVariables() throws -> [String: String] {
        var variables: [String: String] = [:]
        for variable in record.pipeline.v2?.buildEnvironment ?? [] {
            variables[variable.name] = try RunVariables.resolve(variable.value, variableValues)
        }
        return variables
    }

    /// A deploy action's configuration (stack name, template and its configuration) with `#{variables.NAME}` resolved.
    func resolved(_ deployment: PipelinePlan.StackDeployment) throws -> PipelinePlan.StackDeployment {
        var resolved = deployment
        resolved.stackName = try RunVariables.resolve(deployment.stackName, variableValues)
        resolved.templatePath = try RunVariables.resolve(deployment.templatePath, variableValues)
        resolved.templateConfigurationPath = try RunVariables.resolve(deployment.templateConfigurationPath, variableValues)
        return resolved
    }

    /// A deployment: its template and configuration must be in the build's artifacts; they are then
    /// copied to `deployments/ENV/STACK/` with a record of what put them there. The local engine
    /// calls no CloudFormation: it checks and keeps what the deploy action would hand to it.
    func recordDeployment(_ deployment: PipelinePlan.StackDeployment, environment: String, log: ActionLog,
                          at moment: Date) throws -> String {
        let stack = deployment.stackName
        let template = deployment.templatePath
        let config = deployment.templateConfigurationPath
        for path in [template, config] {
            guard FileManager.default.fileExists(atPath: artifacts.appendingPathComponent(path).path) else {
                throw LocalTargetError("\(path) is not in the build artifacts",
                                       hint: "make the build write it (`copilot svc package --output-dir infrastructure` does) "
                                           + "and list it under artifacts.files in the buildspec")
            }
        }
        let configData = FileManager.default.contents(atPath: artifacts.appendingPathComponent(config).path) ?? Data()
        guard (try? JSONSerialization.jsonObject(with: configData)) is [String: Any] else {
            throw LocalTargetError("\(config) is not a JSON object",
                                   hint: "a template configuration looks like {\"Parameters\": {…}, \"Tags\": {…}}")
        }
        let target = store.deploymentDirectory(environment: environment, stack: stack)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for (path, name) in [(template, "template.yml"), (config, "template-config.json")] {
            let destination = target.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: artifacts.appendingPathComponent(path), to: destination)
        }
        try store.write(DeploymentRecord(stack: stack, deployment: deployment.name, environment: environment,
                                         pipeline: record.pipeline.name, execution: record.snapshot.id,
                                         revision: record.snapshot.sourceRevision, template: template, config: config,
                                         deployedAt: moment),
                        to: target.appendingPathComponent("deployment.json"))
        log.note("Stack \(stack) in \(environment): recorded \(template) and \(config)")
        return "stack \(stack) ← \(template)"
    }
}

/// What an environment has deployed, per stack (`deployments/ENV/STACK/deployment.json`).
struct DeploymentRecord: Codable, Equatable {
    var stack: String
    var deployment: String
    var environment: String
    var pipeline: String
    var execution: String
    var revision: String?
    var template: String
    var config: String
    var deployedAt: Date
}

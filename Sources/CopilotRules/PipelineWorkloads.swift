import Errors
import Manifest

// Which services and jobs a workloads pipeline deploys, as Copilot's `pipeline deploy` lists them
// (cli/pipeline_deploy.go getLocalWorkloads: `svc ls --local` and `job ls --local`, config/workload.go,
// manifest/manifestinfo): those of the application's registered workloads whose directory is in the
// workspace, each of a workload type. The buildspec `pipeline init` writes packages the same list, so a
// workload outside it would get a deploy action with no template to deploy.

/// `/copilot/applications/APP/components/NAME`: JSON written by `copilot svc init` and `copilot job init`.
public struct CopilotWorkload: Codable, Equatable, Sendable {
    public var app: String
    public var name: String
    /// The manifest type it was created with ("Load Balanced Web Service", "Scheduled Job", …).
    public var type: String

    public init(app: String, name: String, type: String) {
        self.app = app
        self.name = name
        self.type = type
    }

    /// The path under which Copilot stores the application's workloads, one parameter each.
    public static func parametersPath(application: String) -> String {
        CopilotApplication.parameterName(application) + "/components/"
    }

    public static func parameterName(application: String, workload: String) -> String {
        parametersPath(application: application) + workload
    }
}

/// The manifest types Copilot's services and jobs have (manifestinfo.ServiceTypes, JobTypes): a directory of
/// `copilot/` whose manifest has another type (or none) is not a workload to Copilot.
public enum WorkloadType {
    public static let services = ["Request-Driven Web Service", "Load Balanced Web Service", "Backend Service",
                                  "Worker Service", "Static Site"]
    public static let jobs = ["Scheduled Job"]

    public static func isWorkload(_ type: String?) -> Bool {
        guard let type else { return false }
        return services.contains(type) || jobs.contains(type)
    }
}

/// The workloads a stage without `deployments` deploys.
public enum PipelineWorkloads {
    /// The workspace's workloads of a workload type that are also `registered` (of a workload type) in the
    /// application, sorted by name. With `registered` nil (nothing to read the application's records from:
    /// the local target), the workspace's workloads of a workload type.
    public static func deployed(workspace: [Workload], registered: [CopilotWorkload]?) -> [String] {
        let local = workspace.filter { WorkloadType.isWorkload($0.type) }.map(\.name)
        guard let registered else { return local.sorted() }
        let known = Set(registered.filter { WorkloadType.isWorkload($0.type) }.map(\.name))
        return local.filter(known.contains).sorted()
    }

    /// The workspace's workloads of a workload type that the application has not registered: Copilot's
    /// pipeline does not deploy them.
    public static func unregistered(workspace: [Workload], registered: [CopilotWorkload]) -> [String] {
        let deployed = Set(deployed(workspace: workspace, registered: registered))
        return workspace.filter { WorkloadType.isWorkload($0.type) && !deployed.contains($0.name) }.map(\.name).sorted()
    }

    /// What is said of a workspace workload the application has not registered, which no stage deploys.
    public static func unregisteredProblem(_ workload: String, application: String) -> Problem {
        Problem("\(workload) is in the workspace but not registered in application \(application): Copilot's pipeline "
                + "does not deploy it, and its buildspec does not package it",
                hint: "`copilot svc init --name \(workload)` (or `copilot job init`) registers it; until then, stages deploy the others")
    }

    /// What is said of a stage with nothing to deploy, which Copilot leaves out of the pipeline.
    public static func emptyStageProblem(_ stage: String) -> Problem {
        Problem("stage \(stage) deploys nothing (no deployments listed, and no registered service or job in the workspace); "
                + "Copilot leaves it out of the pipeline, with its approval and tests")
    }
}

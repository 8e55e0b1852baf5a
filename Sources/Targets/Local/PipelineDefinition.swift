import Foundation
import Manifest

/// The pipeline as `push` recorded it — what CodePipeline would hold after a deploy. Executions
/// run this, not the manifest being edited, so unpushed edits never change a release.
struct PipelineDefinition: Codable, Equatable {
    var name: String
    var application: String
    var branch: String
    /// Relative to the workspace root, as in the manifest.
    var buildspec: String
    var stages: [StageDefinition]

    init(_ context: PipelineContext) {
        let manifest = context.manifest
        name = manifest.name
        application = context.application
        branch = manifest.source.properties.trackedBranch
        buildspec = manifest.build?.buildspec ?? context.buildspecPath
        stages = manifest.stages.map(StageDefinition.init)
    }
}

struct StageDefinition: Codable, Equatable {
    var environment: String
    var requiresApproval: Bool
    var testCommands: [String]
    /// Empty: every workload of the workspace, as Copilot does.
    var deployments: [DeploymentDefinition]
    var preDeployments: [ActionDefinition]
    var postDeployments: [ActionDefinition]

    init(_ stage: Stage) {
        environment = stage.name
        requiresApproval = stage.requiresApproval
        testCommands = stage.testCommands
        deployments = stage.deployments.map {
            DeploymentDefinition(name: $0.name, stackName: $0.stackName, templatePath: $0.templatePath,
                                 templateConfig: $0.templateConfig, dependsOn: $0.dependsOn)
        }
        preDeployments = stage.preDeployments.map { ActionDefinition(name: $0.name, buildspec: $0.buildspec, dependsOn: $0.dependsOn) }
        postDeployments = stage.postDeployments.map { ActionDefinition(name: $0.name, buildspec: $0.buildspec, dependsOn: $0.dependsOn) }
    }
}

struct DeploymentDefinition: Codable, Equatable {
    var name: String
    var stackName: String?
    var templatePath: String?
    var templateConfig: String?
    var dependsOn: [String]

    /// Copilot's defaults: stack APP-ENV-NAME, template infrastructure/NAME-ENV.yml and
    /// config infrastructure/NAME-ENV.params.json in the build output.
    func stack(application: String, environment: String) -> String {
        stackName ?? "\(application)-\(environment)-\(name)"
    }

    func template(environment: String) -> String {
        templatePath ?? "infrastructure/\(name)-\(environment).yml"
    }

    func config(environment: String) -> String {
        templateConfig ?? "infrastructure/\(name)-\(environment).params.json"
    }
}

struct ActionDefinition: Codable, Equatable {
    var name: String
    var buildspec: String?
    var dependsOn: [String]
}

/// Orders named items so that each comes after what it depends on, keeping file order otherwise.
func dependencyOrder<Item>(_ items: [Item], name: (Item) -> String, dependsOn: (Item) -> [String]) throws -> [Item] {
    let names = Set(items.map(name))
    for item in items {
        for dependency in dependsOn(item) where !names.contains(dependency) {
            throw LocalTargetError("`\(name(item))` depends on `\(dependency)`, which is not in the same stage",
                                   hint: "depends_on names other deployments (or actions) of the same stage")
        }
    }
    var ordered: [Item] = []
    var placed = Set<String>()
    var remaining = items
    while !remaining.isEmpty {
        guard let index = remaining.firstIndex(where: { dependsOn($0).allSatisfy(placed.contains) }) else {
            throw LocalTargetError("depends_on forms a cycle among \(remaining.map(name).joined(separator: ", "))",
                                   hint: "remove one of the dependencies so that some item depends on nothing left")
        }
        let item = remaining.remove(at: index)
        placed.insert(name(item))
        ordered.append(item)
    }
    return ordered
}

import CopilotRules
import Foundation

// The pipeline as a picture: Source → Build → each DeployTo stage, every action a node, the
// actions of a stage in groups that run together (one run order), groups one after another.
// Made from the one PipelinePlan, so the picture shows exactly what both targets run; `watch
// --graph` lays an execution's states over it. GraphLayout places it; four renderers draw it.

public struct PipelineGraph: Equatable, Sendable {
    /// The pipeline's name.
    public var title: String
    public var application: String
    public var stages: [Stage]
    /// Manifest stages Copilot leaves out (they deploy nothing), said under the picture.
    public var omittedStages: [String]

    public struct Stage: Equatable, Sendable {
        /// CodePipeline's stage name: Source, Build, or an environment's deploy stage.
        public var name: String
        public var state: RunState?
        /// Actions by run order: those of a group start together, each group after the one before.
        public var groups: [[Node]]

        public var nodes: [Node] { groups.flatMap { $0 } }
    }

    public struct Node: Equatable, Sendable {
        public enum Kind: String, Equatable, Sendable {
            case source, build, approval, preDeployment, deployment, postDeployment, testCommands
        }

        /// The action's name, as CodePipeline shows it.
        public var name: String
        public var kind: Kind
        /// What the action does, one fact a line: repository and branch, buildspec, stack, test commands.
        public var details: [String]
        public var state: RunState?
    }
}

extension PipelineGraph {
    public init(plan: PipelinePlan) {
        title = plan.name
        application = plan.application
        omittedStages = plan.omittedStages
        let source = Node(name: plan.sourceActionName, kind: .source, details: Self.describe(plan.source), state: nil)
        let build = Node(name: StageName.buildAction, kind: .build,
                         details: ["buildspec \(plan.build.buildspec)", "image \(plan.build.image)"], state: nil)
        stages = [Stage(name: StageName.source, state: nil, groups: [[source]]),
                  Stage(name: StageName.build, state: nil, groups: [[build]])]
        for stage in plan.stages {
            var groups: [[Node]] = []
            var lastRunOrder: Int?
            for action in stage.actions {
                let node = Self.node(action, environment: stage.environment)
                if action.runOrder == lastRunOrder {
                    groups[groups.count - 1].append(node)
                } else {
                    groups.append([node])
                    lastRunOrder = action.runOrder
                }
            }
            stages.append(Stage(name: stage.name, state: nil, groups: groups))
        }
    }

    private static func node(_ action: PipelinePlan.Action, environment: String) -> Node {
        switch action.kind {
        case .approval:
            return Node(name: action.name, kind: .approval, details: ["manual approval: approve \(environment)"], state: nil)
        case .preDeployment(let project):
            return Node(name: action.name, kind: .preDeployment, details: ["before deploying: \(project.buildspec)"], state: nil)
        case .deployment(let deployment):
            return Node(name: action.name, kind: .deployment, details: ["stack \(deployment.stackName)"], state: nil)
        case .postDeployment(let project):
            return Node(name: action.name, kind: .postDeployment, details: ["after deploying: \(project.buildspec)"], state: nil)
        case .testCommands(let commands):
            return Node(name: action.name, kind: .testCommands, details: commands.map { "$ " + $0 }, state: nil)
        }
    }

    private static func describe(_ source: PipelineSource) -> [String] {
        switch source {
        case .gitHubToken(let owner, let repository, let branch, let secret):
            return ["GitHub \(owner)/\(repository)", "branch \(branch)", "token in secret \(secret)"]
        case .connection(let provider, let repository, let branch, let connection, _):
            let through: String
            switch connection {
            case .arn(let arn): through = "connection \(arn)"
            case .existing(let name): through = "connection \(name)"
            case .created(let name): through = "new connection \(name)"
            }
            return ["\(provider) \(repository)", "branch \(branch)", through]
        case .codeCommit(let repository, let region, let branch, _):
            return ["CodeCommit \(repository)" + (region.map { " (\($0))" } ?? ""), "branch \(branch)"]
        }
    }

    /// This graph with the states of `snapshot`, matched by stage and action name (an action
    /// the execution does not have, after an edit since the push, stays without a state).
    public func with(_ snapshot: ExecutionSnapshot) -> PipelineGraph {
        var graph = self
        for (stageIndex, stage) in graph.stages.enumerated() {
            guard let run = snapshot.stages.first(where: { $0.name == stage.name }) else { continue }
            graph.stages[stageIndex].state = run.state
            for (groupIndex, group) in stage.groups.enumerated() {
                for (nodeIndex, node) in group.enumerated() {
                    graph.stages[stageIndex].groups[groupIndex][nodeIndex].state =
                        run.actions.first { $0.name == node.name }?.state
                }
            }
        }
        return graph
    }
}

import Manifest

/// `depends_on` in a stage's pre_deployments, deployments or post_deployments: the entries do not depend on
/// each other in a cycle, and a deployment's name deployments of its stage (manifest.Deployments.validate).
/// Copilot checks no names in pre/post_deployments: there a name outside the list ranks the action one later
/// (its graph gives the unknown name a node of its own), which sluice warns about and plans the same way.
public enum DependencyRule: ManifestRule {
    /// `candidates`: what `item` could name instead.
    case missing(item: String, dependency: String, list: StageList, stage: String, candidates: [String])
    /// `cycle` ends where it starts (`a → b → a`).
    case cycle([String], list: StageList, stage: String)

    public var severity: Severity {
        if case .missing(_, _, let list, _, _) = self, list != .deployments { return .warning }
        return .error
    }

    public var message: String {
        switch self {
        case .missing(let item, let dependency, let list, let stage, _) where list != .deployments:
            return "\(item) depends on \(dependency), which is not in \(list.rawValue) of stage \(stage); "
                + "Copilot waits for nothing but runs \(item) one step later"
        case .missing(let item, let dependency, let list, let stage, _):
            return "\(item) depends on \(dependency), which is not in \(list.rawValue) of stage \(stage)"
        case .cycle(let cycle, let list, let stage):
            return "\(list.rawValue) of stage \(stage) depend on each other in a cycle: \(cycle.joined(separator: " → "))"
        }
    }

    public var hint: String? {
        switch self {
        case .missing(_, _, let list, _, let candidates):
            return candidates.isEmpty ? "depends_on names other entries of the same \(list.rawValue)"
                : "it can name: \(candidates.joined(separator: ", "))"
        case .cycle: return "remove one of these depends_on entries"
        }
    }

    static func check(_ input: RuleInput, into findings: inout Findings) {
        for (index, stage) in input.manifest.stages.enumerated() where !stage.name.isEmpty {
            for list in StageList.allCases {
                let path = [PathStep].stage(index) + [.key(list.rawValue)]
                let graph = list.graph(of: stage)
                for missing in graph.missingDependencies {
                    findings.add(.dependency(.missing(item: missing.item, dependency: missing.dependency, list: list, stage: stage.name,
                                                      candidates: graph.names.filter { $0 != missing.item })),
                                 at: .value(path + [.key(missing.item), .key("depends_on"), .index(missing.index)]))
                }
                if let cycle = graph.cycle {
                    findings.add(.dependency(.cycle(cycle, list: list, stage: stage.name)), at: .key(path + [.key(cycle[0])]))
                }
            }
        }
    }
}

/// The lists of a stage whose entries may depend on each other, in the order their actions run.
public enum StageList: String, CaseIterable, Sendable {
    case preDeployments = "pre_deployments"
    case deployments
    case postDeployments = "post_deployments"

    /// The `depends_on` graph of this list of `stage`.
    public func graph(of stage: Stage) -> DependencyGraph {
        let items: [(String, [String])]
        switch self {
        case .preDeployments: items = stage.preDeployments.map { ($0.name, $0.dependsOn) }
        case .deployments: items = stage.deployments.map { ($0.name, $0.dependsOn) }
        case .postDeployments: items = stage.postDeployments.map { ($0.name, $0.dependsOn) }
        }
        return DependencyGraph(items.map { DependencyGraph.Node(name: $0.0, dependsOn: $0.1) })
    }
}

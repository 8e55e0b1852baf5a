/// The `depends_on` graph of one list of a stage (its pre_deployments, deployments or
/// post_deployments): what the validator reports and what the pipeline plan ranks, from one reading.
public struct DependencyGraph: Sendable {
    public struct Node: Sendable {
        public var name: String
        public var dependsOn: [String]

        public init(name: String, dependsOn: [String]) {
            self.name = name
            self.dependsOn = dependsOn
        }
    }

    /// A `depends_on` entry naming nothing in the list.
    public struct MissingDependency: Equatable, Sendable {
        public var item: String
        /// Position of the entry in the item's `depends_on`.
        public var index: Int
        public var dependency: String
    }

    public let nodes: [Node]

    public init(_ nodes: [Node]) {
        self.nodes = nodes
    }

    public var names: [String] { nodes.map(\.name) }

    public var missingDependencies: [MissingDependency] {
        let names = Set(self.names)
        return nodes.flatMap { node in
            node.dependsOn.enumerated().filter { !names.contains($0.element) }.map {
                MissingDependency(item: node.name, index: $0.offset, dependency: $0.element)
            }
        }
    }

    /// The first cycle found, as a path that ends where it starts (`a → b → a`); nil when there is none.
    public var cycle: [String]? {
        let names = Set(self.names)
        let edges = Dictionary(nodes.map { ($0.name, $0.dependsOn.filter(names.contains)) }, uniquingKeysWith: { a, _ in a })
        var finished = Set<String>()
        var onPath: [String] = []
        func visit(_ name: String) -> [String]? {
            if finished.contains(name) { return nil }
            if let start = onPath.firstIndex(of: name) { return Array(onPath[start...]) + [name] }
            onPath.append(name)
            for next in edges[name] ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            onPath.removeLast()
            finished.insert(name)
            return nil
        }
        for node in nodes {
            if let cycle = visit(node.name) { return cycle }
        }
        return nil
    }

    /// Each item's rank, as Copilot's graph.TopologicalOrder gives it: 0 for an item that depends
    /// on nothing, else one more than its highest-ranked dependency. An entry naming nothing in the
    /// list counts as an item of rank 0, as Copilot's graph adds a node for it. nil when the graph has a cycle.
    public var ranks: [String: Int]? {
        guard cycle == nil else { return nil }
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var rank: [String: Int] = [:]
        func resolve(_ name: String) -> Int {
            if let known = rank[name] { return known }
            let value = (byName[name]?.dependsOn ?? []).map(resolve).max().map { $0 + 1 } ?? 0
            rank[name] = value
            return value
        }
        for node in nodes { _ = resolve(node.name) }
        return rank.filter { byName[$0.key] != nil }
    }
}

import Foundation

/// Which target a workspace uses (`target local` / `target aws …`), remembered per workspace.
public enum TargetChoice: Codable, Equatable, Sendable {
    case local
    case aws(profile: String?, region: String?, endpoint: String?)

    public var kind: String {
        switch self {
        case .local: return "local"
        case .aws: return "aws"
        }
    }
}

public struct TargetUnavailable: Error, CustomStringConvertible {
    public let kind: String
    public let operation: String
    public var description: String { "\(operation) is not available for the \(kind) target yet" }
}

/// Builds the target a choice names. Creating the AWS target loads no HTTP stack:
/// that happens on its first call. `console` is where the local target draws the progress
/// of the executions it drives (pass the shell's output so lines stay in order).
public func makeTarget(_ choice: TargetChoice, workspaceRoot: URL,
                       console: WatchConsole = .standardOutput()) throws -> any PipelineTarget {
    switch choice {
    case .local:
        return LocalTarget(workspaceRoot: workspaceRoot, console: console)
    case .aws(let profile, let region, let endpoint):
        return AWSTarget(profile: profile, region: region, endpoint: endpoint)
    }
}

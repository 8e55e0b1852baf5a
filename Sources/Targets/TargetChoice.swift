import Errors
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

public struct TargetUnavailable: ReportableError {
    public let kind: String
    public let operation: String
    public var problem: Problem { Problem("\(operation) is not available for the \(kind) target yet") }
}

/// How a target reaches the person and the session beyond its UI: asking for a secret in the
/// middle of any command (an MFA code) and the session's `trace` setting.
public struct TargetOptions: Sendable {
    /// Reads a secret without echo; nil when nobody can answer (a script).
    public var askSecret: (@Sendable (String) async -> String?)?
    /// Told one line per AWS call while the session traces.
    public var trace: (@Sendable (String) -> Void)?

    public init(askSecret: (@Sendable (String) async -> String?)? = nil, trace: (@Sendable (String) -> Void)? = nil) {
        self.askSecret = askSecret
        self.trace = trace
    }
}

/// Builds the target a choice names. Creating the AWS target loads no HTTP stack:
/// that happens on its first call. `console` is where the local target draws the progress
/// of the executions it drives (pass the shell's output so lines stay in order).
public func makeTarget(_ choice: TargetChoice, workspaceRoot: URL,
                       console: WatchConsole = .standardOutput(), options: TargetOptions = TargetOptions()) throws -> any PipelineTarget {
    switch choice {
    case .local:
        return LocalTarget(workspaceRoot: workspaceRoot, console: console)
    case .aws(let profile, let region, let endpoint):
        return AWSTarget(profile: profile, region: region, endpoint: endpoint, options: options)
    }
}

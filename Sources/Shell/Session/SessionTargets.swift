import Foundation
import Targets

/// The session's target: which one is chosen, and the one made for the choice, kept for the session
/// so what it obtained once (AWS credentials, an MFA-assumed role) serves every later command. Every
/// target the session makes asks through its UI and is traced by its `trace` setting.
final class SessionTargets: @unchecked Sendable {
    /// `target local|aws`, remembered in the workspace's `.sluice/`.
    var choice: TargetChoice
    /// `trace on`: every AWS call of this session is shown on stderr.
    var tracesAWSCalls = false
    /// How targets ask questions: the session's UI (scripts never confirm and read no secrets; the REPL sets its own).
    var ui: any TargetUI
    private let output: Output
    private var made: (choice: TargetChoice, root: URL, target: any PipelineTarget)?
    /// `whoami`'s AWS target while the local target is chosen, kept the same way.
    private var defaultAWS: AWSTarget?

    init(choice: TargetChoice, ui: any TargetUI, output: Output) {
        self.choice = choice
        self.ui = ui
        self.output = output
    }

    /// The chosen target for the workspace at `root`, made on first use and kept while the choice stands.
    func target(workspaceRoot root: URL) throws -> any PipelineTarget {
        if let made, made.choice == choice, made.root == root { return made.target }
        let target = try makeTarget(choice, workspaceRoot: root, console: output.console, options: options)
        made = (choice, root, target)
        return target
    }

    /// The AWS target as chosen, or with the AWS CLI's defaults when the local target is chosen
    /// (`whoami` answers either way).
    func aws(workspaceRoot root: URL?) -> AWSTarget {
        if let made, made.choice == choice, let aws = made.target as? AWSTarget { return aws }
        guard case .aws(let profile, let region, let endpoint) = choice else {
            let target = defaultAWS ?? AWSTarget(profile: nil, region: nil, endpoint: nil, options: options)
            defaultAWS = target
            return target
        }
        let target = AWSTarget(profile: profile, region: region, endpoint: endpoint, options: options)
        if let root { made = (choice, root, target) }
        return target
    }

    /// A script has nobody to ask for a secret (the target says so in its error); at the
    /// prompt the REPL's UI asks. Traces follow the `trace` setting at each call.
    private var options: TargetOptions {
        let ui = self.ui
        var askSecret: (@Sendable (String) async -> String?)?
        if ui.isInteractive { askSecret = { prompt in await ui.readSecret(prompt) } }
        let trace: @Sendable (String) -> Void = { [weak self] line in
            guard let self, self.tracesAWSCalls else { return }
            // To stderr, so traced scripts keep their stdout (and --json) unchanged.
            self.output.diagnostic("trace: " + line, style: .dim)
        }
        return TargetOptions(askSecret: askSecret, trace: trace)
    }
}

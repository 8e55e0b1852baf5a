import Foundation
import Targets

extension Session {
    /// The chosen target for the workspace at `root`, made on first use and kept while the choice stands.
    func target(workspaceRoot root: URL) throws -> any PipelineTarget {
        if let madeTarget, madeTarget.choice == targetChoice, madeTarget.root == root { return madeTarget.target }
        let made = try makeTarget(targetChoice, workspaceRoot: root, console: console, options: targetOptions)
        madeTarget = (targetChoice, root, made)
        return made
    }

    /// The AWS target as chosen, or with the AWS CLI's defaults when the local target is chosen
    /// (`whoami` answers either way).
    func awsTarget() -> AWSTarget {
        if let madeTarget, madeTarget.choice == targetChoice, let aws = madeTarget.target as? AWSTarget { return aws }
        guard case .aws(let profile, let region, let endpoint) = targetChoice else {
            let made = defaultAWSTarget ?? AWSTarget(profile: nil, region: nil, endpoint: nil, options: targetOptions)
            defaultAWSTarget = made
            return made
        }
        let made = AWSTarget(profile: profile, region: region, endpoint: endpoint, options: targetOptions)
        if let root = workspace?.root { madeTarget = (targetChoice, root, made) }
        return made
    }

    /// A script has nobody to ask for a secret (the target says so in its error); at the
    /// prompt the REPL's UI asks. Traces follow the session's `trace` setting at each call.
    private var targetOptions: TargetOptions {
        let ui = targetUI
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

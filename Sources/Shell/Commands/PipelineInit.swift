import CopilotRules
import Foundation
import Text
import Manifest

/// `pipeline init`: Copilot's guided `copilot pipeline init`. At a terminal it asks what the options
/// leave out, in Copilot's order — the repository (from the workspace's git remotes), the branch (the
/// one checked out), the name (REPO-BRANCH), the type (workloads or environments), the environments
/// one stage at a time, and how
/// CodePipeline reaches the provider — then runs the commands that build that pipeline, printing them
/// first, so the result is exactly theirs and the learner sees them.
enum PipelineInit {
    static func run(_ invocation: Invocation, _ session: Session) async throws {
        let workspace = try session.requireWorkspace()
        let ui = session.targetUI
        // A script cannot be asked: it must give what the workspace does not tell.
        let missing = [invocation["URL"] == nil && GitRemote.remotes(of: workspace.root).count != 1 ? "url URL" : nil,
                       invocation["ENVS"] == nil ? "environments A,B" : nil].compactMap { $0 }
        if !ui.isInteractive, !missing.isEmpty {
            throw ShellError.usage("`pipeline init` asks at a terminal; a script gives \(missing.map { "`\($0)`" }.joined(separator: " and "))",
                                   hint: "usage: \(invocation.spec.usage)", at: invocation.end)
        }
        let ask = { (question: String) async throws -> String in
            guard let reply = await ui.ask(question) else { throw CancellationError() }
            return reply.trimmingCharacters(in: .whitespaces)
        }

        // 1. The repository: given, the one remote, or a choice among the remotes.
        let source: SourceSetting
        if let url = invocation["URL"] {
            guard let given = GitRemote.source(fromURL: url) else {
                throw ShellError.usage(RepositoryArgumentProblem.unknownHost(url).problem, at: invocation.location(of: "URL"))
            }
            source = given
        } else {
            let remotes = GitRemote.remotes(of: workspace.root)
            switch remotes.count {
            case 0:
                let typed = try await ask("No git remote of this workspace is on GitHub, Bitbucket or CodeCommit. Repository URL:")
                guard let typedSource = GitRemote.source(fromURL: typed) else { throw RepositoryArgumentProblem.unknownHost(typed) }
                source = typedSource
            case 1:
                source = remotes[0].source
                session.output.message("Only one git remote detected. Your pipeline will follow '\(source.repository)'.")
            default:
                session.output.message("Which repository would you like to use for your pipeline?")
                let choice = try await choose(remotes.map { "\($0.source.repository) (\($0.name))" }, question: "Repository URL", ask: ask,
                                              session: session)
                source = remotes[choice].source
            }
        }

        // 2. The branch: given, else the one checked out (Copilot does not ask either).
        let branch = invocation["BRANCH"] ?? GitRemote.currentBranch(of: workspace.root) ?? "main"
        if invocation["BRANCH"] == nil { session.output.message("Your pipeline will follow branch '\(branch)'.") }

        // 3. The name, REPO-BRANCH unless told.
        let suggestion = PipelineNameRule.defaultName(repository: RepositoryName.lastComponent(source.repository), branch: branch)
        var name = invocation["NAME"] ?? suggestion
        if invocation["NAME"] == nil, ui.isInteractive {
            let typed = try await ask("What would you like to name this pipeline? [\(suggestion)]")
            if !typed.isEmpty { name = typed }
        }

        // 4. What the pipeline deploys: the workspace's services and jobs, or its environments.
        var kind = invocation["TYPE"].flatMap(PipelineKind.init(rawValue:)) ?? .workloads
        if invocation["TYPE"] == nil, ui.isInteractive {
            session.output.message("What type of continuous delivery pipeline is this?")
            let kinds: [PipelineKind] = [.workloads, .environments]
            let choice = try await choose(["Workloads (deploy the services or jobs in your workspace)",
                                           "Environments (deploy the environments in your workspace)"],
                                          question: "Pipeline type", ask: ask, session: session)
            kind = kinds[choice]
        }

        // 5. The environments, one stage at a time, in release order.
        var environments = invocation["ENVS"]?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        if invocation["ENVS"] == nil {
            // The application's environments as the target knows them (Copilot's SSM parameters on aws), then
            // those only this workspace has.
            let application = try await session.targets.target(workspaceRoot: workspace.root).environments(application: workspace.application) ?? []
            var remaining = ReleaseOrder.sorted(application + workspace.environments.filter { !application.contains($0) })
            while !remaining.isEmpty {
                session.output.message("Which environment would you like to add to your pipeline?")
                let done = environments.isEmpty ? nil : "[No additional environments]"
                let choice = try await choose(remaining + [done].compactMap { $0 }, question: "\(ordinal(environments.count + 1)) stage",
                                              ask: ask, session: session)
                if choice == remaining.count { break }
                environments.append(remaining.remove(at: choice))
            }
        }

        // 6. How CodePipeline reaches the provider.
        var access: [String] = []
        if ui.isInteractive, source.provider == .gitHub {
            var how = ""
            // Only the offered answers count: a typo must not choose for the person.
            while true {
                how = try await ask("How should CodePipeline reach GitHub? [c]onnection (CodeStar, Copilot's default) or [t]oken in Secrets Manager (GitHub v1) [c]")
                    .lowercased()
                if ["", "c", "connection", "t", "token"].contains(how) { break }
                session.output.message("answer c (connection) or t (token), or Enter for a connection")
            }
            if how.hasPrefix("t") {
                let fallback = PipelineSource.tokenSecretName(application: workspace.application,
                                                              repository: RepositoryName.lastComponent(source.repository))
                let secret = try await ask("Secrets Manager secret holding the token [\(fallback)]")
                access = ["token-secret", secret.isEmpty ? fallback : secret]
            } else {
                let connection = try await ask("Connection name (Enter: Copilot names it when the pipeline is deployed)")
                if !connection.isEmpty { access = ["connection", connection] }
            }
        } else if ui.isInteractive, source.provider == .bitbucket {
            let connection = try await ask("Connection name (Enter: Copilot names it when the pipeline is deployed)")
            if !connection.isEmpty { access = ["connection", connection] }
        }

        let provider = source.provider == .gitHub ? "github" : source.provider == .bitbucket ? "bitbucket" : "codecommit"
        let lines = [["pipeline", "new", name] + (kind == .workloads ? [] : ["type", kind.rawValue]),
                     ["source", "set", provider, source.repository, "branch", branch] + access]
            + environments.map { ["stage", "add", $0] }
        let script = lines.map { $0.map(ShellEscaping.quoted).joined(separator: " ") }
        session.output.message("pipeline init runs:")
        for line in script { session.output.message("  " + line) }
        let outcome = await session.run(text: script.joined(separator: "\n"), file: "<pipeline init>")
        // Each of those commands was recorded as it ran; `pipeline init` itself, which asks, is not.
        session.recording.scriptEquivalent = []
        switch outcome {
        case .success: break
        case .cancelled: throw CancellationError()
        case .failed(let error): throw NestedScriptFailed(error: error)
        }
    }

    /// Lists `options` numbered from 1 and reads a number (or an option's text); the index chosen.
    /// Enter takes the first, which the question says.
    private static func choose(_ options: [String], question: String, ask: (String) async throws -> String,
                               session: Session) async throws -> Int {
        for (index, option) in options.enumerated() { session.output.message("  \(index + 1). \(option)", hanging: "     ") }
        while true {
            let reply = try await ask("\(question) [1-\(options.count), Enter: 1]:")
            if reply.isEmpty { return 0 }
            if let number = Int(reply), (1...options.count).contains(number) { return number - 1 }
            if let index = options.firstIndex(where: { $0 == reply || $0.hasPrefix(reply + " ") }), !reply.isEmpty { return index }
            session.output.message("Choose a number from 1 to \(options.count).")
        }
    }

    /// 1st, 2nd, 3rd, 4th… as Copilot's "1st stage:".
    private static func ordinal(_ number: Int) -> String {
        let suffix = (11...13).contains(number % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][number % 10] ?? "th"
        return "\(number)\(suffix)"
    }
}

/// Environments in the order a release goes through them, so that the first offered is the first
/// stage: development, then test, then staging, then production, by the words their names hold;
/// the names it cannot tell keep their order, between test and staging. Copilot offers them
/// alphabetically, which puts `prod` first.
enum ReleaseOrder {
    /// Words of a name and how early such an environment comes; checked in this order (`preprod` is staging).
    private static let ranks: [(words: [String], rank: Int)] = [
        (["preprod", "pre-prod", "staging", "stage", "stg", "uat", "beta", "canary"], 3),
        (["prod", "production", "prd", "live"], 4),
        (["dev", "develop", "sandbox", "local"], 0),
        (["test", "qa", "ci", "int", "integration", "e2e"], 1),
    ]

    static func sorted(_ environments: [String]) -> [String] {
        environments.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    private static func rank(_ name: String) -> Int {
        let parts = name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let lowered = name.lowercased()
        for (words, rank) in ranks where words.contains(where: { word in parts.contains(word) || (word.count >= 4 && lowered.hasPrefix(word)) }) {
            return rank
        }
        return 2
    }
}

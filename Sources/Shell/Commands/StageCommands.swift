import Errors
import Manifest
import Targets

/// stage add/rm/move/ls, approval, test add/rm/ls, deploy/pre/post add/rm.
enum StageCommands {
    static func add(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        try await session.requireEnvironment(environment, at: invocation.location(of: "ENV"))
        let position: StagePosition
        switch (invocation.keyword(of: "OTHER"), invocation["OTHER"]) {
        case ("before"?, let other?): position = .before(other)
        case ("after"?, let other?): position = .after(other)
        default: position = .end
        }
        // A stage of an Environments pipeline deploys its environment's stack, as `copilot pipeline init` writes it.
        let deployment = session.pipeline.map(session.kind(of:)) == .environments
            ? PipelineScaffold.environmentDeployment(application: try session.requireWorkspace().application, environment: environment) : nil
        try session.edit("added stage \(environment)" + (deployment.map { " (deploys environment stack \($0.stackName ?? ""))" } ?? ""),
                         unchanged: "stage \(environment) exists", creating: invocation["OTHER"] == nil) {
            // Without a position, a stage anywhere is what was asked for (setup scripts converge).
            var changed = false
            if case .end = position, $0.stageIndex(named: environment) != nil {} else {
                changed = try $0.addStage(environment, at: position)
            }
            if let deployment { changed = try $0.addDeployment(deployment, stage: environment) || changed }
            return changed
        }
    }

    static func remove(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        try session.edit("removed stage \(environment)", unchanged: "no stage \(environment)", creating: false) {
            try $0.removeStage(environment)
        }
    }

    static func move(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        let other = invocation.required("OTHER")
        let position: StagePosition = invocation.required("WHERE") == "before" ? .before(other) : .after(other)
        try session.edit("moved stage \(environment) \(invocation.required("WHERE")) \(other)",
                         unchanged: "stage \(environment) is already \(invocation.required("WHERE")) \(other)", creating: false) {
            try $0.moveStage(environment, to: position)
        }
    }

    static func list(_ invocation: Invocation, _ session: Session) async throws {
        let stages = try session.requirePipeline().manifest.stages
        if session.printsJSON(invocation) {
            session.output.line(try JSONText.encode(stages))
            return
        }
        guard !stages.isEmpty else {
            session.output.message("no stages (`stage add ENV` adds one)")
            return
        }
        describe(stages, to: session.output)
    }

    static func approval(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        let on = invocation.required("SETTING") == "on"
        try session.edit("approval \(on ? "on" : "off") for \(environment)",
                         unchanged: "approval is already \(on ? "on" : "off") for \(environment)", creating: false) {
            try $0.setApproval(on, stage: environment)
        }
    }

    static func addTest(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        let command = invocation.required("COMMAND")
        try session.edit("added test to \(environment): \(command)", unchanged: "\(environment) already runs \(command)", creating: false) {
            try $0.addTestCommand(command, stage: environment)
        }
    }

    static func removeTest(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        let index = Int(invocation.required("N"))!
        let stage = try session.requirePipeline().manifest.requiredStage(environment)
        guard index <= stage.testCommands.count else {
            throw ShellError.failure("\(environment) has \(stage.testCommands.count) test command(s), no number \(index)",
                                     hint: "`test ls \(environment)` numbers them", at: invocation.location(of: "N"))
        }
        try session.edit("removed test \(index) of \(environment): \(stage.testCommands[index - 1])",
                         unchanged: "\(environment) has no test \(index)") {
            try $0.removeTestCommand(at: index, stage: environment)
        }
    }

    static func listTests(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        let stage = try session.requirePipeline().manifest.requiredStage(environment)
        if session.printsJSON(invocation) {
            session.output.line(try JSONText.encode(stage.testCommands))
            return
        }
        guard !stage.testCommands.isEmpty else {
            session.output.message("no test commands in \(environment) (`test add \(environment) \"CMD\"` adds one)")
            return
        }
        for (number, command) in stage.testCommands.enumerated() {
            session.output.message("\(number + 1). \(command)")
        }
    }

    static func addDeployment(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        let deployment = Deployment(name: invocation.required("NAME"), stackName: invocation["STACK"],
                                    templatePath: invocation["TEMPLATE"], templateConfig: invocation["CONFIG"],
                                    dependsOn: dependencies(invocation))
        try session.edit("set deployment \(deployment.name) in \(environment)",
                         unchanged: "deployment \(deployment.name) in \(environment) is already so", creating: false) {
            try $0.addDeployment(deployment, stage: environment)
        }
    }

    static func removeDeployment(_ invocation: Invocation, _ session: Session) async throws {
        let environment = invocation.required("ENV")
        let name = invocation.required("NAME")
        try session.edit("removed deployment \(name) from \(environment)", unchanged: "no deployment \(name) in \(environment)",
                         creating: false) {
            let stage = try $0.manifest.requiredStage(environment)
            try requireAction(name, "deployment", among: stage.deployments.map(\.name), of: environment, invocation)
            return try $0.removeDeployment(named: name, stage: environment)
        }
    }

    /// Removing what is not there is a mistake worth stopping for, as `stage rm` says of a stage.
    private static func requireAction(_ name: String, _ kind: String, among names: [String], of environment: String,
                                      _ invocation: Invocation) throws {
        guard !names.contains(name) else { return }
        throw ShellError.failure("no \(kind) \(name) in stage \(environment)",
                                 hint: Suggestions.hint(for: name, among: names)
                                     ?? (names.isEmpty ? "`stage ls` shows what each stage has (\(environment) has no \(kind)s)"
                                         : "\(kind)s of \(environment): \(names.joined(separator: ", "))"),
                                 at: invocation.location(of: "NAME"))
    }

    static func addPreDeployment(_ invocation: Invocation, _ session: Session) async throws {
        try addAction(.pre, invocation, session)
    }

    static func addPostDeployment(_ invocation: Invocation, _ session: Session) async throws {
        try addAction(.post, invocation, session)
    }

    static func removePreDeployment(_ invocation: Invocation, _ session: Session) async throws {
        try removeAction(.pre, invocation, session)
    }

    static func removePostDeployment(_ invocation: Invocation, _ session: Session) async throws {
        try removeAction(.post, invocation, session)
    }

    private static func addAction(_ timing: ActionTiming, _ invocation: Invocation, _ session: Session) throws {
        let environment = invocation.required("ENV")
        let action = DeploymentAction(name: invocation.required("NAME"), buildspec: invocation.required("PATH"),
                                      dependsOn: dependencies(invocation))
        let kind = timing == .pre ? "pre-deployment" : "post-deployment"
        try session.edit("set \(kind) \(action.name) in \(environment)", unchanged: "\(kind) \(action.name) in \(environment) is already so",
                         creating: false) {
            try $0.addAction(action, timing, stage: environment)
        }
    }

    private static func removeAction(_ timing: ActionTiming, _ invocation: Invocation, _ session: Session) throws {
        let environment = invocation.required("ENV")
        let name = invocation.required("NAME")
        let kind = timing == .pre ? "pre-deployment" : "post-deployment"
        try session.edit("removed \(kind) \(name) from \(environment)", unchanged: "no \(kind) \(name) in \(environment)",
                         creating: false) {
            try requireAction(name, "\(kind) action", among: try $0.manifest.requiredStage(environment).actions(timing).map(\.name),
                              of: environment, invocation)
            return try $0.removeAction(named: name, timing, stage: environment)
        }
    }

    /// `depends-on a,b` (commas and/or spaces).
    private static func dependencies(_ invocation: Invocation) -> [String] {
        (invocation["NAMES"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    /// The stage lines of `stage ls` and `pipeline show`.
    static func describe(_ stages: [Stage], to output: Output) {
        for (number, stage) in stages.enumerated() {
            output.message("  \(number + 1). \(stage.name)\(stage.requiresApproval ? "  (requires approval)" : "")")
            for action in stage.preDeployments {
                output.message("       pre  \(action.name): \(action.buildspec ?? "?")\(after(action.dependsOn))")
            }
            for deployment in stage.deployments {
                var details: [String] = []
                if let stack = deployment.stackName { details.append("stack \(stack)") }
                if let template = deployment.templatePath { details.append("template \(template)") }
                if let config = deployment.templateConfig { details.append("config \(config)") }
                output.message("       deploy \(deployment.name)\(details.isEmpty ? "" : ": " + details.joined(separator: ", "))\(after(deployment.dependsOn))")
            }
            for action in stage.postDeployments {
                output.message("       post \(action.name): \(action.buildspec ?? "?")\(after(action.dependsOn))")
            }
            for (index, command) in stage.testCommands.enumerated() {
                output.message("       test \(index + 1): \(command)")
            }
        }
    }

    private static func after(_ names: [String]) -> String {
        names.isEmpty ? "" : " (after \(names.joined(separator: ", ")))"
    }
}

extension Session {
    /// Stages deploy to environments: a name the workspace lacks is a mistake worth stopping for.
    func requireEnvironment(_ name: String, at location: ScriptLocation) async throws {
        let workspace = try requireWorkspace()
        guard !workspace.hasEnvironment(name) else { return }
        // On AWS an environment of the application (its SSM parameter) counts though this workspace has no folder for it.
        // Asked through the session's target: its credentials, its MFA prompt, its `trace`.
        let target = try targets.target(workspaceRoot: workspace.root)
        let deployed = try await target.environments(application: workspace.application) ?? []
        guard !deployed.contains(name) else { return }
        let known = Array(Set(workspace.environments + deployed)).sorted()
        throw ShellError.failure("no environment \(name) in this workspace",
                                 hint: Suggestions.hint(for: name, among: known)
                                     ?? (known.isEmpty ? "create one with `copilot env init --name \(name)`"
                                         : "environments are: \(known.joined(separator: ", "))"),
                                 at: location)
    }
}

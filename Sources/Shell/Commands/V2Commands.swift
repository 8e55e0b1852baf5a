import CopilotRules
import Errors
import Manifest
import Targets

/// CodePipeline V2's settings: trigger add/ls/rm, mode, var add/rm/ls, stage on-failure, stage gate.
/// They are kept as YAML patches in the pipeline's overrides (PipelineV2Editing).
enum V2Commands {
    // MARK: Triggers

    static func addPushTrigger(_ invocation: Invocation, _ session: Session) async throws {
        let filter = PipelineV2.PushFilter(branches: patterns(invocation, "BRANCHES", "EXCLUDED-BRANCHES"),
                                           tags: patterns(invocation, "TAGS", "EXCLUDED-TAGS"),
                                           filePaths: patterns(invocation, "PATHS", "EXCLUDED-PATHS"))
        try addFilter(session, described: "push \(describe(.push(filter)))") { $0.push.append(filter) }
    }

    static func addPullRequestTrigger(_ invocation: Invocation, _ session: Session) async throws {
        var events = PipelineV2.PullRequestFilter.eventTypes
        if let given = invocation["EVENTS"] {
            events = try list(given).map { word in
                let event = word.uppercased() == "UPDATE" ? "UPDATED" : word.uppercased()
                guard PipelineV2.PullRequestFilter.eventTypes.contains(event) else {
                    throw ShellError.usage("no pull-request event \(word)", hint: "events are open, updated and closed (`events open,updated`)",
                                           at: invocation.location(of: "EVENTS"))
                }
                return event
            }
        }
        let filter = PipelineV2.PullRequestFilter(events: events, branches: patterns(invocation, "BRANCHES", "EXCLUDED-BRANCHES"),
                                                  filePaths: patterns(invocation, "PATHS", "EXCLUDED-PATHS"))
        try addFilter(session, described: "pull request \(describe(.pullRequest(filter)))") { $0.pullRequest.append(filter) }
    }

    /// Adds a filter to the trigger of the pipeline's source action (CodePipeline takes one per source action).
    private static func addFilter(_ session: Session, described: String, _ add: @escaping (inout PipelineV2.Trigger) -> Void) throws {
        let application = try session.requireWorkspace().application
        try session.editV2("added trigger: \(described)", unchanged: "the trigger is there") { settings in
            let action = StageName.sourceAction(application: application)
            if let index = settings.triggers.firstIndex(where: { $0.sourceActionName == action }) {
                add(&settings.triggers[index])
            } else {
                var trigger = PipelineV2.Trigger(sourceActionName: action)
                add(&trigger)
                settings.triggers.append(trigger)
            }
        }
    }

    static func listTriggers(_ invocation: Invocation, _ session: Session) async throws {
        let filters = try session.editableV2().settings.filters
        guard !filters.isEmpty else {
            session.output.message("no triggers: every change to the tracked branch starts the pipeline (`trigger add push …` filters them)")
            return
        }
        for (index, filter) in filters.enumerated() {
            switch filter {
            case .push: session.output.line("\(index + 1). push \(describe(filter))")
            case .pullRequest: session.output.line("\(index + 1). pull request \(describe(filter))")
            }
        }
    }

    static func removeTrigger(_ invocation: Invocation, _ session: Session) async throws {
        let text = invocation.required("N")
        guard let number = Int(text), number >= 1 else {
            throw ShellError.usage("\(text) is not a trigger number", hint: "`trigger ls` numbers them from 1", at: invocation.location(of: "N"))
        }
        let count = try session.editableV2().settings.filters.count
        guard number <= count else {
            throw ShellError.failure("there is no trigger \(number) (the pipeline has \(count))", hint: "`trigger ls` numbers them",
                                     at: invocation.location(of: "N"))
        }
        try session.editV2("removed trigger \(number)", unchanged: "no trigger \(number)") { settings in
            // Numbered as `filters` lists them: each trigger's push filters, then its pull-request filters.
            var remaining = number - 1
            for index in settings.triggers.indices {
                if remaining < settings.triggers[index].push.count {
                    settings.triggers[index].push.remove(at: remaining)
                    break
                }
                remaining -= settings.triggers[index].push.count
                if remaining < settings.triggers[index].pullRequest.count {
                    settings.triggers[index].pullRequest.remove(at: remaining)
                    break
                }
                remaining -= settings.triggers[index].pullRequest.count
            }
            settings.triggers.removeAll { $0.push.isEmpty && $0.pullRequest.isEmpty }
        }
    }

    /// `branches main, paths services/api/** (not docs/**)`.
    static func describe(_ filter: PipelineV2.TriggerFilter) -> String {
        func part(_ name: String, _ patterns: PipelineV2.Patterns?) -> String? {
            guard let patterns else { return nil }
            var text = "\(name) " + (patterns.includes.isEmpty ? "any" : patterns.includes.joined(separator: ","))
            if !patterns.excludes.isEmpty { text += " (not \(patterns.excludes.joined(separator: ",")))" }
            return text
        }
        switch filter {
        case .push(let push):
            return [part("branches", push.branches), part("tags", push.tags), part("paths", push.filePaths)].compactMap { $0 }.joined(separator: ", ")
        case .pullRequest(let request):
            return (["events " + request.events.map { $0.lowercased() }.joined(separator: ",")]
                + [part("branches", request.branches), part("paths", request.filePaths)].compactMap { $0 }).joined(separator: ", ")
        }
    }

    private static func patterns(_ invocation: Invocation, _ includes: String, _ excludes: String) -> PipelineV2.Patterns? {
        let patterns = PipelineV2.Patterns(includes: invocation[includes].map(list) ?? [], excludes: invocation[excludes].map(list) ?? [])
        return patterns.isEmpty ? nil : patterns
    }

    /// `a,b, c` as its items.
    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    // MARK: Execution mode

    static func mode(_ invocation: Invocation, _ session: Session) async throws {
        let word = invocation.required("MODE")
        guard let mode = PipelineV2.ExecutionMode.allCases.first(where: { $0.word == word }) else { return }
        try session.editV2("execution mode \(word)", unchanged: "the execution mode is \(word)") { $0.executionMode = mode }
    }

    // MARK: Variables

    static func addVariable(_ invocation: Invocation, _ session: Session) async throws {
        let variable = PipelineV2.Variable(name: invocation.required("NAME"), defaultValue: invocation["VALUE"], description: invocation["TEXT"])
        try session.editV2("added variable \(variable.name)", unchanged: "variable \(variable.name) is so") { settings in
            if let index = settings.variables.firstIndex(where: { $0.name == variable.name }) {
                settings.variables[index] = variable
            } else {
                settings.variables.append(variable)
            }
        }
    }

    static func removeVariable(_ invocation: Invocation, _ session: Session) async throws {
        let name = invocation.required("NAME")
        guard try session.editableV2().settings.variables.contains(where: { $0.name == name }) else {
            throw ShellError.failure("the pipeline declares no variable \(name)", hint: "`var ls` lists them", at: invocation.location(of: "NAME"))
        }
        try session.editV2("removed variable \(name)", unchanged: "no variable \(name)") { $0.variables.removeAll { $0.name == name } }
    }

    static func listVariables(_ invocation: Invocation, _ session: Session) async throws {
        let variables = try session.editableV2().settings.variables
        if session.printsJSON(invocation) {
            session.output.line(try JSONText.encode(variables))
            return
        }
        guard !variables.isEmpty else {
            session.output.message("no variables (`var add NAME default VALUE` declares one)")
            return
        }
        for variable in variables {
            session.output.line(describe(variable))
        }
    }

    /// `REGION = eu-west-1 — where to deploy`.
    static func describe(_ variable: PipelineV2.Variable) -> String {
        variable.name + (variable.defaultValue.map { " = \($0)" } ?? " (no default: each release gives it)")
            + (variable.description.map { " — \($0)" } ?? "")
    }

    /// `release var NAME=VALUE …`'s values, as given.
    static func releaseVariables(_ invocation: Invocation) throws -> [PipelineV2.VariableValue] {
        try invocation.rest.map { word in
            guard let equals = word.text.firstIndex(of: "="), equals != word.text.startIndex else {
                throw ShellError.usage("\(word.text) is not NAME=VALUE", hint: "`release var REGION=eu-west-1 TAG=v2`", at: word.location)
            }
            return PipelineV2.VariableValue(name: String(word.text[..<equals]), value: String(word.text[word.text.index(after: equals)...]))
        }
    }

    // MARK: Stages

    /// STAGE as written and as CodePipeline names it.
    private static func stage(_ invocation: Invocation, _ session: Session) throws -> (name: String, stage: String) {
        let name = invocation.required("STAGE")
        return (name, try session.pipelineStageName(name, in: try session.editableV2()))
    }

    static func onFailure(_ invocation: Invocation, _ session: Session) async throws {
        let (name, stage) = try stage(invocation, session)
        let result: PipelineV2.OnFailure?
        switch invocation.required("RESULT") {
        case "rollback": result = .rollback
        case "retry":
            result = .retry(invocation["MODE"].flatMap { mode in PipelineV2.OnFailure.RetryMode.allCases.first { $0.word == mode } } ?? .failedActions)
        default: result = nil
        }
        let words = result?.words ?? "fail"
        try session.editV2("stage \(name) on failure: \(words)", unchanged: "stage \(name) on failure is \(words)") { settings in
            settings.updateStage(stage) { $0.onFailure = result }
        }
    }

    static func gate(_ invocation: Invocation, _ session: Session) async throws {
        let (name, stage) = try stage(invocation, session)
        let rule: PipelineV2.GateRule?
        switch invocation.required("KIND") {
        case "window":
            guard let cron = invocation["CRON"] else {
                throw ShellError.usage("a deployment window needs its cron", hint: "`stage gate prod window \"* * 9-17 ? * MON-FRI\" timezone Europe/Paris`")
            }
            rule = .deploymentWindow(name: "DeploymentWindow", cron: cron, timeZone: invocation["ZONE"])
        case "alarm":
            guard let alarm = invocation["CRON"] else {
                throw ShellError.usage("an alarm gate needs the CloudWatch alarm's name", hint: "`stage gate prod alarm api-5xx`")
            }
            rule = .alarm(name: "CloudWatchAlarm", alarmName: alarm, waitMinutes: nil)
        default:
            rule = nil
        }
        let said = rule.map(describe) ?? "no gate"
        try session.editV2("stage \(name) gate: \(said)", unchanged: "stage \(name) has \(said)") { settings in
            settings.updateStage(stage) { settings in
                if let rule {
                    // One rule of each provider: a new window replaces the old one.
                    settings.beforeEntry.removeAll { $0.provider == rule.provider }
                    settings.beforeEntry.append(rule)
                } else {
                    settings.beforeEntry = []
                }
            }
        }
    }

    /// `deployment window * * 9-17 ? * MON-FRI (Europe/Paris)`.
    static func describe(_ rule: PipelineV2.GateRule) -> String {
        switch rule {
        case .deploymentWindow(_, let cron, let zone): return "deployment window \(cron) (\(zone ?? "UTC"))"
        case .alarm(_, let alarm, _): return "while alarm \(alarm) is not in ALARM"
        case .other(let name, let provider): return "rule \(name) (\(provider))"
        }
    }
}

extension PipelineV2 {
    /// Changes the settings of `stage` (added when it has none, dropped when left with none).
    mutating func updateStage(_ stage: String, _ change: (inout StageSettings) -> Void) {
        let index = stages.firstIndex { $0.stage == stage }
        var settings = index.map { stages[$0] } ?? StageSettings(stage: stage)
        change(&settings)
        let kept = settings.onFailure != nil || !settings.beforeEntry.isEmpty
        switch (index, kept) {
        case (let index?, true): stages[index] = settings
        case (let index?, false): stages.remove(at: index)
        case (nil, true): stages.append(settings)
        case (nil, false): break
        }
    }
}

extension V2Commands {
    /// The pipeline's V2 settings in words, a line each (none for a V1 pipeline): what `show`, `explain`
    /// and `show graph` print under the manifest.
    static func settingsLines(_ settings: PipelineV2) -> [String] {
        var lines: [String] = []
        if settings.executionMode != .superseded { lines.append("execution mode: \(settings.executionMode.word)") }
        for (index, filter) in settings.filters.enumerated() {
            switch filter {
            case .push: lines.append("trigger \(index + 1): push \(describe(filter))")
            case .pullRequest: lines.append("trigger \(index + 1): pull request \(describe(filter))")
            }
        }
        lines += settings.variables.map { "variable " + describe($0) }
        for stage in settings.stages {
            let name = StageName.environment(of: stage.stage) ?? stage.stage
            if let onFailure = stage.onFailure { lines.append("stage \(name) on failure: \(onFailure.words)") }
            lines += stage.beforeEntry.map { "stage \(name) enters only \($0.isWindow ? "inside the " : "")\(describe($0))" }
        }
        return lines
    }

    /// What the pipeline type means for the bill, for `explain`.
    static func billing(isV2: Bool) -> String {
        (isV2 ? "The pipeline is CodePipeline V2: billed per action-execution minute (USD 0.002 at the time of writing), with 100 free minutes a month, "
            + "instead of V1's flat monthly fee per active pipeline (USD 1). A pipeline that runs rarely and briefly costs less; one running long builds every hour may cost more."
            : "The pipeline is CodePipeline V1, as Copilot makes it: a flat monthly fee per active pipeline (USD 1 at the time of writing). "
            + "`trigger add`, `mode`, `var add` and `stage on-failure`/`gate` make it V2, billed per action-execution minute (USD 0.002, 100 free minutes a month) instead.")
            + " See aws.amazon.com/codepipeline/pricing."
    }

    /// The settings section `show`, `explain` and `show graph` print: the file they live in, then each setting.
    static func printSettings(_ session: Session, explainingBilling: Bool) throws {
        guard let overrides = try session.v2Overrides() else {
            if explainingBilling { session.output.message(billing(isV2: false)) }
            return
        }
        let lines = settingsLines(overrides.settings)
        let isV2 = overrides.pipelineType == "V2"
        if !lines.isEmpty || isV2 {
            session.output.message("CodePipeline \(isV2 ? "V2" : "V1") settings (\(overrides.file)):", hanging: "  ")
            for line in lines { session.output.message("  " + line, hanging: "    ") }
        }
        if explainingBilling { session.output.message(billing(isV2: isV2)) }
    }
}

private extension PipelineV2.GateRule {
    var isWindow: Bool { if case .deploymentWindow = self { return true } else { return false } }
}

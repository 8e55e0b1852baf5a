import AWS
import CopilotRules
import Foundation

// `logs` on the AWS target: a CodeBuild action's output comes from CloudWatch Logs — the
// build id is the action's externalExecutionId, BatchGetBuilds gives the build's log group
// and stream, GetLogEvents the lines. Other actions have no log; what CodePipeline knows of
// them (status, summary, error, link) stands in for it.

/// Where one build writes its output.
struct BuildLog: Sendable {
    let group: String
    let stream: String
    let complete: Bool
}

extension AWSTarget {
    public func logs(_ pipeline: PipelineContext, stage: String, action: String?) async throws -> String {
        let aws = try aws()
        let (stageName, actions) = try await actionStates(pipeline, stage: stage, action: action, aws)
        var text = ""
        for entry in actions {
            let name = entry.actionName ?? "?"
            if actions.count > 1 {
                text += ActionLogText.header(stage: stageName, action: name, state: Self.runState(action: name, entry.latestExecution))
            }
            if let buildID = entry.latestExecution?.externalExecutionId, let log = try await buildLog(buildID, aws) {
                // GetLogEvents answers a forward token even at the end: an empty page is the end.
                text += try await Pages.collect({ try await logPage(log, after: $0, aws) }, items: \.lines,
                                                next: { $0.lines.isEmpty ? nil : $0.next }).joined()
            } else {
                text += Self.describe(entry)
            }
        }
        return text
    }

    /// Tails the build of one action (the one named, else the stage's running or latest build)
    /// as CodeBuild writes it, from its first line until the build is complete and every line
    /// is out; waits for the action to start when it has not yet. Ctrl-C stops it.
    public func followLogs(_ pipeline: PipelineContext, stage: String, action: String?,
                           emit: @escaping @Sendable (String) -> Void) async throws {
        let aws = try aws()
        let log = try await startedBuild(pipeline, stage: stage, action: action, aws, emit: emit)
        var token: String?
        var complete = false
        while true {
            let page = try await logPage(log, after: token, aws)
            if !page.lines.isEmpty { emit(page.lines.joined()) }
            token = page.next ?? token
            // One more read after the build is complete collects the lines written as it ended.
            if complete, page.lines.isEmpty { return }
            if !complete { complete = try await buildIsComplete(log, aws) }
            if page.lines.isEmpty, !complete { try await Task.sleep(for: .seconds(1)) }
        }
    }

    /// The log of the build to follow: the named action's, else the stage's running or latest
    /// build; until the action has one, says once that it waits and asks again every 2 s.
    private func startedBuild(_ pipeline: PipelineContext, stage: String, action: String?, _ aws: AWSClients,
                              emit: @Sendable (String) -> Void) async throws -> BuildLog {
        var announced = false
        while true {
            let (stageName, actions) = try await actionStates(pipeline, stage: stage, action: action, aws)
            let builds = actions.filter { $0.latestExecution?.externalExecutionId != nil }
            let chosen = builds.first { $0.latestExecution?.status == .inProgress } ?? builds.last
            if let buildID = chosen?.latestExecution?.externalExecutionId, let log = try await buildLog(buildID, aws) { return log }
            if !announced {
                emit("(waiting for \(stageName)/\(action ?? "its build") to start)\n")
                announced = true
            }
            try await Task.sleep(for: .seconds(2))
        }
    }

    /// The last lines of a failed build's log, for `watch` to show under the failure; fetched
    /// once per build, nil when the action ran no build or its log cannot be read.
    func failureTail(ofBuild buildID: String, _ aws: AWSClients) async -> [String]? {
        if let known = failureTail(buildID) { return known }
        guard let log = try? await buildLog(buildID, aws),
              let page = try? await aws.logs.getLogEvents(.init(logGroupName: log.group, logStreamName: log.stream,
                                                                limit: ActionLogText.failureTailLines, startFromHead: false)) else { return nil }
        let lines = (page.events ?? []).compactMap(\.message).map { $0.trimmingCharacters(in: .newlines) }
        remember(failureTail: lines, of: buildID)
        return lines
    }

    // MARK: Lookups

    /// The stage's actions as CodePipeline holds them (one when `action` names it), with the stage's full name.
    private func actionStates(_ pipeline: PipelineContext, stage: String, action: String?,
                              _ aws: AWSClients) async throws -> (String, [CodePipeline.ActionState]) {
        let name = try await pipelineName(pipeline, aws)
        let state = try await aws.codePipeline.getPipelineState(.init(name: name))
        let stages = state.stageStates ?? []
        guard let found = stages.first(where: { $0.stageName?.caseInsensitiveCompare(stage) == .orderedSame })
                ?? stages.first(where: { $0.stageName?.caseInsensitiveCompare(StageName.deploy(stage)) == .orderedSame }),
              let stageName = found.stageName else {
            throw AWSTargetError("pipeline \(name) has no stage \(stage)", hint: "stages: \(stages.compactMap(\.stageName).joined(separator: ", "))")
        }
        let all = found.actionStates ?? []
        guard let action else { return (stageName, all) }
        let chosen = all.filter { $0.actionName?.caseInsensitiveCompare(action) == .orderedSame }
        guard !chosen.isEmpty else {
            throw AWSTargetError("stage \(stageName) has no action \(action)", hint: "actions: \(all.compactMap(\.actionName).joined(separator: ", "))")
        }
        return (stageName, chosen)
    }

    /// The build's log location; nil when the id is no CodeBuild build's or it logs nowhere.
    private func buildLog(_ buildID: String, _ aws: AWSClients) async throws -> BuildLog? {
        guard buildID.contains(":") else { return nil }  // CodeBuild ids are PROJECT:UUID
        let found = try await aws.codeBuild.batchGetBuilds(.init(ids: [buildID]))
        guard let build = found.builds?.first, let group = build.logs?.groupName, let stream = build.logs?.streamName else { return nil }
        return BuildLog(group: group, stream: stream, complete: build.buildComplete ?? (build.buildStatus != .inProgress))
    }

    private func buildIsComplete(_ log: BuildLog, _ aws: AWSClients) async throws -> Bool {
        let id = log.group.replacingOccurrences(of: "/aws/codebuild/", with: "") + ":" + log.stream
        return try await buildLog(id, aws)?.complete ?? true
    }

    /// The lines after `token` (from the first without one), each ending in a newline, and the token to go on from.
    private func logPage(_ log: BuildLog, after token: String?, _ aws: AWSClients) async throws -> (lines: [String], next: String?) {
        let page = try await aws.logs.getLogEvents(.init(logGroupName: log.group, logStreamName: log.stream,
                                                         nextToken: token, startFromHead: true))
        let lines = (page.events ?? []).compactMap(\.message).map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }
        return (lines, page.nextForwardToken)
    }

    /// What CodePipeline knows of an action that has no build log.
    private static func describe(_ entry: CodePipeline.ActionState) -> String {
        guard let latest = entry.latestExecution else { return "(no log: \(entry.actionName ?? "?") has not run)\n" }
        var line = "(no build log) " + (latest.status?.description ?? "unknown")
        if let changed = latest.lastStatusChange { line += " at " + ISO8601DateFormatter().string(from: changed) }
        if let summary = latest.summary, !summary.isEmpty { line += " — " + summary }
        if let error = latest.errorDetails?.message { line += "\n  error: " + error }
        if let url = latest.externalExecutionUrl { line += "\n  details: " + url }
        return line + "\n"
    }
}

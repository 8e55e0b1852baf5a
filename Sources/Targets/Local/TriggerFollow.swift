import CopilotRules
import Foundation

/// `trigger follow`: watches the workspace's git repository and, for each push CodePipeline's triggers
/// would start the pipeline on (a branch moved, a tag made), starts a run of the pushed pipeline for that
/// commit, driving it here as `release` does. It ends after its time is up, or at Ctrl-C.
extension LocalTarget {
    /// CodePipeline's trigger type of a run a V2 trigger started.
    static let webhookTrigger = "WebhookV2"

    /// Follows for `duration`, looking every `interval`, saying on the runs' console what each push does; the
    /// number of runs started.
    public func follow(_ pipeline: PipelineContext, for duration: Duration, interval: Duration = .milliseconds(250)) async throws -> Int {
        let console = engine.console
        let definition = try pushedDefinition(pipeline)
        let pushes = GitPushes(workspaceRoot: pipeline.workspaceRoot)
        var tips = try await pushes.tips(sourceBranch: definition.source.branch)
        console.message("Following the branches and tags of \(pipeline.workspaceRoot.path) for \(duration) (Ctrl-C ends): "
               + "a push the triggers of \(definition.name) match starts a run")
        let clock = ContinuousClock()
        let end = clock.now + duration
        var started = 0
        while clock.now < end {
            try await Task.sleep(for: interval)
            let now = try await pushes.tips(sourceBranch: definition.source.branch)
            for (ref, commit) in now.sorted(by: { $0.key.words < $1.key.words }) where tips[ref] != commit {
                // A moved branch pushed what changed since its old tip; a new branch or tag, its commit's changes.
                let changed: [String]
                if let old = tips[ref] {
                    changed = try await pushes.changedFiles(from: old, to: commit)
                } else {
                    changed = try await pushes.commit(commit).changedFiles
                }
                let decision = try TriggerDecision.decide(TriggerPush(ref: ref, changedFiles: changed), settings: definition.v2,
                                                          sourceBranch: definition.source.branch)
                let short = String(commit.prefix(7))
                guard decision.starts else {
                    console.message("\(short) on \(ref.words): no run (\(decision.reason))")
                    continue
                }
                console.message("\(short) on \(ref.words): starts a run (\(decision.reason))")
                try await BuildPreflight.check(definition, workspaceRoot: pipeline.workspaceRoot)
                _ = try await engine.start(definition, trigger: Self.webhookTrigger) { record in
                    record.pushedCommit = .init(commit: commit, ref: ref.words)
                    record.snapshot.trigger = ExecutionTrigger(type: Self.webhookTrigger, detail: "\(ref.words) at \(short)")
                }
                started += 1
            }
            tips = now
        }
        console.message("Stopped following after \(duration): \(started) run\(started == 1 ? "" : "s") started")
        return started
    }
}

extension GitPushes {
    /// The commit each branch and tag points at now.
    func tips(sourceBranch: String) async throws -> [TriggerPush.Ref: String] {
        try await GitSource(workspaceRoot: workspaceRoot).requireRepository(branch: sourceBranch)
        let listed = try await GitSource(workspaceRoot: workspaceRoot)
            .git(["for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "refs/heads", "refs/tags"])
        var tips: [TriggerPush.Ref: String] = [:]
        for line in listed.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 2 else { continue }
            // An annotated tag's commit is the object it points at.
            let commit = fields.count == 3 ? fields[2] : fields[1]
            if fields[0].hasPrefix("refs/heads/") {
                tips[.branch(String(fields[0].dropFirst("refs/heads/".count)))] = commit
            } else if fields[0].hasPrefix("refs/tags/") {
                tips[.tag(String(fields[0].dropFirst("refs/tags/".count)))] = commit
            }
        }
        return tips
    }
}

import Errors
import Foundation
import Targets

/// `trigger check` and `trigger follow`: what the pipeline's triggers do with the workspace's commits.
enum TriggerRunCommands {
    static func check(_ invocation: Invocation, _ session: Session) async throws {
        let context = try session.pipelineContext()
        let plan = try context.plan(try session.validatePipeline(printing: false).validated())
        let checks: [TriggerCheck]
        do {
            checks = try await TriggerCheck.check(workspaceRoot: context.workspaceRoot, plan: plan, revisions: invocation["REVISIONS"])
        } catch let error as LocalTargetError where invocation["REVISIONS"] != nil {
            // A revision git cannot read is the argument's fault.
            throw ShellError.failure(error, at: invocation.location(of: "REVISIONS"))
        }
        if checks.isEmpty {
            session.output.message("no commit in \(invocation["REVISIONS"] ?? "the branches and tags")")
        }
        for check in checks {
            session.output.message("\(check.commit.prefix(7)) \(check.starts ? "yes" : "no ")  \(check.subject)",
                                   hanging: "            ")
            session.output.message("            \(check.reason)", hanging: "            ")
        }
        if plan.v2?.filters.contains(where: { if case .pullRequest = $0 { return true }; return false }) == true {
            session.output.message("(pull-request filters are not checked: a local repository has no pull requests)")
        }
    }

    static func follow(_ invocation: Invocation, _ session: Session) async throws {
        let (target, context) = try TargetCommands.resolve("trigger follow", session)
        guard let local = target as? LocalTarget else {
            throw ShellError.failure("`trigger follow` runs on the local target: on AWS, CodePipeline itself starts a run for each push its triggers match",
                                     hint: "`target local` first, or push to the repository and `watch`")
        }
        var duration = Duration.seconds(600)
        if let text = invocation["DURATION"] {
            guard let given = Presentation.duration(text) else {
                throw ShellError.usage("'\(text)' is not a duration", hint: "write 30s, 10m or 1.5 (seconds)",
                                       at: invocation.location(of: "DURATION"))
            }
            duration = given
        }
        session.output.flush()
        _ = try await local.follow(context, for: duration)
    }
}

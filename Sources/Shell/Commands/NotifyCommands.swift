import Foundation
import Targets

/// `notify add|ls|rm`: who is told when the pipeline waits for an approval, fails or succeeds. The
/// local engine delivers webhooks and commands; CodeStar Notifications (on AWS) cannot carry those.
enum NotifyCommands {
    static func add(_ invocation: Invocation, _ session: Session) async throws {
        let pipeline = try session.pipelineContext()
        let event = invocation["EVENTS"].flatMap(NotificationEvent.init(rawValue:)) ?? .failures
        let value = invocation.required("DESTINATION")
        if invocation["KIND"] == "sns" {
            try addRule(event, topic: value, invocation, session)
            return
        }
        let destination: NotificationDestination = invocation["KIND"] == "command" ? .command(value) : .webhook(value)
        if session.targetKind != "local" {
            throw ShellError.failure(NotificationRefusal.notCarriedByAWS(destination), at: invocation.argument("KIND")?.location)
        }
        let notification = PipelineNotification(pipeline: pipeline.manifest.name, event: event, destination: destination)
        do {
            try LocalNotifications(workspaceRoot: pipeline.workspaceRoot).add(notification)
        } catch let refusal as NotificationRefusal {
            let argument = refusal == .badWebhookAddress(value) ? invocation.argument("DESTINATION") : nil
            throw ShellError.failure(refusal, at: argument?.location ?? invocation.location)
        }
        session.output.message("\(pipeline.manifest.name) notifies \(destination.description) of \(event.rawValue) "
                               + "on the local target (a failed notification never fails the run; `watch` and `history` say it)")
    }

    /// An SNS topic told of `event`: a CodeStar Notifications rule added to the template by a patch in the
    /// overrides, an edit like the V2 settings' (written by `save` with the manifest, taken back by `undo`).
    private static func addRule(_ event: NotificationEvent, topic: String, _ invocation: Invocation, _ session: Session) throws {
        guard NotificationRules.isTopicARN(topic) else {
            throw ShellError.usage("\(topic) is not an SNS topic's ARN",
                                   hint: "an SNS topic's ARN reads arn:aws:sns:REGION:ACCOUNT:NAME (`aws sns list-topics` lists them)",
                                   at: invocation.argument("DESTINATION")?.location)
        }
        let name = try session.pipelineContext().manifest.name
        let done = "\(name) notifies SNS topic \(topic) of \(event.rawValue)"
        guard let patches = try session.editPatches(done, { try NotificationRules.add(event, topic: topic, pipeline: name, to: &$0) }) else {
            throw ShellError.failure("\(name) already notifies SNS topic \(topic) of \(event.rawValue)",
                                     hint: "`notify ls` lists the notifications", at: invocation.location)
        }
        session.output.message("\(done): \(patches.displayPath) adds a CodeStar "
                               + "Notifications rule, which `push` deploys on the aws target (as Copilot's `pipeline deploy` would); "
                               + "the topic's access policy must let codestar-notifications.amazonaws.com publish")
    }

    /// The pipeline's notifications as `notify ls` numbers them: this machine's (local target) first, then its SNS rules.
    private static func numbered(_ session: Session) throws -> (local: [PipelineNotification], rules: [NotificationRules.Rule]) {
        let pipeline = try session.pipelineContext()
        let local = try LocalNotifications(workspaceRoot: pipeline.workspaceRoot).of(pipeline.manifest.name)
        return (local, NotificationRules.read(try session.patchesDocument().patches))
    }

    static func list(_ invocation: Invocation, _ session: Session) async throws {
        let name = try session.pipelineContext().manifest.name
        let (local, rules) = try numbered(session)
        if session.printsJSON(invocation) {
            struct Listed: Encodable { var local: [PipelineNotification]; var sns: [[String: String]] }
            try session.output.line(JSONText.encode(Listed(local: local, sns: rules.map {
                ["event": $0.event.rawValue, "topic": $0.topic, "resource": $0.logicalID]
            })))
            return
        }
        let lines = local.map { "\($0.event.rawValue) → \($0.destination.description) (local target)" }
            + rules.map { "\($0.event.rawValue) → SNS topic \($0.topic) (aws target, rule \($0.logicalID))" }
        guard !lines.isEmpty else {
            session.output.message("\(name) notifies nobody (`notify add failures webhook URL` adds a notification)")
            return
        }
        let width = String(lines.count).count
        for (index, line) in lines.enumerated() {
            let number = String(index + 1)
            session.output.message(String(repeating: " ", count: width - number.count) + "\(number). " + line,
                                   hanging: String(repeating: " ", count: width + 2))
        }
    }

    static func remove(_ invocation: Invocation, _ session: Session) async throws {
        let pipeline = try session.pipelineContext()
        let typed = invocation.required("NUMBER")
        guard let number = Int(typed) else {
            throw ShellError.usage("NUMBER is a notification's number as `notify ls` shows it, not \(typed)",
                                   at: invocation.argument("NUMBER")?.location)
        }
        let (local, rules) = try numbered(session)
        if number > local.count, number <= local.count + rules.count {
            let rule = rules[number - local.count - 1]
            let done = "removed: \(rule.event.rawValue) → SNS topic \(rule.topic)"
            _ = try session.editPatches(done) {
                try NotificationRules.remove(rule, from: &$0)
                return true
            }
            session.output.message("\(done) (\(try session.patchesDocument().displayPath); `push` deploys it)")
            return
        }
        do {
            let removed = try LocalNotifications(workspaceRoot: pipeline.workspaceRoot).remove(number, of: pipeline.manifest.name)
            session.output.message("removed: \(removed.event.rawValue) → \(removed.destination.description)")
        } catch NotificationRefusal.noSuchNotification where !rules.isEmpty {
            throw ShellError.failure(NotificationRefusal.noSuchNotification(number, pipeline: pipeline.manifest.name, count: local.count + rules.count),
                                     at: invocation.argument("NUMBER")?.location)
        } catch let refusal as NotificationRefusal {
            throw ShellError.failure(refusal, at: invocation.argument("NUMBER")?.location)
        }
    }
}

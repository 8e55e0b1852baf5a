import Foundation
import Targets

/// `notify add|ls|rm`: who is told when the pipeline waits for an approval, fails or succeeds. The
/// local engine delivers webhooks and commands; CodeStar Notifications (on AWS) cannot carry those.
enum NotifyCommands {
    static func add(_ invocation: Invocation, _ session: Session) async throws {
        let pipeline = try session.pipelineContext()
        let event = invocation["EVENTS"].flatMap(NotificationEvent.init(rawValue:)) ?? .failures
        let value = invocation.required("DESTINATION")
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

    static func list(_ invocation: Invocation, _ session: Session) async throws {
        let pipeline = try session.pipelineContext()
        let notifications = try LocalNotifications(workspaceRoot: pipeline.workspaceRoot).of(pipeline.manifest.name)
        if session.printsJSON(invocation) {
            try session.output.line(JSONText.encode(notifications))
            return
        }
        guard !notifications.isEmpty else {
            session.output.message("\(pipeline.manifest.name) notifies nobody (`notify add failures webhook URL` adds a notification)")
            return
        }
        let width = String(notifications.count).count
        for (index, notification) in notifications.enumerated() {
            let number = String(index + 1)
            session.output.message(String(repeating: " ", count: width - number.count) + "\(number). \(notification.event.rawValue) → "
                                   + notification.destination.description + " (local target)",
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
        do {
            let removed = try LocalNotifications(workspaceRoot: pipeline.workspaceRoot).remove(number, of: pipeline.manifest.name)
            session.output.message("removed: \(removed.event.rawValue) → \(removed.destination.description)")
        } catch let refusal as NotificationRefusal {
            throw ShellError.failure(refusal, at: invocation.argument("NUMBER")?.location)
        }
    }
}

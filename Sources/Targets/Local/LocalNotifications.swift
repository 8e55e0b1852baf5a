import AWS
import Errors
import Foundation
import Processes

/// What a notification is about: the pipeline events of CodeStar Notifications a person asks for most.
public enum NotificationEvent: String, CaseIterable, Codable, Sendable {
    case approvals, failures, successes

    /// CodeStar Notifications' event type id.
    public var eventTypeID: String {
        switch self {
        case .approvals: return "codepipeline-pipeline-manual-approval-needed"
        case .failures: return "codepipeline-pipeline-pipeline-execution-failed"
        case .successes: return "codepipeline-pipeline-pipeline-execution-succeeded"
        }
    }
}

/// Where the local engine delivers a notification: an HTTP address it posts the event to, or a
/// command it runs with the event in its environment.
public enum NotificationDestination: Codable, Equatable, Sendable {
    case webhook(String)
    case command(String)

    /// The command-language word (`webhook`, `command`).
    public var kind: String {
        switch self {
        case .webhook: return "webhook"
        case .command: return "command"
        }
    }

    public var description: String {
        switch self {
        case .webhook(let address): return "webhook \(address)"
        case .command(let command): return "command `\(command)`"
        }
    }
}

/// One notification of a pipeline: which events go where.
public struct PipelineNotification: Codable, Equatable, Sendable {
    public var pipeline: String
    public var event: NotificationEvent
    public var destination: NotificationDestination

    public init(pipeline: String, event: NotificationEvent, destination: NotificationDestination) {
        self.pipeline = pipeline
        self.event = event
        self.destination = destination
    }
}

/// Why `notify` refuses.
public enum NotificationRefusal: ReportableError, Equatable {
    case duplicate(PipelineNotification)
    case badWebhookAddress(String)
    case noSuchNotification(Int, pipeline: String, count: Int)
    /// CodeStar Notifications delivers to SNS topics and AWS Chatbot only.
    case notCarriedByAWS(NotificationDestination)
    /// Another topic of the same name is told of the event already (the rule's resource is named after the topic).
    case topicNameTaken(String, event: NotificationEvent)

    public var problem: Problem {
        switch self {
        case .duplicate(let notification):
            return Problem("\(notification.pipeline) already notifies \(notification.destination.description) of \(notification.event.rawValue)",
                           hint: "`notify ls` lists the notifications")
        case .badWebhookAddress(let address):
            return Problem("\(address) is not an http:// or https:// address",
                           hint: "give the webhook's full address, e.g. https://hooks.example.com/release")
        case .noSuchNotification(let number, let pipeline, let count):
            return Problem("pipeline \(pipeline) has no notification \(number)",
                           hint: count == 0 ? "it has none; `notify add` adds one" : "`notify ls` numbers its \(count) notification\(count == 1 ? "" : "s")")
        case .topicNameTaken(let topic, let event):
            return Problem("the pipeline already notifies \(topic), a topic of the same name, of \(event.rawValue)",
                           hint: "`notify rm` it first, or use a topic of another name")
        case .notCarriedByAWS(let destination):
            return Problem("on AWS a pipeline's notifications are CodeStar Notifications rules, which deliver to SNS topics "
                           + "(and AWS Chatbot) only, not to a \(destination.kind)",
                           hint: "`notify add EVENTS sns TOPIC-ARN` tells a topic (an HTTPS subscription to it reaches a webhook); "
                               + "the local target delivers a \(destination.kind) (`target local`)")
        }
    }
}

/// The notifications the local engine delivers, in `.sluice/local/notifications.json`: settings of
/// this machine (a command or a webhook on the network here), kept out of git with the rest of `.sluice/`.
public struct LocalNotifications: Sendable {
    let store: LocalStore

    public init(workspaceRoot: URL) {
        store = LocalStore(workspaceRoot: workspaceRoot)
    }

    var file: URL { store.root.appendingPathComponent("notifications.json") }

    /// The notifications of `pipeline`, in the order they were added (`notify ls` numbers them so).
    public func of(_ pipeline: String) throws -> [PipelineNotification] {
        try all().filter { $0.pipeline == pipeline }
    }

    private func all() throws -> [PipelineNotification] {
        try store.read([PipelineNotification].self, from: file) ?? []
    }

    public func add(_ notification: PipelineNotification) throws {
        if case .webhook(let address) = notification.destination {
            let url = URL(string: address)
            guard let scheme = url?.scheme?.lowercased(), ["http", "https"].contains(scheme), url?.host?.isEmpty == false else {
                throw NotificationRefusal.badWebhookAddress(address)
            }
        }
        var notifications = try all()
        guard !notifications.contains(notification) else { throw NotificationRefusal.duplicate(notification) }
        notifications.append(notification)
        try store.prepare()
        try store.write(notifications, to: file)
    }

    /// Removes the `number`th notification of `pipeline` (from 1, as `notify ls` numbers them) and returns it.
    public func remove(_ number: Int, of pipeline: String) throws -> PipelineNotification {
        var notifications = try all()
        let indices = notifications.indices.filter { notifications[$0].pipeline == pipeline }
        guard number >= 1, number <= indices.count else {
            throw NotificationRefusal.noSuchNotification(number, pipeline: pipeline, count: indices.count)
        }
        let removed = notifications.remove(at: indices[number - 1])
        try store.write(notifications, to: file)
        return removed
    }
}

/// Delivers a run's event to the notifications that ask for it, each bounded (a webhook 10 s to
/// connect and 10 s to answer, a command 30 s and 64 KiB of output, in a process group of its own).
/// It never throws: what could not be delivered is said, for the run's record.
struct NotificationDelivery {
    let workspaceRoot: URL
    let environment: [String: String]

    static let webhookTimeout: Duration = .seconds(10)
    static let commandLimits = ChildLimits(timeout: .seconds(30), outputBytes: 64 << 10)

    /// Each notification of the run's pipeline for `event`, delivered one after the other; the failures said.
    func deliver(_ event: NotificationEvent, of snapshot: ExecutionSnapshot, stage: String?, action: String?, at moment: Date) async -> [String] {
        let notifications: [PipelineNotification]
        do {
            notifications = try LocalNotifications(workspaceRoot: workspaceRoot).of(snapshot.pipeline).filter { $0.event == event }
        } catch {
            return ["notifications not read: " + ((error as? any ReportableError)?.problem.message ?? "\(error)")]
        }
        guard !notifications.isEmpty else { return [] }
        let body = Self.eventJSON(event, of: snapshot, stage: stage, action: action, at: moment)
        var failures: [String] = []
        for notification in notifications {
            if let failure = await deliver(body, to: notification.destination, snapshot: snapshot, stage: stage) {
                failures.append("\(event.rawValue) to \(notification.destination.description): \(failure)")
            }
        }
        return failures
    }

    private func deliver(_ body: Data, to destination: NotificationDestination, snapshot: ExecutionSnapshot, stage: String?) async -> String? {
        do {
            switch destination {
            case .webhook(let address):
                let status = try await WebPost.json(body, to: address, environment: environment, timeout: Self.webhookTimeout)
                return (200..<300).contains(status) ? nil : "HTTP \(status)"
            case .command(let command):
                var variables = environment
                variables["SLUICE_EVENT"] = String(decoding: body, as: UTF8.self)
                variables["SLUICE_PIPELINE"] = snapshot.pipeline
                variables["SLUICE_EXECUTION"] = snapshot.id
                variables["SLUICE_STAGE"] = stage ?? ""
                variables["SLUICE_STATE"] = snapshot.state.rawValue
                let finished = try await ChildProcess(program: "/bin/sh", arguments: ["-c", command], directory: workspaceRoot,
                                                      environment: variables, limits: Self.commandLimits, name: "`\(command)`").run()
                guard finished.status != 0 else { return nil }
                let said = finished.errors.summary(lines: 3)
                return "exited with \(finished.status)" + (said.isEmpty ? "" : ": \(said)")
            }
        } catch WebPostError.unreachable(_, let reason) {
            return reason  // the address is said already
        } catch {
            return (error as? any ReportableError)?.problem.message ?? "\(error)"
        }
    }

    /// The event as CodeStar Notifications sends it to its targets: the EventBridge event's detail
    /// (pipeline, execution-id, stage, action, state) under `detail`, `account` and `region` saying local.
    static func eventJSON(_ event: NotificationEvent, of snapshot: ExecutionSnapshot, stage: String?, action: String?, at moment: Date) -> Data {
        var detail: [String: Any] = ["pipeline": snapshot.pipeline, "execution-id": snapshot.id, "version": 1]
        var attributes: [String: Any] = [:]
        let detailType: String
        switch event {
        case .approvals:
            detailType = "CodePipeline Action Execution State Change"
            detail["stage"] = stage ?? ""
            detail["action"] = action ?? ""
            detail["state"] = "STARTED"
            detail["type"] = ["owner": "AWS", "provider": "Manual", "category": "Approval", "version": "1"]
        case .failures, .successes:
            detailType = "CodePipeline Pipeline Execution State Change"
            detail["state"] = event == .successes ? "SUCCEEDED" : "FAILED"
            let failed = snapshot.stages.first { [.failed, .rejected].contains($0.state) }
            if let failed {
                attributes["failedStage"] = failed.name
                attributes["failedActions"] = failed.actions.filter { [.failed, .rejected].contains($0.state) }
                    .map { ["action": $0.name, "additionalInformation": $0.summary ?? ""] }
            }
        }
        if let revision = snapshot.sourceRevision {
            attributes["sourceActions"] = [["sourceActionName": snapshot.stages.first?.actions.first?.name ?? "",
                                            "sourceActionProvider": "local git", "sourceActionVariables": ["CommitId": revision]]]
        }
        let formatter = ISO8601DateFormatter()
        let document: [String: Any] = [
            "account": "local", "region": "local", "source": "aws.codepipeline", "detailType": detailType,
            "time": formatter.string(from: moment), "eventTypeId": event.eventTypeID,
            "resources": ["sluice-local:pipeline/\(snapshot.pipeline)"], "detail": detail, "additionalAttributes": attributes,
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}

import Foundation
import Manifest

/// A pipeline's SNS notifications as a Copilot workspace carries them: one
/// AWS::CodeStarNotifications::NotificationRule per event and topic, added to the pipeline's template
/// by a YAML patch in its overrides' `cfn.patches.yml`, which Copilot v1.34's `pipeline deploy` applies
/// as sluice's `push` does. The rule's resource is the pipeline; CodeStar Notifications publishes the
/// event to the topic (whose access policy must let codestar-notifications.amazonaws.com publish).
public enum NotificationRules {
    public struct Rule: Equatable, Sendable {
        public var event: NotificationEvent
        public var topic: String
        /// The template's logical id of the rule's resource.
        public var logicalID: String
    }

    static let resourceType = "AWS::CodeStarNotifications::NotificationRule"

    /// `arn:PARTITION:sns:REGION:ACCOUNT:NAME`, what a rule's SNS target must be.
    public static func isTopicARN(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && parts[1].hasPrefix("aws") && parts[2] == "sns"
            && !parts[3].isEmpty && parts[4].count == 12 && parts[4].allSatisfy(\.isNumber) && !parts[5].isEmpty
    }

    /// The rules the patches add, in file order.
    public static func read(_ patches: [TemplatePatch]) -> [Rule] {
        patches.compactMap { patch in
            guard patch.operation == "add", patch.path.hasPrefix("/Resources/"), case .mapping(let entries, _)? = patch.value,
                  text(entries, "Type") == resourceType, case .mapping(let properties, _)? = entries.first(where: { $0.key == "Properties" })?.value,
                  case .sequence(let events, _)? = properties.first(where: { $0.key == "EventTypeIds" })?.value,
                  case .scalar(let eventID, _, _)? = events.first,
                  let event = NotificationEvent.allCases.first(where: { $0.eventTypeID == eventID }),
                  case .sequence(let targets, _)? = properties.first(where: { $0.key == "Targets" })?.value,
                  case .mapping(let target, _)? = targets.first, let topic = text(target, "TargetAddress") else { return nil }
            return Rule(event: event, topic: topic, logicalID: String(patch.path.dropFirst("/Resources/".count)))
        }
    }

    private static func text(_ entries: [TaggedYAML.Entry], _ key: String) -> String? {
        guard case .scalar(let value, _, _)? = entries.first(where: { $0.key == key })?.value else { return nil }
        return value
    }

    /// Adds the rule telling `topic` of `event` for `pipeline`; false when the patches have it already.
    public static func add(_ event: NotificationEvent, topic: String, pipeline: String, to document: inout PatchesDocument) throws -> Bool {
        let rules = read(document.patches)
        guard !rules.contains(where: { $0.event == event && $0.topic == topic }) else { return false }
        let id = logicalID(event, topic: topic)
        if let other = rules.first(where: { $0.logicalID == id }) {
            throw NotificationRefusal.topicNameTaken(other.topic, event: event)
        }
        return try document.change { document in
            try document.set("/Resources/\(id)", to: resource(event, topic: topic, pipeline: pipeline, id: id))
        } != nil
    }

    /// Removes `rule`'s patch.
    public static func remove(_ rule: Rule, from document: inout PatchesDocument) throws {
        _ = try document.change { document in try document.remove(under: "/Resources/\(rule.logicalID)") }
    }

    /// `Notify` + the event + the topic's name (its letters and digits): readable in a plan, one per event and topic name.
    static func logicalID(_ event: NotificationEvent, topic: String) -> String {
        "Notify" + capitalized(event.rawValue) + topicName(topic).split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { capitalized(String($0)) }.joined()
    }

    private static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }

    private static func topicName(_ topic: String) -> String {
        String(topic.split(separator: ":", omittingEmptySubsequences: false).last ?? "").filter { $0.isASCII }
    }

    static func resource(_ event: NotificationEvent, topic: String, pipeline: String, id: String) -> YAMLValue {
        let scalar = { (text: String) in YAMLValue.scalar(text) }
        // A rule's name is unique in the account and region, at most 64 characters of [A-Za-z0-9-_ ].
        let name = String("\(pipeline)-\(event.rawValue)-\(topicName(topic))".map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }.prefix(64))
        return .mapping([
            .init(key: "Type", value: scalar(resourceType)),
            .init(key: "Properties", value: .mapping([
                .init(key: "Name", value: scalar(name)),
                .init(key: "DetailType", value: scalar("FULL")),
                .init(key: "Resource", value: .tagged("!Sub", scalar("arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}"))),
                .init(key: "EventTypeIds", value: .sequence([scalar(event.eventTypeID)])),
                .init(key: "Targets", value: .sequence([.mapping([
                    .init(key: "TargetType", value: scalar("SNS")),
                    .init(key: "TargetAddress", value: scalar(topic)),
                ])])),
            ])),
        ])
    }
}

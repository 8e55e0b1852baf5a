import AWS
import Foundation

/// What `push` and `pipeline rm` do with a CloudFormation stack: read it, make and await a change
/// set, and follow the stack's events until it settles.
struct StackOperations: Sendable {
    let cloudFormation: CloudFormation

    /// The stack, or nil when there is none of that name.
    func describe(_ name: String) async throws -> CloudFormation.Stack? {
        do {
            return try await cloudFormation.describeStacks(.init(stackName: name)).stacks.first
        } catch let error as AWSError where error.isMissingStack {
            return nil
        }
    }

    /// The change set once CloudFormation has made it, or failed to.
    func settledChangeSet(_ reference: CloudFormation.ChangeSetReference) async throws -> CloudFormation.DescribeChangeSetOutput {
        try await Waiter.until {
            let described = try await cloudFormation.describeChangeSet(reference)
            switch described.status {
            case .createComplete?, .failed?: return described
            default: return nil
            }
        }
    }

    /// The newest page of the stack's events, newest first; none for a stack that does not exist.
    func recentEvents(_ stack: String) async throws -> [CloudFormation.StackEvent] {
        do {
            return try await cloudFormation.describeStackEvents(.init(stackName: stack)).stackEvents
        } catch let error as AWSError where error.isMissingStack {
            return []
        }
    }

    /// The ids of the events the stack has now, so that following it shows only what comes after.
    func seenEvents(_ stack: String) async throws -> Set<String> {
        Set(try await recentEvents(stack).map(\.eventId))
    }

    /// Says each new stack event until the stack settles (or is gone, after a delete).
    func follow(_ stack: String, seen: Set<String>, ui: any TargetUI) async throws -> SettledStack {
        var seen = seen
        var failures: [CloudFormation.StackEvent] = []
        return try await Waiter.until {
            let events = try await recentEvents(stack)
            for event in events.reversed() where seen.insert(event.eventId).inserted {
                var line = "  \(event.resourceStatus?.description ?? "?")  \(event.logicalResourceId ?? "?")"
                if let type = event.resourceType { line += " (\(type))" }
                if let reason = event.resourceStatusReason, !reason.isEmpty { line += ": \(reason)" }
                ui.say(line)
                if event.resourceStatus?.isFailed == true, event.resourceType != Self.stackResourceType {
                    failures.append(event)
                }
            }
            guard let status = try await describe(stack)?.stackStatus else {
                return SettledStack(status: .deleteComplete, firstFailure: failures.first)
            }
            return status.isInProgress ? nil : SettledStack(status: status, firstFailure: failures.first)
        }
    }

    /// The type of the stack's own events among its resources'.
    static let stackResourceType = "AWS::CloudFormation::Stack"
}

/// How a stack operation ended.
struct SettledStack {
    var status: CloudFormation.StackStatus
    /// The first resource that failed, with CloudFormation's reason.
    var firstFailure: CloudFormation.StackEvent?

    /// "LOGICAL_ID (TYPE) failed: REASON", or how the stack ended when no resource said.
    var failureDescription: String {
        firstFailure.map { "\($0.logicalResourceId ?? "?") (\($0.resourceType ?? "?")) failed: \($0.resourceStatusReason ?? "no reason given")" }
            ?? "the stack ended \(status)"
    }
}

extension AWSError {
    /// CloudFormation's answer about a stack that does not exist.
    var isMissingStack: Bool { code == .validationError && message.contains("does not exist") }
}

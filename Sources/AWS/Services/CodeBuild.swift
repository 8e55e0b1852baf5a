import Foundation

/// AWS CodeBuild (JSON 1.1, camelCase members): the builds behind CodePipeline's build and test actions.
public struct CodeBuild: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct BatchGetBuildsInput: Codable, Sendable {
        public var ids: [String]
        public init(ids: [String]) { self.ids = ids }
    }

    public struct LogsLocation: Codable, Sendable {
        public var groupName: String?
        public var streamName: String?
        public var deepLink: String?
    }

    public struct Build: Codable, Sendable {
        public var id: String?
        public var projectName: String?
        public var buildStatus: BuildStatus?
        public var currentPhase: String?
        public var buildComplete: Bool?
        public var startTime: Date?
        public var endTime: Date?
        public var logs: LogsLocation?
    }

    public struct BatchGetBuildsOutput: Codable, Sendable {
        public var builds: [Build]?
        public var buildsNotFound: [String]?
    }

    public func batchGetBuilds(_ input: BatchGetBuildsInput) async throws -> BatchGetBuildsOutput {
        try await client.call(.codeBuild, "BatchGetBuilds", input)
    }
}

/// Amazon CloudWatch Logs (JSON 1.1, camelCase members): where CodeBuild writes each build's output.
public struct CloudWatchLogs: Sendable {
    public let client: AWSClient
    public init(client: AWSClient) { self.client = client }

    public struct GetLogEventsInput: Codable, Sendable {
        public var logGroupName: String
        public var logStreamName: String
        public var nextToken: String?
        public var limit: Int?
        public var startFromHead: Bool?
        public init(logGroupName: String, logStreamName: String, nextToken: String? = nil, limit: Int? = nil, startFromHead: Bool? = nil) {
            self.logGroupName = logGroupName
            self.logStreamName = logStreamName
            self.nextToken = nextToken
            self.limit = limit
            self.startFromHead = startFromHead
        }
    }

    public struct OutputLogEvent: Codable, Sendable {
        public var timestamp: Double?
        public var message: String?
    }

    public struct GetLogEventsOutput: Codable, Sendable {
        public var events: [OutputLogEvent]?
        public var nextForwardToken: String?
        public var nextBackwardToken: String?
    }

    public func getLogEvents(_ input: GetLogEventsInput) async throws -> GetLogEventsOutput {
        try await client.call(.cloudWatchLogs, "GetLogEvents", input)
    }
}

extension CodeBuild {
    public enum BuildStatus: AWSEnumeration {
        case succeeded, failed, fault, timedOut, inProgress, stopped
        case unknown(String)

        public static let named: [BuildStatus] = [.succeeded, .failed, .fault, .timedOut, .inProgress, .stopped]

        public var description: String {
            switch self {
            case .succeeded: return "SUCCEEDED"
            case .failed: return "FAILED"
            case .fault: return "FAULT"
            case .timedOut: return "TIMED_OUT"
            case .inProgress: return "IN_PROGRESS"
            case .stopped: return "STOPPED"
            case .unknown(let text): return text
            }
        }
    }
}

/// Shapes several services share.

/// An operation's input or output with no members.
public struct AWSEmptyShape: Codable, Sendable {
    public init() {}
}

/// A resource tag (CloudFormation, Secrets Manager and the tagging API spell it alike).
public struct AWSTag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

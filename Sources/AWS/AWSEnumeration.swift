// AWS's enumerations (a stack's status, an error code) as Swift enums: each value sluice acts on is a
// case, and any other (a value newer than this code) is kept as written in the `unknown` case, so a
// response never fails to decode and nothing matches a string literal.

/// A string enumeration of AWS's with an `unknown` case for values it does not name.
public protocol AWSEnumeration: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Every case but `unknown`.
    static var named: [Self] { get }
    /// A value no case names, as AWS wrote it.
    static func unknown(_ text: String) -> Self
    /// The value as AWS writes it.
    var description: String { get }
}

extension AWSEnumeration {
    /// The case AWS's `text` names, else `unknown(text)`.
    public init(_ text: String) {
        self = Self.named.first { $0.description == text } ?? .unknown(text)
    }

    public init(from decoder: Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

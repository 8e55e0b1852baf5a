/// The AWS partition a region belongs to, and where its console is: commercial regions have a
/// console host per region, China and GovCloud one host each, told the region in the query.
public enum AWSPartition: String, Sendable, CaseIterable {
    case aws
    case china = "aws-cn"
    case govCloud = "aws-us-gov"
    case iso = "aws-iso"
    case isoB = "aws-iso-b"

    public init(region: String) {
        if region.hasPrefix("cn-") {
            self = .china
        } else if region.hasPrefix("us-gov-") {
            self = .govCloud
        } else if region.hasPrefix("us-isob-") {
            self = .isoB
        } else if region.hasPrefix("us-iso-") {
            self = .iso
        } else {
            self = .aws
        }
    }

    /// `https://HOST` of the console for `region`; nil for the isolated partitions, whose consoles
    /// are reached only from inside them.
    public func consoleOrigin(region: String) -> String? {
        switch self {
        case .aws: return "https://\(region).console.aws.amazon.com"
        case .china: return "https://console.amazonaws.cn"
        case .govCloud: return "https://console.amazonaws-us-gov.com"
        case .iso, .isoB: return nil
        }
    }
}

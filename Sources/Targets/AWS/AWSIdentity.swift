import AWS
import Foundation

extension AWSTarget {
    /// `whoami`: the identity the credentials belong to, where the profile and region came
    /// from, the chain of sources that produced the credentials and when they expire, and
    /// each service's endpoint — never a secret (the key id's last four characters only).
    public func identityReport() async throws -> [String] {
        let aws = try aws()
        let configuration = aws.configuration
        let identity = try await aws.sts.getCallerIdentity()
        let obtained = try await configuration.currentCredentials()
        let chain = obtained.chain.joined(separator: " → ")
        var rows = [
            ("account", identity.account ?? "-"),
            ("arn", identity.arn ?? "-"),
            ("profile", "\(configuration.profile.value)  (\(configuration.profile.source))"),
            ("region", "\(configuration.region.value)  (\(configuration.region.source))"),
            // As `aws configure list` shows a key.
            ("credentials", "****\(obtained.credentials.accessKeyID.suffix(4))  (\(chain))"),
        ]
        if let expiration = obtained.expiration {
            let minutes = Int((expiration.timeIntervalSinceNow / 60).rounded(.down))
            rows.append(("expires", ISO8601DateFormatter().string(from: expiration)
                         + (minutes >= 0 ? "  (in \(minutes) min; refreshed before then)" : "  (expired)")))
        } else {
            rows.append(("expires", "never (long-term keys)"))
        }
        var lines = rows.map { name, value in name.padding(toLength: 13, withPad: " ", startingAt: 0) + value }
        lines.append("endpoints:")
        let width = AWSService.all.map(\.serviceID.count).max() ?? 0
        for service in AWSService.all {
            let endpoint = configuration.endpoint(for: service)
            lines.append("  " + service.serviceID.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                         + endpoint.value + "  (\(endpoint.source))")
        }
        return lines
    }
}

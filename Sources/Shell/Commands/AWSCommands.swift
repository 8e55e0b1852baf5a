import AWS
import Foundation
import Targets

/// whoami and trace: the AWS identity, region and endpoints in use, and each AWS call as it happens.
enum AWSCommands {
    /// Resolved as the aws target would: its `target aws` profile, region and endpoint when
    /// chosen, otherwise the AWS CLI's defaults.
    static func configuration(_ session: Session) throws -> AWSConfiguration {
        if case .aws(let profile, let region, let endpoint) = session.targetChoice {
            return try AWSConfiguration.resolve(profile: profile, region: region, endpoint: endpoint)
        }
        return try AWSConfiguration.resolve()
    }

    static func whoami(_ invocation: Invocation, _ session: Session) async throws {
        let configuration = try configuration(session)
        let identity = try await STS(client: AWSClient(configuration: configuration)).getCallerIdentity()
        let key = configuration.credentials.value.accessKeyID
        let rows = [
            ("account", identity.account ?? "-"),
            ("arn", identity.arn ?? "-"),
            ("profile", "\(configuration.profile.value)  (\(configuration.profile.source))"),
            ("region", "\(configuration.region.value)  (\(configuration.region.source))"),
            // The key id's last four characters, as `aws configure list` shows it; never the secret.
            ("credentials", "****\(key.suffix(4))  (\(configuration.credentials.source))"),
        ]
        for (name, value) in rows { session.output.line(name.padded(to: 13) + value) }
        session.output.line("endpoints:")
        let width = AWSService.all.map(\.serviceID.count).max() ?? 0
        for service in AWSService.all {
            let endpoint = configuration.endpoint(for: service)
            session.output.line("  " + service.serviceID.padded(to: width + 2) + endpoint.value + "  (\(endpoint.source))")
        }
    }

    static func trace(_ invocation: Invocation, _ session: Session) async throws {
        if invocation.required("SETTING") == "on" {
            let output = session.output
            // To stderr, so traced scripts keep their stdout (and --json) unchanged.
            AWSCallTrace.start { record in output.diagnostic("trace: " + record.summary, style: .dim) }
            session.output.line("trace on: each AWS call is shown on stderr")
        } else {
            AWSCallTrace.stop()
            session.output.line("trace off")
        }
    }
}

import Foundation
import Targets

/// whoami and trace: the AWS identity, region and endpoints in use, and each AWS call as it happens.
enum AWSCommands {
    static func whoami(_ invocation: Invocation, _ session: Session) async throws {
        let report = try await session.targets.aws(workspaceRoot: session.workspace?.root).identityReport()
        if session.printsJSON(invocation) {
            session.output.line(try JSONText.encode(report))
        } else {
            for line in report.lines { session.output.row(line) }
        }
    }

    static func trace(_ invocation: Invocation, _ session: Session) async throws {
        session.targets.tracesAWSCalls = invocation.required("SETTING") == "on"
        session.output.message(session.targets.tracesAWSCalls ? "trace on: each AWS call is shown on stderr" : "trace off")
    }
}

import Foundation
import TestSupport
import XCTest

/// A copy of the quickstart against moto, and the `sluice` binary run in it as a script: the set-up
/// the classes that drive a pushed pipeline through the binary share.
class AWSQuickstartTestCase: AWSMotoTestCase {
    var home: TemporaryDirectory!
    var workspace: URL!
    var cli: AWSCommandLine!

    /// What a class adds to sluice's environment (e.g. a wide `COLUMNS` for tests that read what is said).
    class var sluiceEnvironment: [String: String] { [:] }

    override func setUp() async throws {
        (cli, home, workspace) = try await prepareQuickstart()
    }

    override func tearDown() { home?.remove() }

    func sluice(_ lines: [String]) throws -> ProcessResult {
        var environment = cli.environment.merging(Self.sluiceEnvironment) { $1 }
        environment["NO_COLOR"] = "1"
        environment["GITHUB_TOKEN"] = "ghp_sluiceTestTokenNeverShown0123456789"
        return try runProcess(sluiceBinary, ["-c", lines.joined(separator: "; ")], environment: environment,
                              directory: workspace, timeout: 120)
    }
}

import Foundation
import TestSupport
import XCTest

/// `pipeline init` at a terminal asks as Copilot's guided init does, and builds the same manifest as
/// the commands it stands for.
final class PipelineInitTests: PseudoTerminalTestCase {
    func testGuidedInitMakesTheSameManifestAsTheEquivalentCommands() throws {
        try FileManager.default.removeItem(at: workspace.appendingPathComponent("copilot/pipelines"))
        for remote in [["origin", "git@github.com:acme/shop.git"], ["mirror", "https://someone@bitbucket.org/acme/shop-mirror.git"]] {
            let git = try runProcess("/usr/bin/git", ["-C", workspace.path, "remote", "add"] + remote)
            XCTAssertEqual(git.status, 0, git.stderr)
        }
        let commands = home.url.appendingPathComponent("commands")
        try FileManager.default.copyItem(at: workspace, to: commands)

        let shell = try start()
        try shell.expectPrompt()
        // Copilot's words are in the one command table: Tab offers them.
        shell.send("pipeline de\t")
        try shell.expect("delete  deploy")
        try shell.expectPrompt()
        shell.send("\u{15}pipeline init\r")
        let remotes = try shell.expect("Repository URL [1-2, Enter: 1]: ")
        XCTAssertTrue(remotes.hasSuffix("Which repository would you like to use for your pipeline?\n"
                                        + "  1. https://github.com/acme/shop (origin)\n  2. https://bitbucket.org/acme/shop-mirror (mirror)\n"),
                      remotes)
        shell.send("1\r")
        try shell.expect("Your pipeline will follow branch 'main'.")
        try shell.expect("What would you like to name this pipeline? [shop-main] ")
        shell.send("\r")
        let types = try shell.expect("Pipeline type [1-2, Enter: 1]: ")
        XCTAssertTrue(types.hasSuffix("What type of continuous delivery pipeline is this?\n"
                                      + "  1. Workloads (deploy the services or jobs in your workspace)\n"
                                      + "  2. Environments (deploy the environments in your workspace)\n"), types)
        shell.send("1\r")
        // Environments one stage at a time, offered in release order; the list shrinks as they are picked.
        let first = try shell.expect("1st stage [1-3, Enter: 1]: ")
        XCTAssertTrue(first.hasSuffix("Which environment would you like to add to your pipeline?\n  1. test\n  2. staging\n  3. prod\n"), first)
        shell.send("test\r")
        let second = try shell.expect("2nd stage [1-3, Enter: 1]: ")
        XCTAssertTrue(second.hasSuffix("  1. staging\n  2. prod\n  3. [No additional environments]\n"), second)
        shell.send("9\r")
        try shell.expect("Choose a number from 1 to 3.")
        try shell.expect("2nd stage [1-3, Enter: 1]: ")
        shell.send("2\r")
        try shell.expect("3rd stage [1-2, Enter: 1]: ")
        shell.send("2\r")
        try shell.expect("How should CodePipeline reach GitHub? [c]onnection")
        shell.send("c\r")
        try shell.expect("Connection name (Enter: Copilot names it when the pipeline is deployed) ")
        shell.send("acme-github\r")
        let ran = try shell.expectPrompt(dirty: true)
        XCTAssertTrue(ran.contains("""
            pipeline init runs:
              pipeline new shop-main
              source set github https://github.com/acme/shop branch main connection acme-github
              stage add test
              stage add prod
            """), ran)
        try shell.enter("save", expecting: "saved copilot/pipeline.yml")
        try exit(shell)

        let equivalent = try runProcess(sluiceBinary, ["-c", "pipeline new shop-main; source set github https://github.com/acme/shop branch main connection acme-github; stage add test; stage add prod"],
                                        environment: ["HOME": home.path], directory: commands, timeout: 30)
        XCTAssertEqual(equivalent.status, 0, equivalent.stderr)
        for path in ["copilot/pipeline.yml", "copilot/buildspec.yml"] {
            let guided = try String(contentsOf: workspace.appendingPathComponent(path), encoding: .utf8)
            XCTAssertEqual(guided, try String(contentsOf: commands.appendingPathComponent(path), encoding: .utf8), path)
        }
        XCTAssertTrue(try String(contentsOf: workspace.appendingPathComponent("copilot/pipeline.yml"), encoding: .utf8)
            .contains("connection_name: acme-github"))
    }

    /// On the aws target the stages are picked from the application's environments in SSM (as Copilot's
    /// selector lists them), the workspace's others after them.
    func testGuidedInitOffersTheApplicationsEnvironmentsOnAWS() async throws {
        try FileManager.default.removeItem(at: workspace.appendingPathComponent("copilot/pipelines"))
        let git = try runProcess("/usr/bin/git", ["-C", workspace.path, "remote", "add", "origin", "https://github.com/acme/shop"])
        XCTAssertEqual(git.status, 0, git.stderr)
        let (moto, _) = try await seedCopilotApplication(environments: ["prod", "qa"])
        var environment = moto.environment()
        environment["NO_COLOR"] = "1"
        let shell = try start(environment: environment)
        try shell.expectPrompt()
        try shell.enter("target aws endpoint \(moto.endpoint)", expecting: "aws")
        shell.send("pipeline init\r")
        try shell.expect("Only one git remote detected. Your pipeline will follow 'https://github.com/acme/shop'.")
        try shell.expect("[shop-main] ")
        shell.send("\r")
        try shell.expect("Pipeline type [1-2, Enter: 1]: ")
        shell.send("1\r")
        let offered = try shell.expect("1st stage [1-4, Enter: 1]: ", timeout: 60)
        XCTAssertTrue(offered.contains("  1. qa\n  2. test\n  3. staging\n  4. prod\n"), offered)
        shell.send("qa\r")
        try shell.expect("2nd stage [1-4, Enter: 1]: ")
        shell.send("4\r")
        try shell.expect("How should CodePipeline reach GitHub?")
        shell.send("\r")
        try shell.expect("Connection name")
        shell.send("\r")
        let ran = try shell.expectPrompt(dirty: true, timeout: 60)
        XCTAssertTrue(ran.contains("  stage add qa\n") && ran.contains("added stage qa"), ran)
        try exit(shell, discardingEdits: true)
    }

    /// A script cannot be asked: it names what it must give, and nothing is written.
    func testInitInAScriptNeedsTheEnvironments() throws {
        try FileManager.default.removeItem(at: workspace.appendingPathComponent("copilot/pipelines"))
        let result = try runProcess(sluiceBinary, ["pipeline", "init"], environment: ["HOME": home.path], directory: workspace, timeout: 30)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.flattened.contains("error: `pipeline init` asks at a terminal; a script gives `url URL` and `environments A,B`"),
                      result.stderr)
        let given = try runProcess(sluiceBinary, ["-c", "pipeline init url acme/api environments test,prod"], environment: ["HOME": home.path],
                                   directory: workspace, timeout: 30)
        XCTAssertEqual(given.status, 2, given.stdout)
        XCTAssertTrue(given.stderr.flattened.contains("'acme/api' is not a GitHub, Bitbucket or CodeCommit repository URL"), given.stderr)
        let script = try runProcess(sluiceBinary, ["-c", "pipeline init url https://github.com/acme/api environments test,prod"],
                                    environment: ["HOME": home.path], directory: workspace, timeout: 30)
        XCTAssertEqual(script.status, 0, script.stderr)
        XCTAssertTrue(script.stdout.hasSuffix("added stage test\nadded stage prod\nsaved copilot/pipeline.yml\n"), script.stdout)
    }
}

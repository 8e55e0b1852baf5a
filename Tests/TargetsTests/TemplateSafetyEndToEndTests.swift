import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest
import TestSupport

/// What the AWS target takes from hostile overrides and interrupted runs (issue 27), through the binary
/// against moto: patches whose aliases expand without end, patched templates that are no longer the
/// pipeline's, templates too large for CloudFormation, a CDK override that hangs, and the template a
/// killed `pipeline rm` left in the application's bucket.
extension AWSEndToEndTests {
    /// The keys of every template push uploaded, in every bucket moto holds.
    func uploadedTemplates() throws -> [String] {
        let buckets = (try cli.json(["s3api", "list-buckets"])["Buckets"] as? [[String: Any]] ?? []).compactMap { $0["Name"] as? String }
        return try buckets.flatMap { bucket in
            (try cli.json(["s3api", "list-objects-v2", "--bucket", bucket])["Contents"] as? [[String: Any]] ?? [])
                .compactMap { $0["Key"] as? String }.filter { $0.hasSuffix(".pipeline.stack.yml") }
        }
    }

    /// `sluice -c LINES` with at most 2 GB of address space, so a regression fails the test and not the machine.
    func boundedSluice(_ lines: [String]) throws -> ProcessResult {
        var environment = cli.environment
        environment["NO_COLOR"] = "1"
        return try runProcess("/bin/sh", ["-c", #"ulimit -v 2097152; exec "$0" -c "$1""#, sluiceBinary, lines.joined(separator: "; ")],
                              environment: environment, removingEnvironment: ["GITHUB_TOKEN"], directory: workspace, timeout: 60)
    }

    /// Overrides that would harm are refused where they stand, by `show template` and by `push`, and
    /// nothing is uploaded: patches whose aliases expand without end, patches that leave a template
    /// CloudFormation would deploy wrongly (or not at all), and a template larger than CloudFormation
    /// takes by URL (refused after the upload, which then stayed in the bucket).
    func testOverridesThatWouldHarmAreRefusedBeforeAnyUpload() throws {
        let setUp = try sluice([useMoto] + Self.overridden)
        XCTAssertEqual(setUp.status, 0, setUp.stderr)

        var levels = ["    x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1..<10 {
            levels.append("    x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        try writeOverrides(["cfn.patches.yml": "- op: add\n  path: /Resources/BuildProject/Metadata\n  value:\n"
                            + levels.joined(separator: "\n") + "\n"])
        let bomb = try boundedSluice(["show template"])
        XCTAssertEqual(bomb.status, 1, bomb.stderr)
        XCTAssertTrue(bomb.stderr.flattened.contains("copilot/pipelines/shop-main/overrides/cfn.patches.yml:5:14: aliases (*a0) are not supported in a patch file"),
                      bomb.stderr)

        for (patches, problem) in [
            ("- op: remove\n  path: Outputs\n", "after this patch (op remove, path Outputs) the template is empty: the patches removed the whole document"),
            ("- op: replace\n  path: \"\"\n  value: [a, b]\n", "after this patch (op replace, path ) the template is a list, not a mapping of sections"),
            ("- op: add\n  path: /Resources/BuildProject/Properties/TimeoutInMinutes\n  value: 30\n- op: remove\n  path: /Resources/Pipeline\n",
             "after this patch (op remove, path /Resources/Pipeline) the template has no AWS::CodePipeline::Pipeline resource"),
        ] {
            try writeOverrides(["cfn.patches.yml": patches])
            let line = patches.components(separatedBy: "\n").lastIndex { $0.hasPrefix("- op:") }! + 1
            for command in ["show template", "push --yes"] {
                let result = try sluice([command])
                XCTAssertEqual(result.status, 1, "\(command): \(result.stdout)")
                XCTAssertTrue(result.stderr.contains("copilot/pipelines/shop-main/overrides/cfn.patches.yml:\(line):3: \(problem)"),
                              "\(command): \(result.stderr)")
                XCTAssertEqual(result.stdout, "", "\(command) printed a template")
            }
        }

        try writeOverrides(["cfn.patches.yml": "- op: add\n  path: /Metadata\n  value:\n    Notes: \"" + String(repeating: "n", count: 1_100_000) + "\"\n"])
        let large = try sluice(["push --yes"])
        XCTAssertEqual(large.status, 1, large.stdout)
        XCTAssertNotNil(large.stderr.range(of: #"the template of pipeline-demo-shop-main is 11\d\d\d\d\d bytes; CloudFormation takes at most 1048576 \(1 MB\), so nothing was uploaded"#,
                                           options: .regularExpression), large.stderr)

        XCTAssertEqual(try uploadedTemplates(), [])
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"]).status, 0)
    }

    /// `pipeline rm` killed after the stack was deleted, before the template was: the next `pipeline rm`
    /// finds the template by its key and deletes it. A push CloudFormation rejects leaves no upload.
    func testPipelineRmFindsTheTemplateAKilledRunLeft() throws {
        let pushed = try sluice([useMoto] + Self.overridden + ["push --yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        XCTAssertEqual(try uploadedTemplates(), ["pipeline-demo-shop-main.pipeline.stack.yml"])
        // Where the kill fell: the stack is gone, the object is not.
        _ = try cli.run(["cloudformation", "delete-stack", "--stack-name", "pipeline-demo-shop-main"])
        XCTAssertNotEqual(try cli.run(["cloudformation", "describe-stacks", "--stack-name", "pipeline-demo-shop-main"]).status, 0)
        let removed = try sluice(["pipeline rm shop-main --yes"])
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(removed.stdout.flattened.contains("is not deployed (no stack pipeline-demo-shop-main"), removed.stdout)
        XCTAssertTrue(removed.stdout.flattened.contains("Deleted the pipeline's template s3://"), removed.stdout)
        XCTAssertEqual(try uploadedTemplates(), [])
    }

    /// A CDK override whose npm hangs is stopped at its time limit; Ctrl-C and SIGTERM stop it at
    /// once; in every case npm and what it started end (it ignored SIGINT and outlived SIGTERM).
    func testACDKOverrideThatHangsIsStoppedWithEverythingItStarted() throws {
        try writeOverrides(["cdk.json": #"{"app": "node bin/override.js"}"# + "\n", "package.json": #"{"name": "override"}"# + "\n"])
        let tools = home.url.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        let npmPID = home.url.appendingPathComponent("npm.pid"), childPID = home.url.appendingPathComponent("child.pid")
        for (name, script) in [("node", "#!/bin/sh\nexit 0\n"),
                               ("npm", "#!/bin/sh\ntrap '' INT TERM\necho $$ > '\(npmPID.path)'\nsleep 300 & echo $! > '\(childPID.path)'\nwait\n")] {
            let file = tools.appendingPathComponent(name)
            try Data(script.utf8).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        let path = tools.path + ":/usr/bin:/bin"
        let setUp = try sluice([useMoto] + Self.overridden)
        XCTAssertEqual(setUp.status, 0, setUp.stderr)

        let timed = try sluice(["show template"], environment: ["PATH": path, "SLUICE_CDK_TIMEOUT": "1"])
        XCTAssertEqual(timed.status, 1, timed.stdout)
        XCTAssertTrue(timed.stderr.contains("npm install did not finish within 1 s, so sluice stopped it and everything it started"), timed.stderr)
        XCTAssertTrue(timed.stderr.contains("set SLUICE_CDK_TIMEOUT to the seconds it may take"), timed.stderr)
        try assertEnded([npmPID, childPID], "after the time limit")

        for signal in [SIGINT, SIGTERM] {
            for file in [npmPID, childPID] { try? FileManager.default.removeItem(at: file) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: sluiceBinary)
            process.arguments = ["-c", "show template"]
            process.environment = ProcessInfo.processInfo.environment.merging(cli.environment) { $1 }.merging(["PATH": path]) { $1 }
            process.currentDirectoryURL = workspace
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            _ = try XCTUnwrap(ProcessWatch.pid(writtenTo: childPID), "signal \(signal): npm did not start")
            // The group's guard outlives a stop sent the instant the group exists: it blocks the
            // stopping signals from its exec (a trap in its script came too late under load, and
            // npm, ignoring SIGTERM, kept sluice waiting).
            let npm = try XCTUnwrap(ProcessWatch.pid(writtenTo: npmPID))
            let guards = ProcessWatch.members(ofGroup: getpgid(npm), named: "sluice-guard")
            XCTAssertEqual(guards.count, 1, "signal \(signal): npm's group has no guard")
            for guardID in guards {
                XCTAssertTrue(Set([SIGINT, SIGTERM, SIGHUP, SIGQUIT]).isSubset(of: ProcessWatch.blockedSignals(guardID) ?? []),
                              "signal \(signal): the guard \(guardID) can be ended by the stop it must outlive")
            }
            XCTAssertTrue(ProcessWatch.endsBySignal(process, signal), "signal \(signal): sluice went on waiting for npm")
            try assertEnded([npmPID, childPID], "signal \(signal)")
        }
    }

    private func assertEnded(_ files: [URL], _ when: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for pidFile in files {
            let pid = try XCTUnwrap(ProcessWatch.pid(writtenTo: pidFile), "\(when): no \(pidFile.lastPathComponent)", file: file, line: line)
            XCTAssertTrue(ProcessWatch.ends(pid), "\(when): \(pidFile.lastPathComponent) \(pid) outlived sluice", file: file, line: line)
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
    }
}

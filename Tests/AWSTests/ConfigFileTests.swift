@testable import AWS
import Foundation
import TestSupport
import XCTest

/// The shared files read exactly as botocore reads them (Python's RawConfigParser, then botocore's
/// profile map): generated files — headers in every spelling, comments, continuations, nested
/// settings, duplicates, `[DEFAULT]`, stray lines, odd white space and line ends — each read by
/// ours and by botocore (one python3 for all); and, through the binary, what the AWS CLI would
/// ignore silently or call "expired" said as it is.
final class ConfigFileTests: XCTestCase {
    var home: TemporaryDirectory!

    // The dot keeps the messages' paths from reading as tokens (mixed case and digits), which sluice masks.
    override func setUpWithError() throws { home = try TemporaryDirectory("sluice.config-file") }
    override func tearDown() { home.remove() }

    // MARK: - Against botocore

    static let headers = ["default", "profile dev", "profile  dev", "profile \"my dev\"", " profile x", "profile a b", "profile 'q",
                          "profiles dev", "profile", "sso-session corp", "services s", "services \"t\"", "DEFAULT", "Profile Dev", "default]x",
                          "profile default"]
    static let keys = ["region", "Region", "aws_access_key_id", "output", "s3", "a b", "k;x", "k#y", "services", "sso_session", "ünï"]
    static let separators = [" = ", "=", ": ", " :", "= ", "\t=\t", " =: "]
    static let values = ["us-west-2", "", "v # not a comment", "v;x", "a=b", "x:y", "ü", "\u{00A0}nbsp\u{00A0}", "tab\there", "[x]"]
    static let indents = [" ", "  ", "\t", "\u{3000}", "\u{00A0}"]

    /// A file of `lines` lines drawn from the pieces above.
    static func generatedFile(_ random: inout SplitMix64) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        var lines: [String] = []
        if random.next() % 4 != 0 { lines.append("[\(pick(headers))]") }
        for _ in 0..<(3 + random.next() % 14) {
            switch random.next() % 20 {
            case 0...1: lines.append("[\(pick(headers))]" + pick(["", "", " # note", " ; note", "junk"]))
            case 2...9: lines.append(pick(["", "", " ", "\t"]) + pick(keys) + pick(separators) + pick(values))
            case 10...12: lines.append(pick(indents) + pick([pick(values), pick(keys) + pick(separators) + pick(values)]))
            case 13...14: lines.append(pick(["", "  ", "\t", "\u{000C}"]))
            case 15...16: lines.append(pick(["", " ", "\t"]) + pick(["#", ";"]) + " a comment")
            case 17: lines.append(pick(keys) + " =")
            case 18: lines.append(pick(["just words", "[unclosed", "= no name", "[]"]))
            default: lines.append(pick(keys) + pick(separators) + pick(values) + pick(["", " ", "\u{2003}"]))
            }
        }
        return lines.joined(separator: pick(["\n", "\r\n", "\r"])) + pick(["", "\n"])
    }

    /// Ours in botocore's shape: the sections and, by profile name, the profile's settings.
    static func ours(_ path: String) -> [String: Any] {
        guard let file = try? ConfigFile.load(path) else { return ["error": true] }
        func json(_ values: [String: ConfigFile.Value]) -> [String: Any] {
            values.mapValues { value -> Any in
                switch value {
                case .text(let text): return text
                case .nested(let nested): return nested
                }
            }
        }
        let profiles = SharedProfiles(config: file, credentials: nil, configPath: path, credentialsPath: "")
        var profileValues: [String: Any] = [:]
        for (name, section) in profiles.configProfiles { profileValues[name] = json(file.sections[section] ?? [:]) }
        return ["sections": file.sectionNames.map { [$0, json(file.sections[$0] ?? [:])] as [Any] },
                "profiles": profileValues, "sso_sessions": profiles.ssoSessionSections.keys.sorted(),
                "services": profiles.servicesSections.keys.sorted()]
    }

    func testGeneratedFilesReadAsBotocoreReadsThem() throws {
        var random = SplitMix64(seed: 28)
        var paths: [String] = []
        for index in 0..<400 {
            let path = home.url.appendingPathComponent("config-\(index)").path
            try Data(Self.generatedFile(&random).utf8).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let program = """
            import json, sys, botocore.configloader as loader
            results = []
            for path in sys.argv[1:]:
                try:
                    parsed = loader.raw_config_parse(path)
                except Exception:
                    results.append({"error": True})
                    continue
                mapped = loader.build_profile_map(parsed)
                results.append({"sections": [[name, values] for name, values in parsed.items()], "profiles": mapped["profiles"],
                                "sso_sessions": sorted(mapped["sso_sessions"]), "services": sorted(mapped["services"])})
            print(json.dumps(results))
            """
        let result = try runProcess("/usr/bin/env", ["PYTHONUTF8=1", "python3", "-c", program] + paths)
        XCTAssertEqual(result.status, 0, result.stderr)
        let theirs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        var errors = 0
        for (path, reference) in zip(paths, theirs) {
            let ours = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: Self.ours(path))) as? [String: Any])
            if reference["error"] != nil { errors += 1 }
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            XCTAssertEqual(NSDictionary(dictionary: ours), NSDictionary(dictionary: reference), "\(path):\n\(text.debugDescription)")
        }
        XCTAssertGreaterThan(errors, 40, "refusals are among the cases")
        XCTAssertLessThan(errors, 360, "files that read are among the cases")
    }

    func testHeadersCommentsAndContinuations() throws {
        let file = try ConfigFile(path: "config", text: """
            [profile  dev] # the team's
            region = eu-west-1
              continued
            s3 =
              addressing_style = path

              signature_version = s3v4
            ; a comment
            [DEFAULT]
            output = json
            """)
        XCTAssertEqual(file.sectionNames, ["profile  dev"])
        XCTAssertEqual(file.text("profile  dev", "region"), "eu-west-1\ncontinued")
        XCTAssertEqual(file.nested("profile  dev", "s3"), ["addressing_style": "path", "signature_version": "s3v4"])
        XCTAssertEqual(file.text("profile  dev", "output"), "json", "[DEFAULT] settings are in every section")
        let profiles = SharedProfiles(config: file, credentials: nil, configPath: "config", credentialsPath: "credentials")
        XCTAssertEqual(profiles.configSection("dev"), "profile  dev")
    }

    func testDuplicatesAndStrayLinesAreLocated() {
        for (text, line, message) in [
            ("[default]\nregion = a\n[default]\n", 3, "[default] appears twice (first at line 1)"),
            ("[default]\nregion = a\nRegion = b\n", 3, "'region' is set twice in [default]"),
            ("region = a\n", 1, "a setting before any [section] header"),
            ("[default]\njust words\nregion = a\n", 2, "expected 'name = value', found 'just words'"),
            ("[default]\n[profile broken\n", 2, "a section header needs a closing ']'"),
            ("[default]\ns3 =\n  no equals\n", 3, "nested setting 'no equals' needs 'name = value'"),
        ] {
            XCTAssertThrowsError(try ConfigFile(path: "config", text: text), text) { error in
                XCTAssertEqual((error as? ConfigFile.ParseError)?.line, line, text)
                XCTAssertEqual((error as? ConfigFile.ParseError)?.message, message, text)
            }
        }
        XCTAssertThrowsError(try ConfigFile(path: "config", bytes: Array("[default]\nregion = a\n# caf".utf8) + [0xE9, 0x0A])) { error in
            XCTAssertEqual((error as? ConfigFile.ParseError)?.line, 3)
        }
    }

    // MARK: - Through the binary

    func sluice(_ variables: [String: String], _ script: String = "whoami") throws -> ProcessResult {
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true",
                           "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_MAX_ATTEMPTS": "1"].merging(variables) { $1 }
        return try runProcess("/usr/bin/env", ["-i"] + environment.map { "\($0)=\($1)" } + [sluiceBinary, "-c", script], directory: home.url,
                              timeout: 60)
    }

    /// The AWS CLI skips a config file that is not a regular file as if it were absent (and a FIFO
    /// or a device could block or never end); sluice says what is there, at its path.
    func testAConfigFileThatIsADirectoryFIFOOrDeviceIsALocatedError() throws {
        let directory = "dir", fifo = "fifo"
        try FileManager.default.createDirectory(at: home.url.appendingPathComponent(directory), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(home.url.appendingPathComponent(fifo).path, 0o600), 0)
        for (variable, path, what) in [("AWS_CONFIG_FILE", directory, "is a directory"),
                                       ("AWS_SHARED_CREDENTIALS_FILE", directory, "is a directory"),
                                       ("AWS_CONFIG_FILE", fifo, "is a named pipe (FIFO), which the AWS CLI skips as if it were not there"),
                                       ("AWS_CONFIG_FILE", "/dev/zero", "is a device, which the AWS CLI skips as if it were not there")] {
            let result = try sluice([variable: path])
            XCTAssertEqual(result.status, 1, "\(variable)=\(path)")
            let shown = path.hasPrefix("/") ? path : home.url.appendingPathComponent(path).path
            XCTAssertTrue(result.stderr.flattened.hasPrefix("<command line>:1:1: error: \(shown): the AWS configuration file \(what)"), result.stderr)
        }
        // /dev/null is the usual way to say "no config file".
        let empty = try sluice(["AWS_CONFIG_FILE": "/dev/null", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE00000001", "AWS_SECRET_ACCESS_KEY": "s"])
        XCTAssertTrue(empty.stderr.contains("STS GetCallerIdentity failed: ConnectionFailed"), empty.stderr)
    }

    func ssoConfig() throws -> String {
        try FileManager.default.createDirectory(at: home.url.appendingPathComponent(".aws/sso/cache"), withIntermediateDirectories: true)
        try "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
            .write(to: home.url.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)
        let name = String(try runProcess("/bin/sh", ["-c", "printf %s corp | sha1sum"]).stdout.prefix(40))
        return home.url.appendingPathComponent(".aws/sso/cache/\(name).json").path
    }

    func testAnSSOCacheThatIsNotJSONIsNotCalledExpired() throws {
        let cache = try ssoConfig()
        try "{\"accessToken\": \"abc\", \"expiresAt\": ".write(toFile: cache, atomically: true, encoding: .utf8)
        let result = try sluice(["AWS_PROFILE": "sso"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.flattened, "<command line>:1:1: error: the SSO login for profile 'sso' cannot be read: \(cache) is not a JSON object"
                       + " hint: run `aws sso login --profile sso`")
    }

    func testAnExpiresAtThatIsNoTimeIsRefused() throws {
        let cache = try ssoConfig()
        try #"{"accessToken": "abc", "expiresAt": "2099-13-45T99:99:99Z"}"#.write(toFile: cache, atomically: true, encoding: .utf8)
        let result = try sluice(["AWS_PROFILE": "sso"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.flattened.hasPrefix("<command line>:1:1: error: the SSO login for profile 'sso' cannot be read: expiresAt '2099-13-45T99:99:99Z' in \(cache) is not a valid ISO 8601 time"),
                      result.stderr)
        for text in ["2099-13-01T00:00:00Z", "2099-02-30T00:00:00Z", "2099-01-01T24:00:00Z", "2099-01-01T00:60:00Z", "2099-01-01T00:00:00Zjunk",
                     "2099-01-01T00:00:00+25:00", "+099-01-01T00:00:00Z"] {
            XCTAssertNil(AWSTimestamp.parse(text), text)
        }
        XCTAssertNotNil(AWSTimestamp.parse("2096-02-29T23:59:59.5+05:30"))
    }

    /// botocore runs a credential_process whose Expiration is past once more, and refuses what it
    /// prints if that is still expired ("refreshed credentials are still expired").
    func testAnExpiredCredentialProcessResultIsRefused() throws {
        let script = home.url.appendingPathComponent("creds.sh").path
        try """
            #!/bin/sh
            echo run >> "\(home.path)/runs"
            echo '{"Version": 1, "AccessKeyId": "AKIAEXAMPLE00000001", "SecretAccessKey": "s", "Expiration": "2020-01-01T00:00:00Z"}'
            """.write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try "[default]\ncredential_process = \(script)\n".write(to: home.url.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let result = try sluice(["AWS_CONFIG_FILE": home.path + "/config"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.flattened, "<command line>:1:1: error: the credentials from profile default → credential_process (\(script)) expired at 2020-01-01T00:00:00Z, and obtained again they were still expired"
                       + " hint: renew them at their source (the AWS CLI refuses them too: \"refreshed credentials are still expired\")")
        XCTAssertEqual(try String(contentsOfFile: home.path + "/runs", encoding: .utf8), "run\nrun\n", "run twice, as botocore does")

        let expired = try sluice(["AWS_ACCESS_KEY_ID": "AKIAEXAMPLE00000001", "AWS_SECRET_ACCESS_KEY": "s",
                                  "AWS_CREDENTIAL_EXPIRATION": "2021-06-01T12:00:00Z"])
        XCTAssertTrue(expired.stderr.flattened.hasPrefix("<command line>:1:1: error: the credentials from environment (AWS_ACCESS_KEY_ID) expired at 2021-06-01T12:00:00Z"),
                      expired.stderr)
    }
}

@testable import AWS
import Errors
import Foundation
import TestSupport
import XCTest

/// Over a hundred configurations — files, variables, profiles, every credential source, the
/// ways a config file can be written or broken — each resolved by sluice and by two oracles for
/// exactly the same files and variables: botocore, and the AWS CLI's own driver (what the `aws`
/// executable runs; Tests/Harness/config_oracle.py runs both for every case in one process).
/// All three call STS GetCallerIdentity against moto (signature checking on, a distinct IAM user
/// behind each place keys can come from) with the project's stand-ins for SSO, the container
/// endpoint and IMDS. Compared: the identity signed as, the region, the kind of source (botocore's
/// method names) and, on failure, the class of error. Where sluice differs on purpose the case is
/// listed in `deliberateDifferences` with the reason, and the test checks the difference is still there.
final class ConfigurationMatrixTests: CredentialStandInsTestCase {

    // MARK: - The cases

    struct Case {
        let name: String
        var config: String?
        var credentials: String?
        var environment: [String: String] = [:]
        /// Variables the base environment sets that this case removes.
        var unset: [String] = []
        /// Named explicitly, as `--profile` (the AWS CLI) and `target aws profile` (sluice).
        var profile: String?
        var region: String?
        /// More files under HOME: token files, scripts, SSO caches.
        var files: [String: String] = [:]
        /// A config file with a byte that is not UTF-8 (0xE9) between these two texts.
        var invalidByteInConfig: (before: String, after: String)?
        /// Paths under HOME made as directories, and as FIFOs.
        var directories: [String] = []
        var fifos: [String] = []
    }

    /// Why sluice resolves a case differently from an oracle, on purpose.
    struct Deliberate {
        let oracles: Set<String>
        let reason: String
    }

    static let v2Reason = "AWS CLI v2 and the SDKs' shared settings reference differ from v1 (botocore) here, and sluice follows v2"

    /// Every difference from the oracles that sluice keeps, in one place.
    static let deliberateDifferences: [String: Deliberate] = [
        "AWS_PROFILE before AWS_DEFAULT_PROFILE": Deliberate(oracles: ["botocore", "cli"], reason: v2Reason + ": v2 reads AWS_PROFILE first"),
        "AWS_REGION": Deliberate(oracles: ["botocore", "cli"], reason: v2Reason + ": v1 does not read AWS_REGION"),
        "AWS_REGION over AWS_DEFAULT_REGION": Deliberate(oracles: ["botocore", "cli"], reason: v2Reason + ": v1 does not read AWS_REGION"),
        "AWS_DEFAULT_REGION set to nothing": Deliberate(
            oracles: ["botocore", "cli"],
            reason: "botocore signs for the region \"\", which only an emulator that ignores regions accepts; sluice says the variable is empty"),
        "a profile's region set to nothing": Deliberate(
            oracles: ["botocore", "cli"],
            reason: "botocore signs for the region \"\", which only an emulator that ignores regions accepts; sluice says the setting is empty"),
        "duration_seconds that is no number": Deliberate(
            oracles: ["botocore", "cli"],
            reason: "botocore ignores a duration_seconds that is not a whole number and asks for STS's default hour; sluice refuses it"),
        "AWS_CONFIG_FILE names a directory": Deliberate(
            oracles: ["botocore", "cli"], reason: "botocore skips a config file that is not a regular file as if it were absent; sluice names it"),
        "AWS_SHARED_CREDENTIALS_FILE names a directory": Deliberate(
            oracles: ["botocore", "cli"], reason: "botocore skips a credentials file that is not a regular file as if it were absent; sluice names it"),
        "AWS_CONFIG_FILE names a FIFO": Deliberate(
            oracles: ["botocore", "cli"], reason: "botocore skips a FIFO as if it were absent; sluice names it rather than read it or ignore it"),
        "role_session_name with a space": Deliberate(
            oracles: ["botocore", "cli"],
            reason: "STS refuses the name; botocore sends it and moto accepts it; sluice checks STS's constraints before sending"),
        "role_session_name of 65 characters": Deliberate(
            oracles: ["botocore", "cli"],
            reason: "STS refuses the name; botocore sends it and moto accepts it; sluice checks STS's constraints before sending"),
    ]

    static let baseCredentials = "[default]\n{alice}\n[dev]\n{bob}\n"
    static let baseConfig = "[default]\nregion = us-west-2\n[profile dev]\nregion = eu-west-1\n[profile ops]\nregion = ap-south-1\n{dave}\n"

    /// A case on the base files.
    static func with(_ name: String, _ change: (inout Case) -> Void) -> Case {
        var made = Case(name: name, config: baseConfig, credentials: baseCredentials)
        change(&made)
        return made
    }

    /// A case with only the files and variables given.
    static func only(_ name: String, config: String? = nil, credentials: String? = nil, files: [String: String] = [:],
                     environment: [String: String] = [:], _ change: (inout Case) -> Void = { _ in }) -> Case {
        var made = Case(name: name, config: config, credentials: credentials, environment: environment, files: files)
        change(&made)
        return made
    }

    static let carol = ["AWS_ACCESS_KEY_ID": "{carol.key}", "AWS_SECRET_ACCESS_KEY": "{carol.secret}"]
    static let region = ["AWS_DEFAULT_REGION": "us-east-2"]
    static let process = "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \"{erin.key}\", \"SecretAccessKey\": \"{erin.secret}\"EXTRA}'\n"
    static func processScript(_ extra: String = "") -> String { process.replacingOccurrences(of: "EXTRA", with: extra) }
    static let ssoProfile = "[profile sso]\nregion = us-west-2\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n"
        + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
    static let ssoCache = ".aws/sso/cache/{sha1:corp}.json"

    static let cases: [Case] = [
        // The environment's keys.
        only("env keys", environment: carol.merging(region) { $1 }),
        with("env keys over the default profile") { $0.environment = carol },
        with("env access key without secret") { $0.environment = ["AWS_ACCESS_KEY_ID": "{carol.key}"] },
        with("env secret without access key") { $0.environment = ["AWS_SECRET_ACCESS_KEY": "{carol.secret}"] },
        with("env access key set to nothing") { $0.environment = ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "{carol.secret}"] },
        only("env temporary keys with AWS_SESSION_TOKEN", environment: region.merging(
            ["AWS_ACCESS_KEY_ID": "{temp.key}", "AWS_SECRET_ACCESS_KEY": "{temp.secret}", "AWS_SESSION_TOKEN": "{temp.token}"]) { $1 }),
        only("env temporary keys with AWS_SECURITY_TOKEN", environment: region.merging(
            ["AWS_ACCESS_KEY_ID": "{temp.key}", "AWS_SECRET_ACCESS_KEY": "{temp.secret}", "AWS_SECURITY_TOKEN": "{temp.token}"]) { $1 }),
        only("env AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN", environment: region.merging(
            ["AWS_ACCESS_KEY_ID": "{temp.key}", "AWS_SECRET_ACCESS_KEY": "{temp.secret}", "AWS_SECURITY_TOKEN": "{temp.token}",
             "AWS_SESSION_TOKEN": "not-the-token"]) { $1 }),
        only("env temporary keys without a token", environment: region.merging(
            ["AWS_ACCESS_KEY_ID": "{temp.key}", "AWS_SECRET_ACCESS_KEY": "{temp.secret}"]) { $1 }),
        only("env keys with AWS_CREDENTIAL_EXPIRATION ahead", environment: carol.merging(region) { $1 }
             .merging(["AWS_CREDENTIAL_EXPIRATION": "{in-an-hour}"]) { $1 }),
        only("env keys with AWS_CREDENTIAL_EXPIRATION past", environment: carol.merging(region) { $1 }
             .merging(["AWS_CREDENTIAL_EXPIRATION": "2020-01-01T00:00:00Z"]) { $1 }),
        with("env keys ignored for an explicit profile") { $0.environment = carol; $0.profile = "dev" },
        with("env keys over AWS_PROFILE") { $0.environment = carol.merging(["AWS_PROFILE": "dev"]) { $1 } },
        with("env access key without secret, explicit profile") { $0.environment = ["AWS_ACCESS_KEY_ID": "{carol.key}"]; $0.profile = "dev" },
        only("env access key without secret for credential_source Environment",
             config: "[profile r]\nregion = us-west-2\nrole_arn = {role:deploy}\ncredential_source = Environment\n",
             environment: ["AWS_PROFILE": "r", "AWS_ACCESS_KEY_ID": "{carol.key}"]),

        // Choosing the profile.
        with("AWS_PROFILE selects a profile") { $0.environment = ["AWS_PROFILE": "dev"] },
        with("AWS_DEFAULT_PROFILE selects a profile") { $0.environment = ["AWS_DEFAULT_PROFILE": "dev"] },
        with("AWS_PROFILE before AWS_DEFAULT_PROFILE") { $0.environment = ["AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "ops"] },
        with("an unknown AWS_PROFILE") { $0.environment = ["AWS_PROFILE": "nope"] },
        with("AWS_PROFILE set to nothing") { $0.environment = ["AWS_PROFILE": ""] },
        with("AWS_DEFAULT_PROFILE set to nothing") { $0.environment = ["AWS_DEFAULT_PROFILE": ""] },
        only("AWS_PROFILE=default without a default profile", config: "[profile ops]\nregion = ap-south-1\n",
             environment: carol.merging(region) { $1 }.merging(["AWS_PROFILE": "default"]) { $1 }),
        with("AWS_PROFILE=default names the default profile") { $0.environment = ["AWS_PROFILE": "default"] },
        only("no default profile and none named", config: "[profile ops]\nregion = ap-south-1\n", environment: carol.merging(region) { $1 }),
        with("an explicit unknown profile") { $0.profile = "nope" },
        with("a profile only in the config file") { $0.environment = ["AWS_PROFILE": "ops"] },
        only("[profile dev] in the credentials file is another name", credentials: "[profile dev]\n{bob}\n",
             environment: region.merging(["AWS_PROFILE": "dev"]) { $1 }),
        only("a credentials-file section named 'profile dev'", credentials: "[profile dev]\n{bob}\n",
             environment: region.merging(["AWS_PROFILE": "profile dev"]) { $1 }),

        // How the config file is read.
        only("[profile  dev] with two spaces", config: "[profile  dev]\nregion = eu-central-1\n{dave}\n", environment: ["AWS_PROFILE": "dev"]),
        only("[profile \"dev\"] quoted", config: "[profile \"dev\"]\nregion = eu-central-1\n{dave}\n", environment: ["AWS_PROFILE": "dev"]),
        only("[profile \"my dev\"] with a space", config: "[profile \"my dev\"]\nregion = eu-central-1\n{dave}\n",
             environment: ["AWS_PROFILE": "my dev"]),
        only("[ profile dev] is not a profile", config: "[ profile dev]\nregion = eu-central-1\n{dave}\n", environment: ["AWS_PROFILE": "dev"]),
        only("[profile dev extra] is not a profile", config: "[profile dev extra]\nregion = eu-central-1\n{dave}\n",
             environment: ["AWS_PROFILE": "dev"]),
        only("[profiles dev] is profile dev", config: "[profiles dev]\nregion = eu-central-1\n{dave}\n", environment: ["AWS_PROFILE": "dev"]),
        only("[profile 'dev] with an open quote", config: "[profile 'dev]\nregion = eu-central-1\n{dave}\n", environment: ["AWS_PROFILE": "dev"]),
        only("a comment after a section header", config: "[default] # the main one\nregion = eu-central-1\n{dave}\n"),
        only("comment lines", config: "# top\n[default]\n; a note\n   # indented\nregion = eu-central-1\n\t; tabbed\n{dave}\n"),
        only("a section given twice", config: "[default]\nregion = eu-central-1\n{dave}\n[profile ops]\n[default]\noutput = json\n"),
        only("a setting given twice", config: "[default]\nregion = eu-central-1\n{dave}\nREGION = us-west-1\n"),
        only("[default] then [profile default]", config: "[default]\nregion = eu-central-1\n{dave}\n[profile default]\nregion = eu-north-1\n{dave}\n"),
        only("[profile default] then [default]", config: "[profile default]\nregion = eu-north-1\n{dave}\n[default]\nregion = eu-central-1\n{dave}\n"),
        only("a line that is no setting", config: "[default]\nregion = eu-central-1\n{dave}\njust words\n"),
        only("a setting before any section", config: "region = eu-central-1\n[default]\n{dave}\n"),
        only("a region continued on the next line", config: "[default]\nregion =\n  us-west-1\n{dave}\n"),
        only("setting names in capitals", config: "[default]\nREGION = eu-central-1\nAWS_ACCESS_KEY_ID = {dave.key}\nAws_Secret_Access_Key = {dave.secret}\n"),
        only("a colon between name and value", config: "[default]\nregion: eu-central-1\naws_access_key_id: {dave.key}\naws_secret_access_key: {dave.secret}\n"),
        only("[DEFAULT] settings in every profile", config: "[DEFAULT]\nregion = sa-east-1\n[profile ops]\n{dave}\n",
             environment: ["AWS_PROFILE": "ops"]),
        only("a byte-order mark", config: "\u{FEFF}[default]\nregion = eu-central-1\n{dave}\n"),
        only("bytes that are not UTF-8") { $0.invalidByteInConfig = ("[default]\nregion = eu-central-1\n# caf", "\n{dave}\n") },
        only("CRLF line endings", config: "[default]\r\nregion = eu-central-1\r\n{dave}\r\n"),
        only("CR line endings", config: "[default]\rregion = eu-central-1\r{dave}\r"),
        only("an indented first setting", config: "[default]\n  region = eu-central-1\n{dave}\n"),
        only("a blank line before a continuation", config: "[default]\nregion = eu-central-1\n{dave}\noutput = json\n\n  text\n"),
        only("an empty config file", config: "", environment: carol.merging(region) { $1 }),
        only("an endpoint from a services section", config: "[default]\nregion = eu-central-1\n{dave}\nservices = local\n"
             + "[services local]\nsts =\n  endpoint_url = {moto}\n") { $0.unset = ["AWS_ENDPOINT_URL"] },
        only("an endpoint from a quoted services section", config: "[default]\nregion = eu-central-1\n{dave}\nservices = local\n"
             + "[services \"local\"]\n\nsts =\n\n  endpoint_url = {moto}\n\n") { $0.unset = ["AWS_ENDPOINT_URL"] },
        only("a nested setting without =", config: "[default]\nregion = eu-central-1\n{dave}\nservices = local\n"
             + "[services local]\nsts =\n  endpoint_url\n") { $0.unset = ["AWS_ENDPOINT_URL"] },

        // Keys in the shared files.
        only("a credentials-file profile with only the access key", config: "[default]\nregion = eu-central-1\n{dave}\n",
             credentials: "[default]\naws_access_key_id = {alice.key}\n"),
        only("a credentials-file profile with only the secret", config: "[default]\nregion = eu-central-1\n{dave}\n",
             credentials: "[default]\naws_secret_access_key = {alice.secret}\n"),
        only("a config-file profile with only the access key", config: "[default]\nregion = eu-central-1\naws_access_key_id = {dave.key}\n"),
        only("aws_session_token in the credentials file", config: "[default]\nregion = eu-central-1\n",
             credentials: "[default]\naws_access_key_id = {temp.key}\naws_secret_access_key = {temp.secret}\naws_session_token = {temp.token}\n"),
        only("aws_security_token in the credentials file", config: "[default]\nregion = eu-central-1\n",
             credentials: "[default]\naws_access_key_id = {temp.key}\naws_secret_access_key = {temp.secret}\naws_security_token = {temp.token}\n"),
        with("the credentials file's region over the config file's") {
            $0.credentials = baseCredentials + "region = ca-central-1\n"
            $0.environment = ["AWS_PROFILE": "dev"]
        },
        only("keys in both files: the credentials file's", config: "[default]\nregion = eu-central-1\n{dave}\n", credentials: "[default]\n{alice}\n"),

        // The region.
        with("AWS_DEFAULT_REGION") { $0.environment = ["AWS_DEFAULT_REGION": "eu-west-3"] },
        with("AWS_REGION") { $0.environment = ["AWS_REGION": "eu-west-3"] },
        with("AWS_REGION over AWS_DEFAULT_REGION") { $0.environment = ["AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "us-east-2"] },
        with("the profile's region") { $0.environment = ["AWS_PROFILE": "dev"] },
        with("AWS_DEFAULT_REGION over the profile's") { $0.environment = ["AWS_PROFILE": "dev", "AWS_DEFAULT_REGION": "us-east-2"] },
        with("AWS_DEFAULT_REGION set to nothing") { $0.environment = ["AWS_DEFAULT_REGION": ""] },
        with("an explicit region") { $0.region = "ap-northeast-1" },
        with("an explicit region over AWS_DEFAULT_REGION") { $0.region = "ap-northeast-1"; $0.environment = ["AWS_DEFAULT_REGION": "us-east-2"] },
        only("a region only in the credentials file", credentials: "[default]\n{alice}\nregion = me-south-1\n"),
        only("no region anywhere", config: "[default]\n{dave}\n"),
        only("no region and no credentials"),
        only("a profile's region set to nothing", config: "[default]\nregion =\n{dave}\n"),

        // Where the files are.
        only("AWS_CONFIG_FILE with $VAR", files: ["alt/config": "[default]\nregion = il-central-1\n{dave}\n"],
             environment: ["ALT": "{home}/alt", "AWS_CONFIG_FILE": "$ALT/config"]),
        only("AWS_CONFIG_FILE with ${VAR}", files: ["alt/config": "[default]\nregion = il-central-1\n{dave}\n"],
             environment: ["ALT": "{home}/alt", "AWS_CONFIG_FILE": "${ALT}/config"]),
        only("AWS_SHARED_CREDENTIALS_FILE with ~", files: ["alt/creds": "[default]\n{bob}\n"],
             environment: region.merging(["AWS_SHARED_CREDENTIALS_FILE": "~/alt/creds"]) { $1 }),
        only("AWS_CONFIG_FILE with an unset variable", files: ["alt/config": "[default]\nregion = il-central-1\n{dave}\n"],
             environment: carol.merging(region) { $1 }.merging(["AWS_CONFIG_FILE": "$NOT_SET/config"]) { $1 }),
        with("AWS_CONFIG_FILE names a missing file") { $0.environment = carol.merging(region) { $1 }.merging(["AWS_CONFIG_FILE": "{home}/none"]) { $1 } },
        with("AWS_CONFIG_FILE names a directory") {
            $0.directories = ["dir"]
            $0.environment = carol.merging(region) { $1 }.merging(["AWS_CONFIG_FILE": "{home}/dir"]) { $1 }
        },
        with("AWS_SHARED_CREDENTIALS_FILE names a directory") {
            $0.directories = ["dir"]
            $0.environment = ["AWS_SHARED_CREDENTIALS_FILE": "{home}/dir"]
        },
        with("AWS_CONFIG_FILE is /dev/null") { $0.environment = carol.merging(region) { $1 }.merging(["AWS_CONFIG_FILE": "/dev/null"]) { $1 } },
        with("AWS_CONFIG_FILE names a FIFO") {
            $0.fifos = ["fifo"]
            $0.environment = carol.merging(region) { $1 }.merging(["AWS_CONFIG_FILE": "{home}/fifo"]) { $1 }
        },
        with("AWS_CONFIG_FILE set to nothing") { $0.environment = carol.merging(region) { $1 }.merging(["AWS_CONFIG_FILE": ""]) { $1 } },

        // Roles.
        with("a role from a source profile") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = dev\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("a chain of two roles") {
            $0.config = baseConfig + "[profile m]\nregion = eu-north-1\nrole_arn = {role:middle}\nsource_profile = dev\n[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = m\nrole_session_name = chained\n"
            $0.environment = ["AWS_PROFILE": "r"]
        },
        with("role_session_name") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = dev\nrole_session_name = named.one@x\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("role_session_name of one character") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = dev\nrole_session_name = x\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("role_session_name with a space") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = dev\nrole_session_name = two words\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("role_session_name of 65 characters") {
            $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = dev\nrole_session_name = \(String(repeating: "a", count: 65))\n"
            $0.environment = ["AWS_PROFILE": "r"]
        },
        with("external_id") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:guarded}\nsource_profile = dev\nexternal_id = acme\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("a wrong external_id") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:guarded}\nsource_profile = dev\nexternal_id = other\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("a source_profile that does not exist") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = nope\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("both source_profile and credential_source") {
            $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = dev\ncredential_source = Environment\n"
            $0.environment = ["AWS_PROFILE": "r"]
        },
        with("credential_source Environment") {
            $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\ncredential_source = Environment\n"
            $0.environment = carol.merging(["AWS_PROFILE": "r"]) { $1 }
        },
        with("credential_source Environment without keys") {
            $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\ncredential_source = Environment\n"
            $0.environment = ["AWS_PROFILE": "r"]
        },
        with("credential_source that is not known") {
            $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\ncredential_source = Laptop\n"
            $0.environment = ["AWS_PROFILE": "r"]
        },
        with("a source_profile loop") {
            $0.config = baseConfig + "[profile a]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = b\n[profile b]\nrole_arn = {role:middle}\nsource_profile = a\n"
            $0.environment = ["AWS_PROFILE": "a"]
        },
        with("role_arn without a source") { $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\n"; $0.environment = ["AWS_PROFILE": "r"] },
        with("a source profile with only an access key") {
            $0.config = baseConfig + "[profile half]\naws_access_key_id = {dave.key}\n[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = half\n"
            $0.environment = ["AWS_PROFILE": "r"]
        },
        with("a profile that is its own source") {
            $0.config = baseConfig + "[profile self]\nregion = eu-north-1\n{dave}\nrole_arn = {role:deploy}\nsource_profile = self\n"
            $0.environment = ["AWS_PROFILE": "self"]
        },
        with("duration_seconds that is no number") {
            $0.config = baseConfig + "[profile r]\nregion = eu-north-1\nrole_arn = {role:deploy}\nsource_profile = dev\nduration_seconds = an hour\n"
            $0.environment = ["AWS_PROFILE": "r"]
        },

        // Web identity.
        only("web identity from the environment", files: ["token.jwt": "header.payload.signature"],
             environment: region.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/token.jwt", "AWS_ROLE_ARN": "{role:ci}"]) { $1 }),
        only("web identity from a profile", config: "[default]\nregion = us-west-2\nweb_identity_token_file = {home}/token.jwt\nrole_arn = {role:ci}\nrole_session_name = pod\n",
             files: ["token.jwt": "header.payload.signature"]),
        only("the environment's web identity role over the profile's",
             config: "[default]\nregion = us-west-2\nweb_identity_token_file = {home}/token.jwt\nrole_arn = {role:ci}\n",
             files: ["token.jwt": "header.payload.signature"], environment: ["AWS_ROLE_ARN": "{role:deploy}"]),
        only("a web identity token without a role", files: ["token.jwt": "header.payload.signature"],
             environment: region.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/token.jwt"]) { $1 }),
        only("AWS_ROLE_SESSION_NAME over the profile's name",
             config: "[default]\nregion = us-west-2\nweb_identity_token_file = {home}/token.jwt\nrole_arn = {role:ci}\nrole_session_name = pod\n",
             files: ["token.jwt": "header.payload.signature"], environment: ["AWS_ROLE_SESSION_NAME": "from-env"]),
        only("a missing web identity token file",
             environment: region.merging(["AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/none.jwt", "AWS_ROLE_ARN": "{role:ci}"]) { $1 }),
        only("AWS_WEB_IDENTITY_TOKEN_FILE set to nothing over a profile's",
             config: "[default]\nregion = us-west-2\nweb_identity_token_file = {home}/token.jwt\nrole_arn = {role:ci}\n{dave}\n",
             files: ["token.jwt": "header.payload.signature"], environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": ""]),

        // credential_process.
        only("credential_process", config: "[default]\nregion = us-west-2\ncredential_process = {home}/creds.sh\n",
             files: ["creds.sh": processScript()]),
        only("credential_process with an Expiration ahead", config: "[default]\nregion = us-west-2\ncredential_process = {home}/creds.sh\n",
             files: ["creds.sh": processScript(", \"Expiration\": \"{in-an-hour}\"")]),
        only("credential_process with an Expiration past", config: "[default]\nregion = us-west-2\ncredential_process = {home}/creds.sh\n",
             files: ["creds.sh": processScript(", \"Expiration\": \"2020-01-01T00:00:00Z\"")]),
        only("credential_process that fails", config: "[default]\nregion = us-west-2\ncredential_process = /bin/sh -c 'echo denied >&2; exit 3'\n"),
        only("credential_process that prints no JSON", config: "[default]\nregion = us-west-2\ncredential_process = /bin/echo hello\n"),
        only("credential_process with quoted arguments", config: "[default]\nregion = us-west-2\ncredential_process = \"{home}/creds.sh\" \"a b\" 'c\\\"d'\n",
             files: ["creds.sh": processScript()]),
        only("credential_process of Version 2", config: "[default]\nregion = us-west-2\ncredential_process = {home}/creds.sh\n",
             files: ["creds.sh": processScript().replacingOccurrences(of: "\"Version\": 1", with: "\"Version\": 2")]),
        only("credential_process after shared-file keys", config: "[default]\nregion = us-west-2\ncredential_process = {home}/creds.sh\n",
             credentials: "[default]\n{alice}\n", files: ["creds.sh": processScript()]),

        // IAM Identity Center.
        only("an SSO session profile", config: ssoProfile, files: [ssoCache: "{sso-token}"], environment: ["AWS_PROFILE": "sso"]),
        only("a legacy SSO profile", config: "[profile sso]\nregion = us-west-2\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\n"
             + "sso_account_id = 123456789012\nsso_role_name = Dev\n",
             files: [".aws/sso/cache/{sha1:https://legacy.awsapps.com/start}.json": "{sso-token}"], environment: ["AWS_PROFILE": "sso"]),
        only("an expired SSO token", config: ssoProfile, files: [ssoCache: "{sso-token-expired}"], environment: ["AWS_PROFILE": "sso"]),
        only("an SSO profile never logged in", config: ssoProfile, environment: ["AWS_PROFILE": "sso"]),
        only("an sso_session profile without account or role", config: "[profile sso]\nregion = us-west-2\nsso_session = corp\n"
             + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
             credentials: "[sso]\n{bob}\n", environment: ["AWS_PROFILE": "sso"]),
        only("an sso_session that does not exist", config: "[profile sso]\nregion = us-west-2\nsso_session = nope\nsso_account_id = 123456789012\nsso_role_name = Dev\n",
             environment: ["AWS_PROFILE": "sso"]),
        only("an SSO profile without sso_region", config: "[profile sso]\nregion = us-west-2\nsso_start_url = https://legacy.awsapps.com/start\n"
             + "sso_account_id = 123456789012\nsso_role_name = Dev\n", environment: ["AWS_PROFILE": "sso"]),
        only("an SSO profile disagreeing with its session", config: ssoProfile.replacingOccurrences(of: "sso_role_name = Dev\n", with: "sso_role_name = Dev\nsso_region = eu-west-1\n"),
             files: [ssoCache: "{sso-token}"], environment: ["AWS_PROFILE": "sso"]),

        // The container endpoint and instance metadata.
        only("container credentials with a token file", files: ["container-token": "{container-token}"],
             environment: region.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{endpoints}/container/credentials",
                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{home}/container-token"]) { $1 }),
        only("container token file ending in a newline", files: ["container-token": "{container-token}\n"],
             environment: region.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{endpoints}/container/credentials",
                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{home}/container-token"]) { $1 }),
        only("container token from AWS_CONTAINER_AUTHORIZATION_TOKEN",
             environment: region.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{endpoints}/container/credentials",
                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN": "{container-token}"]) { $1 }),
        only("container credentials with a wrong token",
             environment: region.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{endpoints}/container/credentials",
                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"]) { $1 }),
        only("instance metadata with IMDSv2", environment: region.merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "{endpoints}/"]) { $1 }) {
            $0.unset = ["AWS_EC2_METADATA_DISABLED"]
        },
        only("IMDSv1 when the token request answers 500", environment: region.merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "{endpoints}/imds-500/"]) { $1 }) {
            $0.unset = ["AWS_EC2_METADATA_DISABLED"]
        },
        only("IMDSv1 when the token request never answers", environment: region.merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "{endpoints}/imds-hang/"]) { $1 }) {
            $0.unset = ["AWS_EC2_METADATA_DISABLED"]
        },
        only("IMDSv1 disabled and no token", environment: region.merging(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "{endpoints}/imds-404/",
                                                                         "AWS_EC2_METADATA_V1_DISABLED": "true"]) { $1 }) {
            $0.unset = ["AWS_EC2_METADATA_DISABLED"]
        },
        only("nothing anywhere", environment: region),
        only("credentials in a profile before the container's", config: "[default]\nregion = us-west-2\n{dave}\n",
             environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "{endpoints}/container/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "{container-token}"]),

        // Retry settings (their effect is RetryModeTests'; here, which values are refused).
        with("retry_mode that is not known") { $0.config = baseConfig.replacingOccurrences(of: "region = us-west-2", with: "region = us-west-2\nretry_mode = eager") },
        with("max_attempts 0") { $0.config = baseConfig.replacingOccurrences(of: "region = us-west-2", with: "region = us-west-2\nmax_attempts = 0") },
        with("AWS_MAX_ATTEMPTS that is no number") { $0.environment = ["AWS_MAX_ATTEMPTS": "three"] },
        with("retry_mode legacy") { $0.environment = ["AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "2"] },
    ]

    // MARK: - Running them

    struct Outcome: Decodable, Equatable, CustomStringConvertible {
        var `class`: String
        var arn: String?
        var region: String?
        var method: String?
        var detail: String?

        static func == (a: Outcome, b: Outcome) -> Bool {
            a.class == b.class && (a.class != "ok" || (a.arn == b.arn && a.region == b.region && a.method == b.method))
        }

        var description: String {
            self.class == "ok" ? "ok as \(arn ?? "?") in \(region ?? "?") from \(method ?? "?")" : "\(self.class): \(detail ?? "")"
        }
    }

    struct OracleResult: Decodable {
        let name: String
        let botocore: Outcome
        let cli: Outcome
        let executable: Outcome?
    }

    /// Cases also run by the `aws` executable, to show the CLI driver run in the oracle's process answers as the command does.
    static let alsoByTheExecutable: Set<String> = ["a role from a source profile", "env access key without secret", "an unknown AWS_PROFILE",
                                                   "a section given twice", "credential_process with an Expiration past"]

    /// The identities behind each place keys come from, and the values the cases' placeholders stand for.
    func placeholders(home: String) async throws -> [String: String] {
        var values: [String: String] = ["{moto}": moto.endpoint, "{endpoints}": endpoints.endpoint]
        for name in ["alice", "bob", "carol", "dave", "erin"] {
            let keys = try await moto.makeUser(name)
            values["{\(name).key}"] = keys.accessKeyID
            values["{\(name).secret}"] = keys.secretAccessKey
            values["{\(name)}"] = "aws_access_key_id = \(keys.accessKeyID)\naws_secret_access_key = \(keys.secretAccessKey)"
        }
        for role in ["deploy", "middle", "ci", "tempo", "served"] { values["{role:\(role)}"] = try await moto.makeRole(role) }
        values["{role:guarded}"] = try await moto.makeRole("guarded", conditions: ["StringEquals": ["sts:ExternalId": "acme"]])
        let sts = STS(client: AWSClient(configuration: try moto.configuration()))
        let temporaryAnswer = try await sts.assumeRole(.init(roleArn: values["{role:tempo}"]!, roleSessionName: "temporary"))
        let temporary = try XCTUnwrap(temporaryAnswer.credentials)
        values["{temp.key}"] = temporary.accessKeyId
        values["{temp.secret}"] = temporary.secretAccessKey
        values["{temp.token}"] = temporary.sessionToken
        let servedAnswer = try await sts.assumeRole(.init(roleArn: values["{role:served}"]!, roleSessionName: "served"))
        let served = try XCTUnwrap(servedAnswer.credentials)
        try await endpoints.serve(AWSCredentials(accessKeyID: served.accessKeyId, secretAccessKey: served.secretAccessKey,
                                                      sessionToken: served.sessionToken), expiring: Date(timeIntervalSinceNow: 3600))
        try await endpoints.requireContainerToken("matrix-container-token")
        values["{container-token}"] = "matrix-container-token"
        try await endpoints.acceptSSO(accessTokens: ["matrix-sso-token"], refreshToken: nil)
        let hour = ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: 3600))
        values["{in-an-hour}"] = hour
        values["{sso-token}"] = #"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "matrix-sso-token", "expiresAt": "\#(hour)"}"#
        values["{sso-token-expired}"] = #"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "matrix-sso-token", "expiresAt": "2020-01-01T00:00:00Z"}"#
        values["{home}"] = home
        return values
    }

    static func sha1(_ text: String) throws -> String {
        String(try runProcess("/bin/sh", ["-c", "printf %s \"$1\" | sha1sum", "sh", text]).stdout.prefix(40))
    }

    /// Writes a case's files under its own HOME and returns its environment.
    func prepare(_ matrixCase: Case, in root: URL, values: [String: String]) throws -> [String: String] {
        let home = root.appendingPathComponent(String(Self.cases.firstIndex { $0.name == matrixCase.name }!))
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws/sso/cache"), withIntermediateDirectories: true)
        var values = values
        values["{home}"] = home.path
        func fill(_ text: String) throws -> String {
            var filled = text
            for (placeholder, value) in values { filled = filled.replacingOccurrences(of: placeholder, with: value) }
            while let range = filled.range(of: #"\{sha1:[^}]*\}"#, options: .regularExpression) {
                filled.replaceSubrange(range, with: try Self.sha1(String(filled[range].dropFirst(6).dropLast())))
            }
            return filled
        }
        func write(_ path: String, _ bytes: [UInt8]) throws {
            let url = home.appendingPathComponent(try fill(path))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        if let (before, after) = matrixCase.invalidByteInConfig {
            try write(".aws/config", Array(try fill(before).utf8) + [0xE9] + Array(try fill(after).utf8))
        }
        if let config = matrixCase.config { try write(".aws/config", Array(try fill(config).utf8)) }
        if let credentials = matrixCase.credentials { try write(".aws/credentials", Array(try fill(credentials).utf8)) }
        for (path, text) in matrixCase.files {
            try write(path, Array(try fill(text).utf8))
            if path.hasSuffix(".sh") { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home.appendingPathComponent(path).path) }
        }
        for directory in matrixCase.directories {
            try FileManager.default.createDirectory(at: home.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        for fifo in matrixCase.fifos { XCTAssertEqual(mkfifo(home.appendingPathComponent(fifo).path, 0o600), 0) }
        var environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "AWS_ENDPOINT_URL": moto.endpoint,
                           "AWS_ENDPOINT_URL_SSO": endpoints.endpoint, "AWS_EC2_METADATA_DISABLED": "true"]
        for name in matrixCase.unset { environment[name] = nil }
        for (name, value) in matrixCase.environment { environment[name] = try fill(value) }
        return environment
    }

    /// sluice for one case, through the AWS module: the configuration resolved, then STS asked who signs.
    func sluice(_ matrixCase: Case, _ environment: [String: String]) async -> Outcome {
        do {
            let configuration = try AWSConfiguration.resolve(profile: matrixCase.profile, region: matrixCase.region, environment: environment)
            let identity = try await STS(client: AWSClient(configuration: configuration, retryPolicy: RetryPolicy(.init(mode: .standard, maxAttempts: 1))))
                .getCallerIdentity()
            return Outcome(class: "ok", arn: identity.arn, region: configuration.region.value, method: configuration.credentials.method)
        } catch {
            return Outcome(class: Self.errorClass(error), detail: String(describing: error))
        }
    }

    /// sluice's typed errors in the oracle's vocabulary of failures.
    static func errorClass(_ error: Error) -> String {
        switch error {
        case is ConfigFile.ParseError: return "config-parse"
        case is ConfigFile.ReadError: return "config-unreadable"
        case let error as AWSError: return "aws:" + error.code.description
        case let error as AWSConfigurationError:
            switch error {
            case .profileNotFound: return "profile-not-found"
            case .noCredentials: return "no-credentials"
            case .noRegion: return "no-region"
            case .credentialProcess: return "credential-process"
            case .credentialSource: return "credential-source"
            case .partialCredentials: return "partial-credentials"
            case .expiredCredentials: return "expired"
            case .ssoLogin: return "sso-login"
            case .invalidSetting: return "invalid-setting"
            }
        default: return "other:\(type(of: error))"
        }
    }

    /// A default session name holds the time it was made: the same for all three, to the second.
    static func normalized(_ outcome: Outcome) -> Outcome {
        var normalized = outcome
        normalized.arn = outcome.arn?.replacingOccurrences(of: #"botocore-session-\d+"#, with: "botocore-session-N", options: .regularExpression)
        return normalized
    }

    func testOverAHundredConfigurationsResolveAsBotocoreAndTheAWSCLIDo() async throws {
        try requireStandIns()
        XCTAssertGreaterThanOrEqual(Self.cases.count, 100)
        XCTAssertEqual(Set(Self.cases.map(\.name)).count, Self.cases.count, "case names are unique")
        XCTAssertTrue(Set(Self.deliberateDifferences.keys).isSubset(of: Set(Self.cases.map(\.name))), "every listed difference is a case")
        try await moto.reset()
        let root = try TemporaryDirectory("sluice-matrix")
        defer { root.remove() }
        let values = try await placeholders(home: root.path)
        var environments: [String: [String: String]] = [:]
        var input: [[String: Any]] = []
        for matrixCase in Self.cases {
            let environment = try prepare(matrixCase, in: root.url, values: values)
            environments[matrixCase.name] = environment
            input.append(["name": matrixCase.name, "environment": environment, "profile": matrixCase.profile as Any, "region": matrixCase.region as Any,
                          "executable": Self.alsoByTheExecutable.contains(matrixCase.name)])
        }
        let casesFile = root.url.appendingPathComponent("cases.json")
        try JSONSerialization.data(withJSONObject: input).write(to: casesFile)
        let oracle = try runProcess("/usr/bin/env", ["python3", packageRoot.appendingPathComponent("Tests/Harness/config_oracle.py").path, casesFile.path],
                                    timeout: 600)
        XCTAssertEqual(oracle.status, 0, oracle.stderr)
        let results = Dictionary(uniqueKeysWithValues: try JSONDecoder().decode([OracleResult].self, from: Data(oracle.stdout.utf8)).map { ($0.name, $0) })

        var agreeing = 0
        for matrixCase in Self.cases {
            let ours = Self.normalized(await sluice(matrixCase, environments[matrixCase.name]!))
            guard let result = results[matrixCase.name] else { XCTFail("no oracle result for \(matrixCase.name)"); continue }
            let deliberate = Self.deliberateDifferences[matrixCase.name]
            for (oracle, theirs) in [("botocore", Self.normalized(result.botocore)), ("cli", Self.normalized(result.cli))] {
                if deliberate?.oracles.contains(oracle) == true {
                    XCTAssertNotEqual(ours, theirs, "\(matrixCase.name): listed as a deliberate difference from \(oracle), but they agree")
                } else {
                    XCTAssertEqual(ours, theirs, "\(matrixCase.name): sluice vs \(oracle)")
                }
            }
            if deliberate == nil { agreeing += 1 }
            if Self.alsoByTheExecutable.contains(matrixCase.name) {
                let executable = try XCTUnwrap(result.executable.map(Self.normalized), matrixCase.name)
                XCTAssertEqual(executable.class, result.cli.class, "\(matrixCase.name): the aws executable vs its driver here")
                XCTAssertEqual(executable.arn, Self.normalized(result.cli).arn, "\(matrixCase.name): the aws executable vs its driver here")
            }
        }
        XCTAssertGreaterThanOrEqual(agreeing, 100, "at least a hundred configurations agree with both oracles")
    }
}

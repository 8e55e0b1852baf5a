// sluice(1), written from the command table (the one `help`, the parser and completion read),
// so the manual cannot drift from the commands. `sluice --man` prints it; docs/sluice.1 is that
// output, and ShellTests fails when the two differ.

/// A term and what it means: a way of running sluice, an option, a variable, a file.
public struct ManualEntry: Sendable {
    public var term: String
    public var meaning: String

    public init(_ term: String, _ meaning: String) {
        self.term = term
        self.meaning = meaning
    }
}

/// The manual page in roff (man macros): synopsis, options, every command with its usage and
/// example, the environment, files and exit status.
public struct ManualPage: Sendable {
    public var version: String
    /// `sluice [--echo] …` lines.
    public var synopsis: [String]
    /// The ways to run sluice (`sluice FILE`, `sluice -c …`).
    public var invocations: [ManualEntry]
    public var options: [ManualEntry]
    public var table: CommandTable

    public init(version: String, synopsis: [String], invocations: [ManualEntry], options: [ManualEntry],
                table: CommandTable = .standard) {
        self.version = version
        self.synopsis = synopsis
        self.invocations = invocations
        self.options = options
        self.table = table
    }

    /// Every variable sluice reads (a test checks the sources read no other).
    static let environment: [ManualEntry] = [
        ManualEntry("AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN, AWS_CREDENTIAL_EXPIRATION",
                    "Credentials for the aws target, used unless a profile is named (`target aws profile P`): both keys or neither (half is an error, as in the AWS CLI), the token by either name (AWS_SECURITY_TOKEN first, as the AWS CLI), and when they expire (expired ones are refused)."),
        ManualEntry("AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME",
                    "Assume a role with a web identity token (as on EKS), as the AWS CLI does."),
        ManualEntry("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    "Container credentials (ECS tasks, EKS Pod Identity), as the AWS CLI reads them."),
        ManualEntry("AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE, AWS_EC2_METADATA_V1_DISABLED, AWS_METADATA_SERVICE_TIMEOUT, AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                    "EC2 instance metadata credentials: whether to ask, where, which protocol, the timeout and attempts, as the AWS CLI reads them."),
        ManualEntry("AWS_PROFILE, AWS_DEFAULT_PROFILE",
                    "The profile of the shared config and credentials files to use (AWS_PROFILE first, as AWS CLI v2); a profile named must exist."),
        ManualEntry("AWS_REGION, AWS_DEFAULT_REGION", "The region, before the profile's `region` (AWS_REGION first, as AWS CLI v2); set to nothing is an error."),
        ManualEntry("AWS_RETRY_MODE, AWS_MAX_ATTEMPTS",
                    "`legacy`, `standard` (the default) or `adaptive`, and the attempts in all, before the profile's `retry_mode` and `max_attempts`."),
        ManualEntry("AWS_CA_BUNDLE", "A PEM file of the certificate authorities to trust instead of the system's, before the profile's `ca_bundle`."),
        ManualEntry("HTTPS_PROXY, HTTP_PROXY, NO_PROXY (or in lower case, which wins)",
                    "The proxy for https and for http endpoints (`http://[user:password@]host:port`; TLS passes through it by CONNECT), and the hosts and domains reached directly (`*` for all), as the AWS CLI reads them."),
        ManualEntry("REQUEST_METHOD", "Set (a CGI program): HTTP_PROXY in capitals is ignored, as the AWS CLI ignores it."),
        ManualEntry("AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE",
                    "The shared config and credentials files (default ~/.aws/config and ~/.aws/credentials)."),
        ManualEntry("AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SERVICE",
                    "The endpoint of every service, or of one (AWS_ENDPOINT_URL_CLOUDFORMATION…), as the AWS CLI reads them; `target aws endpoint URL` overrides both."),
        ManualEntry("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "`true` ignores configured endpoints."),
        ManualEntry("GITHUB_TOKEN",
                    "For a GitHub (v1) source whose token secret does not exist yet, `push` on the aws target stores this token in Secrets Manager (a terminal asks instead)."),
        ManualEntry("NO_COLOR", "Set and not empty: no colour, whatever the theme."),
        ManualEntry("TERM", "`dumb`: no colour and no redrawing in place."),
        ManualEntry("SLUICE_THEME", "The colours: `dark` (the default) or `light`, high-contrast for a white background or a projector; `--theme` wins."),
        ManualEntry("COLUMNS", "The width `show graph` and `watch --graph` draw in, and text is wrapped to, when the output is not a terminal (default 80); for the picture a `set COLUMNS N` wins."),
        ManualEntry("PATH", "Where the local target looks for the programs a buildspec runs (one missing is reported before the build)."),
        ManualEntry("SLUICE_CREDENTIAL_PROCESS_TIMEOUT, SLUICE_CDK_TIMEOUT, SLUICE_GIT_TIMEOUT, SLUICE_BUILD_TIMEOUT",
                    "Seconds a profile's credential_process (default 60), each step of a CDK override (600), git and tar on the local target (300) and a local build, test or pre/post-deployment action (3600) may take before sluice stops it and everything it started."),
        ManualEntry("EDITRC", "The line editor's settings file, instead of ~/.editrc."),
        ManualEntry("XDG_STATE_HOME", "Where the history is kept (default ~/.local/state)."),
        ManualEntry("HOME", "Home of ~/.aws, ~/.editrc and ~/.local/state."),
        ManualEntry("USER, LOGNAME", "Who answered an approval on the local target."),
        ManualEntry("BROWSER", "The programs (`:`-separated, the first found is used) `open` hands a console address to."),
        ManualEntry("DISPLAY, WAYLAND_DISPLAY", "Without BROWSER, `open` hands the address to xdg-open only when one is set."),
        ManualEntry("any NAME", "`$NAME` and `${NAME}` in a command expand it when `set` has not defined NAME."),
    ]

    static let files: [ManualEntry] = [
        ManualEntry("copilot/.workspace", "Marks the Copilot workspace; looked for in the working directory and up to 5 levels up."),
        ManualEntry("copilot/pipeline.yml, copilot/buildspec.yml", "The workspace's first pipeline and its buildspec (Copilot's legacy layout)."),
        ManualEntry("copilot/pipelines/NAME/manifest.yml, copilot/pipelines/NAME/buildspec.yml", "Further pipelines."),
        ManualEntry("copilot/environments/ENV/", "The environments a stage may deploy to."),
        ManualEntry(".sluice/", "The workspace's target choice and the local target's pushed pipelines, executions and logs (with a .gitignore of `*`)."),
        ManualEntry("~/.local/state/sluice/history", "The interactive shell's history (mode 0600)."),
        ManualEntry("~/.editrc", "libedit settings read by the interactive shell."),
        ManualEntry("~/.aws/config, ~/.aws/credentials",
                    "The AWS CLI's shared files, read as the AWS CLI reads them; the profile's `cli_connect_timeout` and `cli_read_timeout` (seconds, 0 for none, default 60) bound each attempt's connection and each wait for an answer's next bytes."),
    ]

    static let exitStatus: [ManualEntry] = [
        ManualEntry("0", "Success; `watch` also when the execution waits for an approval."),
        ManualEntry("1", "A command failed (a script stops at its first failure and puts back every file it wrote)."),
        ManualEntry("2", "A usage error: syntax, an unknown command, wrong arguments, or an unknown option of sluice itself."),
        ManualEntry("130", "Interrupted (Ctrl-C) while a script or command ran."),
    ]

    public func render() -> String {
        var page: [String] = [
            ".TH SLUICE 1 \"\" \"sluice \(version)\" \"User Commands\"",
            // No hyphenation and no justification: paths, options and commands stay whole to copy.
            ".nh",
            ".ad l",
            ".SH NAME",
            "sluice \\- a shell for AWS Copilot release pipelines",
            ".SH SYNOPSIS",
        ]
        for (index, line) in synopsis.enumerated() {
            if index > 0 { page.append(".br") }
            page.append(Self.text(line))
        }
        page += [".SH DESCRIPTION"]
        page.append(Self.text("""
            sluice builds, deploys and watches AWS Copilot release pipelines. Open it in a Copilot \
            workspace and build a pipeline by talking to it (`source set github …`, `stage add test`, \
            `push`, `watch`), or replay the same lines from a script. It reads and writes Copilot's own \
            files, deploys the pipeline to AWS (CloudFormation, then CodePipeline) with `target aws`, \
            and with the default `target local` runs the same pipeline on this machine.
            """))
        page += Self.paragraph("It runs in one of these ways:") + Self.list(invocations, term: Self.bold)
        page += [".SH OPTIONS"] + Self.list(options, term: Self.bold)
        page += [".SH COMMANDS", Self.text("`help` lists these commands, `help COMMAND` explains one, and Tab completes them.")]
        for command in table.commands {
            // Usage's own punctuation ([ | ] …) around the styled words still needs its `…` spelled out.
            page += [".TP", Self.nonASCIIEscaped(command.usage(literal: Self.bold, placeholder: Self.italic))]
            page.append(Self.text(command.help))
            page += [".IP", "Example: " + Self.bold(command.example)]
        }
        page += [".SH SCRIPTS", Self.text(LanguageCommands.scriptSyntax.joined(separator: " "))]
        page += Self.paragraph("""
            A script stops at its first failing command with FILE:LINE:COL: error: MESSAGE and a hint \
            on standard error. Its edits are written when it ends successfully (or at `save`); if it \
            fails, every file it wrote is put back.
            """)
        page += [".SH ENVIRONMENT"] + Self.list(Self.environment, term: Self.bold)
        page += [".SH FILES"] + Self.list(Self.files, term: Self.italic)
        page += [".SH EXIT STATUS"] + Self.list(Self.exitStatus, term: Self.bold)
        page += [".SH SEE ALSO", Self.bold("aws") + "(1), " + Self.text("https://aws.github.io/copilot-cli/")]
        return page.joined(separator: "\n") + "\n"
    }

    /// A paragraph after another (the first after a heading needs no .PP).
    private static func paragraph(_ text: String) -> [String] { [".PP", Self.text(text)] }

    private static func list(_ entries: [ManualEntry], term: (String) -> String) -> [String] {
        entries.flatMap { [".TP", term($0.term), text($0.meaning)] }
    }

    private static func bold(_ text: String) -> String { "\\fB" + escaped(text) + "\\fR" }
    private static func italic(_ text: String) -> String { "\\fI" + escaped(text) + "\\fR" }

    /// Running text: `code` spans in bold, the rest escaped.
    private static func text(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        guard parts.count % 2 == 1 else { return escaped(text) }
        return parts.enumerated().map { index, part in index % 2 == 1 ? bold(part) : escaped(part) }.joined()
    }

    /// `text` as roff reads it literally: backslashes, minus signs and quotes spelled as escapes,
    /// and every non-ASCII character by its code point (groff then needs no input encoding).
    private static func escaped(_ text: String) -> String {
        var roff = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": roff += "\\e"
            case "-": roff += "\\-"
            case "'": roff += "\\(aq"
            case "`": roff += "\\(ga"
            case "\n": roff += " "
            default: roff.unicodeScalars.append(scalar)
            }
        }
        roff = nonASCIIEscaped(roff)
        return roff.hasPrefix(".") ? "\\&" + roff : roff
    }

    /// Every non-ASCII character as `\[uXXXX]`.
    private static func nonASCIIEscaped(_ text: String) -> String {
        var roff = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                roff.unicodeScalars.append(scalar)
            } else {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                roff += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            }
        }
        return roff
    }
}

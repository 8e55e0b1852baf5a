// What each field of a pipeline manifest or buildspec does, and what Copilot (or CodeBuild)
// does when it is absent, in plain words: what `explain` prints under each line. The manifest's
// facts are Copilot's (its manifest reference, internal/pkg/manifest/pipeline.go and
// internal/pkg/deploy/pipeline.go); the buildspec's are CodeBuild's buildspec reference.

public struct FieldGuide: Sendable {
    public struct Field: Sendable {
        /// Path components: a key, `*` for any key (a deployment's name), `[]` for any list item.
        public var pattern: [String]
        public var meaning: String
        /// What happens when the field is not written; nil when it must be written or its
        /// absence needs no words.
        public var whenAbsent: String?
        /// Holds names of the user's choosing (variables, runtimes, a policy document): what is
        /// under it is not the schema's.
        public var isFreeForm: Bool

        init(_ pattern: String, _ meaning: String, absent whenAbsent: String? = nil, freeForm: Bool = false) {
            self.pattern = pattern.split(separator: ".").map(String.init)
            self.meaning = meaning
            self.whenAbsent = whenAbsent
            isFreeForm = freeForm
        }

        /// `stages[].deployments.*.depends_on`, as the pattern reads.
        public var name: String {
            pattern.reduce("") { text, part in part == "[]" ? text + "[]" : (text.isEmpty ? part : text + "." + part) }
        }

        func matches(_ path: [String]) -> Bool {
            guard path.count == pattern.count else { return false }
            return zip(pattern, path).allSatisfy { expected, actual in
                if expected == "[]" { return actual.hasPrefix("[") }
                if expected == "*" { return !actual.hasPrefix("[") }
                return expected == actual
            }
        }
    }

    /// What is said of a key the guide does not know.
    public let unknown: String
    public let fields: [Field]

    /// The field at `path` (keys and `[N]` items from the root), if the guide knows it.
    public func field(at path: [String]) -> Field? {
        fields.first { $0.matches(path) }
    }

    /// Whether `path` lies under a field whose contents are the user's own (no remark is due
    /// when the guide has no words for it).
    public func isInsideFreeForm(_ path: [String]) -> Bool {
        (1..<max(1, path.count)).contains { field(at: Array(path.prefix($0)))?.isFreeForm == true }
    }

    /// The fields that may sit directly under the mapping at `path` and have words for their
    /// absence, in the guide's order.
    public func optionalFields(under path: [String]) -> [Field] {
        fields.filter { field in
            field.whenAbsent != nil && field.pattern.count == path.count + 1
                && Field(field.pattern.dropLast().joined(separator: "."), "").matches(path)
                && field.pattern.last != "*" && field.pattern.last != "[]"
        }
    }
}

extension FieldGuide {
    /// A Copilot pipeline manifest.
    public static let manifest = FieldGuide(unknown: "not a field Copilot knows: Copilot ignores it (`validate` warns).", fields: [
        Field("name", "The pipeline's name: letters, digits and hyphens, at most 100 characters. Copilot deploys the pipeline as the CloudFormation stack \(StackNames.pipeline(application: "APP", pipeline: "NAME"))."),
        Field("version", "The manifest's schema version. Copilot knows only 1.",
              absent: "Copilot refuses the manifest: the version must be 1."),
        Field("source", "Where the code comes from: a push to this repository's branch starts a run."),
        Field("source.provider", "The repository's host: GitHub, Bitbucket or CodeCommit (GitHubV1 for a GitHub personal access token kept in Secrets Manager)."),
        Field("source.properties", "The provider's settings: the repository, the branch, how CodePipeline reaches it."),
        Field("source.properties.repository", "The repository's URL. CodePipeline watches it; a push to the branch starts the pipeline."),
        Field("source.properties.branch", "The branch whose pushes start the pipeline. Copilot's `pipeline init` writes the branch checked out.",
              absent: "Copilot tracks main."),
        Field("source.properties.connection_name", "An existing CodeStar connection, by name, through which CodePipeline reads the repository.",
              absent: "for GitHub and Bitbucket, the stack creates a connection, PENDING until someone activates it in the console."),
        Field("source.properties.connection_arn", "An existing CodeStar connection, by ARN (Copilot uses it as given)."),
        Field("source.properties.access_token_secret", "The Secrets Manager secret holding a GitHub personal access token (GitHub version 1 source); CodePipeline polls the repository with it."),
        Field("source.properties.output_artifact_format", "What the source hands the build: CODE_ZIP (the files) or CODEBUILD_CLONE_REF (a git clone, for commands that need the history).",
              absent: "CODE_ZIP."),
        Field("build", "The Build stage: the CodeBuild project that builds the code and writes each deployment's template."),
        Field("build.image", "The container image CodeBuild builds in.",
              absent: "Copilot's default image."),
        Field("build.buildspec", "The buildspec the Build stage runs, relative to the workspace root.",
              absent: "the buildspec beside the manifest, which `pipeline init` wrote."),
        Field("build.additional_policy", "Extra IAM permissions for the build's role."),
        Field("build.additional_policy.PolicyDocument", "The IAM policy document added to the build's role, in YAML or JSON.", freeForm: true),
        Field("stages", "The environments the pipeline deploys to, one stage each, in this order: a stage starts when the one before it succeeded."),
        Field("stages.[].name", "The environment this stage deploys to (one of the application's, in copilot/environments/). CodePipeline calls the stage \(StageName.deploy("NAME"))."),
        Field("stages.[].requires_approval", "With true, a person must approve (`approve ENV`) before this stage deploys; the run waits until then.",
              absent: "false, so the stage deploys as soon as the one before it succeeded."),
        Field("stages.[].test_commands", "Commands run after the stage's deployments, in a CodeBuild project of their own with the source; one failing stops the release here. Not with post_deployments.",
              absent: "no tests, so the release goes on once the deployments succeed."),
        Field("stages.[].test_commands.[]", "A test command: run by sh in the source directory; a non-zero exit fails the stage."),
        Field("stages.[].deployments", "Which CloudFormation stacks this stage deploys, and in what order (depends_on).",
              absent: "Copilot deploys every service and job of the workspace, all at once."),
        Field("stages.[].deployments.*", "A deployment: by default the service or job of this name."),
        Field("stages.[].deployments.*.depends_on", "Deployments of this stage that must finish before this one starts.",
              absent: "none, so it starts with the stage's first deployments."),
        Field("stages.[].deployments.*.depends_on.[]", "A deployment of this stage to wait for."),
        Field("stages.[].deployments.*.stack_name", "The CloudFormation stack to create or update.",
              absent: "APP-ENV-NAME."),
        Field("stages.[].deployments.*.template_path", "The stack's template, a path in the build's output.",
              absent: "infrastructure/NAME-ENV.stack.yml, which `copilot svc package` writes in the build."),
        Field("stages.[].deployments.*.template_config", "The stack's template configuration (parameters and tags), a path in the build's output.",
              absent: "infrastructure/NAME-ENV.params.json."),
        Field("stages.[].pre_deployments", "CodeBuild actions run before the stage's deployments (after its approval), e.g. a database migration.",
              absent: "none."),
        Field("stages.[].pre_deployments.*", "A pre-deployment action: a CodeBuild project running its buildspec, with COPILOT_APPLICATION_NAME and COPILOT_ENVIRONMENT_NAME set."),
        Field("stages.[].pre_deployments.*.buildspec", "The action's buildspec, relative to the workspace root."),
        Field("stages.[].pre_deployments.*.depends_on", "Pre-deployment actions of this stage that must finish first.",
              absent: "none."),
        Field("stages.[].pre_deployments.*.depends_on.[]", "A pre-deployment action to wait for."),
        Field("stages.[].post_deployments", "CodeBuild actions run after the stage's deployments, e.g. tests with a buildspec of their own. Not with test_commands.",
              absent: "none."),
        Field("stages.[].post_deployments.*", "A post-deployment action: a CodeBuild project running its buildspec, with COPILOT_APPLICATION_NAME and COPILOT_ENVIRONMENT_NAME set."),
        Field("stages.[].post_deployments.*.buildspec", "The action's buildspec, relative to the workspace root."),
        Field("stages.[].post_deployments.*.depends_on", "Post-deployment actions of this stage that must finish first.",
              absent: "none."),
        Field("stages.[].post_deployments.*.depends_on.[]", "A post-deployment action to wait for."),
    ])

    /// A CodeBuild buildspec (version 0.2).
    public static let buildspec = FieldGuide(unknown: "not a field CodeBuild knows: CodeBuild refuses the buildspec.", fields: [
        Field("version", "The buildspec's version. 0.2 runs all the commands of a build in one shell, so `cd` and variables carry over."),
        Field("run-as", "The Linux user the commands run as.", absent: "root."),
        Field("env", "The build's environment variables and shell."),
        Field("env.shell", "The shell that runs the commands (bash or /bin/sh).", absent: "/bin/sh on Linux."),
        Field("env.variables", "Plain environment variables for every command.", freeForm: true),
        Field("env.variables.*", "A variable and its value."),
        Field("env.parameter-store", "Variables read from SSM Parameter Store (the value is the parameter's name).", freeForm: true),
        Field("env.parameter-store.*", "A variable taken from the parameter named."),
        Field("env.secrets-manager", "Variables read from Secrets Manager (secret-id:json-key:version-stage:version-id).", freeForm: true),
        Field("env.secrets-manager.*", "A variable taken from the secret named."),
        Field("env.exported-variables", "Variables whose final values the build hands on to later pipeline actions.", freeForm: true),
        Field("env.git-credential-helper", "yes: git uses CodeBuild's credential helper."),
        Field("phases", "The build's commands, phase by phase: install, pre_build, build, post_build."),
        Field("phases.install", "Installing what the build needs. A failure here ends the build."),
        Field("phases.pre_build", "Preparation before building (logging in, fetching dependencies). A failure here ends the build."),
        Field("phases.build", "The build itself. post_build still runs when it fails."),
        Field("phases.post_build", "After the build: packaging, publishing. Copilot's buildspec writes each deployment's template here."),
        Field("phases.*.commands", "The phase's commands, in order; the first failing one fails the phase."),
        Field("phases.*.commands.[]", "A command, run by the build's shell."),
        Field("phases.*.finally", "Commands that run at the end of the phase whatever happened."),
        Field("phases.*.finally.[]", "A command run at the end of the phase."),
        Field("phases.*.on-failure", "ABORT (stop the build) or CONTINUE (go on to the next phase) when the phase fails.",
              absent: "ABORT."),
        Field("phases.*.runtime-versions", "Language runtimes CodeBuild installs in the image (install phase): a runtime and its version each.", freeForm: true),
        Field("phases.*.run-as", "The Linux user this phase's commands run as."),
        Field("artifacts", "What the build hands on: the files later actions (the deployments) read.",
              absent: "nothing is handed on, so no deployment finds its template."),
        Field("artifacts.files", "Paths or globs of the files to keep, relative to the source directory (or base-directory)."),
        Field("artifacts.files.[]", "A path or glob of files to keep."),
        Field("artifacts.base-directory", "The directory the files are taken from, and relative to.", absent: "the source directory."),
        Field("artifacts.discard-paths", "yes: keep the files without their directories.", absent: "no, so directories are kept."),
        Field("artifacts.exclude-paths", "Globs of files to leave out."),
        Field("artifacts.name", "The artifact's name."),
        Field("artifacts.enable-symlinks", "yes: keep symbolic links as links."),
        Field("artifacts.s3-prefix", "A prefix for the artifact in S3."),
        Field("artifacts.secondary-artifacts", "Further artifacts, each with its own files.", freeForm: true),
        Field("reports", "Test and coverage reports CodeBuild collects.", freeForm: true),
        Field("cache", "Paths CodeBuild keeps between builds."),
        Field("cache.paths", "The paths to cache."),
        Field("batch", "Runs several builds as one batch.", freeForm: true),
        Field("proxy", "Settings for a build behind an explicit proxy.", freeForm: true),
    ])
}

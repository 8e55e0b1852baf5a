import Foundation

/// Copilot's two pipeline types (`pipeline init --pipeline-type`): one deploys the workspace's services
/// and jobs, the other its environments.
public enum PipelineKind: String, CaseIterable, Sendable {
    case workloads
    case environments

    /// The deployment each stage of an Environments pipeline has.
    public static let environmentDeploymentName = "deploy-env"

    /// Copilot writes no type into a pipeline's files: a pipeline whose stages deploy `deploy-env` is an
    /// Environments pipeline, and before it has stages, one whose buildspec packages environments.
    public static func of(_ document: ManifestDocument, buildspec: @autoclosure () -> String?) -> PipelineKind {
        if !document.manifest.stages.isEmpty {
            return document.deploysEnvironments ? .environments : .workloads
        }
        return buildspec()?.contains("copilot-linux env package") == true ? .environments : .workloads
    }
}

/// The files `copilot pipeline init` would write for a new pipeline: Copilot's commented manifest
/// template and the workloads buildspec that packages every service and job for each stage.
public enum PipelineScaffold {
    /// The Copilot release the buildspec downloads: pinned, as Copilot pins the version that wrote it.
    public static let copilotVersion = "v1.34.1"
    /// Its minor version line: a copilot of the same line writes the same templates.
    static var copilotVersionLine: String { copilotVersion.split(separator: ".").prefix(2).joined(separator: ".") }

    /// A new pipeline `name` at `files` (nothing is written: the manifest document saves itself, creating
    /// its file; the buildspec text is for the caller to write next to it). With no `source`, the
    /// repository is left empty for `source set` to fill (validation says so until then).
    public static func make(name: String, files: PipelineFiles, workspace: Workspace, source: Source? = nil, stages: [String] = [],
                            kind: PipelineKind = .workloads) throws -> (manifest: ManifestDocument, buildspec: String) {
        var document = try ManifestDocument(text: manifest(name: name, source: source ?? Source(provider: .gitHub, properties: SourceProperties(branch: "main")),
                                                           stages: stages), path: files.manifest)
        switch kind {
        case .workloads:
            return (document, buildspec(manifestPath: files.manifestPathInWorkspace))
        case .environments:
            for stage in stages {
                _ = try document.addDeployment(environmentDeployment(application: workspace.application, environment: stage), stage: stage)
            }
            return (document, environmentsBuildspec(manifestPath: files.manifestPathInWorkspace))
        }
    }

    /// Copilot's `cicd/pipeline.yml` template filled in: properties in alphabetical order as Copilot's
    /// template ranges over them, the CodeStar connection hint for GitHub and Bitbucket, and each stage
    /// with its commented optional settings.
    public static func manifest(name: String, source: Source, stages: [String]) -> String {
        var properties: [(String, String)] = []
        let given = source.properties
        if let value = given.accessTokenSecret { properties.append(("access_token_secret", value)) }
        properties.append(("branch", given.branch ?? "main"))
        if let value = given.connectionARN { properties.append(("connection_arn", value)) }
        if let value = given.connectionName { properties.append(("connection_name", value)) }
        if let value = given.outputArtifactFormat { properties.append(("output_artifact_format", value)) }
        properties.append(("repository", given.repository ?? ""))
        var lines = [
            "# The manifest for the \"\(name)\" pipeline.",
            "# This YAML file defines your pipeline: the source repository it tracks and the order of the environments to deploy to.",
            "# For more info: https://aws.github.io/copilot-cli/docs/manifest/pipeline/",
            "",
            "# The name of the pipeline.",
            "name: \(YAMLScalar.render(name))",
            "",
            "# The version of the schema used in this template.",
            "version: 1",
            "",
            "# This section defines your source, changes to which trigger your pipeline.",
            "source:",
            "  # The name of the provider that is used to store the source artifacts.",
            "  # (i.e. GitHub, Bitbucket, CodeCommit)",
            "  provider: \(source.provider)",
            "  # Additional properties that further specify the location of the artifacts.",
            "  properties:",
        ]
        lines += properties.map { key, value in "    \(key):" + (value.isEmpty ? "" : " " + YAMLScalar.render(value)) }
        if source.provider != .codeCommit, given.connectionName == nil, given.connectionARN == nil {
            lines += ["    # Optional: specify the name of an existing CodeStar Connections connection.",
                      "    # connection_name: a-connection"]
        }
        if !stages.isEmpty {
            lines += ["", "# This section defines the order of the environments your pipeline will deploy to.", "stages:"]
            for stage in stages {
                lines += ["    - # The name of the environment.",
                          "      name: \(YAMLScalar.render(stage))",
                          "      # Optional: flag for manual approval action before deployment.",
                          "      # requires_approval: true",
                          "      # Optional: use test commands to validate this stage of your build.",
                          "      # test_commands: [echo 'running tests', make test]"]
            }
        }
        // Copilot's template ends with an empty line.
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// The build stage's buildspec, equivalent to Copilot's workloads buildspec: use (or install) the
    /// pinned copilot version line, then for every environment the manifest at `manifestPath` deploys to, package
    /// every service and job of the workspace into ./infrastructure, the artifact the deploy stages read.
    public static func buildspec(manifestPath: String) -> String {
        let workloads = [("svc", "services", "svcs"), ("job", "jobs", "jobs")]
        return buildspec(title: "Buildspec runs in the build stage of your pipeline.", postBuild: """
              # The environments this pipeline deploys to, in stage order.
        \(readingStages(manifestPath, into: "pl_envs"))
        \(workloads.map(listing).joined(separator: "\n"))
              # Raise error if no services or jobs are found.
              - >
                if [ "$svc_list" = null ] && [ "$job_list" = null ]; then
                  echo "No services or jobs found for the pipeline to deploy. Please create at least one service or job and push the manifest to the remote." 1>&2;
                  exit 1;
                fi
              # Generate the CloudFormation templates and upload the images and assets.
              # The tag is the build ID with its colons replaced by dashes, cut to Docker's 128-character limit.
              - >
                for env in $pl_envs; do
                  tag=$(echo ${CODEBUILD_BUILD_ID##*:}-$env | sed 's/:/-/g' | rev | cut -c 1-128 | rev)
        \(workloads.map(packaging).joined(separator: "\n"))
                done;
        """)
    }

    /// What both buildspecs share, Copilot's: the install phase, an empty build phase for the user's tests, and a
    /// post_build phase that packages into ./infrastructure with Copilot's output for machines (`CI`: no spinners).
    private static func buildspec(title: String, postBuild: String) -> String {
        """
        # \(title)
        version: 0.2
        phases:
          install:
            commands:
        \(installCommands)
          build:
            commands:
              - echo "Run your tests"
              # - make test
          post_build:
            commands:
              - ls -l
              - export COLOR="false"
              - export CI="true"
        \(postBuild)
              - ls -lah ./infrastructure
        artifacts:
          files:
            - "infrastructure/*"

        """
    }

    /// The post_build lines that read the manifest's stage names into `$variable` (its environments, in order).
    private static func readingStages(_ manifestPath: String, into variable: String) -> String {
        ["      - pipeline=$(cat $CODEBUILD_SRC_DIR/\(manifestPath) | ruby -ryaml -rjson -e 'puts JSON.pretty_generate(YAML.load(ARGF))')",
         "      - \(variable)=$(echo $pipeline | jq -r '.stages[].name')"].joined(separator: "\n")
    }

    /// The install phase's commands, the same in both buildspecs: into the source, then use the copilot on
    /// PATH when it is of the version line that wrote the file, as on a machine where Copilot is installed
    /// (Copilot's own buildspecs always download it).
    private static var installCommands: String {
        let line = copilotVersionLine.replacingOccurrences(of: ".", with: "\\.")
        return ["      - echo \"cd into $CODEBUILD_SRC_DIR\"",
                "      - cd $CODEBUILD_SRC_DIR",
                "      # Use the copilot on PATH when it is of the version line that wrote this file (\(copilotVersionLine)),",
                "      # as on a machine where Copilot is installed; download that version otherwise.",
                "      - >",
                "        if command -v copilot >/dev/null 2>&1 && copilot --version | grep -q 'version: \(line)\\.'; then",
                "          ln -sf \"$(command -v copilot)\" ./copilot-linux;",
                "        else",
                "          wget -q https://ecs-cli-v2-release.s3.amazonaws.com/copilot-linux-\(copilotVersion) -O ./copilot-linux && chmod +x ./copilot-linux;",
                "        fi"].joined(separator: "\n")
    }

    /// The build stage's buildspec of an Environments pipeline, Copilot's `cicd/env/buildspec.yml`: for every
    /// environment the manifest at `manifestPath` deploys to, `copilot env package` writes the environment's
    /// stack template and configuration into ./infrastructure, which the stage's `deploy-env` deploys.
    public static func environmentsBuildspec(manifestPath: String) -> String {
        buildspec(title: "Buildspec runs in the build stage of your environment pipeline to generate the environment CloudFormation stack config.",
                  postBuild: """
        \(readingStages(manifestPath, into: "stages"))
              # Generate the cloudformation templates.
              - >
                for env in $stages; do
                  ./copilot-linux env package -n $env --output-dir './infrastructure' --upload-assets --force;
                  if [ $? -ne 0 ]; then
                    echo "Cloudformation stack and config files were not generated. Please check build logs to see if there was a manifest validation error." 1>&2;
                    exit 1;
                  fi
                done;
        """)
    }

    /// What an Environments pipeline's stage deploys: the environment's own stack, from the files
    /// `copilot env package` writes (Copilot's envPipelineInitializer).
    public static func environmentDeployment(application: String, environment: String) -> Deployment {
        Deployment(name: PipelineKind.environmentDeploymentName, stackName: "\(application)-\(environment)",
                   templatePath: "infrastructure/\(environment).env.yml", templateConfig: "infrastructure/\(environment).env.params.json")
    }

    /// The buildspec lines that list the workspace's services or jobs into `$variable`.
    private static func listing(_ command: String, _ kind: String, _ variable: String) -> String {
        ["      # Find all the local \(kind) in the workspace.",
         "      - \(command)_ls_result=$(./copilot-linux \(command) ls --local --json)",
         "      - \(command)_list=$(echo $\(command)_ls_result | jq '.\(kind)')",
         "      - >",
         "        if [ ! \"$\(command)_list\" = null ]; then",
         "          \(variable)=$(echo $\(command)_ls_result | jq -r '.\(kind)[].name');",
         "        fi"].joined(separator: "\n")
    }

    /// The buildspec lines (inside the loop over environments) that package each service or job.
    private static func packaging(_ command: String, _ kind: String, _ variable: String) -> String {
        ["          for \(command) in $\(variable); do",
         "          ./copilot-linux \(command) package -n $\(command) -e $env --output-dir './infrastructure' --tag $tag --upload-assets;",
         "          if [ $? -ne 0 ]; then",
         "            echo \"CloudFormation stack and config files were not generated. "
            + "Please check build logs to see if there was a manifest validation error.\" 1>&2;",
         "            exit 1;",
         "          fi",
         "          done;"].joined(separator: "\n")
    }
}

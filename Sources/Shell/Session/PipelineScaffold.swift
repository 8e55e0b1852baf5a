import Foundation
import Manifest

/// The files of a new pipeline, in the shape `copilot pipeline init` writes: the commented
/// manifest template and a buildspec. (Manifest's own scaffold replaces this when it lands.)
enum PipelineScaffold {
    static func make(name: String, source: SourceSetting?, files: PipelineFiles) throws -> (manifest: ManifestDocument, buildspec: String) {
        let manifest = """
            # This YAML file defines your pipeline: the source repository it tracks and the order of the
            # environments to deploy to. More: https://aws.github.io/copilot-cli/docs/manifest/pipeline/

            # The name of the pipeline.
            name: \(name)

            # The version of the schema used in this template.
            version: 1

            # This section defines your source, changes to which trigger your pipeline.
            source:
              # The name of the provider that is used to store the source artifacts.
              # (i.e. GitHub, Bitbucket, CodeCommit)
              provider: \(source?.provider ?? .gitHub)
              # Additional properties that further specify the location of the artifacts.
              properties:
                branch: \(source?.branch ?? "main")
            \(source.map { "    repository: \($0.repository)" } ?? "    # repository: set it with `source set github OWNER/REPO`")

            """
        let buildspec = """
            # Buildspec runs in the build stage of your pipeline.
            version: 0.2
            phases:
              build:
                commands:
                  - echo "Run your tests"
                  # - make test
              post_build:
                commands:
                  - ls -l
            artifacts:
              files:
                - "infrastructure/*"

            """
        return (try ManifestDocument(text: manifest, path: files.manifest), buildspec)
    }
}

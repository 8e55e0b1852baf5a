import Foundation
import Manifest
import TestSupport
import XCTest

final class LocalBuildspecTests: XCTestCase {
    func testReadsEveryPartOfABuildspec() throws {
        let spec = try BuildspecParser.parse("""
        version: 0.2
        env:
          shell: bash
          variables:
            DOCKER_BUILDKIT: 1
            GREETING: "hello: world"
          parameter-store:
            TOKEN: /my/token
        phases:
          build:
            on-failure: CONTINUE
            commands:
              - make
            finally:
              - echo done
          install:
            runtime-versions:
              nodejs: 22
            commands: echo one command
        artifacts:
          base-directory: out
          discard-paths: yes
          exclude-paths: ['**/*.tmp']
          files:
            - 'infrastructure/*'
        """, path: "buildspec.yml")
        XCTAssertEqual(spec.env.shell, "bash")
        XCTAssertEqual(spec.env.variables.map(\.name), ["DOCKER_BUILDKIT", "GREETING"])
        XCTAssertEqual(spec.env.variables.map(\.value), ["1", "hello: world"])
        XCTAssertEqual(spec.env.remoteVariables, ["TOKEN"])
        // CodeBuild's order, not the file's.
        XCTAssertEqual(spec.phases.map(\.name), [.install, .build])
        XCTAssertEqual(spec.phase(.install)?.commands, ["echo one command"])
        XCTAssertEqual(spec.phase(.build), BuildPhase(name: .build, commands: ["make"], onFailure: .continue, finally: ["echo done"]))
        XCTAssertEqual(spec.artifacts, BuildArtifacts(files: ["infrastructure/*"], baseDirectory: "out", discardPaths: true,
                                                      excludePaths: ["**/*.tmp"]))
    }

    func testKeepsMultiLineCommandsWhole() throws {
        let spec = try BuildspecParser.parse("""
        version: 0.2
        phases:
          post_build:
            commands:
              - >
                for env in a b; do
                  echo $env;
                done;
              - |
                if true; then
                  echo yes
                fi
        """, path: "b.yml")
        let commands = try XCTUnwrap(spec.phase(.postBuild)?.commands)
        XCTAssertEqual(commands.count, 2)
        XCTAssertTrue(commands[0].hasPrefix("for env in a b; do\n  echo $env;\ndone;"), commands[0])
        XCTAssertEqual(commands[1], "if true; then\n  echo yes\nfi")
    }

    func testErrorsPointAtTheProblem() {
        func error(_ text: String) -> BuildspecError? {
            do { _ = try BuildspecParser.parse(text, path: "copilot/buildspec.yml"); return nil } catch { return error as? BuildspecError }
        }
        let typo = error("version: 0.2\nphases:\n  pre-build:\n    commands: [ls]\n")
        XCTAssertEqual(typo?.line, 3)
        XCTAssertEqual(typo?.column, 3)
        XCTAssertEqual(typo?.message, "unknown key `pre-build` in `phases`")
        XCTAssertTrue(typo?.hint?.contains("did you mean `pre_build`?") ?? false, typo?.description ?? "")
        XCTAssertEqual(typo?.problem.lines().first,
                       "copilot/buildspec.yml:3:3: error: unknown key `pre-build` in `phases`")

        let version = error("version: 0.1\nphases:\n  build:\n    commands: [ls]\n")
        XCTAssertEqual(version?.message, "buildspec version 0.1 is not supported")
        XCTAssertEqual(version?.line, 1)
        XCTAssertEqual(version?.column, 10)

        let colon = error("version: 0.2\nphases:\n  build:\n    commands:\n      - echo a: b\n")
        XCTAssertEqual(colon?.line, 5)
        XCTAssertTrue(colon?.message.contains("is not text") ?? false)

        XCTAssertEqual(error("version: 0.2\n")?.message, "the buildspec has no `phases`")
        XCTAssertEqual(error("")?.message, "the buildspec is empty")
        XCTAssertEqual(error("version: 0.2\nphases:\n  build:\n    on-failure: MAYBE\n")?.hint, "use ABORT or CONTINUE")
        XCTAssertEqual(error("version: 0.2\nphases: [\n")?.message.hasPrefix("invalid YAML"), true)
        // Every YAML error is located where the reader found it, as the manifest's are.
        let duplicate = error("version: 0.2\nphases:\n  build:\n    commands: [a]\n  build:\n    commands: [b]\n")
        XCTAssertEqual(duplicate?.problem.lines(), ["copilot/buildspec.yml:3:3: error: build appears more than once in the same mapping",
                                                   "  hint: keep one of them; Copilot rejects duplicate keys"])
        let alias = error("version: 0.2\nphases:\n  build:\n    commands:\n      - *missing\n")
        XCTAssertEqual(alias.map { [$0.line, $0.column] }, [5, 9])
        XCTAssertEqual(alias?.message.hasPrefix("invalid YAML: found undefined alias"), true, alias?.description ?? "")
        XCTAssertEqual(error("version: 0.2\nphases:\n  build: {}\nartifacts:\n  name: x\n")?.message,
                       "`artifacts` has no `files`")
    }

    /// Every buildspec of the shared corpus loads.
    func testCorpusBuildspecsLoad() throws {
        let files = try PipelineCorpusFile.all().filter { !$0.isManifest }
        XCTAssertGreaterThanOrEqual(files.count, 12)
        for file in files {
            let spec = try BuildspecParser.load(file.url, displayPath: file.name)
            XCTAssertFalse(spec.phases.isEmpty, file.name)
            XCTAssertFalse(spec.phases.flatMap { $0.commands }.isEmpty, file.name)
        }
    }
}

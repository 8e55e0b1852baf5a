import Foundation
import XCTest
import TestSupport
@testable import Manifest

/// One stage as Copilot's template writes it (and as sluice adds one to such a file).
func copilotStageItem(_ name: String) -> String {
    """
        - # The name of the environment.
          name: \(name)
          # Optional: flag for manual approval action before deployment.
          # requires_approval: true
          # Optional: use test commands to validate this stage of your build.
          # test_commands: [echo 'running tests', make test]

    """
}

/// Copilot's generated manifest for two stages (the template in PIPELINES.md), the files most edits start from.
let copilotTemplate = """
# The manifest for the "demo" pipeline.
# This YAML file defines your pipeline: the source repository it tracks and the order of the environments to deploy to.
# For more info: https://aws.github.io/copilot-cli/docs/manifest/pipeline/

# The name of the pipeline.
name: demo

# The version of the schema used in this template.
version: 1

# This section defines your source, changes to which trigger your pipeline.
source:
  # The name of the provider that is used to store the source artifacts.
  # (i.e. GitHub, Bitbucket, CodeCommit)
  provider: GitHub
  # Additional properties that further specify the location of the artifacts.
  properties:
    branch: main
    repository: https://github.com/acme/demo
    # Optional: specify the name of an existing CodeStar Connections connection.
    # connection_name: a-connection

# This section defines the order of the environments your pipeline will deploy to.
stages:
\(copilotStageItem("test"))\(copilotStageItem("prod"))
"""

/// Creates `relativePath` under `root` with `contents`, making directories as needed.
func writeFile(_ root: URL, _ relativePath: String, _ contents: String) throws {
    let url = root.appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try contents.write(to: url, atomically: false, encoding: .utf8)
}

/// The error `body` throws, as a ManifestError (failing the test if it throws nothing or something else).
func manifestError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> ManifestError? {
    do {
        try body()
        XCTFail("expected a ManifestError", file: file, line: line)
    } catch let error as ManifestError {
        return error
    } catch {
        XCTFail("expected a ManifestError, got \(error)", file: file, line: line)
    }
    return nil
}

/// The lines that differ between two texts, as (removed, added) sets of "LINE" strings, for "touches only" checks.
func changedLines(from old: String, to new: String) -> (removed: [String], added: [String]) {
    let a = old.components(separatedBy: "\n"), b = new.components(separatedBy: "\n")
    // Longest common subsequence over lines: small files, so the quadratic table is fine.
    var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
        }
    }
    var removed: [String] = [], added: [String] = []
    var i = 0, j = 0
    while i < a.count || j < b.count {
        if i < a.count, j < b.count, a[i] == b[j] { i += 1; j += 1 }
        else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] { added.append(b[j]); j += 1 }
        else { removed.append(a[i]); i += 1 }
    }
    return (removed, added)
}

/// One edit kind for the corpus tests: what it does to the text, what it means for the model, which
/// removed (or rewritten) lines are acceptable, and how many lines it may add.
struct EditCase {
    let name: String
    /// Whether the edit applies to this manifest (e.g. there is a test command to remove).
    let applies: (PipelineManifest) -> Bool
    /// Given the unedited manifest, so that applying it twice means the same edit twice.
    let edit: (inout ManifestDocument, PipelineManifest) throws -> Bool
    let model: (inout PipelineManifest) -> Void
    /// A line (without its break) the edit may remove or rewrite.
    let mayRemove: (Substring) -> Bool
    let maxAdded: Int
}

/// What `setSource(provider: .gitHub, repository:, branch: "release", connectionName: "acme")` means for the model.
func sourceSet(_ repository: String) -> (inout PipelineManifest) -> Void {
    { manifest in
        manifest.source.provider = .gitHub
        manifest.source.properties.repository = repository
        manifest.source.properties.branch = "release"
        manifest.source.properties.connectionName = "acme"
        manifest.source.properties.accessTokenSecret = nil
    }
}

import Foundation
import XCTest
import TestSupport
import Manifest
@testable import CopilotRules

/// A manifest that breaks no rule; each rule's tests change one thing in it.
let validManifest = """
    name: shop
    version: 1
    source:
      provider: GitHub
      properties:
        repository: https://github.com/acme/shop
    stages:
      - name: test
    """

/// `validManifest` with `old` (which it must hold) replaced by `new`.
func replacing(_ old: String, _ new: String) -> String {
    precondition(validManifest.contains(old))
    return validManifest.replacingOccurrences(of: old, with: new)
}

/// The findings for `text` as "LINE:COL severity: message".
func findings(_ text: String, workspace: Workspace? = nil) throws -> [String] {
    try validation(text, workspace: workspace).diagnostics.map { finding in
        "\(finding.location.map { "\($0.line):\($0.column)" } ?? "-") \(finding.severity.rawValue): \(finding.message)"
    }
}

/// The broken constraints in `text`, as values.
func constraints(_ text: String, workspace: Workspace? = nil) throws -> [ManifestConstraint] {
    try validation(text, workspace: workspace).diagnostics.map(\.constraint)
}

func validation(_ text: String, workspace: Workspace? = nil) throws -> Validation {
    PipelineValidator(workspace: workspace).validate(try ManifestDocument(text: text))
}

/// A workspace of application `application` with `environments`, in a directory removed at the end of the test.
func workspace(_ application: String, environments: [String] = [], _ test: XCTestCase) throws -> Workspace {
    let root = try TemporaryDirectory("sluice-rules")
    test.addTeardownBlock { root.remove() }
    try write(root.url, "copilot/.workspace", "application: \(application)\n")
    for environment in environments {
        try write(root.url, "copilot/environments/\(environment)/manifest.yml", "name: \(environment)\n")
    }
    return try Workspace.locate(from: root.url)
}

private func write(_ root: URL, _ relativePath: String, _ contents: String) throws {
    let url = root.appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(contents.utf8).write(to: url)
}

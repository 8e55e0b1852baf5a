import Foundation
import XCTest

/// One file of ../shared/data/pipeline-corpus as its INDEX.tsv describes it.
public struct PipelineCorpusFile: Sendable {
    public let url: URL
    /// The path under pipeline-corpus/, e.g. `owner__repo/copilot__pipeline.yml`.
    public let name: String
    /// `legacy-pipeline.yml`, `pipelines-manifest` or `buildspec`.
    public let kind: String

    public var isManifest: Bool { kind != "buildspec" }

    /// Every file INDEX.tsv lists. When the corpus is absent: skips the calling test,
    /// or fails it under CI.
    public static func all() throws -> [PipelineCorpusFile] {
        let directory = try SharedData.required("pipeline-corpus")
        let index = try String(contentsOf: directory.appendingPathComponent("INDEX.tsv"), encoding: .utf8)
        return index.split(separator: "\n").dropFirst().map { row in
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return PipelineCorpusFile(url: directory.appendingPathComponent(columns[0]), name: columns[0], kind: columns[5])
        }
    }
}

import Errors
import Manifest

// Copilot's template versions (internal/pkg/version, cli/pipeline_deploy.go validatePipelineVersion): every
// template Copilot deploys records the release that rendered it in `Metadata.Version`, and `pipeline deploy`
// refuses to overwrite a pipeline a newer release rendered unless told `--allow-downgrade`.

/// A Copilot release, `vMAJOR.MINOR.PATCH` (a pre-release suffix sorts before its release, as semver has it).
public struct CopilotVersion: Comparable, CustomStringConvertible, Sendable {
    /// The release whose templates and buildspec sluice's match: what it records in `Metadata.Version`, so Copilot's
    /// own version check reads a sluice-deployed pipeline as that release's, and what a new buildspec downloads.
    public static let rendered = CopilotVersion(PipelineScaffold.copilotVersion)!

    public let major: Int
    public let minor: Int
    public let patch: Int
    public let preRelease: String?

    /// Nil for text that is no release (`v1.2`, `latest`).
    public init?(_ text: String) {
        let body = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: "-", maxSplits: 1)
        let numbers = (parts.first ?? "").split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard numbers.count == 3, let major = numbers[0], let minor = numbers[1], let patch = numbers[2] else { return nil }
        self.major = major
        self.minor = minor
        self.patch = patch
        preRelease = parts.count > 1 ? String(parts[1]) : nil
    }

    public var description: String { "v\(major).\(minor).\(patch)" + (preRelease.map { "-\($0)" } ?? "") }

    /// `v1.34`: releases of one line write the same templates.
    public var line: String { "v\(major).\(minor)" }

    public static func < (lhs: CopilotVersion, rhs: CopilotVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.preRelease, rhs.preRelease) {
        case (nil, _): return false
        case (_, nil): return true
        case (let a?, let b?): return a < b
        }
    }

    /// The template's key that records the release.
    public static let metadataKey = "Version"

    /// Copilot's refusal to overwrite a pipeline rendered by `deployed`, newer than the release sluice renders as.
    public static func checkDowngrade(pipeline: String, deployed: CopilotVersion, allowed: Bool) throws {
        guard deployed > rendered, !allowed else { return }
        throw DowngradeRefused(pipeline: pipeline, deployed: deployed)
    }
}

/// `pipeline deploy` over a pipeline a newer Copilot rendered (cli.errCannotDowngradePipelineVersion).
public struct DowngradeRefused: ReportableError, Equatable {
    public var pipeline: String
    public var deployed: CopilotVersion

    public var problem: Problem {
        Problem("cannot downgrade pipeline \(pipeline) (currently in version \(deployed)) to version \(CopilotVersion.rendered): "
                + "a newer Copilot deployed it", hint: "deploy it with that Copilot, or `push --allow-downgrade` to override "
                + "(the newer release's changes to the template are lost; use with caution)")
    }
}

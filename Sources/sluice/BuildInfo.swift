import CBuildInfo
import Shell
import Foundation

/// What `sluice --version` says: the version, the commit and the Swift toolchain it was built
/// from, so a bug report names the binary it came from.
struct BuildInfo: Encodable {
    /// The version, written here and nowhere else: scripts/package names its archive after
    /// `sluice --version --json`, and the manual page's footer prints it.
    static let version = "0.1.0"

    // Only scripts/bootstrap.sh's build_release (behind scripts/install, scripts/package and the
    // benchmarks) records the commit and the toolchain; the commit only from a git checkout or
    // a `git archive` of one.
    static let unrecordedCommit = "unknown (not built by scripts/install from a git checkout or archive)"
    static let unrecordedSwift = "unknown (not built by scripts/install)"

    static let current = BuildInfo(version: version, commit: String(cString: sluice_build_commit()),
                                   swift: String(cString: sluice_build_swift()))

    let version: String
    /// Empty when not recorded.
    let commit: String
    let swift: String

    var text: String {
        """
        sluice \(version)
        commit: \(commit.isEmpty ? Self.unrecordedCommit : commit)
        swift: \(swift.isEmpty ? Self.unrecordedSwift : swift)

        """
    }

    /// One line; what is not recorded is null.
    func json() throws -> String {
        try JSONText.encode(self) + "\n"
    }

    private enum CodingKeys: String, CodingKey { case version, commit, swift }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(commit.isEmpty ? nil : commit, forKey: .commit)
        try container.encode(swift.isEmpty ? nil : swift, forKey: .swift)
    }
}

import Foundation

/// The commits of the workspace's git repository as pushes CodePipeline's triggers would see: each
/// commit with the branches that hold it, the tags on it, and the files it changes against its first
/// parent (every file of a first commit), as repository paths.
struct GitPushes {
    let workspaceRoot: URL

    struct Commit: Equatable, Sendable {
        var id: String
        var subject: String
        var branches: [String]
        var tags: [String]
        var changedFiles: [String]
    }

    /// At most this many commits are looked at in one go, so a range over a long history stays quick.
    static let limit = 50

    /// The commits `revisions` names, oldest first: one revision, a range `A..B`, or (nil) the newest
    /// commits of every branch and tag, up to ``limit``.
    func commits(_ revisions: String?, sourceBranch: String) async throws -> [Commit] {
        try await GitSource(workspaceRoot: workspaceRoot).requireRepository(branch: sourceBranch)
        var arguments = ["rev-list", "--reverse", "--topo-order"]
        if let revisions, revisions.contains("..") {
            arguments += ["--max-count=\(Self.limit)", revisions]
        } else if let revisions {
            arguments += ["--max-count=1", revisions]
        } else {
            arguments += ["--max-count=\(Self.limit)", "--branches", "--tags"]
        }
        let listed = try await runTool("git", arguments + ["--"], in: workspaceRoot)
        guard listed.status == 0 else {
            throw LocalTargetError("git cannot read the revision \(revisions ?? "of the branches"): \(listed.output)",
                                   hint: "name a commit, a branch or a range such as main~3..main")
        }
        var commits: [Commit] = []
        for id in listed.output.split(separator: "\n").map(String.init) where !id.isEmpty {
            try Task.checkCancellation()
            commits.append(try await commit(id))
        }
        return commits
    }

    /// One commit as a push.
    func commit(_ id: String) async throws -> Commit {
        let subject = try await git(["log", "-1", "--format=%s", id])
        let branches = try await git(["for-each-ref", "--contains", id, "--format=%(refname:short)", "refs/heads"])
        let tags = try await git(["for-each-ref", "--points-at", id, "--format=%(refname:short)", "refs/tags"])
        let files = try await git(["-c", "core.quotepath=off", "diff-tree", "--no-commit-id", "--name-only", "-r", "--root", "-m",
                                   "--first-parent", id])
        return Commit(id: id, subject: subject, branches: lines(branches), tags: lines(tags), changedFiles: lines(files))
    }

    /// The files changed between two commits (a push that moved a branch from `old` to `new`).
    func changedFiles(from old: String, to new: String) async throws -> [String] {
        lines(try await git(["-c", "core.quotepath=off", "diff", "--name-only", old, new]))
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    private func git(_ arguments: [String]) async throws -> String {
        try await GitSource(workspaceRoot: workspaceRoot).git(arguments)
    }
}

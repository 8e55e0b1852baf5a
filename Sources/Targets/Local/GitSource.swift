import Foundation
import Processes

/// The Source action: a snapshot of the tracked branch's head, taken with `git archive`.
struct GitSource {
    let workspaceRoot: URL

    struct Snapshot: Sendable {
        var commit: String
        var subject: String
        /// The workspace's path inside the repository ("" at its top, else ending in "/").
        var workspacePrefix: String
    }

    /// The commit at the head of `branch`; throws, saying how to make one, when the workspace is
    /// in no git repository or the repository has no such branch.
    func head(of branch: String) async throws -> String {
        try await requireRepository(branch: branch)
        let head = try? await git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)^{commit}"])
        try Task.checkCancellation()
        guard let commit = head, !commit.isEmpty else {
            throw LocalTargetError("the repository has no branch `\(branch)`, which the pipeline tracks",
                                   hint: "commit to `\(branch)` (git checkout -b \(branch) && git commit), "
                                       + "or track another branch: source set … branch NAME")
        }
        return commit
    }

    /// Throws, saying how to make one, when the workspace is in no git repository.
    func requireRepository(branch: String) async throws {
        let inside = try? await git(["rev-parse", "--is-inside-work-tree"])
        try Task.checkCancellation()
        guard inside == "true" else {
            throw LocalTargetError("\(workspaceRoot.path) is not in a git repository, so the pipeline has no source to run",
                                   hint: "git init -b \(branch) && git add -A && git commit -m 'first commit'")
        }
    }

    /// The text of `path` (relative to the workspace) in `commit`; nil when the commit lacks it.
    func text(of path: String, in commit: String) async throws -> String? {
        let shown = try await runTool("git", ["show", "\(commit):./\(path.trimmingPrefix("./"))"], in: workspaceRoot)
        return shown.status == 0 ? shown.output : nil
    }

    /// Extracts `branch`'s head into `directory` (created empty).
    func snapshot(branch: String, into directory: URL) async throws -> Snapshot {
        try await extract(try await head(of: branch), into: directory)
    }

    /// Extracts commit `revision` again into `directory`, for a retry or a rollback of a run that took it.
    func snapshot(revision: String, into directory: URL) async throws -> Snapshot {
        guard (try? await git(["cat-file", "-e", "\(revision)^{commit}"])) != nil else {
            throw RunRefusal.revisionGone(revision)
        }
        return try await extract(revision, into: directory)
    }

    private func extract(_ commit: String, into directory: URL) async throws -> Snapshot {
        let subject = try await git(["log", "-1", "--format=%s", commit])
        let prefix = try await git(["rev-parse", "--show-prefix"])

        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let archive = directory.deletingLastPathComponent().appendingPathComponent("source.tar")
        defer { try? FileManager.default.removeItem(at: archive) }
        // From the repository's top, so the snapshot holds the whole repository, as CodePipeline's does.
        _ = try await git(["archive", "--format=tar", "-o", archive.path, commit], topLevel: true)
        let tar = try await runTool("tar", ["-xf", archive.path, "-C", directory.path], in: directory)
        guard tar.status == 0 else {
            throw LocalTargetError("tar could not unpack the source snapshot: \(tar.output)")
        }
        return Snapshot(commit: commit, subject: subject, workspacePrefix: prefix)
    }

    /// Runs git in the workspace (or the repository's top); returns its trimmed output.
    func git(_ arguments: [String], topLevel: Bool = false) async throws -> String {
        var directory = workspaceRoot
        if topLevel { directory = URL(fileURLWithPath: try await git(["rev-parse", "--show-toplevel"])) }
        let result = try await runTool("git", arguments, in: directory)
        guard result.status == 0 else {
            throw LocalTargetError("git \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
        return result.output
    }
}

/// Runs a tool (git, tar) to completion, bounded like every program sluice starts (see
/// ``ChildProcess``: 5 minutes, `SLUICE_GIT_TIMEOUT`); its stdout and the end of its stderr, trimmed.
func runTool(_ program: String, _ arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
    let environment = ProcessInfo.processInfo.environment
    let process = ChildProcess(program: program, arguments: arguments, directory: directory, environment: environment,
                               limits: try ChildLimits.configured("SLUICE_GIT_TIMEOUT", default: toolLimits, environment: environment))
    let finished = try await process.run()
    if finished.status == 127 {
        throw LocalTargetError("\(program) is not installed", hint: "install \(program): the local target needs it")
    }
    let output = String(decoding: finished.output, as: UTF8.self) + String(decoding: finished.errors.bytes, as: UTF8.self)
    return (finished.status, output.trimmingCharacters(in: .whitespacesAndNewlines))
}

/// Git's and tar's answers are short; what they print in failing is kept for the message.
private let toolLimits = ChildLimits(timeout: .seconds(300), outputBytes: 1 << 20)

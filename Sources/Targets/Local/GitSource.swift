import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Source action: a snapshot of the tracked branch's head, taken with `git archive`.
struct GitSource {
    let workspaceRoot: URL

    struct Snapshot: Sendable {
        var commit: String
        var subject: String
        /// The workspace's path inside the repository ("" at its top, else ending in "/").
        var workspacePrefix: String
    }

    /// Extracts `branch`'s head into `directory` (created empty).
    func snapshot(branch: String, into directory: URL) throws -> Snapshot {
        guard (try? git(["rev-parse", "--is-inside-work-tree"])) == "true" else {
            throw LocalTargetError("\(workspaceRoot.path) is not in a git repository, so the pipeline has no source",
                                   hint: "git init -b \(branch) && git add -A && git commit -m 'first commit'")
        }
        guard let commit = try? git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)^{commit}"]), !commit.isEmpty else {
            throw LocalTargetError("the repository has no branch `\(branch)`, which the pipeline tracks",
                                   hint: "commit to `\(branch)`, or track another branch: source set … branch NAME")
        }
        return try extract(commit, into: directory)
    }

    /// Extracts commit `revision` again into `directory`, for a retry or a rollback of a run that took it.
    func snapshot(revision: String, into directory: URL) throws -> Snapshot {
        guard (try? git(["cat-file", "-e", "\(revision)^{commit}"])) != nil else {
            throw RunRefusal.revisionGone(revision)
        }
        return try extract(revision, into: directory)
    }

    private func extract(_ commit: String, into directory: URL) throws -> Snapshot {
        let subject = try git(["log", "-1", "--format=%s", commit])
        let prefix = try git(["rev-parse", "--show-prefix"])

        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let archive = directory.deletingLastPathComponent().appendingPathComponent("source.tar")
        defer { try? FileManager.default.removeItem(at: archive) }
        // From the repository's top, so the snapshot holds the whole repository, as CodePipeline's does.
        _ = try git(["archive", "--format=tar", "-o", archive.path, commit], topLevel: true)
        let tar = try runTool("/usr/bin/env", ["tar", "-xf", archive.path, "-C", directory.path], in: directory)
        guard tar.status == 0 else {
            throw LocalTargetError("tar could not unpack the source snapshot: \(tar.output)")
        }
        return Snapshot(commit: commit, subject: subject, workspacePrefix: prefix)
    }

    /// Runs git in the workspace (or the repository's top); returns its trimmed output.
    private func git(_ arguments: [String], topLevel: Bool = false) throws -> String {
        var directory = workspaceRoot
        if topLevel { directory = URL(fileURLWithPath: try git(["rev-parse", "--show-toplevel"])) }
        let result = try runTool("/usr/bin/env", ["git"] + arguments, in: directory)
        guard result.status == 0 else {
            throw LocalTargetError("git \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
        return result.output
    }
}

/// Runs a short tool to completion, in a process group of its own like every action's
/// processes (see ``ProcessGroup``); stdout and stderr together, trimmed.
func runTool(_ executable: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
    let output = try ProcessGroup.closeOnExecPipe()
    let reading = FileHandle(fileDescriptor: output[0], closeOnDealloc: true)
    let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
    let group: ProcessGroup
    do {
        defer {
            close(output[1])
            close(null)
        }
        group = try ProcessGroup(executable: executable, arguments: arguments, directory: directory,
                                 environment: ProcessInfo.processInfo.environment, input: null, output: output[1], error: output[1])
    }
    let data = reading.readDataToEndOfFile()
    let status = group.wait()
    group.release()
    if status == 127, executable == "/usr/bin/env" {
        throw LocalTargetError("\(arguments.first ?? executable) is not installed",
                               hint: "install \(arguments.first ?? executable): the local target needs it")
    }
    return (status, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

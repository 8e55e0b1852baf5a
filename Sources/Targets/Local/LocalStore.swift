import Errors
import Foundation
import Manifest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local target's files under the workspace's `.sluice/local/`:
///
///     pipelines/NAME/pipeline.json                  the pipeline as last pushed
///     pipelines/NAME/pipeline.lock                  held while an execution is created
///     pipelines/NAME/executions/ID/execution.json   state, rewritten atomically after every step
///     pipelines/NAME/executions/ID/lock             held by the sluice driving the execution
///     pipelines/NAME/executions/ID/logs/STAGE/ACTION.log
///     pipelines/NAME/executions/ID/source, artifacts, work/ACTION
///     deployments/ENV/STACK/                        what each environment last had deployed
///
/// Every JSON file is replaced by rename (from a temporary file in `local/` itself, where a later
/// sluice finds the leftovers of a killed write), so a reader or a crash never sees half of one.
struct LocalStore {
    let workspaceRoot: URL
    var root: URL { SluiceDirectory.url(in: workspaceRoot).appendingPathComponent("local", isDirectory: true) }

    /// Creates `.sluice/local/`, inside a `.sluice/` kept out of git.
    func prepare() throws {
        try SluiceDirectory.prepare(in: workspaceRoot)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func pipelineDirectory(_ pipeline: String) -> URL {
        root.appendingPathComponent("pipelines/\(pipeline)", isDirectory: true)
    }

    func definitionFile(_ pipeline: String) -> URL {
        pipelineDirectory(pipeline).appendingPathComponent("pipeline.json")
    }

    func pipelineLockFile(_ pipeline: String) -> URL {
        pipelineDirectory(pipeline).appendingPathComponent("pipeline.lock")
    }

    func executionsDirectory(_ pipeline: String) -> URL {
        pipelineDirectory(pipeline).appendingPathComponent("executions", isDirectory: true)
    }

    func executionDirectory(_ pipeline: String, _ id: String) -> URL {
        executionsDirectory(pipeline).appendingPathComponent(id, isDirectory: true)
    }

    func deploymentDirectory(environment: String, stack: String) -> URL {
        root.appendingPathComponent("deployments/\(environment)/\(stack)", isDirectory: true)
    }

    /// The ids of every execution of `pipeline` that has a state file (any order).
    func executionIDs(_ pipeline: String) -> [String] {
        let directory = executionsDirectory(pipeline)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0)/execution.json").path)
        }
    }

    func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try Self.decoder.decode(type, from: data)
        } catch {
            throw LocalTargetError("\(url.path) is unreadable: \(error)",
                                   hint: "it was written by another version of sluice; remove .sluice/local to start afresh")
        }
    }

    /// Writes `value` to a temporary file, then renames it over `url`. Every temporary file
    /// goes directly in ``root``, the one directory a later sluice sweeps for a killed write's.
    func write<T: Encodable>(_ value: T, to url: URL) throws {
        try AtomicFile.write(try Self.encoder.encode(value), to: url, temporaryDirectory: root, directories: .created(within: root))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// An advisory lock (flock) on a file: held by one process at a time, released when the
/// process ends however it ends — which is what tells a later sluice that a run was abandoned.
final class FileLock {
    private let descriptor: Int32

    /// Opens (creating) the lock file; the descriptor is not inherited by child processes.
    init(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LocalTargetError("cannot open the lock \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// Takes the lock if no other process holds it.
    func tryLock() -> Bool { flock(descriptor, LOCK_EX | LOCK_NB) == 0 }

    /// Waits for the lock, checking every few milliseconds, up to `timeout`.
    func lock(timeout: Duration) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !tryLock() {
            if clock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    func unlock() { flock(descriptor, LOCK_UN) }
}

/// A failure of the local target, said with a hint when there is one.
public struct LocalTargetError: ReportableError {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var problem: Problem { Problem(message, hint: hint) }

    /// A buildspec the branch's head commit lacks: the pipeline builds what is committed.
    static func notCommitted(_ path: String, commit: String?, branch: String) -> LocalTargetError {
        LocalTargetError("\(path) is not in commit \(commit.map { String($0.prefix(7)) } ?? "the snapshot") of \(branch)",
                         hint: "the pipeline builds what is committed: git add \(path) && git commit")
    }
}

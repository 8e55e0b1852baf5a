import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file change: what the file must hold for it to apply, and what it holds after.
public struct FileChange: Equatable, Sendable {
    /// What the file must hold at the moment of the change.
    public enum Expectation: Equatable, Sendable {
        /// Nothing: the change creates the file.
        case absent
        /// These bytes (what sluice read or last wrote).
        case contents(Data)
        /// Whatever it holds (files sluice owns, or replaces wholesale by request).
        case anything
    }

    /// Who chose the path, which decides what it may be (see ``AtomicFile/Directories``).
    public enum Origin: Equatable, Sendable {
        /// sluice, by the workspace's layout (a manifest, a buildspec, the target choice): the
        /// directories it lies in are made, inside the workspace.
        case layout
        /// The user (`record FILE`, `export graph FILE`): its directory must be there already.
        case named
    }

    public var url: URL
    /// The path shown in messages (relative to the workspace root when inside it).
    public var displayPath: String
    public var expected: Expectation
    /// The new bytes; nil removes the file.
    public var replacement: Data?
    public var origin: Origin

    public init(url: URL, displayPath: String, expected: Expectation, replacement: Data?, origin: Origin = .layout) {
        self.url = url.standardizedFileURL
        self.displayPath = displayPath
        self.expected = expected
        self.replacement = replacement
        self.origin = origin
    }
}

/// Writes to a workspace's files that every sluice on the workspace agrees on.
///
/// A change is compare-and-swap: the check that each file still holds what was expected and
/// the replacement happen under one lock (flock on `.sluice/lock`) that every sluice on the
/// workspace takes, so a concurrent change is reported, never overwritten. The lock is held
/// only for that check and the writes. Several files change as a unit: their intent (before
/// and after of each) is written to `.sluice/intent.json` first and removed last, and the next
/// sluice that finds it — its writer was killed — completes it (``recover(sweeping:)``).
public struct WorkspaceFiles: Sendable {
    /// The workspace root; nil outside a workspace, where no other sluice shares the files
    /// (no lock is taken and no intent written).
    public let root: URL?

    public init(root: URL?) {
        self.root = root
    }

    /// Applies `changes` as one unit if every file holds what its change expects; otherwise
    /// throws, naming the file, and writes nothing. Returns each file's bytes before.
    @discardableResult
    public func commit(_ changes: [FileChange]) throws -> [Data?] {
        try locked { try $0.apply(changes) }
    }

    /// Runs `body` holding the workspace lock. The lock is not re-entrant: `body` reads and
    /// writes through the ``Held`` it is given and never calls ``commit(_:)``.
    public func locked<T>(_ body: (Held) throws -> T) throws -> T {
        guard let root else { return try body(Held(root: nil)) }
        try SluiceDirectory.prepare(in: root)
        let path = SluiceDirectory.url(in: root).appendingPathComponent("lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ManifestError(file: path, message: "cannot open the workspace lock: \(String(cString: strerror(errno)))",
                                hint: "check that the workspace directory is writable")
        }
        defer { close(descriptor) }  // Closing releases the lock too.
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw ManifestError(file: path, message: "cannot take the workspace lock: \(String(cString: strerror(errno)))")
            }
        }
        return try body(Held(root: root))
    }

    /// The workspace while its lock is held.
    public struct Held {
        let root: URL?

        /// The file's bytes now, nil when absent; throws when it is something else than a file or unreadable.
        public func contents(of url: URL, displayPath: String) throws -> Data? {
            try TextFile.bytes(at: url, displayPath: displayPath)
        }

        /// ``WorkspaceFiles/commit(_:)`` with the lock already held.
        @discardableResult
        public func apply(_ changes: [FileChange]) throws -> [Data?] {
            // A path sluice cannot write (a device, a FIFO…) is said as such, before it is read.
            for change in changes where change.replacement != nil {
                _ = try AtomicFile.destination(of: change.url, displayPath: change.displayPath)
            }
            let before = try changes.map { try contents(of: $0.url, displayPath: $0.displayPath) }
            for (change, current) in zip(changes, before) {
                if let conflict = Self.conflict(change, current) { throw conflict }
            }
            let pending = zip(changes, before).filter { $0.0.replacement != $0.1 }
            let intent = pending.count > 1 ? root.map(WorkspaceFiles.intentFile) : nil
            if let intent {
                let record = Intent(pid: getpid(), changes: pending.map {
                    Intent.Change(path: $0.0.url.path, displayPath: $0.0.displayPath, before: $0.1, after: $0.0.replacement)
                })
                try AtomicFile.write(try JSONEncoder().encode(record), to: intent)
            }
            var applied: [(FileChange, Data?)] = []
            do {
                for (change, previous) in pending {
                    try write(change.replacement, to: change.url, displayPath: change.displayPath, origin: change.origin)
                    applied.append((change, previous))
                }
            } catch {
                // Put back what was written, so the failure leaves the state before; should that
                // fail too, the intent stays and the next sluice completes the write.
                for (change, previous) in applied.reversed() {
                    try? write(previous, to: change.url, displayPath: change.displayPath, origin: change.origin)
                }
                if let intent { try? AtomicFile.remove(intent) }
                throw error
            }
            if let intent { try AtomicFile.remove(intent) }
            return before
        }

        /// Writes `data` (nil removes the file).
        func write(_ data: Data?, to url: URL, displayPath: String, origin: FileChange.Origin) throws {
            if let data {
                let directories: AtomicFile.Directories = switch (origin, root) {
                case (.layout, let root?): .created(within: root)
                default: .existing
                }
                try AtomicFile.write(data, to: url, displayPath: displayPath, directories: directories)
            } else {
                try AtomicFile.remove(url, displayPath: displayPath)
            }
        }

        private static func conflict(_ change: FileChange, _ current: Data?) -> ManifestError? {
            let message: String
            switch (change.expected, current) {
            case (.anything, _), (.absent, nil):
                return nil
            case (.contents(let expected), let current?) where expected == current:
                return nil
            case (.absent, _?):
                message = "the file was created by someone else since sluice started this pipeline"
            case (.contents, nil):
                message = "the file was removed on disk since sluice read it; writing it would bring it back"
            case (.contents, _?):
                message = "the file changed on disk since sluice loaded it; saving would overwrite that change"
            }
            return ManifestError(file: change.displayPath, message: message + "; nothing was saved",
                                 hint: "`reload` to read the file again (your unsaved edits are dropped), then repeat them")
        }
    }

    // MARK: Recovery

    /// What a multi-file write in progress is doing: each file's bytes before and after
    /// (base64 in the JSON; nil: absent).
    struct Intent: Codable {
        struct Change: Codable {
            var path: String
            var displayPath: String
            var before: Data?
            var after: Data?
        }

        var pid: Int32
        var changes: [Change]
    }

    static func intentFile(_ root: URL) -> URL {
        SluiceDirectory.url(in: root).appendingPathComponent("intent.json")
    }

    /// What a sluice starting in the workspace tidies after one that was killed: a multi-file
    /// write left half done is completed (its writer had decided on it; a file changed since
    /// is left as it is), and temporary files of killed writes are removed — from the
    /// directories sluice writes the workspace's files in, and from `others` (other
    /// modules' own). Returns a sentence for each thing done, to be said to the user.
    public func recover(sweeping others: [URL] = []) -> [String] {
        guard let root else { return [] }
        let copilot = root.appendingPathComponent("copilot", isDirectory: true)
        var directories = [root, copilot, SluiceDirectory.url(in: root)] + others
        let pipelines = copilot.appendingPathComponent("pipelines", isDirectory: true)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: pipelines.path)) ?? [] {
            directories.append(pipelines.appendingPathComponent(name, isDirectory: true))
        }
        var said: [String] = []
        if FileManager.default.fileExists(atPath: Self.intentFile(root).path) {
            do {
                said += try locked { held in try Self.complete(Self.intentFile(root), held) }
            } catch {
                said.append("could not complete an interrupted write: \(error)")
            }
        }
        let removed = directories.flatMap { directory in
            AtomicFile.removeLeftovers(in: directory).map { relative(directory.appendingPathComponent($0), to: root) }
        }
        if !removed.isEmpty {
            said.append("removed \(removed.count) temporary file\(removed.count == 1 ? "" : "s") left by a killed sluice: "
                + removed.joined(separator: ", "))
        }
        return said
    }

    /// Completes the intent in `file` (the lock is held, so its writer is gone) and removes it.
    private static func complete(_ file: URL, _ held: Held) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file.path) else { return [] }
        guard let intent = try? JSONDecoder().decode(Intent.self, from: data) else {
            try AtomicFile.remove(file)
            return ["removed an unreadable record of an interrupted write (\(file.lastPathComponent))"]
        }
        var completed: [String] = []
        var leftAlone: [String] = []
        for change in intent.changes {
            let url = URL(fileURLWithPath: change.path)
            let current = try? TextFile.bytes(at: url, displayPath: change.displayPath)
            if current == change.after { completed.append(change.displayPath); continue }
            guard current == change.before else { leftAlone.append(change.displayPath); continue }
            try held.write(change.after, to: url, displayPath: change.displayPath, origin: .layout)
            completed.append(change.displayPath)
        }
        try AtomicFile.remove(file)
        var said = "a sluice (pid \(intent.pid)) was killed while writing " + intent.changes.map(\.displayPath).joined(separator: " and ")
        if !completed.isEmpty { said += "; completed its write of " + completed.joined(separator: ", ") }
        if !leftAlone.isEmpty { said += "; left as they are, since changed by someone else: " + leftAlone.joined(separator: ", ") }
        return [said]
    }
}

/// `url`'s path relative to `root` when inside it.
func relative(_ url: URL, to root: URL) -> String {
    let base = root.standardizedFileURL.path
    let path = url.standardizedFileURL.path
    return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
}

import Foundation
#if canImport(Glibc)
import Glibc
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif

/// Whole-file writes that a crash or kill at any moment leaves as the old file or the new one, never a mix.
///
/// The new content goes to a temporary file beside the target, named `.NAME.sluice-PID-XXXXXX`
/// (PID: the writing process), which is renamed over the target. A kill leaves that temporary
/// file behind; ``removeLeftovers(in:)`` recognises it by its name and removes it once its
/// writer is gone.
public enum AtomicFile {
    /// Whether a write may make the directory its file goes in.
    public enum Directories: Sendable {
        /// Never: a missing directory is an error (a path the user named, a dangling link).
        case existing
        /// Those missing inside `root` (the workspace, sluice's state), as its layout needs.
        case created(within: URL)
    }

    /// Writes `data` over `url` (keeping an existing file's permissions, else `mode`).
    /// The temporary file goes in `temporaryDirectory` (on the same file system) when given,
    /// so one directory holds every leftover to sweep.
    public static func write(_ data: Data, to url: URL, displayPath: String? = nil, mode: mode_t = 0o644,
                             temporaryDirectory: URL? = nil, directories: Directories = .existing) throws {
        try replace(url, displayPath: displayPath, mode: mode, temporaryDirectory: temporaryDirectory,
                    directories: directories) { descriptor, _ in
            data.withUnsafeBytes { buffer -> Bool in
                var offset = 0
                while offset < buffer.count {
                    let count = posixWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if count < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += count
                }
                return true
            }
        }
    }

    /// Replaces `url` with what `fill` writes to the temporary file (through the open
    /// descriptor, or by path for a library that opens the file itself); `fill` returns false
    /// on failure with `errno` set. Then flushes it to disk and renames it over `url`.
    public static func replace(_ path: URL, displayPath: String? = nil, mode: mode_t = 0o644, temporaryDirectory: URL? = nil,
                               directories: Directories = .existing,
                               fill: (_ descriptor: Int32, _ temporaryPath: String) -> Bool) throws {
        let shown = displayPath ?? path.path
        let (url, isLink) = try destination(of: path, displayPath: shown)
        // A link's file may be on another file system: its temporary file goes beside it.
        let temporaryDirectory = isLink ? nil : temporaryDirectory
        let directory = url.deletingLastPathComponent()
        try prepare(directory, for: shown, through: isLink ? url : nil, directories)
        let temporaryName = ".\(url.lastPathComponent)\(marker)\(getpid())-XXXXXX"
        var template = Array((temporaryDirectory ?? directory).appendingPathComponent(temporaryName).path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \((temporaryDirectory ?? directory).path)", shown) }
        let temporary = String(cString: template)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        var existing = stat()
        let permissions: mode_t = stat(url.path, &existing) == 0 ? existing.st_mode & 0o7777 : mode
        guard fill(descriptor, temporary), fchmod(descriptor, permissions) == 0, fsync(descriptor) == 0 else {
            let reason = failure("cannot write \(temporary)", shown)
            close(descriptor)
            throw reason
        }
        guard close(descriptor) == 0 else { throw failure("cannot write \(temporary)", shown) }
        guard rename(temporary, url.path) == 0 else { throw failure("cannot replace the file", shown) }
        renamed = true
        syncDirectory(of: url)
    }

    /// Makes sure `directory` is there for a write to `shown` (which `link` led to, when it did):
    /// made when `directories` allows it, else refused, saying why.
    private static func prepare(_ directory: URL, for shown: String, through link: URL?, _ directories: Directories) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ManifestError(file: shown, message: "\(directory.path) is a file, not a directory",
                                    hint: "name a file in a directory")
            }
            return
        }
        let named = (shown as NSString).deletingLastPathComponent
        let missing = link.map { "there is no directory \(directory.path), where the link leads (\($0.path))" }
            ?? "there is no directory \(named.isEmpty ? directory.path : named)"
        guard case .created(let root) = directories,
              Workspace.realPath(directory).hasPrefix(Workspace.realPath(root) + "/") || directory.standardizedFileURL == root.standardizedFileURL else {
            throw ManifestError(file: shown, message: missing,
                                hint: "sluice makes no directory for a file you name: make the directory first, or name a file in an existing one")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            // The usual cause: a file where a directory should be.
            var ancestor = directory
            var isDirectory: ObjCBool = false
            while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
                ancestor.deleteLastPathComponent()
            }
            throw ManifestError(file: shown, message: isDirectory.boolValue
                                    ? "cannot create the directory \(directory.path): \(FileProblem.reason(error))"
                                    : "cannot create the directory \(directory.path): \(ancestor.path) is a file, not a directory",
                                hint: "check the permissions of the workspace")
        }
    }

    /// Where a write to `url` lands: `url`, or the file its symbolic links lead to (renaming
    /// over the link would replace the link with a copy). Throws, saying what it is, when that
    /// is not a regular file: a device, FIFO, socket or directory is never replaced.
    static func destination(of url: URL, displayPath: String) throws -> (url: URL, isLink: Bool) {
        var current = url
        for _ in 0..<40 {  // Linux's own bound on links followed (ELOOP)
            var status = stat()
            guard lstat(current.path, &status) == 0 else {
                // Missing, or under a file where a directory should be: the write itself says which.
                guard errno == ENOENT || errno == ENOTDIR else {
                    throw ManifestError(file: displayPath, message: "its path cannot be followed: \(String(cString: strerror(errno)))",
                                        hint: "check the permissions of its directory")
                }
                return (current, current != url)
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                return (current, current != url)
            case S_IFLNK:
                let target = try FileManager.default.destinationOfSymbolicLink(atPath: current.path)
                current = URL(fileURLWithPath: target, relativeTo: current.deletingLastPathComponent()).standardizedFileURL
            default:
                throw ManifestError(file: displayPath, message: "\(TextFile.describe(url, type: status.st_mode & S_IFMT)), not a file; "
                                        + "sluice writes only regular files and replaces nothing else",
                                    hint: "give the path of a regular file (or of a link to one)")
            }
        }
        throw ManifestError(file: displayPath, message: "too many levels of symbolic links",
                            hint: "the links lead in a circle; point them at a regular file")
    }

    /// Removes `url` (absent already is fine) durably.
    public static func remove(_ url: URL, displayPath: String? = nil) throws {
        guard unlink(url.path) == 0 || errno == ENOENT else { throw failure("cannot remove the file", displayPath ?? url.path) }
        syncDirectory(of: url)
    }

    /// A rename or unlink is durable only once its directory is flushed.
    private static func syncDirectory(of url: URL) {
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// What sits between the target's name and the writer's PID in a temporary file's name.
    static let marker = ".sluice-"

    /// Removes the temporary files in `directory` whose writer has ended (a kill mid-write left
    /// them). A live writer's file is left alone. Returns the names removed.
    @discardableResult
    public static func removeLeftovers(in directory: URL) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { name in
            guard let pid = writer(ofTemporary: name), !isRunning(pid) else { return false }
            return unlink(directory.appendingPathComponent(name).path) == 0
        }
    }

    /// The PID in a temporary file's name `.NAME.sluice-PID-XXXXXX`, nil for any other name.
    static func writer(ofTemporary name: String) -> pid_t? {
        guard name.hasPrefix("."), let range = name.range(of: marker, options: .backwards) else { return nil }
        let tail = name[range.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard tail.count == 2, tail[1].count == 6, let pid = pid_t(tail[0]), pid > 0 else { return nil }
        return pid
    }

    /// Whether process `pid` exists (a PID reused since only keeps a leftover one run longer).
    private static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    private static func failure(_ what: String, _ file: String) -> ManifestError {
        ManifestError(file: file, message: "\(what): \(String(cString: strerror(errno)))",
                      hint: "check free space and permissions; the file on disk is unchanged")
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let posixWrite = Darwin.write
#endif

/// Whole-file writes that a crash or kill at any moment leaves as the old file or the new one, never a mix.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, flushes it to disk, and renames it over `url`
    /// (keeping an existing file's permissions). Creates missing parent directories.
    public static func write(_ data: Data, to url: URL, displayPath: String? = nil) throws {
        let shown = displayPath ?? url.path
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ManifestError(file: shown, message: "cannot create the directory \(directory.path): \(error.localizedDescription)",
                                hint: "check the permissions of the workspace")
        }
        var template = Array(directory.appendingPathComponent(".\(url.lastPathComponent).sluice-XXXXXX").path.utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure("cannot create a temporary file in \(directory.path)", shown) }
        let temporary = String(cString: template)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        var existing = stat()
        let mode: mode_t = stat(url.path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o644
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = posixWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += count
            }
            return true
        }
        guard written, fchmod(fd, mode) == 0, fsync(fd) == 0 else {
            let reason = failure("cannot write \(temporary)", shown)
            close(fd)
            throw reason
        }
        guard close(fd) == 0 else { throw failure("cannot write \(temporary)", shown) }
        guard rename(temporary, url.path) == 0 else { throw failure("cannot replace the file", shown) }
        renamed = true
        // The rename itself is durable only once the directory is flushed.
        let directoryFD = open(directory.path, O_RDONLY)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func failure(_ what: String, _ file: String) -> ManifestError {
        ManifestError(file: file, message: "\(what): \(String(cString: strerror(errno)))",
                      hint: "check free space and permissions; the file on disk is unchanged")
    }
}

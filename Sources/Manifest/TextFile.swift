import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading the files sluice is given: what the path is when it is not a file, and where the
/// first undecodable byte sits when the text is not UTF-8. Every input path (manifests,
/// buildspecs, the workspace file, scripts from a file, `-c` or stdin) decodes the same way.
public enum TextFile {
    /// The bytes of the file at `url`, nil when nothing is there. Throws, saying what the path is,
    /// for a directory, a device or a socket — and for a FIFO unless `pipes` (a script may come
    /// from `<(…)`; a manifest never does).
    public static func bytes(at url: URL, displayPath: String, pipes: Bool = false) throws -> Data? {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw unreadable(displayPath)
        }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG || (pipes && type == S_IFIFO) else {
            throw ManifestError(file: displayPath, message: "\(describe(url, type: type)), not a file",
                                hint: "sluice reads a regular file here; put one in its place")
        }
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(displayPath) }
        defer { close(descriptor) }
        var data = Data()
        // As large as the file, up to 64 KiB (a pipe, of no size, gets 4 KiB at a time): a start
        // reads several small files, and each 64 KiB buffer was 16 fresh pages to fault in and clear.
        var buffer = [UInt8](repeating: 0, count: min(1 << 16, max(1 << 12, Int(status.st_size) + 1)))
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(displayPath)
            }
            if count == 0 { return data }
            data.append(buffer, count: count)
        }
    }

    /// `data` as text: a leading byte-order mark is dropped (kept when asked: a manifest saves it back); bytes that are not UTF-8 are an
    /// error at the LINE:COL of the first of them (columns count characters, as editors do).
    public static func decode(_ data: Data, file: String, keepingByteOrderMark: Bool = false) throws -> String {
        if let encoding = wideEncoding(data) {
            throw ManifestError(file: file, line: 1, column: 1, message: "the text is \(encoding), not UTF-8",
                                hint: "save the file as UTF-8 (for example `iconv -f \(encoding) -t UTF-8`)")
        }
        var bytes = data[...]
        let byteOrderMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if byteOrderMark { bytes = bytes.dropFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) {
            return byteOrderMark && keepingByteOrderMark ? "\u{FEFF}" + text : text
        }
        var index = bytes.startIndex
        // Skip whole characters (1 to 4 bytes) up to the first byte that begins none.
        while let length = (1...4).first(where: {
            index + $0 <= bytes.endIndex && String(validating: bytes[index..<index + $0], as: UTF8.self) != nil
        }) {
            index += length
        }
        let valid = String(decoding: bytes[..<index], as: UTF8.self)
        let at = location(of: valid.endIndex, in: valid)
        throw ManifestError(file: file, line: at.line, column: at.column,
                            message: "the text is not UTF-8: byte 0x\(String(bytes[index], radix: 16, uppercase: true)) does not begin a character",
                            hint: "save the file as UTF-8")
    }

    /// Line and column (1-based, columns in Unicode scalars) of `index` in `text`, lines broken where
    /// YAML readers break them (LF, CRLF, CR, NEL, LS, PS), so the place is the one the parser names.
    public static func location(of index: String.Index, in text: String) -> SourceLocation {
        var line = 1
        var column = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars[..<index] {
            if scalar == "\n", previous == "\r" {
                // The LF of a CRLF: the CR already ended the line.
            } else if TextLines.isBreak(scalar) {
                line += 1
                column = 1
            } else {
                column += 1
            }
            previous = scalar
        }
        return SourceLocation(line: line, column: column)
    }

    /// "UTF-16LE", "UTF-16BE", "UTF-32LE"… when the text starts with that encoding's byte-order mark, or
    /// (UTF-16 without one) with an ASCII character beside a zero byte; nil otherwise.
    private static func wideEncoding(_ data: Data) -> String? {
        let start = Array(data.prefix(4))
        if start.starts(with: [0xFF, 0xFE, 0, 0]) { return "UTF-32LE" }
        if start.starts(with: [0, 0, 0xFE, 0xFF]) { return "UTF-32BE" }
        if start.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        if start.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        guard start.count >= 2 else { return nil }
        if start[0] != 0, start[0] < 0x80, start[1] == 0 { return "UTF-16LE" }
        if start[0] == 0, start[1] != 0, start[1] < 0x80 { return "UTF-16BE" }
        return nil
    }

    /// "copilot/pipeline.yml is a FIFO", "… is a link to /dev/zero, a character device".
    static func describe(_ url: URL, type: mode_t) -> String {
        let kind: String
        switch type {
        case S_IFDIR: kind = "a directory"
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a regular file"
        }
        if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
            return "it is a link to \(destination), \(kind)"
        }
        return "it is \(kind)"
    }

    private static func unreadable(_ file: String) -> ManifestError {
        let code = errno
        return ManifestError(file: file, message: "cannot read it: \(String(cString: strerror(code)))",
                             hint: code == EACCES ? "check the file's permissions" : nil)
    }
}

/// The reason an error from Foundation's file APIs states, without Cocoa's domain and code.
public enum FileProblem {
    public static func reason(_ error: Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        return error.localizedFailureReason ?? error.localizedDescription
    }
}

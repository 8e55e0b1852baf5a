import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Manifest
import Processes

/// The log of one action: `[Container]` lines like CodeBuild's around the commands' own output.
/// Everything reaches the file through `append`, with token-like text masked: a build that
/// prints a credential from its environment must not leave it on disk.
final class ActionLog: @unchecked Sendable {
    let url: URL
    /// The most a log keeps: what a build prints beyond it is drained and dropped, said once.
    static let limit = 64 << 20
    private let lock = NSLock()
    private var kept: Int

    init(_ url: URL) throws {
        self.url = url
        kept = ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.intValue ?? 0
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // An empty log needs no atomic write (FileManager.createFile's leaves a temporary file when killed).
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends a line said by sluice itself (kept whatever the action printed before).
    func note(_ line: String) {
        write(Array("[Container] \(line)\n".utf8))
    }

    /// Appends `lines`, masked: whole lines from the pump (a token never spans a line break), except
    /// a line longer than the pump holds back, masked in 64 KiB pieces. Every write lands at the
    /// end, even with other writers.
    func append(_ lines: [UInt8]) {
        var bytes = lines
        let room: Int = lock.withLock {
            defer { kept += bytes.count }
            return Self.limit - kept
        }
        guard room > 0 else { return }
        if bytes.count > room {
            bytes = Array("[Container] The action printed more than \(Self.limit >> 20) MiB; the rest is not kept\n".utf8)
        }
        write(bytes)
    }

    private func write(_ text: [UInt8]) {
        var bytes = text
        Secrets.redact(&bytes)
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }

    /// The log's size now, to read what a command adds after it.
    var size: UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.uint64Value ?? 0
    }

    /// What was written after `offset`, its last non-empty line.
    func lastLine(after offset: UInt64) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) }
    }
}

/// Carries what a shell and its commands print into an action's log, a whole line at a time
/// (so `ActionLog.append` sees every token whole). After each command the shell prints a
/// marker line here; `awaitMarker` returns once the pump has passed it, so the log holds all the
/// command printed before sluice notes how it ended.
final class LogPump: @unchecked Sendable {
    /// The pipe's writing end, for the shell's stdout and stderr; `spawned()` closes sluice's copy.
    let input: Int32
    private let output: Int32
    private let log: ActionLog
    private let marker: [UInt8]
    private let markers = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)
    /// The longest unfinished line held back for its line break (progress bars redraw with `\r`).
    private static let longestHeldLine = 64 * 1024
    private static let lineBreak: ArraySlice<UInt8> = [UInt8(ascii: "\n")]

    init(log: ActionLog, marker: String) throws {
        let pipe = try ProcessGroup.closeOnExecPipe()
        output = pipe[0]
        input = pipe[1]
        self.log = log
        self.marker = Array("\(marker)\n".utf8)
        Thread.detachNewThread { [self] in pump() }
    }

    /// The shell has its copy of `input`: the pipe ends when the shell and all it started do.
    func spawned() { close(input) }

    /// Waits until the pump passes the next marker; false when it did not come in `seconds`.
    func awaitMarker(seconds: Double) -> Bool {
        markers.wait(timeout: .now() + seconds) == .success
    }

    /// Waits until the pipe has ended and all it carried is in the log (bounded: a process that
    /// left the group could hold the pipe open).
    func awaitEnd(seconds: Double) {
        if ended.wait(timeout: .now() + seconds) == .success { ended.signal() }
    }

    private func pump() {
        var pending: [UInt8] = []
        var atLineStart = true
        func write(_ bytes: ArraySlice<UInt8>) {
            guard !bytes.isEmpty else { return }
            log.append(Array(bytes))
            atLineStart = bytes.last == UInt8(ascii: "\n")
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: chunk[..<count])
            while let found = pending.firstRange(of: marker) {
                write(pending[..<found.lowerBound])
                if !atLineStart { write(Self.lineBreak) }
                pending.removeSubrange(..<found.upperBound)
                markers.signal()
            }
            if let lineBreak = pending.lastIndex(of: UInt8(ascii: "\n")) {
                write(pending[...lineBreak])
                pending.removeSubrange(...lineBreak)
            } else if pending.count > Self.longestHeldLine {
                // Keep what could be the start of a marker.
                let kept = pending.count - (marker.count - 1)
                write(pending[..<kept])
                pending.removeSubrange(..<kept)
            }
        }
        write(pending[...])
        if !atLineStart { write(Self.lineBreak) }
        close(output)
        ended.signal()
    }
}

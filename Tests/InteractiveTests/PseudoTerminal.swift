import CPTY
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `sluice` binary on a real pseudo-terminal: a new session with the terminal as its
/// controlling tty (so a typed ^C raises SIGINT), default signal dispositions and an empty
/// mask, and no descriptors but 0, 1 and 2. Every wait is bounded: a hang fails the test.
final class PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let pid: pid_t
    private let master: Int32
    /// Held open by the test so the terminal's settings can be read after the child exits.
    private let slave: Int32
    /// Everything the child wrote, with \r removed.
    private(set) var transcript = ""
    /// Where the next `expect` starts looking (an offset in `transcript`'s characters).
    private var consumed = 0
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` in `directory`; `environment` is the child's whole environment.
    init(_ executable: String, _ arguments: [String] = [], directory: URL, environment: [String: String],
         columns: UInt16 = 100, rows: UInt16 = 30) throws {
        var name = [CChar](repeating: 0, count: 128)
        master = cpty_open(&name, UInt(name.count))
        guard master >= 0 else { throw Failure(description: "cannot open a pseudo-terminal: \(String(cString: strerror(errno)))") }
        let slavePath = String(cString: name)
        slave = open(slavePath, O_RDWR | O_NOCTTY)
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let status = cpty_spawn(executable, argv, envp, slavePath, directory.path, &child)
        guard status == 0 else {
            close(master)
            close(slave)
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
        close(slave)
    }

    /// Types `text` ("\r" is Enter, "\t" Tab, "\u{03}" Ctrl-C, "\u{04}" Ctrl-D, "\u{1B}[A" up arrow).
    func send(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EAGAIN || errno == EINTR { usleep(1000); continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Waits until `text` appears after the previous match, moves past it, and returns
    /// what came before it.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let pending = transcript.dropFirst(consumed)
            if let range = pending.range(of: text) {
                consumed += pending.distance(from: pending.startIndex, to: range.upperBound)
                return String(pending[..<range.lowerBound])
            }
            if Date() > deadline {
                throw Failure(description: "waited \(timeout)s for \(text.debugDescription); output since the last match: \(String(pending).debugDescription)")
            }
            if readAvailable(waitingUpTo: 0.1) == 0 {
                reapIfExited()
                if let status = exitStatus, readAvailable(waitingUpTo: 0) == 0 {
                    throw Failure(description: "sluice exited (wait status \(status)) before printing \(text.debugDescription); output since the last match: \(String(transcript.dropFirst(consumed)).debugDescription)")
                }
            }
        }
    }

    /// Everything not yet matched by `expect`, after reading what is there now.
    func pendingOutput(waiting seconds: TimeInterval = 0.2) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { readAvailable(waitingUpTo: 0.05) }
        return String(transcript.dropFirst(consumed))
    }

    /// Appends what arrives within `seconds` to the transcript; the number of bytes read.
    @discardableResult
    private func readAvailable(waitingUpTo seconds: TimeInterval) -> Int {
        var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(seconds * 1000)) > 0 else { return 0 }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return 0 }
        transcript += String(decoding: buffer[..<count], as: UTF8.self).replacingOccurrences(of: "\r", with: "")
        return count
    }

    private func reapIfExited() {
        guard exitStatus == nil else { return }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
    }

    /// Waits for the child to exit and returns its exit code (128+N when killed by signal N).
    func waitForExit(timeout: TimeInterval = 15) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while exitStatus == nil {
            if Date() > deadline {
                throw Failure(description: "sluice did not exit within \(timeout)s; output since the last match: \(String(transcript.dropFirst(consumed)).debugDescription)")
            }
            readAvailable(waitingUpTo: 0.05)
            reapIfExited()
        }
        while readAvailable(waitingUpTo: 0.02) > 0 {}
        let status = exitStatus!
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// The terminal's settings now (master and slave share them).
    func terminalSettings() -> termios {
        var settings = termios()
        tcgetattr(slave, &settings)
        return settings
    }

    /// Waits until the terminal is in libedit's raw mode. libedit prints the prompt first and
    /// switches modes just before reading: a key typed in between is taken by the cooked line
    /// discipline (a ^D there is swallowed as end-of-file, and the test would hang).
    func awaitLineEditing(timeout: TimeInterval = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while terminalSettings().c_lflag & tcflag_t(ICANON) != 0 {
            if Date() > deadline {
                throw Failure(description: "the terminal did not enter raw mode within \(timeout)s; output since the last match: \(String(transcript.dropFirst(consumed)).debugDescription)")
            }
            usleep(2000)
        }
    }

    /// Changes the window size; the kernel tells the child with SIGWINCH.
    func resize(columns: UInt16, rows: UInt16 = 30) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Sends `signal` to the child.
    func signal(_ signal: Int32) { kill(pid, signal) }
}

import Foundation
import Synchronization

/// Reads one answer from the controlling terminal outside the line editor: a secret
/// (echo off) or a short reply. Nothing read here goes to history or anywhere else.
///
/// The read runs on its own thread (never on Swift's cooperative pool) and polls, so that
/// cancelling the task (Ctrl-C at the prompt) ends it promptly with nil, terminal restored.
public enum TerminalLineReader {
    /// How often a waiting read looks for cancellation.
    static let pollMilliseconds: Int32 = 50

    /// Shows `prompt` on /dev/tty and reads a line without echo. nil when there is no
    /// terminal, on end of input, or when the task is cancelled.
    public static func readSecret(_ prompt: String) async -> String? {
        await read(prompt, echo: false)
    }

    /// Shows `prompt` and reads a line with echo (a yes/no answer, a name).
    public static func readReply(_ prompt: String) async -> String? {
        await read(prompt, echo: true)
    }

    /// Shows `prompt` and reads one key without echo (Ctrl-C arrives as the byte 3), then erases
    /// the prompt (by overwriting it with blanks where escapes are not for this terminal: TERM=dumb).
    /// nil when there is no terminal, on end of input, or when the task is cancelled.
    public static func readKey(_ prompt: String, escapes: Bool = true) async -> UInt8? {
        let erase = escapes ? "\r\u{1B}[K" : "\r" + String(repeating: " ", count: prompt.count) + "\r"
        return await read(prompt, echo: false, key: erase)?.utf8.first
    }

    /// `key`: read one key, then write this (what erases the prompt).
    static func read(_ prompt: String, echo: Bool, key erase: String? = nil) async -> String? {
        let cancelled = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: readBlocking(prompt, echo: echo, erase: erase, cancelled: cancelled))
                }
                thread.start()
            }
        } onCancel: {
            cancelled.raise()
        }
    }

    private static func readBlocking(_ prompt: String, echo: Bool, erase: String?, cancelled: CancellationFlag) -> String? {
        let key = erase != nil
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var original = termios()
        let isTerminal = tcgetattr(fd, &original) == 0
        if key && !isTerminal { return nil }
        // A secret is read key by key with echo and signals off: Ctrl-C then arrives as a byte,
        // so no signal can leave the terminal silent, whoever handles SIGINT in this process.
        let byKey = isTerminal && !echo
        if byKey {
            var quiet = original
            quiet.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK | ECHONL | ICANON | ISIG)
            withUnsafeMutableBytes(of: &quiet.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if byKey {
                tcsetattr(fd, TCSAFLUSH, &original)
                // A key prompt leaves no trace; a secret's line ends.
                writeAll(fd, erase ?? "\n")
            }
        }
        writeAll(fd, prompt)
        // Ended without a line (Ctrl-C, end of input): the terminal echoed no newline, so end the
        // prompt's line here and what follows starts on its own (a secret's line ends above).
        var answered = false
        defer { if !answered && !byKey { writeAll(fd, "\n") } }
        var bytes: [UInt8] = []
        var pollEntry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !cancelled.isRaised {
            let ready = poll(&pollEntry, 1, pollMilliseconds)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            if ready < 0 { return nil }
            var byte: UInt8 = 0
            let count = Glibc.read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return nil }
            if key { return String(decoding: [byte], as: UTF8.self) }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                answered = true
                return String(decoding: bytes, as: UTF8.self)
            case 0x03 where byKey: // Ctrl-C
                return nil
            case 0x04 where byKey && bytes.isEmpty: // Ctrl-D on nothing
                return nil
            case 0x7F where byKey, 0x08 where byKey: // Backspace: drop a whole UTF-8 character
                while let last = bytes.popLast(), last & 0xC0 == 0x80 {}
            case 0x15 where byKey: // Ctrl-U
                bytes.removeAll()
            default:
                bytes.append(byte)
            }
        }
        return nil
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var remaining = Array(text.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            remaining = remaining.dropFirst(written)
        }
    }
}

/// Raised once, from any thread.
final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    func raise() { raised.store(true, ordering: .relaxed) }
    var isRaised: Bool { raised.load(ordering: .relaxed) }
}

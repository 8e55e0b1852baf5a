import CLibEdit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one read from the line editor produced.
enum LineEditorEvent: Equatable {
    /// A line, without its trailing newline.
    case line(String)
    /// Ctrl-C while typing: the line is discarded.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// One libedit editor on the process's terminal (stdin/stdout), emacs bindings, the user's
/// ~/.editrc (or $EDITRC), Tab bound to `complete`. Use it from one thread only: libedit is
/// not thread-safe, and its reads block.
final class LineEditor {
    private let editor: OpaquePointer
    private let history: CommandHistory
    /// The prompt libedit shows: a C string owned here, because the prompt callback must
    /// return a pointer that stays valid until the next prompt is set.
    private var promptBuffer: UnsafeMutablePointer<CChar>
    /// The terminal opened again, non-blocking: an open file description of its own, so
    /// O_NONBLOCK never reaches stdin's, which the shell that started sluice shares. -1 when
    /// it cannot be opened.
    private let keys: Int32
    /// Answers Tab; nil means Tab only beeps.
    var complete: ((_ textBeforeCursor: String) -> CompletionResult)?

    init(programName: String, history: CommandHistory) {
        // Without a locale libedit silently drops non-ASCII input.
        setlocale(LC_CTYPE, "")
        editor = el_init(programName, sluice_stdin(), sluice_stdout(), sluice_stderr())
        keys = ttyname(STDIN_FILENO).map { open($0, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) } ?? -1
        self.history = history
        promptBuffer = strdup("> ")
        sluice_el_set_client_data(editor, Unmanaged.passUnretained(self).toOpaque())
        sluice_el_set_editor(editor, "emacs")
        // No EL_SIGNAL: libedit's handlers run on whatever thread the kernel picks, and an
        // el_resize there races the reading thread (a crash seen under SIGWINCH).
        // TerminalSignals restores the terminal and follows the window size instead.
        sluice_el_set_history(editor, history.handle)
        sluice_el_set_prompt(editor, { editor in
            LineEditor.owner(of: editor).promptBuffer
        }, CChar(PromptStyle.ignoreMarker))
        // The user's settings first: a `bind -v` there resets the keymaps we add to below.
        el_source(editor, nil)
        sluice_el_add_function(editor, "sluice-complete", "Complete the word before the cursor") { editor, _ in
            LineEditor.owner(of: editor).completeAtCursor()
        }
        sluice_el_bind(editor, "^I", "sluice-complete")
        // Without a descriptor of its own (no terminal device to open), libedit reads as it would.
        if keys >= 0 {
            sluice_el_set_read_character(editor) { editor, character in
                LineEditor.owner(of: editor).readCharacter(into: character)
            }
        }
    }

    /// libedit's own reader blocks in read(2), so a Ctrl-C that lands while it is still working
    /// through keys already typed (a paste, a fast typist) interrupts nothing: the terminal
    /// discards the keys behind it and the shell waits for one more. This reader waits through
    /// `TerminalSignals.waitForKey`, which no Ctrl-C can slip past, and reads from `keys`,
    /// which never blocks: the keys seen waiting may be discarded by a Ctrl-C before the read.
    /// Like libedit's, it decodes the bytes by the locale and drops a sequence that is not a
    /// character.
    private func readCharacter(into character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        character?.pointee = 0
        var bytes = [CChar](repeating: 0, count: Int(MB_LEN_MAX))
        var length = 0
        while true {
            guard TerminalSignals.waitForKey(on: keys) else {
                errno = EINTR
                return -1
            }
            let count = bytes.withUnsafeMutableBufferPointer { read(keys, $0.baseAddress! + length, 1) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return -1
            }
            if count == 0 { return 0 }
            length += 1
            var state = mbstate_t()
            var decoded: wchar_t = 0
            // size_t is Int in Swift: mbrtowc's (size_t)-2 and (size_t)-1 arrive as -2 and -1.
            let incomplete = -2, invalid = -1
            switch mbrtowc(&decoded, bytes, length, &state) {
            case incomplete where length < bytes.count:
                continue
            case incomplete, invalid:
                length = 0
            default:
                character?.pointee = decoded
                return 1
            }
        }
    }

    deinit {
        el_end(editor)
        free(promptBuffer)
        if keys >= 0 { close(keys) }
    }

    private static func owner(of editor: OpaquePointer?) -> LineEditor {
        Unmanaged<LineEditor>.fromOpaque(sluice_el_get_client_data(editor)!).takeUnretainedValue()
    }

    /// Reads one line with `prompt` (which may hold colour bracketed by `PromptStyle.ignoreMarker`).
    func readLine(prompt: String) -> LineEditorEvent {
        free(promptBuffer)
        promptBuffer = strdup(prompt)
        if TerminalSignals.takeResize() { el_resize(editor) }
        var count: Int32 = 0
        guard let raw = el_gets(editor, &count) else {
            // Ctrl-C interrupts the read (count -1), or ends a history search (Ctrl-R) with no line at
            // all (count 0): either way it clears the line, and is never the end of input Ctrl-D is.
            if TerminalSignals.takeInterrupt() { return .interrupted }
            return .endOfInput
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        // A Ctrl-C that landed between two reads did not interrupt anything: it still counts.
        if TerminalSignals.takeInterrupt() { return .interrupted }
        return .line(line)
    }

    // MARK: completion

    private func completeAtCursor() -> UInt8 {
        guard let complete, let info = el_line(editor)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let before = UnsafeRawBufferPointer(start: info.buffer, count: length)
        let result = complete(String(decoding: before, as: UTF8.self))
        if !result.insertion.isEmpty {
            el_insertstr(editor, result.insertion)
        }
        if result.listing.isEmpty {
            return UInt8(result.insertion.isEmpty ? CC_REFRESH_BEEP : CC_REFRESH)
        }
        let columns = CompletionListing.layout(result.listing, width: Terminal.width(of: STDOUT_FILENO))
        fputs("\n" + columns, sluice_stdout())
        fflush(sluice_stdout())
        return UInt8(CC_REDISPLAY)
    }
}

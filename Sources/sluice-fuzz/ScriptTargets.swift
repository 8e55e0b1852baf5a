import Shell
import Text

extension FuzzTarget {
    /// The lexer and the binder read a command at a time (a line, or lines joined by `\` or a quote):
    /// 256 bytes hold several, while longer inputs repeat the same constructs more slowly (the binder
    /// ran at half the speed with 1,024).
    static let scriptMaxLength = 256

    /// Scripts, `-c` and prompt entries all go through the lexer. Every word it yields, quoted back
    /// as `--echo` and `record` write it, must lex to that same word.
    static let lexer = FuzzTarget(
        name: "lexer", summary: "script text → commands; every word quoted back reads as itself",
        seeds: ["examples", "Tests/ShellTests/Golden"], maxLength: scriptMaxLength
    ) { input in
        let text = String(decoding: input, as: UTF8.self)
        _ = Lexer.needsContinuation(text)
        guard let commands = try? Lexer.commands(in: text, file: "fuzz") else { return }
        for command in commands {
            for word in command.words {
                guard let argument = try? word.expanded(with: noVariables) else { continue }
                let quoted = ShellEscaping.quoted(argument.text)
                guard let reread = try? Lexer.commands(in: quoted, file: "quoted"), reread.count == 1,
                      reread[0].words.count == 1,
                      let back = try? reread[0].words[0].expanded(with: noVariables), back.text == argument.text
                else { violated("the word \(argument.text.debugDescription) quoted as \(quoted.debugDescription) reads back otherwise") }
            }
        }
    }

    /// The command table binds whatever the lexer yields, and every refusal is a located ShellError.
    static let binder = FuzzTarget(
        name: "binder", summary: "commands → the command table's invocations; refusals are located",
        seeds: ["examples", "Tests/ShellTests/Golden"], maxLength: scriptMaxLength
    ) { input in
        guard let commands = try? Lexer.commands(in: String(decoding: input, as: UTF8.self), file: "fuzz") else { return }
        for command in commands {
            guard let arguments = try? command.words.map({ try $0.expanded(with: noVariables) }) else { continue }
            do {
                _ = try CommandTable.standard.bind(arguments)
            } catch let error as ShellError {
                if error.location == nil { violated("binding failed without a location: \(error)") }
            } catch {
                violated("binding threw \(type(of: error)), not a ShellError")
            }
        }
    }
}

private let noVariables = Variables(environment: ["HOME": "/home/fuzz"])

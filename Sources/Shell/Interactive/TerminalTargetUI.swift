import Foundation
import Targets

/// How targets talk to a person at the terminal: progress lines at once, yes/no questions
/// and secrets read from /dev/tty (secrets without echo, and never recorded anywhere).
struct TerminalTargetUI: TargetUI {
    let output: Output

    var isInteractive: Bool { true }

    func say(_ line: String) {
        output.message(line)
        output.flush()
    }

    func show(diff: String) {
        DocumentCommands.printDiff(diff, output)
        output.flush()
    }

    func confirm(_ question: String) async -> Bool {
        guard let answer = await ask(question + " [y/N]") else { return false }
        return isYes(answer)
    }

    func ask(_ question: String) async -> String? {
        output.flush()
        output.show(.prompt(question + " ", entry: false))
        let answer = await TerminalLineReader.readReply(question + " ")
        output.show(.typed(answer ?? ""))
        return answer
    }

    func readSecret(_ prompt: String) async -> String? {
        output.flush()
        output.show(.prompt(prompt, entry: false))
        defer { output.show(.typed(nil)) }
        return await TerminalLineReader.readSecret(prompt)
    }
}

/// `y` or `yes`, in any case, blanks around ignored; anything else is no.
func isYes(_ answer: String) -> Bool {
    ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
}

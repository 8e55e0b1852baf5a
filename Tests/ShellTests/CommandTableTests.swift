import Shell
import XCTest

/// The parts other components call in-process: the lexer's continuation check (the prompt),
/// the table's expectations (Tab completion).
final class CommandTableTests: XCTestCase {
    func testContinuationIsNeededForOpenQuotesAndTrailingBackslash() {
        XCTAssertTrue(Lexer.needsContinuation("test add test \"make"))
        XCTAssertTrue(Lexer.needsContinuation("echo 'open"))
        XCTAssertTrue(Lexer.needsContinuation("stage add \\"))
        XCTAssertFalse(Lexer.needsContinuation("stage add test"))
        XCTAssertFalse(Lexer.needsContinuation("echo 'a\\' b"))
        XCTAssertFalse(Lexer.needsContinuation("echo ${BAD"), "a malformed ${ is an error, not an open entry")
    }

    func testTokensKeepLineAndColumn() throws {
        let commands = try Lexer.commands(in: "echo a\n  stage add \"te st\" ; save", file: "f")
        XCTAssertEqual(commands.map { $0.words.map(\.location.description) },
                       [["f:1:1", "f:1:6"], ["f:2:3", "f:2:9", "f:2:13"], ["f:2:23"]])
    }

    func testExpectationsAfterWords() {
        let table = CommandTable.standard
        XCTAssertTrue(table.expectation(after: []).words.contains("stage"))
        XCTAssertEqual(table.expectation(after: ["stage"]).words.sorted(), ["add", "gate", "ls", "move", "on-failure", "rm"])
        let stageAdd = table.expectation(after: ["stage", "add"])
        XCTAssertEqual(stageAdd.argument?.kind, .environment)
        let afterEnvironment = table.expectation(after: ["stage", "add", "prod"])
        XCTAssertEqual(afterEnvironment.words.sorted(), ["after", "before"])
        XCTAssertEqual(table.expectation(after: ["stage", "add", "prod", "after"]).argument?.kind, .stage)
        let testRemove = table.expectation(after: ["test", "rm", "test"])
        XCTAssertEqual(testRemove.argument?.kind, .index)
        XCTAssertEqual(testRemove.bound["ENV"], "test")
        XCTAssertEqual(table.expectation(after: ["approval"]).words.sorted(), ["off", "on"])
        XCTAssertEqual(table.expectation(after: ["push"]).words.sorted(), ["--allow-downgrade", "--diff", "--dry-run", "--yes"])
        XCTAssertEqual(table.expectation(after: ["push", "--yes"]).words, ["--dry-run", "--allow-downgrade", "--diff"])
        let record = table.expectation(after: ["record"])
        XCTAssertEqual(record.words, ["stop"])
        XCTAssertEqual(record.argument?.kind, .filePath)
    }

    func testEveryCommandIsDocumentedAndItsExampleParses() throws {
        let table = CommandTable.standard
        for command in table.commands {
            XCTAssertFalse(command.summary.isEmpty, command.name)
            XCTAssertFalse(command.help.isEmpty, command.name)
            let syntax = try Lexer.commands(in: command.example, file: "example")
            XCTAssertEqual(syntax.count, 1, command.name)
            let arguments = try syntax[0].words.map { try $0.expanded(with: Variables(environment: ["REPO": "x"])) }
            XCTAssertEqual(try table.bind(arguments).spec.name, command.name, "the example of \(command.name) binds to it")
        }
    }
}

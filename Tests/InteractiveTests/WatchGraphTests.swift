import Foundation
import TestSupport
import XCTest

/// `watch --graph` at a terminal: the pipeline's picture redrawn in place with each action's
/// state, coloured; the waiting approval answered in place; the run's end shown in green.
final class WatchGraphTests: PseudoTerminalTestCase {
    func testWatchGraphColoursLiveStates() throws {
        // prod's test command is `make smoke`.
        try "smoke:\n\t@echo smoke-ran\n".write(to: workspace.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        try commitBuild(["echo built"])
        let shell = try start(columns: 120, environment: [:])
        // The prompt is coloured too.
        let prompt = "[local]\u{1B}[0m> "
        try shell.expectInput(prompt)
        shell.send("push --yes\r")
        try shell.expect("WaitingForApproval", timeout: 60)
        try shell.expectInput(prompt, timeout: 60)
        shell.send("watch --graph\r")
        // The approval box, dashed, with its state in words and in yellow.
        try shell.expect("ApprovePromotionTo-prod", timeout: 30)
        try shell.expect("\u{1B}[33m? WaitingForApproval", timeout: 30)
        try shell.expect("Enter leaves watch: ", timeout: 30)
        shell.send("a\r")
        try shell.expect("approved prod", timeout: 60)
        try shell.expect("\u{1B}[32m✓ Succeeded", timeout: 60)
        try shell.expectInput(prompt, timeout: 60)
        XCTAssertTrue(shell.transcript.contains("╎"), "the approval's border is dashed")
        XCTAssertTrue(shell.transcript.contains("CreateOrUpdate-api-prod"))
        try exit(shell)
    }
}

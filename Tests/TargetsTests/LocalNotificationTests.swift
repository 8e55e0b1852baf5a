import Foundation
import TestSupport
import XCTest

/// `notify` on the local target through the binary: a webhook (a real HTTP server on 127.0.0.1) and
/// commands told of the run's events; a failing notification said, never failing the run.
extension LocalEndToEndTests {
    /// An HTTP server recording each POST (path, content type, body) as a JSON line in `received`,
    /// answering 500 on /fail and 204 elsewhere; its port is what it prints first.
    func startWebhookServer(recording received: URL) throws -> (Process, port: Int) {
        let script = """
        import http.server, json, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with open(sys.argv[1], "a") as out:
                    out.write(json.dumps({"path": self.path, "type": self.headers.get("Content-Type"), "body": json.loads(body)}) + "\\n")
                self.send_response(500 if self.path == "/fail" else 204)
                self.end_headers()
            def log_message(self, *arguments):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, received.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        let port = try XCTUnwrap(Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        return (process, port)
    }

    func requests(_ received: URL) -> [[String: Any]] {
        ((try? String(contentsOf: received, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func testAWebhookHearsOfTheWaitingApprovalBeforeItIsAnsweredAndAFailingNotificationDoesNotFailTheRun() throws {
        try writePipeline()
        try commit("pipeline")
        let received = home.url.appendingPathComponent("received.jsonl")
        let (server, port) = try startWebhookServer(recording: received)
        defer { server.terminate() }
        let told = home.url.appendingPathComponent("told")
        let added = try sluice(["-c", """
            notify add approvals webhook http://127.0.0.1:\(port)/release
            notify add successes webhook http://127.0.0.1:\(port)/fail
            notify add successes command 'echo "$SLUICE_STATE $SLUICE_EXECUTION $SLUICE_PIPELINE" > \(told.path)'
            notify add successes command 'echo out of disk >&2; exit 3'
            """])
        XCTAssertEqual(added.status, 0, added.stdout + added.stderr)
        XCTAssertTrue(added.stdout.flattened.contains("release notifies webhook http://127.0.0.1:\(port)/release of approvals"), added.stdout)

        let pushed = try sluice(["push", "--yes"])
        XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        let waiting = try statusJSON()
        let id = try XCTUnwrap(waiting["id"] as? String)
        XCTAssertEqual(action(waiting, "DeployTo-prod", "ApprovePromotionTo-prod")?["state"] as? String, "WaitingForApproval")
        // Told while the approval waits, before `approve`: one event, for the approval.
        let approvalEvents = requests(received)
        XCTAssertEqual(approvalEvents.count, 1, "\(approvalEvents)")
        let event = try XCTUnwrap(approvalEvents.first)
        XCTAssertEqual(event["path"] as? String, "/release")
        XCTAssertEqual(event["type"] as? String, "application/json")
        let body = try XCTUnwrap(event["body"] as? [String: Any])
        XCTAssertEqual(body["detailType"] as? String, "CodePipeline Action Execution State Change")
        XCTAssertEqual(body["eventTypeId"] as? String, "codepipeline-pipeline-manual-approval-needed")
        let detail = try XCTUnwrap(body["detail"] as? [String: Any])
        XCTAssertEqual(detail["pipeline"] as? String, "release")
        XCTAssertEqual(detail["execution-id"] as? String, id)
        XCTAssertEqual(detail["stage"] as? String, "DeployTo-prod")
        XCTAssertEqual(detail["action"] as? String, "ApprovePromotionTo-prod")
        XCTAssertEqual(detail["state"] as? String, "STARTED")
        XCTAssertEqual((detail["type"] as? [String: Any])?["category"] as? String, "Approval")

        let approved = try sluice(["approve", "prod"])
        XCTAssertEqual(approved.status, 0, "a failing notification never fails the run: \(approved.stdout)\(approved.stderr)")
        XCTAssertTrue(approved.stdout.flattened.contains(
            "notification not delivered: successes to webhook http://127.0.0.1:\(port)/fail: HTTP 500"), approved.stdout)
        XCTAssertTrue(approved.stdout.flattened.contains(
            "notification not delivered: successes to command `echo out of disk >&2; exit 3`: exited with 3: out of disk"), approved.stdout)
        XCTAssertEqual(try statusJSON()["state"] as? String, "Succeeded")
        XCTAssertEqual(try String(contentsOf: told, encoding: .utf8), "Succeeded \(id) release\n")
        let success = requests(received).last?["body"] as? [String: Any]
        XCTAssertEqual(success?["eventTypeId"] as? String, "codepipeline-pipeline-pipeline-execution-succeeded")
        XCTAssertEqual((success?["detail"] as? [String: Any])?["state"] as? String, "SUCCEEDED")

        let history = try sluice(["history"])
        XCTAssertTrue(history.stdout.flattened.contains("notification not delivered: successes to webhook http://127.0.0.1:\(port)/fail: HTTP 500"),
                      history.stdout)
        let watched = try sluice(["watch"])
        XCTAssertTrue(watched.stdout.flattened.contains("notification not delivered: successes to command"), watched.stdout)
    }

    func testNotificationsAreListedRemovedAndRefusedWhereTheyCannotBeDelivered() throws {
        try writePipeline()
        try commit("pipeline")
        let added = try sluice(["-c", "notify add failures webhook https://hooks.example.com/a; notify add approvals command 'notify-send approve'"])
        XCTAssertEqual(added.status, 0, added.stdout + added.stderr)
        XCTAssertEqual(try sluice(["notify", "ls"]).stdout,
                       "1. failures → webhook https://hooks.example.com/a (local target)\n2. approvals → command `notify-send approve` (local target)\n")

        let duplicate = try sluice(["notify", "add", "failures", "webhook", "https://hooks.example.com/a"])
        XCTAssertEqual(duplicate.status, 1)
        XCTAssertTrue(duplicate.stderr.flattened.hasPrefix("<command line>:1:1: error: release already notifies webhook https://hooks.example.com/a of failures"),
                      duplicate.stderr)
        let notHTTP = try sluice(["notify", "add", "failures", "webhook", "ftp://hooks.example.com"])
        XCTAssertEqual(notHTTP.status, 1)
        XCTAssertTrue(notHTTP.stderr.flattened.hasPrefix("<command line>:1:29: error: ftp://hooks.example.com is not an http:// or https:// address"),
                      notHTTP.stderr)
        let badEvent = try sluice(["notify", "add", "failure", "webhook", "https://x.example"])
        XCTAssertEqual(badEvent.status, 2, badEvent.stderr)
        XCTAssertTrue(badEvent.stderr.flattened.contains("<command line>:1:12: error:"), badEvent.stderr)

        let removed = try sluice(["notify", "rm", "1"])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(removed.stdout, "removed: failures → webhook https://hooks.example.com/a\n")
        let missing = try sluice(["notify", "rm", "2"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.flattened.hasPrefix("<command line>:1:11: error: pipeline release has no notification 2"), missing.stderr)
        XCTAssertTrue(missing.stderr.flattened.contains("hint: `notify ls` numbers its 1 notification"), missing.stderr)

        // CodeStar Notifications (AWS) delivers to SNS topics, not to a webhook or a command.
        let onAWS = try sluice(["-c", "target aws region us-east-1; notify add failures webhook https://hooks.example.com/a"])
        XCTAssertEqual(onAWS.status, 1)
        XCTAssertTrue(onAWS.stderr.flattened.hasPrefix("<command line>:1:50: error: on AWS a pipeline's notifications are CodeStar Notifications rules"),
                      onAWS.stderr)
        XCTAssertTrue(onAWS.stderr.flattened.contains("the local target delivers a webhook (`target local`)"), onAWS.stderr)
    }
}

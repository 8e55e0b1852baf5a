#!/usr/bin/env python3
"""A loopback HTTP proxy that injects faults in front of an upstream server (moto).

Usage: fault_proxy.py UPSTREAM_URL
Prints its port on the first line of stdout and stops when stdin closes. Each request takes
the next step of the plan; once the plan is used up every request is forwarded unchanged
(Host header included, so signatures made for the proxy still verify upstream).
  POST /fault-proxy/plan   body: comma-separated steps, replacing the plan
  GET  /fault-proxy/count  requests received since the last plan (plan requests excluded)
Steps: throttle (400 JSON ThrottlingException), throttle-xml (400 Query <Throttling>), 503-xml,
       500-xml and 429-xml (Query errors ServiceUnavailable, InternalFailure, TooManyRequests),
       503, 500, drop (close the connection without answering), hang (never answer),
       stall (the head and part of the body, then nothing until the client leaves), pass.
"""
import sys
import threading
import time
import urllib.parse
from http.server import ThreadingHTTPServer

from relay import QuietHandler, forward

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
state = {"plan": [], "count": 0}
lock = threading.Lock()

CANNED = {
    "throttle": (400, "application/x-amz-json-1.1",
                 b'{"__type":"com.amazonaws.coral.availability#ThrottlingException","message":"Rate exceeded"}'),
    "throttle-xml": (400, "text/xml",
                     b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                     b"<Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"),
    "503": (503, "text/plain", b"Service Unavailable"),
    "503-xml": (503, "text/xml", b"<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>"
                b"<Message>Service is unable to handle request.</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"),
    "500-xml": (500, "text/xml", b"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                b"<Message>injected</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"),
    "429-xml": (429, "text/xml", b"<ErrorResponse><Error><Type>Sender</Type><Code>TooManyRequests</Code>"
                b"<Message>Too many requests</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"),
    "500": (500, "application/x-amz-json-1.1", b'{"__type":"InternalFailure","message":"injected"}'),
}


class Handler(QuietHandler):
    def do_GET(self):
        if self.path == "/fault-proxy/count":
            with lock:
                self.reply(200, str(state["count"]), "text/plain")
        else:
            self.handle_request()

    def do_POST(self):
        if self.path == "/fault-proxy/plan":
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            with lock:
                state["plan"] = [step for step in body.split(",") if step]
                state["count"] = 0
            self.reply(200, "ok", "text/plain")
        else:
            self.handle_request()

    def handle_request(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            state["count"] += 1
            step = state["plan"].pop(0) if state["plan"] else "pass"
        if step in CANNED:
            status, content_type, canned = CANNED[step]
            self.reply(status, canned, content_type)
        elif step == "drop":
            self.close_connection = True
            self.connection.close()
        elif step == "hang":
            time.sleep(3600)
        elif step == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", "4096")
            self.end_headers()
            self.wfile.write(b"<GetCallerIdentityResponse>")
            self.wfile.flush()
            time.sleep(3600)
        else:
            forward(self, UPSTREAM.hostname, UPSTREAM.port, self.path, body)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()

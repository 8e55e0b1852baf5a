"""What the harness's HTTP stand-ins share: a request handler that logs nothing and answers in
one call, and forwarding a request to an upstream server unchanged (Host included, so a
signature made for the stand-in still verifies upstream)."""
import http.client
import json
from http.server import BaseHTTPRequestHandler

DROPPED_REQUEST_HEADERS = ("proxy-authorization", "proxy-connection")
DROPPED_RESPONSE_HEADERS = ("content-length", "transfer-encoding", "connection", "server", "date")


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", headers=()):
        """Answers with `body`: bytes or text as they are, anything else as JSON."""
        data = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


def forward(handler, host, port, path, body):
    """Sends the handler's request to host:port and relays the answer."""
    upstream = http.client.HTTPConnection(host, port, timeout=60)
    upstream.putrequest(handler.command, path, skip_host=True, skip_accept_encoding=True)
    for name, value in handler.headers.items():
        if name.lower() not in DROPPED_REQUEST_HEADERS:
            upstream.putheader(name, value)
    upstream.endheaders(body)
    response = upstream.getresponse()
    data = response.read()
    handler.send_response(response.status)
    for name, value in response.getheaders():
        if name.lower() not in DROPPED_RESPONSE_HEADERS:
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
    upstream.close()

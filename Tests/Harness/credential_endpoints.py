#!/usr/bin/env python3
"""Credential endpoints on 127.0.0.1 for the tests, on one free port printed as the first line
of stdout; the server stops when stdin closes.

- ECS/EKS container endpoint: GET /container/credentials, requires the Authorization header
  the test set (POST /harness/container-token, body = token; empty = none required).
- EC2 instance metadata, IMDSv2 only: PUT /latest/api/token (needs
  X-aws-ec2-metadata-token-ttl-seconds) gives a token; GET /latest/meta-data/iam/security-credentials/
  and .../ROLE answer only with a token it issued (401 otherwise, as IMDS with tokens required).
  Under /imds-500/, /imds-404/ and /imds-hang/ the same service answers the token request with
  500, 404 or never (as a container past the hop limit sees it), and the GETs without a token
  (IMDSv1).
- IAM Identity Center portal: GET /federation/credentials?role_name=R&account_id=A with
  x-amz-sso_bearer_token one of the accepted tokens (POST /harness/sso-tokens, JSON list);
  SSO OIDC: POST /token with grantType refresh_token and the accepted refresh token
  (POST /harness/sso-refresh-token) issues a new access token, accepted from then on.
- Control: POST /harness/credentials sets the credentials every endpoint hands out (JSON object
  with AccessKeyId, SecretAccessKey, Token, Expiration ISO 8601); GET /harness/requests lists the
  requests received (method, path, the headers that matter); GET /harness/blackhole gives the
  port of a socket that accepts connections and never answers (an unreachable metadata service).
"""
import json
import socket
import sys
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATE = {
    "credentials": None,
    "container_token": "",
    "imds_tokens": set(),
    "sso_tokens": set(),
    "sso_refresh_token": None,
    "requests": [],
    "blackhole": None,
}
LOCK = threading.Lock()
ROLE = "harness-role"
RECORDED_HEADERS = ("authorization", "x-aws-ec2-metadata-token", "x-aws-ec2-metadata-token-ttl-seconds",
                    "x-amz-sso_bearer_token")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def record(self):
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() in RECORDED_HEADERS}
        with LOCK:
            STATE["requests"].append({"method": self.command, "path": self.path, "headers": headers})

    def credentials(self):
        with LOCK:
            return STATE["credentials"]

    def imds_mode(self):
        """The IMDS variant a path prefix asks for ("ok" without one), and the path without it."""
        for mode in ("500", "404", "hang"):
            prefix = f"/imds-{mode}/"
            if self.path.startswith(prefix):
                return mode, "/" + self.path[len(prefix):]
        return "ok", self.path

    def do_PUT(self):
        self.record()
        self.body()
        mode, path = self.imds_mode()
        if path == "/latest/api/token" and mode == "hang":
            time.sleep(30)
            return
        if path == "/latest/api/token" and mode != "ok":
            return self.answer(int(mode), "", "text/plain")
        if path == "/latest/api/token":
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.answer(400, "missing ttl", "text/plain")
            token = uuid.uuid4().hex
            with LOCK:
                STATE["imds_tokens"].add(token)
            return self.answer(200, token, "text/plain")
        self.answer(404, "not found", "text/plain")

    def do_GET(self):
        mode, path = self.imds_mode()
        url = urlparse(path)
        if url.path == "/harness/requests":
            with LOCK:
                return self.answer(200, STATE["requests"])
        if url.path == "/harness/blackhole":
            return self.answer(200, str(STATE["blackhole"]), "text/plain")
        self.record()
        if url.path == "/container/credentials":
            expected = STATE["container_token"]
            if expected and self.headers.get("Authorization") != expected:
                return self.answer(401, {"message": "bad authorization token"})
            return self.issue(self.credentials())
        if url.path.startswith("/latest/meta-data/"):
            with LOCK:
                known = self.headers.get("X-aws-ec2-metadata-token") in STATE["imds_tokens"] or mode != "ok"
            if not known:
                return self.answer(401, "", "text/plain")
            if url.path == "/latest/meta-data/iam/security-credentials/":
                return self.answer(200, ROLE, "text/plain")
            if url.path == "/latest/meta-data/iam/security-credentials/" + ROLE:
                issued = dict(self.credentials() or {})
                issued.update({"Code": "Success", "Type": "AWS-HMAC",
                               "LastUpdated": datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")})
                return self.issue(issued)
            return self.answer(404, "", "text/plain")
        if url.path == "/federation/credentials":
            query = parse_qs(url.query)
            with LOCK:
                known = self.headers.get("x-amz-sso_bearer_token") in STATE["sso_tokens"]
            if not known:
                return self.answer(401, {"message": "Session token not found or invalid"})
            if not query.get("role_name") or not query.get("account_id"):
                return self.answer(400, {"message": "role_name and account_id are required"})
            issued = self.credentials()
            expiration = datetime.fromisoformat(issued["Expiration"].replace("Z", "+00:00"))
            return self.answer(200, {"roleCredentials": {
                "accessKeyId": issued["AccessKeyId"], "secretAccessKey": issued["SecretAccessKey"],
                "sessionToken": issued.get("Token"), "expiration": int(expiration.timestamp() * 1000)}})
        self.answer(404, {"message": "not found"})

    def issue(self, credentials):
        if not credentials:
            return self.answer(404, {"message": "no credentials set"})
        return self.answer(200, credentials)

    def do_POST(self):
        body = self.body()
        url = urlparse(self.path)
        with LOCK:
            if url.path == "/harness/credentials":
                STATE["credentials"] = json.loads(body)
                return self.answer(200, {})
            if url.path == "/harness/container-token":
                STATE["container_token"] = body.decode()
                return self.answer(200, {})
            if url.path == "/harness/sso-tokens":
                STATE["sso_tokens"] = set(json.loads(body))
                return self.answer(200, {})
            if url.path == "/harness/sso-refresh-token":
                STATE["sso_refresh_token"] = body.decode()
                return self.answer(200, {})
        self.record()
        if url.path == "/token":
            request = json.loads(body or b"{}")
            with LOCK:
                valid = (request.get("grantType") == "refresh_token"
                         and request.get("refreshToken") == STATE["sso_refresh_token"]
                         and request.get("clientId") and request.get("clientSecret"))
                if not valid:
                    return self.answer(400, {"error": "invalid_grant"})
                token, refresh = "refreshed-" + uuid.uuid4().hex, "refresh-" + uuid.uuid4().hex
                STATE["sso_tokens"].add(token)
                STATE["sso_refresh_token"] = refresh
            return self.answer(200, {"accessToken": token, "expiresIn": 3600, "refreshToken": refresh,
                                     "tokenType": "Bearer"})
        self.answer(404, {"message": "not found"})


def main():
    blackhole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(64)  # never accepted: connections complete, requests are never answered
    STATE["blackhole"] = blackhole.getsockname()[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()

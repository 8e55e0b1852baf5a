#!/usr/bin/env python3
"""The network a company puts between a client and AWS, on 127.0.0.1, for the tests:

- an HTTPS front for an upstream server (moto): TLS with a certificate for localhost and
  127.0.0.1 signed by a certificate authority made at start-up (its PEM is ca_file), each
  request forwarded unchanged (Host included, so signatures still verify upstream);
- an HTTP proxy: CONNECT host:port opens a tunnel (TLS passes through it untouched), and an
  absolute-form request (GET http://host/path) is forwarded, as proxies do for plain HTTP.
  With credentials set it answers 407 to any request without that Proxy-Authorization.
  Every request it sees is recorded: method, target, Proxy-Authorization.
- a port where connecting never completes: its listen queue (of one) is kept full, so the
  kernel drops every further SYN, as a firewall that drops packets does.

Usage: proxy_stand_ins.py UPSTREAM_URL
Prints the control port on the first line of stdout; stops when stdin closes.
  GET  /info              {"https_port", "proxy_port", "unconnectable_port", "ca_file"}
  GET  /proxy/requests    the proxy's requests since the last reset
  POST /proxy/reset       forget them; body "user:password" requires those credentials ("" none)
"""
import base64
import datetime
import ipaddress
import os
import select
import socket
import ssl
import sys
import tempfile
import threading
import urllib.parse
from http.server import ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from relay import QuietHandler, forward

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
STATE = {"requests": [], "auth": ""}
LOCK = threading.Lock()


def make_certificates(directory):
    """A CA and a server certificate for localhost / 127.0.0.1; returns (ca_file, cert_file, key_file)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sluice test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = [os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server.key")]
    with open(paths[0], "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths[1], "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths[2], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return paths


class Front(QuietHandler):
    """The HTTPS face of the upstream: TLS is negotiated in the connection's own thread."""
    context = None

    def setup(self):
        self.request = self.context.wrap_socket(self.request, server_side=True)
        super().setup()

    def handle_any(self):
        forward(self, UPSTREAM.hostname, UPSTREAM.port, self.path, self.body())

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


class Proxy(QuietHandler):
    def admitted(self):
        authorization = self.headers.get("Proxy-Authorization")
        with LOCK:
            STATE["requests"].append({"method": self.command, "target": self.path, "authorization": authorization})
            required = STATE["auth"]
        if not required or authorization == "Basic " + base64.b64encode(required.encode()).decode():
            return True
        self.reply(407, {"message": "proxy authentication required"}, headers=[("Proxy-Authenticate", 'Basic realm="test"')])
        return False

    def do_CONNECT(self):
        if not self.admitted():
            return
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except OSError as error:
            return self.reply(502, {"message": str(error)})
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 120)
                if not readable:
                    break
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()

    def handle_any(self):
        body = self.body()
        if not self.admitted():
            return
        target = urllib.parse.urlsplit(self.path)
        if not target.hostname:
            return self.reply(400, {"message": "a proxy needs an absolute URL or CONNECT"})
        path = target.path + ("?" + target.query if target.query else "")
        forward(self, target.hostname, target.port or 80, path or "/", body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


def main():
    directory = tempfile.mkdtemp(prefix="sluice-proxy-stand-ins-")
    ca_file, cert_file, key_file = make_certificates(directory)
    Front.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    Front.context.load_cert_chain(cert_file, key_file)
    front = ThreadingHTTPServer(("127.0.0.1", 0), Front)
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    unconnectable = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    unconnectable.bind(("127.0.0.1", 0))
    unconnectable.listen(0)
    filler = socket.create_connection(unconnectable.getsockname())  # never accepted: the queue stays full
    info = {"https_port": front.server_address[1], "proxy_port": proxy.server_address[1],
            "unconnectable_port": unconnectable.getsockname()[1], "ca_file": ca_file}

    class Control(QuietHandler):
        def do_GET(self):
            if self.path == "/info":
                return self.reply(200, info)
            if self.path == "/proxy/requests":
                with LOCK:
                    return self.reply(200, STATE["requests"])
            self.reply(404, {})

        def do_POST(self):
            body = self.body().decode()
            if self.path == "/proxy/reset":
                with LOCK:
                    STATE["requests"] = []
                    STATE["auth"] = body
                return self.reply(200, {})
            self.reply(404, {})

    control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    for server in (front, proxy, control):
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(control.server_address[1], flush=True)
    sys.stdin.read()
    filler.close()
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    os.rmdir(directory)


if __name__ == "__main__":
    main()

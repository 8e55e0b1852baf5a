#!/usr/bin/env python3
"""Signs requests with botocore's SigV4Auth, the reference the Swift signer is compared with.

Reads one JSON request per line on stdin; writes one JSON line per request on stdout with the
Authorization header and the canonical request botocore built. Each request carries its own
clock: botocore.auth.get_current_datetime is replaced by a function returning that instant.
"""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """Keeps the canonical request add_auth signed, to show where a mismatch starts."""

    def canonical_request(self, request):
        self.last_canonical_request = super().canonical_request(request)
        return self.last_canonical_request


def sign(spec):
    instant = datetime.datetime.fromtimestamp(spec["time"], datetime.timezone.utc).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda: instant
    params = [tuple(pair) for pair in spec["params"]] if spec["params"] is not None else None
    request = AWSRequest(method=spec["method"], url=spec["url"], data=bytes.fromhex(spec["body"]), params=params)
    for name, value in spec["headers"]:
        request.headers[name] = value  # appends: repeated names stay repeated
    credentials = Credentials(spec["accessKey"], spec["secretKey"], spec["token"])
    signer = RecordingSigV4Auth(credentials, spec["service"], spec["region"])
    signer.add_auth(request)
    return {"authorization": request.headers["Authorization"], "canonical": signer.last_canonical_request}


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(sign(json.loads(line))), flush=False)
    sys.stdout.flush()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""botocore as the oracle for retries: makes CALLS calls of STS GetCallerIdentity with one client,
configured only by the environment it runs in (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS, the shared
files, AWS_ENDPOINT_URL naming the fault proxy), each after planning 40 × STEP at the proxy, and
prints as JSON how many requests the proxy received for each call. Backoff pauses are skipped
(time.sleep does nothing) so that only the count is measured.

Usage: botocore_attempts.py PROXY_URL STEP CALLS
"""
import json
import sys
import time
import urllib.request

import botocore.exceptions
import botocore.parsers
import botocore.session


def main():
    proxy, step, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    time.sleep = lambda seconds: None
    client = botocore.session.Session().create_client("sts")
    attempts = []
    for _ in range(calls):
        urllib.request.urlopen(urllib.request.Request(proxy + "/fault-proxy/plan", data=",".join([step] * 40).encode()))
        try:
            client.get_caller_identity()
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError, botocore.parsers.ResponseParserError):
            pass  # an error answer, or one it cannot parse as an error (a 503's plain text)
        with urllib.request.urlopen(proxy + "/fault-proxy/count") as answer:
            attempts.append(int(answer.read()))
    print(json.dumps(attempts))


if __name__ == "__main__":
    main()

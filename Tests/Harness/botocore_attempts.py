#!/usr/bin/env python3
"""botocore as the oracle for retries: makes CALLS calls of STS GetCallerIdentity with one client,
configured only by the environment it runs in (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS, the shared
files), and prints as JSON how many times each call was sent. Backoff pauses are skipped
(time.sleep does nothing) so that only the count is measured.

Usage: botocore_attempts.py CALLS
"""
import json
import sys
import time

import botocore.exceptions
import botocore.session


def main():
    time.sleep = lambda seconds: None
    client = botocore.session.Session().create_client("sts")
    attempts = []
    for _ in range(int(sys.argv[1])):
        try:
            metadata = client.get_caller_identity()["ResponseMetadata"]
        except botocore.exceptions.ClientError as error:
            metadata = error.response["ResponseMetadata"]
        attempts.append(metadata.get("RetryAttempts", 0) + 1)
    print(json.dumps(attempts))


if __name__ == "__main__":
    main()

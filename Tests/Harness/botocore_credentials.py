#!/usr/bin/env python3
"""botocore as the oracle for credential resolution: resolves credentials for the environment
it runs in (AWS_* variables, the shared files) exactly as the AWS CLI would, calls STS
GetCallerIdentity with them, and prints JSON: access_key, secret_key, token, method, arn.

Usage: botocore_credentials.py [--profile P] [--mfa-code CODE]
--profile names the profile explicitly (as `aws --profile P`); --mfa-code answers botocore's
MFA prompt (getpass otherwise).
"""
import argparse
import json

import botocore.session


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile")
    parser.add_argument("--mfa-code")
    args = parser.parse_args()
    session = botocore.session.Session(profile=args.profile)
    if args.mfa_code:
        provider = session.get_component("credential_provider").get_provider("assume-role")
        provider._prompter = lambda prompt: args.mfa_code
    credentials = session.get_credentials()
    if credentials is None:
        print(json.dumps({"error": "no credentials"}))
        return
    frozen = credentials.get_frozen_credentials()
    arn = session.create_client("sts").get_caller_identity()["Arn"]
    print(json.dumps({"access_key": frozen.access_key, "secret_key": frozen.secret_key, "token": frozen.token,
                      "method": credentials.method, "arn": arn}))


if __name__ == "__main__":
    main()

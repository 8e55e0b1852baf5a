#!/usr/bin/env python3
"""botocore and the AWS CLI as oracles for many configurations, in one process.

Usage: config_oracle.py CASES.json
CASES.json is a list of {"name", "environment": {...}, "profile": str|null, "region": str|null,
"executable": bool}.
Each case runs with exactly that environment (os.environ is replaced): the AWS CLI's own driver
(awscli.clidriver, what the `aws` executable runs) calls `aws [--profile P] [--region R] sts
get-caller-identity`, and botocore does the same with a session and an STS client. Prints a
JSON list, a result per case: {"name", "botocore": RESULT, "cli": RESULT} where RESULT is
{"class", "arn", "region", "method", "detail"}; class is "ok" or the kind of failure, in the
vocabulary the Swift test maps sluice's errors to. A case marked "executable" also runs the `aws`
executable itself ({"class", "arn"} under "executable"), which shows the driver in this process
answers as the command does.
"""
import contextlib
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys

import awscli.clidriver
import awscli.customizations.assumerole
import botocore.credentials
import botocore.exceptions
import botocore.loaders
import botocore.session
import botocore.tokens

# botocore's exceptions → the test's classes of failure.
EXCEPTION_CLASSES = {
    "NoCredentialsError": "no-credentials",
    "PartialCredentialsError": "partial-credentials",
    "ProfileNotFound": "profile-not-found",
    "ConfigParseError": "config-parse",
    "NoRegionError": "no-region",
    "InvalidConfigError": "credential-source",
    "InfiniteLoopConfigError": "credential-source",
    "UnauthorizedSSOTokenError": "sso-login",
    "SSOTokenLoadError": "sso-login",
    "TokenRetrievalError": "sso-login",
    "InvalidRetryModeError": "invalid-setting",
    "InvalidMaxRetryAttemptsError": "invalid-setting",
    "ParamValidationError": "invalid-setting",
    "MetadataRetrievalError": "credential-source",
    # Only a credential_process's output is read as JSON here.
    "JSONDecodeError": "credential-process",
}

# The AWS CLI's messages → the same classes (the CLI prints, it does not raise).
MESSAGE_CLASSES = [
    (r"Unable to locate credentials", "no-credentials"),
    (r"Partial credentials found", "partial-credentials"),
    (r"The config profile \(.*\) could not be found", "profile-not-found"),
    (r"Unable to parse config file", "config-parse"),
    (r"refreshed credentials are still expired", "expired"),
    (r"You must specify a region", "no-region"),
    (r"Error when retrieving credentials from custom-process", "credential-process"),
    (r"Error when retrieving credentials from container-role", "credential-source"),
    (r"The SSO session associated with this profile|Error loading SSO Token|Token has expired and refresh failed",
     "sso-login"),
    (r"Invalid value provided to \"mode\"|Value provided to \"max_attempts\"|Parameter validation failed|"
     r"invalid literal for int\(\)", "invalid-setting"),
    (r"Expecting value: line", "credential-process"),
    (r"An error occurred \((\w+)\)", None),
    (r"source_profile|credential_source|The credential source|The source profile|sso-session|configured to use SSO|"
     r"Error retrieving metadata|inconsistent between profile|"
     r"assume role with web identity|Auth token value is not a legal header value|No such file or directory|"
     r"Infinite loop in credential configuration", "credential-source"),
]


def classify_exception(error):
    name = type(error).__name__
    if isinstance(error, botocore.exceptions.ClientError):
        return "aws:" + error.response.get("Error", {}).get("Code", "?")
    if name == "CredentialRetrievalError":
        return "credential-process" if "custom-process" in str(error) else "credential-source"
    if isinstance(error, RuntimeError) and "still expired" in str(error):
        return "expired"
    if name in EXCEPTION_CLASSES:
        return EXCEPTION_CLASSES[name]
    if isinstance(error, (FileNotFoundError, ValueError)):
        return "invalid-setting" if "invalid literal for int()" in str(error) else "credential-source"
    return "other:" + name


def classify_message(text):
    for pattern, kind in MESSAGE_CLASSES:
        match = re.search(pattern, text)
        if match:
            return kind or "aws:" + match.group(1)
    return "other:" + (text.strip().splitlines() or ["(nothing)"])[-1][:120]


# Importing awscli puts its data directory in AWS_DATA_PATH, as the `aws` executable does on every
# start: each case's environment keeps it.
CLI_DATA_PATH = os.environ["AWS_DATA_PATH"]


# One loader of botocore's and the CLI's data files (service models, endpoints) for every session:
# the files are read-only and the same for every case, and reading them again is most of a case's time.
SHARED_LOADER = botocore.loaders.create_loader(CLI_DATA_PATH)
botocore.session.Session._register_data_loader = lambda session: session._components.lazy_register_component(
    "data_loader", lambda: SHARED_LOADER)


def with_environment(environment):
    """The environment of a new `aws` process: the variables, and the caches botocore and the CLI
    find under HOME when they are imported (as every start of the executable imports them)."""
    os.environ.clear()
    os.environ.update(environment)
    os.environ.setdefault("AWS_DATA_PATH", CLI_DATA_PATH)
    under_home = lambda *parts: os.path.expanduser(os.path.join("~", ".aws", *parts))
    botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR = under_home("sso", "cache")
    botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR = under_home("sso", "cache")
    awscli.customizations.assumerole.CACHE_DIR = under_home("cli", "cache")


def run_botocore(case):
    try:
        session = botocore.session.Session(profile=case.get("profile"))
        client = session.create_client("sts", region_name=case.get("region"))
        arn = client.get_caller_identity()["Arn"]
        credentials = session.get_credentials()
        return {"class": "ok", "arn": arn, "region": client.meta.region_name,
                "method": credentials.method if credentials else None}
    except Exception as error:  # every failure is a result
        return {"class": classify_exception(error), "detail": f"{type(error).__name__}: {error}"}


def run_cli(case):
    arguments = []
    if case.get("profile") is not None:
        arguments += ["--profile", case["profile"]]
    if case.get("region") is not None:
        arguments += ["--region", case["region"]]
    try:
        driver = awscli.clidriver.create_clidriver()
    except Exception as error:  # the `aws` executable ends with this exception's traceback
        return {"class": classify_exception(error), "detail": f"{type(error).__name__}: {error}"}
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = driver.main(arguments + ["sts", "get-caller-identity", "--output", "json"])
    except SystemExit as exit:
        status = exit.code
    if status != 0:
        return {"class": classify_message(err.getvalue()), "detail": err.getvalue().strip()[-400:]}
    credentials = driver.session.get_credentials()
    return {"class": "ok", "arn": json.loads(out.getvalue())["Arn"], "region": driver.session.get_config_variable("region"),
            "method": credentials.method if credentials else None}


def installed_aws():
    """The `aws` the pinned awscli installed, wherever pip put its scripts (beside the interpreter,
    /usr/local/bin, a user's ~/.local/bin); not the one on PATH, which may be a pyenv shim that
    looks for its root under the case's HOME."""
    for file in importlib.metadata.distribution("awscli").files or []:
        if file.name == "aws" and file.parent.name == "bin":
            return os.path.normpath(str(file.locate()))
    raise SystemExit("awscli installed no `aws` executable (pip install -r Tests/Harness/requirements.txt)")


AWS_EXECUTABLE = installed_aws()


def run_executable(case):
    arguments = [AWS_EXECUTABLE] + (["--profile", case["profile"]] if case.get("profile") is not None else []) \
        + (["--region", case["region"]] if case.get("region") is not None else []) + ["sts", "get-caller-identity", "--output", "json"]
    done = subprocess.run(arguments, env=case["environment"], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return {"class": classify_message(done.stderr), "detail": done.stderr.strip()[-400:]}
    return {"class": "ok", "arn": json.loads(done.stdout)["Arn"]}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    saved = dict(os.environ)
    results = []
    for case in cases:
        result = {"name": case["name"]}
        if case.get("executable"):
            result["executable"] = run_executable(case)
        with_environment(case["environment"])
        result.update(botocore=run_botocore(case), cli=run_cli(case))
        results.append(result)
    with_environment(saved)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()

# Sourced by scripts/test and scripts/demo: installs what a fresh machine of this kind lacks,
# and fails loudly with the reason when it cannot.
fail() { echo "sluice setup: $*" >&2; exit 1; }

ensure_swift() {
    command -v swift >/dev/null 2>&1 || fail "swift is not on PATH (Swift 6 toolchain needed; expected at /opt/swift/usr/bin)."
}

ensure_libedit() {
    pkg-config --exists libedit 2>/dev/null && [ -f /usr/include/histedit.h ] && return 0
    echo "sluice setup: installing libedit-dev (apt)…" >&2
    command -v apt-get >/dev/null 2>&1 || fail "libedit-dev is missing and apt-get is not available: install libedit's headers and pkg-config file."
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2 || fail "apt-get update failed."
    $sudo apt-get install -y -qq libedit-dev pkg-config >&2 || fail "apt-get install libedit-dev failed."
}

# The test harness needs moto's server (the AWS stand-in), cfn-lint, boto3/botocore and the aws CLI.
ensure_test_tools() {
    command -v python3 >/dev/null 2>&1 || fail "python3 is needed by the tests (moto, cfn-lint, botocore)."
    local missing=()
    python3 -c 'import moto.server, flask_cors' 2>/dev/null || missing+=('moto[server]')
    command -v cfn-lint >/dev/null 2>&1 || missing+=(cfn-lint)
    python3 -c 'import boto3, botocore' 2>/dev/null || missing+=(boto3)
    command -v aws >/dev/null 2>&1 || missing+=(awscli)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "sluice setup: installing ${missing[*]} (pip)…" >&2
        python3 -m pip install -q "${missing[@]}" >&2 || fail "pip install ${missing[*]} failed."
    fi
}

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

# The test harness needs moto's server (the AWS stand-in), cfn-lint, boto3/botocore and the aws CLI,
# at the versions Tests/Harness/requirements.txt pins.
ensure_test_tools() {
    command -v python3 >/dev/null 2>&1 || fail "python3 is needed by the tests (moto, cfn-lint, botocore)."
    local requirements=Tests/Harness/requirements.txt mismatched
    mismatched=$(python3 - "$requirements" <<'PY'
import importlib.metadata, re, sys
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, version = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", line).groups()
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed != version:
        print(f"{name} {installed or 'absent'} (wants {version})")
PY
) || fail "could not read $requirements."
    if [ -n "$mismatched" ]; then
        echo "sluice setup: installing the pinned test tools (pip): $(echo "$mismatched" | paste -sd, -)…" >&2
        python3 -m pip install -q -r "$requirements" >&2 || fail "pip install -r $requirements failed."
    fi
    command -v aws >/dev/null 2>&1 && command -v cfn-lint >/dev/null 2>&1 || fail "aws or cfn-lint is not on PATH after installing them."
}

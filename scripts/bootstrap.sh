# Sourced by every script: installs what a fresh machine of this kind lacks,
# and fails loudly with the reason when it cannot.
fail() { echo "sluice setup: $*" >&2; exit 1; }

ensure_swift() {
    command -v swift >/dev/null 2>&1 || fail "swift is not on PATH (Swift 6 toolchain needed; expected at /opt/swift/usr/bin)."
}

# apt_install WHAT PACKAGE…: installs the packages (sudo when not root); WHAT says what is
# missing if apt-get is not there.
apt_install() {
    local what=$1; shift
    echo "sluice setup: installing $* (apt)…" >&2
    command -v apt-get >/dev/null 2>&1 || fail "$what is missing and apt-get is not available: install it."
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2 || fail "apt-get update failed."
    $sudo apt-get install -y -qq "$@" >&2 || fail "apt-get install $* failed."
}

ensure_libedit() {
    pkg-config --exists libedit 2>/dev/null && [ -f /usr/include/histedit.h ] && return 0
    apt_install "libedit (its headers and pkg-config file)" libedit-dev pkg-config
}

# The manual page checks render it with groff and man.
ensure_man_tools() {
    command -v groff >/dev/null 2>&1 && command -v man >/dev/null 2>&1 && return 0
    apt_install "groff or man" groff-base man-db
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

# The release binary: what scripts/install installs, scripts/package archives and the benchmarks
# measure (one build, in .build-release, so it never disturbs the debug build). The Swift runtime
# is linked statically: the binary runs without the toolchain, and starts faster. The commit
# and the toolchain it is built from reach `sluice --version` through Package.swift.
# Usage: build_release [PRODUCT] (default sluice); the products land in .build-release/release.
build_release() {
    ensure_swift
    ensure_libedit
    SLUICE_BUILD_COMMIT="$(source_commit)" \
        SLUICE_BUILD_SWIFT="$(swift --version 2>/dev/null | sed -n 's/.*Swift version //p' | head -n 1)" \
        swift build -c release --static-swift-stdlib --scratch-path .build-release --product "${1:-sluice}" >&2
}

# The commit the sources are: in a git checkout of sluice, HEAD with -dirty when files differ
# from it (untracked ones too: they may be sources the build compiles); in sources unpacked
# from `git archive` (a release's source tarball), the commit git wrote into
# scripts/archive-commit (a checkout holds the placeholder there); otherwise empty.
source_commit() {
    if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
        local commit
        commit=$(git rev-parse HEAD 2>/dev/null) || return 0
        [ -z "$(git status --porcelain)" ] || commit="$commit-dirty"
        echo "$commit"
    else
        grep -xE '[0-9a-f]{40}' scripts/archive-commit 2>/dev/null || true
    fi
}

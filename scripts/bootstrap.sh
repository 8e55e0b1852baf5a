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

# `export graph FILE.dot` is checked by Graphviz's own parser (`dot -Tsvg`).
ensure_graphviz() {
    command -v dot >/dev/null 2>&1 && return 0
    apt_install "graphviz (dot)" graphviz
}

# The test harness needs moto's server (the AWS stand-in), cfn-lint, boto3/botocore, the aws CLI and
# asciinema (it plays `record --cast`'s files), at the versions Tests/Harness/requirements.txt pins.
ensure_test_tools() {
    command -v python3 >/dev/null 2>&1 || fail "python3 is needed by the tests (moto, cfn-lint, botocore)."
    python3_takes_pip || use_test_tools_environment
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
    command -v aws >/dev/null 2>&1 && command -v cfn-lint >/dev/null 2>&1 && command -v asciinema >/dev/null 2>&1 \
        || fail "aws, cfn-lint or asciinema is not on PATH after installing them."
}

# Whether python3 has pip and lets it install (Debian's own Python refuses outside a virtual
# environment, PEP 668, and may lack pip; a pyenv or virtual environment's Python takes it).
python3_takes_pip() {
    python3 -m pip --version >/dev/null 2>&1 || return 1
    python3 - <<'PY'
import os, sys, sysconfig
marked = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(1 if marked and sys.prefix == sys.base_prefix else 0)
PY
}

# The pinned test tools in a virtual environment of their own (.build/test-tools), first on PATH
# for this script and the tests it runs (they start python3, aws and cfn-lint from PATH).
use_test_tools_environment() {
    local environment=.build/test-tools
    if [ ! -x "$environment/bin/pip" ]; then
        rm -rf "$environment"
        python3 -m venv "$environment" >/dev/null 2>&1 || {
            rm -rf "$environment"
            apt_install "python3's venv module" python3-venv
            python3 -m venv "$environment" || fail "python3 -m venv $environment failed."
        }
    fi
    export PATH="$PWD/$environment/bin:$PATH"
}

# A pipeline's CDK override runs with Node.js and npm; the tests run one (with a stand-in toolkit).
ensure_node() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
    apt_install "Node.js or npm" nodejs npm
}

# The release binary: what scripts/install installs, scripts/package archives and the benchmarks
# measure (one build, in .build-release, so it never disturbs the debug build). The Swift runtime
# is linked statically: the binary runs without the toolchain, and starts faster. The commit
# and the toolchain it is built from reach `sluice --version` through Package.swift.
# The link (measured: README, "Lean binary"): not position-independent, so the loader has
# ~3,000 relocations to apply instead of ~124,000 and start-up touches fewer pages; without
# exporting every symbol (what --static-swift-stdlib asks for: nothing loads sluice as a library),
# which lets --gc-sections drop what nothing calls. Linked by the toolchain's lld with
# scripts/release.ld, which leaves out the unwind tables (6.6 MB; its comment says why nothing
# needs them); it starts as fast as gold's link (Package.swift's releaseLink has the flags).
# No run path ($ORIGIN, SwiftPM's default): it made the loader look for libc, libm and libgcc_s in
# the binary's own directory first (21 system calls of every start), and would load a libc.so.6
# someone left beside it.
# Every function (Swift's and C's) and C's data in a section of its own, so that the link lays
# out what a start touches side by side, in scripts/startup.order's order, and drops more of what
# nothing calls (0.5 MB).
# ICU's data is scripts/icu-data-subset's (root and English, time zones and what else no language
# owns and sluice can reach: 2.4 MB of the toolchain's 34 MB), linked in the toolchain's place
# through Sources/CICUData.
# libstdc++ and libedit (with libtinfo, libbsd, libmd) are linked in too (static_libraries): loading
# them cost about 2 ms of CPU on every start (zlib too: it is small).
# Usage: build_release [PRODUCT] (default sluice); the products land in .build-release/release.
build_release() {
    ensure_swift
    ensure_libedit
    local icu_data static=.build-release/static-libraries
    icu_data=$(scripts/icu-data-subset .build-release/icu-data) || fail "scripts/icu-data-subset failed."
    static_libraries "$PWD/$static"
    # The link reads scripts/startup.order, which SwiftPM does not know for an input.
    [ ! scripts/startup.order -nt .build-release/release/sluice ] || rm -f .build-release/release/sluice
    SLUICE_BUILD_COMMIT="$(source_commit)" \
        SLUICE_BUILD_SWIFT="$(swift --version 2>/dev/null | sed -n 's/.*Swift version //p' | head -n 1)" \
        SLUICE_ICU_DATA="$(sed -n 1p <<< "$icu_data")" SLUICE_ICU_DATA_SYMBOL="$(sed -n 2p <<< "$icu_data")" \
        SLUICE_LINKER_SCRIPT="$PWD/scripts/release.ld" SLUICE_STARTUP_ORDER="$PWD/scripts/startup.order" \
        swift build -c release --static-swift-stdlib --scratch-path .build-release --product "${1:-sluice}" \
        --disable-local-rpath --pkg-config-path "$static" -Xlinker --no-pie -Xlinker --no-export-dynamic \
        -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections >&2
}

# static_libraries DIR: links in DIR to the static archives of libstdc++, libedit and what libedit
# needs, and DIR/libedit.pc: the system's, its Libs naming DIR first and those archives. Through
# it (`swift build --pkg-config-path DIR`) the link searches DIR before any system directory, so
# `-ledit` and the `-lstdc++` of the Swift toolchain take the archives; the binary still loads
# glibc's libraries (libc, libm) and libgcc_s, the unwinder.
static_libraries() {
    local dir=$1 pc libdir archive name
    pc="$(pkg-config --variable=pcfiledir libedit)/libedit.pc" libdir=$(pkg-config --variable=libdir libedit)
    [ -f "$pc" ] && [ -n "$libdir" ] || fail "pkg-config does not find libedit.pc (libedit-dev)."
    mkdir -p "$dir"
    # libedit-dev brings libtinfo's, libbsd's and libmd's archives; zlib's comes on its own.
    [ -f "$libdir/libz.a" ] || apt_install "zlib's static archive" zlib1g-dev
    for name in edit tinfo bsd md z stdc++; do
        archive="$libdir/lib$name.a"
        # The libstdc++ the toolchain's clang links (its GCC installation's).
        [ "$name" != stdc++ ] || archive=$("$(dirname "$(readlink -f "$(command -v swift)")")/clang" -print-file-name=libstdc++.a)
        [ -f "$archive" ] || fail "no static lib$name.a ($archive) for the release link: install libedit-dev, libncurses-dev, libbsd-dev, zlib1g-dev and libstdc++-dev."
        ln -sfn "$archive" "$dir/lib$name.a"
    done
    sed "s|^Libs:.*|Libs: -L$dir -ledit -ltinfo -lbsd -lmd|; s|^Libs.private:.*||" "$pc" > "$dir/libedit.pc.partial"
    cmp -s "$dir/libedit.pc.partial" "$dir/libedit.pc" && rm -f "$dir/libedit.pc.partial" || mv -f "$dir/libedit.pc.partial" "$dir/libedit.pc"
}

# The release binary as shipped (scripts/install, scripts/package, the benchmarks): build_release's
# sluice without its symbol table and debug information, in .build-release/shipped/sluice, and
# those in sluice.debug beside it. The binary names that file with its checksum (.gnu_debuglink):
# gdb and lldb find it beside the binary or in a .debug directory there, and refuse another
# build's. Made again only when the build is newer.
ship_release() {
    build_release
    local built=.build-release/release/sluice shipped=.build-release/shipped
    [ "$shipped/sluice" -nt "$built" ] && [ "$shipped/sluice.debug" -nt "$built" ] && return 0
    mkdir -p "$shipped"
    rm -f "$shipped/sluice" "$shipped/sluice.debug"
    objcopy --only-keep-debug "$built" "$shipped/sluice.debug" || fail "objcopy --only-keep-debug $built failed."
    objcopy --strip-all --add-gnu-debuglink="$shipped/sluice.debug" "$built" "$shipped/sluice.partial" ||
        fail "objcopy --strip-all $built failed."
    mv -f "$shipped/sluice.partial" "$shipped/sluice"
}

# Every scripts/bench-* takes --quick: few runs on small inputs with the same checks, to show that
# the benchmark still works (scripts/test runs each so; its figures then mean nothing). Sets QUICK
# to true or false and ARGS to the other arguments, which only a script that sets
# BENCH_ARGUMENTS (their usage, e.g. "[SIZE...]") accepts.
bench_options() {
    QUICK=false ARGS=()
    local usage="usage: $(basename "$0") [--quick]${BENCH_ARGUMENTS:+ $BENCH_ARGUMENTS}"
    while [ $# -gt 0 ]; do
        case "$1" in
            --quick) QUICK=true ;;
            -h|--help) echo "$usage"; exit 0 ;;
            -*) fail "$(basename "$0"): unknown option $1 ($usage)" ;;
            *) [ -n "${BENCH_ARGUMENTS:-}" ] || fail "$(basename "$0"): takes no argument $1 ($usage)"; ARGS+=("$1") ;;
        esac
        shift
    done
}

# The sluice binary a benchmark measures (printed on stdout): SLUICE=PATH, or the shipped one.
bench_binary() {
    if [ -n "${SLUICE:-}" ]; then
        realpath "$SLUICE"
    else
        ship_release
        echo "$PWD/.build-release/shipped/sluice"
    fi
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

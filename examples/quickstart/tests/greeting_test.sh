#!/bin/sh
# Unit tests for src/greeting.sh; exits non-zero on the first failure.
set -u
. "$(dirname "$0")/../src/greeting.sh"

failures=0
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok - $1"
    else
        echo "not ok - $1: expected '$3', got '$2'"
        failures=$((failures + 1))
    fi
}

expect "greets the world by default" "$(greeting)" "hello, world"
expect "greets an environment" "$(greeting test)" "hello from test"

[ "$failures" -eq 0 ]

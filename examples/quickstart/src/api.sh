#!/bin/sh
# The demo "api" service: answers one greeting for the environment it runs in.
set -eu
. "$(dirname "$0")/greeting.sh"
greeting "${1:-}"

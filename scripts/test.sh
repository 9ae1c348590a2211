#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs the peers the tests talk to, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real peers the tests use. The logging foundation needs only the Swift toolchain; later capabilities add
# their servers here (Debian packages via apt-get, Python packages into .venv).
install_peers() {
    command -v swift >/dev/null || { echo "swift is not on PATH" >&2; exit 1; }
}

install_peers
swift build --build-tests

# All suites use Swift Testing; XCTest's own runner reports 0 tests, so close with the plain summary line.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift test --skip-build 2>&1 | tee "$log"
passed=$(grep -oE "Test run with [0-9]+ tests? in [0-9]+ suites? passed" "$log" | grep -oE "[0-9]+" | head -1)
if [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
    echo "no Swift Testing test ran" >&2
    exit 1
fi
echo "$passed passed, 0 failed"

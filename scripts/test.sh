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
swift test --skip-build

#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs the peers the tests talk to, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real peers the tests use: promtool and the Prometheus server (Debian package prometheus) check the exposition
# and the generated rules and scrape the demo; amtool (prometheus-alertmanager) checks the generated Alertmanager
# configuration; Python's prometheus_client (in .venv) parses the exposition; Arize Phoenix (in .venv)
# receives the demo's spans over OTLP/HTTP and OTLP/gRPC; oteltap (in .venv) receives its OTLP logs and metrics;
# Python's sentry_sdk (in .venv) parses the Sentry envelopes Spyglass writes;
# PostgreSQL and Redis servers (Debian packages postgresql, redis-server; started by the tests on their own ports,
# not as system services) are what the health checks check; headless Chromium (Debian package chromium) loads the
# built-in dashboard.
install_peers() {
    command -v swift >/dev/null || { echo "swift is not on PATH" >&2; exit 1; }
    if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null || ! command -v chromium >/dev/null || [ ! -x /usr/bin/redis-server ] || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager postgresql redis-server chromium >/dev/null
    fi
    [ -x .venv/bin/pip ] || python3 -m venv .venv
    .venv/bin/python -c "import prometheus_client" 2>/dev/null || .venv/bin/pip install --quiet prometheus_client
    [ -x .venv/bin/phoenix ] || .venv/bin/pip install --quiet arize-phoenix
    [ -x .venv/bin/oteltap ] || .venv/bin/pip install --quiet oteltap
    .venv/bin/python -c "import sentry_sdk" 2>/dev/null || .venv/bin/pip install --quiet sentry-sdk
    [ -x .venv/bin/bugsink-manage ] || .venv/bin/pip install --quiet bugsink

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

# The lock-free code (KeyDecisionCache's seqlock, the registry's AppendOnlyIndex and stacked caches, the log
# writer's buffer) and the export queue the OTLP exporter and the Sentry reporter share under ThreadSanitizer, in a build directory of its own; any race it reports fails the run.
# Swift 6.3's instrumentation of inout accesses for TSan makes its region analysis reject swift-otel's batch
# processors ("sending 'logger' risks causing data races", an error only with -sanitize=thread), so this build
# uses the Swift 5 language mode, where that diagnostic is a warning (with the bare /regex/ literals the tests use,
# which Swift 6 turns on by itself): the checks that matter here run at run time.
tsan_suites='SpyglassCoreTests|SpyglassMetricsTests|SpyglassLoggingTests.ConcurrencyTests|SpyglassLoggingTests.LogWriterTests|SpyglassDashboardTests|SpyglassSentryTests|OTLPBatchExporterTests'
# The sanitizer's shadow memory makes resident memory say nothing about the stores' bounds; the main run checks them.
tsan_skipped='aMillionLinesAndSpansStayWithinTheBounds'
TSAN_OPTIONS="halt_on_error=1" swift test --sanitize=thread --scratch-path .build-tsan \
    -Xswiftc -swift-version -Xswiftc 5 -Xswiftc -enable-upcoming-feature -Xswiftc BareSlashRegexLiterals \
    --filter "$tsan_suites" --skip "$tsan_skipped" 2>&1 | tee "$log"
sanitized=$(grep -oE "Test run with [0-9]+ tests? in [0-9]+ suites? passed" "$log" | grep -oE "[0-9]+" | head -1)
if [ -z "$sanitized" ] || [ "$sanitized" -eq 0 ] || grep -q "ThreadSanitizer" "$log"; then
    echo "the ThreadSanitizer run failed or ran no test" >&2
    exit 1
fi
echo "$passed passed, 0 failed; $sanitized passed under ThreadSanitizer"

#!/usr/bin/env bash
# Requests per second and latency of one Hummingbird route under wrk, in four set-ups (see HTTPOverhead/main.swift).
# Usage: Benchmarks/http-overhead.sh [seconds per run, default 15] [connections, default 32]
# The server runs on CPU 0 and wrk on CPU 1 (taskset), so the figures compare the server's CPU cost per request
# instead of how the two processes happen to share the cores.
set -euo pipefail
cd "$(dirname "$0")"
duration="${1:-15}"
connections="${2:-32}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product HTTPOverhead >/dev/null
server=.build/release/HTTPOverhead
port=18181

printf "| set-up | requests/s | p50 | p99 |\n|---|---:|---:|---:|\n"
for mode in bare hummingbird metrics full; do
    taskset -c 0 "$server" "$mode" "$port" &
    pid=$!
    # Wait until the server answers (it binds within a second or two).
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/v1/jobs/1" >/dev/null 2>&1 && break; sleep 0.1; done
    taskset -c 1 wrk -t1 -c8 -d3s "http://127.0.0.1:$port/v1/jobs/42" >/dev/null          # warm-up
    result=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port/v1/jobs/42")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$result")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$result")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$result")
    printf "| %s | %s | %s | %s |\n" "$mode" "$rps" "$p50" "$p99"
done

#!/usr/bin/env bash
# Requests per second and latency of one route under wrk, in each set-up of HTTPOverhead/main.swift (Hummingbird and
# Vapor; MODES="vapor-bare vapor vapor-metrics vapor-full" for Vapor's).
# Usage: Benchmarks/http-overhead.sh [seconds per run, default 10] [connections, default 32] [rounds, default 5]
#        MODES="bare metrics" Benchmarks/http-overhead.sh     # only some set-ups
#
# The server runs on CPU 0 and wrk on CPU 1 (taskset), so the figures compare the server's CPU cost per request
# instead of how the two processes happen to share the cores. Run to run, one set-up varies by about ±4% on a
# VM (how many requests each wake-up of the event loop batches), more than the differences being measured: so
# the set-ups run interleaved, `rounds` times, and the table gives each one's median run.
set -euo pipefail
cd "$(dirname "$0")"
duration="${1:-10}"
connections="${2:-32}"
rounds="${3:-5}"
modes="${MODES:-bare hummingbird metrics untraced full full-otel otel export-up}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product HTTPOverhead >/dev/null
server=.build/release/HTTPOverhead
port=18181
results=$(mktemp)
collector_pid=""
trap 'rm -f "$results"; [ -z "$collector_pid" ] || kill "$collector_pid" 2>/dev/null' EXIT
# export-up sends its spans to a real OTLP receiver: oteltap from the repository's .venv, on wrk's CPU.
if [[ " $modes " == *" export-up "* ]]; then
    [ -x ../.venv/bin/oteltap ] || { echo "export-up needs oteltap: run scripts/test.sh once (it installs .venv)" >&2; exit 1; }
    collector_port=18182
    taskset -c "${COLLECTOR_CPU:-1}" ../.venv/bin/oteltap --port "$collector_port" >/dev/null 2>&1 &
    collector_pid=$!
    export OTLP_ENDPOINT="http://127.0.0.1:$collector_port"
fi

for round in $(seq 1 "$rounds"); do
    for mode in $modes; do
        taskset -c 0 "$server" "$mode" "$port" 2>/dev/null &
        pid=$!
        # Wait until the server answers (it binds within a second or two).
        for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/v1/jobs/1" >/dev/null 2>&1 && break; sleep 0.1; done
        taskset -c 1 wrk -t1 -c8 -d3s "http://127.0.0.1:$port/v1/jobs/42" >/dev/null          # warm-up
        # The server's CPU time (user + system, in clock ticks) around the run: its cost per request.
        ticks_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        result=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port/v1/jobs/42")
        ticks_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        requests=$(awk '/requests in/ {print $1}' <<<"$result")
        cpu_us=$(awk -v t="$((ticks_after - ticks_before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
        # Resident memory once the run is over: what the set-up kept (queued spans, buffers).
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rps=$(awk '/Requests\/sec/ {print $2}' <<<"$result")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$result")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$result")
        echo "$mode $rps $p50 $p99 $rss $cpu_us" >>"$results"
        echo "round $round: $mode $rps req/s, p50 $p50, p99 $p99, RSS $((rss / 1024)) MiB, CPU $cpu_us µs/request" >&2
    done
done

# One row per set-up: its median run by requests/s (with that run's latencies and CPU), and the range over all rounds.
# Vapor's set-ups compare with vapor-bare, the others with bare.
median() { awk -v mode="$1" '$1 == mode {print $2}' "$results" | sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }
bare=$(median bare)
vapor_bare=$(median vapor-bare)
printf "| set-up | requests/s (median of %s) | vs bare | range | p50 | p99 | RSS after | CPU per request |\n|---|---:|---:|---|---:|---:|---:|---:|\n" "$rounds"
for mode in $modes; do
    baseline=$bare
    [[ "$mode" == vapor* ]] && baseline=$vapor_bare
    awk -v mode="$mode" '$1 == mode' "$results" | sort -k2 -n | awk -v mode="$mode" -v bare="$baseline" '
        { rps[NR] = $2; p50[NR] = $3; p99[NR] = $4; rss[NR] = $5; cpu[NR] = $6 }
        END {
            m = int((NR + 1) / 2)
            change = bare ? sprintf("%+.1f%%", (rps[m] / bare - 1) * 100) : "n/a"
            printf "| %s | %.0f | %s | %.0f–%.0f | %s | %s | %.0f MiB | %.1f µs |\n", mode, rps[m], change, rps[1], rps[NR], p50[m], p99[m], rss[m] / 1024, cpu[m]
        }'
done

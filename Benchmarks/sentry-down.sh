#!/usr/bin/env bash
# What error reporting costs the demo when its Sentry server is down: every request a 502 (POST /v1/chat asking the
# simulated model to fail), so every request is an error event, under wrk, with reporting
#   off      no SENTRY_DSN: nothing is built or sent;
#   refused  SENTRY_DSN on a loopback port nothing listens on (Bugsink stopped): each send is refused at once;
#   silent   SENTRY_DSN on a loopback port that accepts connections and never answers (Bugsink hung): each send
#            waits for the 10 s export timeout.
# Each round starts each set-up in its own process (interleaved, so the VM's drift falls on all alike): a warm-up,
# then `runs` measured runs back to back, with the server's CPU time per request, the resident memory after the
# warm-up and after each run (flat when the queue bounds what reporting holds) and the events dropped so far. The
# summary gives each set-up's median over every run. The demo runs on CPU 0, wrk on CPU 1.
# Usage: Benchmarks/sentry-down.sh [seconds per run, default 10] [connections, default 16] [runs, default 3] [rounds, default 1]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
connections="${2:-16}"
runs="${3:-3}"
rounds="${4:-1}"
modes="${MODES:-off refused silent}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product spyglass-demo >/dev/null
demo=.build/release/spyglass-demo
port=18191
refused_port=18192
silent_port=18193
script=$(mktemp --suffix=.lua)
results=$(mktemp)
listener_pid=""
trap 'rm -f "$script" "$results"; [ -z "$listener_pid" ] || kill "$listener_pid" 2>/dev/null' EXIT
cat >"$script" <<'LUA'
wrk.method = "POST"
wrk.body = '{"message":"overload check"}'
wrk.headers["Content-Type"] = "application/json"
LUA
# A server that accepts and never answers: the kernel completes each handshake into the listen backlog, and
# nothing reads.
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $silent_port)); s.listen(4096)
time.sleep(1e9)" &
listener_pid=$!

rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# The events dropped so far, by reason, and the bytes of the dashboard's log store, which fills towards its bound
# (16 MiB, 10,000 lines) in every set-up alike: what resident memory grows by from run to run.
dropped() {
    curl -fs "http://127.0.0.1:$port/metrics" | awk '/^spyglass_error_events_dropped_total/ {split($1, a, "\""); printf "%s=%d ", a[2], $2}'
}
log_store() {
    curl -fs "http://127.0.0.1:$port/metrics" | awk '/^spyglass_store_bytes\{store="logs"\}/ {printf "%.1f", $2 / 1048576}'
}

printf "| set-up | round.run | requests/s | p50 | p99 | CPU per request | RSS after warm-up → after run | log store | events dropped so far |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
for round in $(seq 1 "$rounds"); do
    for mode in $modes; do
        case $mode in
            off) dsn="" ;;
            refused) dsn="http://publickey@127.0.0.1:$refused_port/1" ;;
            silent) dsn="http://publickey@127.0.0.1:$silent_port/1" ;;
        esac
        SENTRY_DSN="$dsn" taskset -c 0 "$demo" --port "$port" --job-step-milliseconds 0 >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break; sleep 0.1; done
        taskset -c 1 wrk -t1 -c"$connections" -d3s -s "$script" "http://127.0.0.1:$port/v1/chat" >/dev/null    # warm-up
        warm=$(rss "$pid")
        for run in $(seq 1 "$runs"); do
            ticks_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
            result=$(taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$script" "http://127.0.0.1:$port/v1/chat")
            ticks_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
            requests=$(awk '/requests in/ {print $1}' <<<"$result")
            cpu_us=$(awk -v t="$((ticks_after - ticks_before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}')
            rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$result")
            p50=$(awk '$1 == "50%" {print $2}' <<<"$result")
            p99=$(awk '$1 == "99%" {print $2}' <<<"$result")
            non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$result")
            [ "$non2xx" = "$requests" ] || { echo "not every request answered 502: $result" >&2; exit 1; }
            echo "$mode $rps ${p99%ms} $cpu_us" >>"$results"
            echo "| $mode | $round.$run | $rps | $p50 | $p99 | $cpu_us µs | $warm → $(rss "$pid") MiB | $(log_store) MiB | $(dropped)|"
        done
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done

median() { awk -v mode="$1" -v column="$2" '$1 == mode {print $column}' "$results" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
printf "\n| set-up | requests/s (median) | p99 (median) | CPU per request (median) |\n|---|---:|---:|---:|\n"
for mode in $modes; do
    echo "| $mode | $(median "$mode" 2) | $(median "$mode" 3) ms | $(median "$mode" 4) µs |"
done

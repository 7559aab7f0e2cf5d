#!/usr/bin/env bash
# HTTP throughput and latency of `writ serve` under wrk, on loopback only (127.0.0.1), bounded in time.
#
#   benchmarks/http/serve-wrk.sh [N] [DURATION]     N rules of the REALISTIC mix (default 10000), each
#                                                   measured wrk run lasts DURATION (default 15s)
#
# Needs Debian's wrk (`apt-get install wrk`). Builds cli/target/writ.jar and the benchmark jar when
# missing (reactor builds, no install). Writes the bundle, entities and request bodies with
# dev.writ.bench.HttpWorkload, starts `writ serve` on a loopback port with a throw-away --data
# directory, warms it up for 5 s, then runs wrk with 1 connection on 1 thread and with 8 connections
# on 2 threads, POSTing the prepared requests to /v1/decisions, and stops the server. Results:
# benchmarks/target/results-http/n<N>/wrk-*.txt (or under $WRIT_BENCH_HTTP_OUT). wrk shares the
# machine's two cores with the server.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-10000}"
duration="${2:-15s}"
port="${WRIT_BENCH_PORT:-18181}"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
writ_jar="$root/cli/target/writ.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$writ_jar" ]]; then
  (cd "$root" && mvn -B -ntp -q package -DskipTests -DskipITs -pl cli -am)
fi
if [[ ! -f "$bench_jar" ]]; then
  (cd "$root" && mvn -B -ntp -q -Pbench package -DskipTests -DskipITs -pl benchmarks -am)
fi

out="${WRIT_BENCH_HTTP_OUT:-$root/benchmarks/target/results-http}/n$n"
mkdir -p "$out"
java -cp "$bench_jar" dev.writ.bench.HttpWorkload "$n" "$out"

data="$(mktemp -d)"
java -Xms2g -Xmx2g -jar "$writ_jar" serve --bundle "$out/bench.wbundle" --entities "$out/entities.json" \
  --host 127.0.0.1 --port "$port" --data "$data" > "$out/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$port/health" > /dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "writ serve exited:" >&2; cat "$out/server.log" >&2; exit 1; fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/health" > /dev/null || { echo "writ serve did not start" >&2; exit 1; }
# One request by hand, so a broken body shows up as a readable error, not as wrk's non-2xx count.
curl -sS -H 'Content-Type: application/json' --data-binary "@$out/first-request.json" \
  "http://127.0.0.1:$port/v1/decisions" > "$out/first-decision.json"
echo "first decision: $(head -c 300 "$out/first-decision.json")"

export WRIT_BENCH_DIR="$out"
wrk -t1 -c4 -d5s -s "$here/post.lua" "http://127.0.0.1:$port" > "$out/wrk-warmup.txt"
for conf in "1 1" "2 8"; do
  set -- $conf
  echo "== wrk -t$1 -c$2 -d$duration, $n rules"
  wrk -t"$1" -c"$2" -d"$duration" --latency -s "$here/post.lua" "http://127.0.0.1:$port" | tee "$out/wrk-t$1-c$2.txt"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"

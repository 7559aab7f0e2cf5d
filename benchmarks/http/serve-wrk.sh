#!/usr/bin/env bash
# HTTP throughput and latency of `writ serve` under wrk, on loopback only (127.0.0.1), bounded in time.
#
#   benchmarks/http/serve-wrk.sh [N] [DURATION]     N rules of the REALISTIC mix (default 10000), each
#                                                   measured wrk run lasts DURATION (default 15s)
#   WRIT_BENCH_AUTH=token benchmarks/http/serve-wrk.sh ...   the same behind --auth: every call carries a
#                                                   bearer token (EdDSA, made with `writ token`) that the
#                                                   service verifies; results go to n<N>-token/
#   WRIT_BENCH_JAR=path/to/writ.jar   measure another build (e.g. the commit before a change)
#   WRIT_BENCH_WORKLOAD_JAR=path/to/benchmarks.jar   write the bundle and requests with another build
#                                     (an older writ.jar reads only the bundle format of its own time)
#   WRIT_BENCH_JFR=1                  also record a JFR profile of the loaded server (load.jfr)
#   WRIT_BENCH_WARMUP=15s             the warm-up (default 5s); on a busy machine the JIT compiler is
#                                     still at work after 5 s, and its CPU time counts in the process's
#                                     CPU per decision
#
# Each measured run also writes the server's CPU time (user + system of its process, from /proc)
# over the run, and that per decision: what a decision costs the server whatever else the machine
# is doing; and the same for the HTTP threads alone (writ-http-*: parsing, routing, deciding,
# answering), without the JIT compiler and GC threads. summary.md has the table.
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
writ_jar="${WRIT_BENCH_JAR:-$root/cli/target/writ.jar}"
bench_jar="${WRIT_BENCH_WORKLOAD_JAR:-$root/benchmarks/target/benchmarks.jar}"
if [[ ! -f "$writ_jar" ]]; then
  (cd "$root" && mvn -B -ntp -q package -DskipTests -DskipITs -pl cli -am)
fi
if [[ ! -f "$bench_jar" ]]; then
  (cd "$root" && mvn -B -ntp -q -Pbench package -DskipTests -DskipITs -pl benchmarks -am)
fi

auth="${WRIT_BENCH_AUTH:-}"
out="${WRIT_BENCH_HTTP_OUT:-$root/benchmarks/target/results-http}/n$n${auth:+-$auth}"
mkdir -p "$out"
java -cp "$bench_jar" dev.writ.bench.HttpWorkload "$n" "$out"

data="$(mktemp -d)"
auth_flags=()
unset WRIT_BENCH_TOKEN
if [[ "$auth" == "token" ]]; then
  java -jar "$writ_jar" token keygen --key "$data/idp.jwk" --jwks "$data/idp-jwks.json" > /dev/null
  printf 'tokens:\n  - issuer: "https://idp.bench"\n    audience: "writ"\n    jwks: "idp-jwks.json"\n    principal: "Workload::{sub}"\n    roles: [enforcer]\n' > "$data/auth.yaml"
  WRIT_BENCH_TOKEN="$(java -jar "$writ_jar" token sign --key "$data/idp.jwk" --issuer https://idp.bench \
    --audience writ --subject bench-gateway --ttl 1h)"
  export WRIT_BENCH_TOKEN
  auth_flags=(--auth "$data/auth.yaml")
elif [[ -n "$auth" ]]; then
  echo "WRIT_BENCH_AUTH is token or unset, not $auth" >&2; exit 2
fi
jfr=()
[[ -n "${WRIT_BENCH_JFR:-}" ]] && jfr=(-XX:StartFlightRecording=filename="$out/load.jfr",settings=profile)
java -Xms2g -Xmx2g "${jfr[@]}" -jar "$writ_jar" serve --bundle "$out/bench.wbundle" --entities "$out/entities.json" \
  --host 127.0.0.1 --port "$port" --data "$data" "${auth_flags[@]}" > "$out/server.log" 2>&1 &
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
curl -sS -H 'Content-Type: application/json' ${WRIT_BENCH_TOKEN:+-H "Authorization: Bearer $WRIT_BENCH_TOKEN"} \
  --data-binary "@$out/first-request.json" \
  "http://127.0.0.1:$port/v1/decisions" > "$out/first-decision.json"
echo "first decision: $(head -c 300 "$out/first-decision.json")"

cpu_ms() { # CPU time (user + system) the server has used so far, in ms
  awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$server/stat"
}
http_cpu_ms() { # CPU time (user + system) of the server's HTTP threads (writ-http-*) so far, in ms
  local ticks=0 t
  for t in /proc/$server/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == writ-http* ]]; then
      ticks=$((ticks + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)))
    fi
  done
  echo $((ticks * 1000 / $(getconf CLK_TCK)))
}
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "jar: $writ_jar"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

export WRIT_BENCH_DIR="$out"
wrk -t1 -c4 -d"${WRIT_BENCH_WARMUP:-5s}" -s "$here/post.lua" "http://127.0.0.1:$port" > "$out/wrk-warmup.txt"
for conf in "1 1" "2 8"; do
  set -- $conf
  echo "== wrk -t$1 -c$2 -d$duration, $n rules"
  before=$(cpu_ms)
  http_before=$(http_cpu_ms)
  wrk -t"$1" -c"$2" -d"$duration" --latency -s "$here/post.lua" "http://127.0.0.1:$port" > "$out/wrk-t$1-c$2.txt"
  after=$(cpu_ms)
  http_after=$(http_cpu_ms)
  echo "server CPU ms: $(awk "BEGIN {print $after - $before}")" >> "$out/wrk-t$1-c$2.txt"
  echo "HTTP threads CPU ms: $((http_after - http_before))" >> "$out/wrk-t$1-c$2.txt"
  cat "$out/wrk-t$1-c$2.txt"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

python3 - "$out" <<'PY' | tee "$out/summary.md"
import re, sys
out = sys.argv[1]
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    n = float(m.group(1))
    return n / 1000 if m.group(2) == "us" else n * 1000 if m.group(2) == "s" else n
print("| connections | decisions/s | p50 | p99 | server CPU per decision | HTTP threads' CPU per decision | non-2xx |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for t, c in ((1, 1), (2, 8)):
    text = open("%s/wrk-t%d-c%d.txt" % (out, t, c)).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
    n = int(re.search(r"(\d+) requests in", text).group(1))
    cpu = float(re.search(r"server CPU ms: ([\d.]+)", text).group(1))
    http = float(re.search(r"HTTP threads CPU ms: ([\d.]+)", text).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    print("| %d | %.0f | %.3f ms | %.3f ms | %.1f µs | %.1f µs | %d |" % (c, rps, ms(lat["50"]), ms(lat["99"]),
          cpu * 1000 / n if n else 0, http * 1000 / n if n else 0, int(m.group(1)) if m else 0))
PY

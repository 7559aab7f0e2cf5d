#!/usr/bin/env bash
# Action checks and grant issues through `writ serve`, under wrk on loopback only (127.0.0.1),
# bounded in time, on three stores in the same run:
#
#   file   one replica, the file store (--data, an fdatasync per change)
#   pg-1   one replica on PostgreSQL (--store)
#   pg-2   two replicas on one PostgreSQL database, each taking half the clients
#
#   benchmarks/http/replicas-wrk.sh [DURATION] [REPEATS]    each measured wrk run lasts DURATION
#                                                            (default 10s), REPEATS times (default 3)
#
# Needs Debian's wrk (`apt-get install wrk`). Builds cli/target/writ.jar and the replicas-it test
# classes (reactor builds, no install). PostgreSQL is the embedded one the tests use
# (dev.writ.replicas.PostgresMain, durable commits on), started here in a throw-away directory;
# nothing needs installing. For each store: a fresh database or data directory, the test policies
# (replicas-it/src/test/resources/replicas), 256 grants issued up front for the action checks,
# a 5 s warm-up, then 8 and 16 concurrent connections (wrk -t2; with two replicas one wrk -t1 per
# replica, half the connections each), POST /v1/actions and POST /v1/grants. wrk, the replicas
# and PostgreSQL share the machine's cores. Results: benchmarks/target/results-replicas/ (or
# $WRIT_BENCH_REPLICAS_OUT): the raw wrk-*.txt, machine.txt and summary.md (medians over the
# repeats [lowest - highest]; with two replicas requests/s is the sum of both wrk runs and the
# latency the slower of the two).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-10s}"
repeats="${2:-3}"
port1="${WRIT_BENCH_PORT:-18281}"
port2=$((port1 + 1))

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
writ_jar="$root/cli/target/writ.jar"
if [[ ! -f "$writ_jar" ]]; then
  (cd "$root" && mvn -B -ntp -q package -DskipTests -DskipITs -pl cli -am)
fi
(cd "$root" && mvn -B -ntp -q -pl replicas-it -am test-compile dependency:build-classpath -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test \
  -Dmdep.excludeGroupIds=dev.writ)
pg_cp="$root/replicas-it/target/test-classes:$(cat "$root/replicas-it/target/classpath.txt")"
policies="$root/replicas-it/src/test/resources/replicas/policies"
entities="$root/replicas-it/src/test/resources/replicas/entities.yaml"

out="${WRIT_BENCH_REPLICAS_OUT:-$root/benchmarks/target/results-replicas}"
rm -rf "$out"
mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  exec 3>&- 2>/dev/null || true
  [[ -n "${pg_pid:-}" ]] && { wait "$pg_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(cd "$root" && git rev-parse --short HEAD)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  lscpu | grep -E '^(CPU\(s\)|Model name|Thread|Core|Socket)'
  grep MemTotal /proc/meminfo
  java -version 2>&1
  wrk --version 2>&1 | head -1 || true
} > "$out/machine.txt"

# PostgreSQL: runs until its standard input (fd 3 here) closes.
mkfifo "$work/pg.in"
java -cp "$pg_cp" dev.writ.replicas.PostgresMain "$work/pg" writ_one writ_two < "$work/pg.in" > "$work/pg.out" \
  2> "$work/pg.err" &
pg_pid=$!
exec 3> "$work/pg.in"
for _ in $(seq 1 240); do
  grep -q '^ready$' "$work/pg.out" 2>/dev/null && break
  kill -0 "$pg_pid" 2>/dev/null || { echo "PostgreSQL did not start:" >&2; cat "$work/pg.err" >&2; exit 1; }
  sleep 0.5
done
grep -q '^ready$' "$work/pg.out" || { echo "PostgreSQL did not start in time" >&2; exit 1; }
url_one="$(sed -n 1p "$work/pg.out")"
url_two="$(sed -n 2p "$work/pg.out")"
echo "postgresql: $(grep '^PostgreSQL' "$work/pg.err" | head -1) (embedded, synchronous_commit on)" >> "$out/machine.txt"

serve() { # NAME PORT ARGS...
  local name="$1" port="$2"
  shift 2
  # 4 GB: the file store keeps every record of its trail in memory (about 3.4 KB each, docs/architecture.md),
  # and at these rates a run writes hundreds of thousands; GC log beside the server log.
  java -Xms4g -Xmx4g -Xlog:gc:file="$out/gc-$name.log" -jar "$writ_jar" serve --policies "$policies" \
    --entities "$entities" --host 127.0.0.1 \
    --port "$port" "$@" > "$out/server-$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/health" > /dev/null && return 0
    sleep 0.5
  done
  echo "writ serve $name did not start:" >&2
  cat "$out/server-$name.log" >&2
  exit 1
}

stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

# The grant requests: sre members reading a production database during an incident (a permit).
{
  echo "bodies = {"
  for i in $(seq 1 64); do
    who=$([[ $((i % 2)) == 0 ]] && echo alice || echo bob)
    echo "  '{\"principal\": \"Employee::$who\", \"actions\": [\"db:select\"], \"resource\": \"Database::metrics\", \"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"INC-$i\"}, \"context\": {\"mfa\": true}}',"
  done
  echo "}"
} > "$work/grants.lua"

prepare_actions() { # PORT: issues 256 grants, writes the action bodies for them
  local port="$1"
  echo "bodies = {" > "$work/actions.lua"
  for i in $(seq 1 256); do
    id=$(curl -sf -H 'Content-Type: application/json' --data-binary \
      "{\"principal\": \"Employee::alice\", \"actions\": [\"db:select\"], \"resource\": \"Database::metrics\", \"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"INC-$i\"}, \"context\": {\"mfa\": true}}" \
      "http://127.0.0.1:$port/v1/grants" | grep -o '"id":"g-[a-z0-9]*"' | head -1 | cut -d'"' -f4)
    [[ -n "$id" ]] || { echo "could not issue a grant on port $port" >&2; exit 1; }
    echo "  '{\"grant\": \"$id\", \"action\": \"db:select\", \"resource\": \"Database::metrics\"}'," >> "$work/actions.lua"
  done
  echo "}" >> "$work/actions.lua"
}

run_wrk() { # OUTFILE PORT THREADS CONNECTIONS DURATION KIND
  local file="$1" port="$2" t="$3" c="$4" d="$5" kind="$6"
  WRIT_BENCH_BODIES="$work/$kind.lua" WRIT_BENCH_PATH="/v1/$kind" \
    wrk -t"$t" -c"$c" -d"$d" --latency -s "$here/post-bodies.lua" "http://127.0.0.1:$port" > "$file" 2>&1
}

measure() { # STORE REPLICAS
  local store="$1" replicas="$2"
  prepare_actions "$port1"
  for kind in actions grants; do # warm-up
    run_wrk "$out/warmup-$store-$kind-a.txt" "$port1" 2 8 5s "$kind"
    if [[ "$replicas" == 2 ]]; then
      run_wrk "$out/warmup-$store-$kind-b.txt" "$port2" 2 8 5s "$kind"
    fi
  done
  for c in 8 16; do
    for kind in actions grants; do
      for r in $(seq 1 "$repeats"); do
        echo "== $store, $c clients, POST /v1/$kind, run $r"
        if [[ "$replicas" == 1 ]]; then
          run_wrk "$out/wrk-$store-c$c-$kind-r$r-a.txt" "$port1" 2 "$c" "$duration" "$kind"
        else
          run_wrk "$out/wrk-$store-c$c-$kind-r$r-a.txt" "$port1" 1 $((c / 2)) "$duration" "$kind" &
          local w1=$!
          run_wrk "$out/wrk-$store-c$c-$kind-r$r-b.txt" "$port2" 1 $((c / 2)) "$duration" "$kind" &
          local w2=$!
          wait "$w1" "$w2"
        fi
      done
    done
  done
}

serve file "$port1" --data "$work/file-data"
measure file 1
stop_all

serve pg1 "$port1" --store "$url_one" --data "$work/unused"
measure pg-1 1
stop_all

serve pg2a "$port1" --store "$url_two" --data "$work/unused"
serve pg2b "$port2" --store "$url_two" --data "$work/unused"
measure pg-2 2
stop_all

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

python3 - "$out" "$repeats" <<'EOF'
import re, sys, os, statistics
out, repeats = sys.argv[1], int(sys.argv[2])
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    n = float(m.group(1))
    return n / 1000 if m.group(2) == "us" else n * 1000 if m.group(2) == "s" else n
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = dict(re.findall(r"^\s+(50|99)\.000%\s+(\S+)", text, re.M)) or dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return rps, ms(lat["50"]), ms(lat["99"]), int(non2xx.group(1)) if non2xx else 0, errors.group(1) if errors else ""
def fmt(values, unit=""):
    return "%s [%s – %s]%s" % (g(statistics.median(values)), g(min(values)), g(max(values)), unit)
def g(v):
    return "%.0f" % v if v >= 100 else "%.2f" % v if v < 10 else "%.1f" % v
rows = []
for store, label in (("file", "file store, 1 replica"), ("pg-1", "PostgreSQL, 1 replica"), ("pg-2", "PostgreSQL, 2 replicas")):
    for c in (8, 16):
        for kind, what in (("actions", "action checks"), ("grants", "grant issues")):
            rps, p50, p99, bad, errs = [], [], [], 0, []
            for r in range(1, repeats + 1):
                parts = [parse(os.path.join(out, "wrk-%s-c%d-%s-r%d-%s.txt" % (store, c, kind, r, s)))
                         for s in ("a", "b") if os.path.exists(os.path.join(out, "wrk-%s-c%d-%s-r%d-%s.txt" % (store, c, kind, r, s)))]
                rps.append(sum(p[0] for p in parts))
                p50.append(max(p[1] for p in parts))
                p99.append(max(p[2] for p in parts))
                bad += sum(p[3] for p in parts)
                errs += [p[4] for p in parts if p[4]]
            rows.append("| %s | %d | %s | %s | %s | %s | %d%s |" % (label, c, what, fmt(rps), fmt(p50, " ms"), fmt(p99, " ms"),
                        bad, ("; socket errors: " + ", ".join(errs)) if errs else ""))
with open(os.path.join(out, "summary.md"), "w") as f:
    f.write("| store | clients | calls | requests/s | p50 | p99 | non-2xx |\n|---|---:|---|---:|---|---|---:|\n")
    f.write("\n".join(rows) + "\n")
print(open(os.path.join(out, "summary.md")).read())
EOF

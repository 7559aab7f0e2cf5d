#!/usr/bin/env bash
# The file store (`writ serve --data`): durable action checks under wrk, and start time and memory
# against the length of the trail. Loopback only (127.0.0.1), bounded in time.
#
#   benchmarks/http/store-wrk.sh [DURATION] [REPEATS] [SIZES]
#       DURATION  each measured wrk run (default 10s)
#       REPEATS   runs per line (default 3)
#       SIZES     trail lengths to start on (default "10000 111000 1000000"; "" skips part 2)
#   WRIT_BENCH_JAR=path/to/writ.jar   measure another build (e.g. the commit before a change)
#   WRIT_BENCH_JFR=1                  also record a JFR profile of the loaded server (load.jfr)
#   WRIT_BENCH_JVM_OPTS="..."         more JVM options for every server start (e.g. a class-data
#                                     archive: -XX:SharedArchiveFile=writ.jsa, see docs/server.md)
#   WRIT_BENCH_WARMUP=DURATION        load before the measured runs (default 20s, 16 connections)
#   WRIT_BENCH_THINK_MS=N             each connection pauses N ms before each request (a client that
#                                     works between checks): latency below the service's capacity
#   WRIT_BENCH_START_REPEATS=N        starts per line in part 2 (default REPEATS)
#   WRIT_BENCH_FULL_REPEATS=N         of which full replays (default the same; at least 1: the first
#                                     full replay's clean stop writes the snapshot)
#   WRIT_BENCH_SKIP_LOAD=1            part 2 only
#   WRIT_BENCH_TRAILS=DIR             keep the generated trails in DIR (DIR/nSIZE/audit.jsonl) and
#                                     reuse them on the next run (each run starts on a fresh copy:
#                                     a start may record expiries, and each build writes its own
#                                     snapshot); generating a million records takes minutes
#
# Needs Debian's wrk (`apt-get install wrk`). Builds cli/target/writ.jar and the benchmark jar when
# missing (reactor builds, no install). Policies and entities are replicas-it's (an incident intent
# on production databases; every action check is recorded in the trail, as in production).
#
# 1. Throughput: a fresh data directory, 256 grants issued up front, a 20 s warm-up, then POST
#    /v1/actions with 1 connection (wrk -t1) and 16 connections (wrk -t2), REPEATS runs each, with
#    the server's CPU time (user + system, /proc) per check: what the check costs whatever the load;
#    of which system time (the kernel's part: sockets, fdatasync, futexes), and the checks per
#    fdatasync of each run (from the service's writ_store_flushes_total).
#    Context switches of the server's threads per check (/proc/PID/task/*/status): the wake-ups
#    and hand-offs a check costs, a figure that does not depend on how loaded the machine is.
#    The service's own p50 and p99 of the run (its writ_http_requests_seconds histogram for
#    /v1/actions: from the moment the router has the call to the answer's write, read as the
#    upper bounds of Micrometer's buckets), beside wrk's, which adds the time a request waits
#    before the service reads it and the time wrk's own threads wait for a core.
#    And the CPU the JIT compiler threads used during each run: more than a few hundred ms means
#    the run was still warming up (with a 5 s warm-up the first 10 s run had C2 compiling for
#    5-6 s of it, on a core the server or wrk needed: a slower, noisier first line).
# 2. Start: for each size, a trail written by dev.writ.bench.TrailGenerator (no snapshot), then
#    REPEATS starts with the snapshot removed (a full replay) and REPEATS starts after a clean stop
#    (which writes the snapshot): milliseconds from `java -jar` to the first 200 from /health, the
#    process's RSS once it answers, its live heap after a full GC (jcmd GC.run, GC.heap_info), and
#    the time the service logs for opening the trail (snapshot read, tail replayed), and the CPU
#    time the process used until /health answered (JVM start, policies, trail: what a start costs
#    whatever else the machine is doing).
#    JVM: -Xmx2g (not -Xms: the heap grows only as needed, so RSS shows what the trail costs).
#
# Results: benchmarks/target/results-store/ (or $WRIT_BENCH_STORE_OUT): raw wrk-*.txt, start.tsv,
# machine.txt and summary.md (medians over the repeats [lowest - highest]).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-10s}"
repeats="${2:-3}"
sizes="${3-10000 111000 1000000}"
start_repeats="${WRIT_BENCH_START_REPEATS:-$repeats}"
full_repeats="${WRIT_BENCH_FULL_REPEATS:-$start_repeats}"
port="${WRIT_BENCH_PORT:-18381}"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
writ_jar="${WRIT_BENCH_JAR:-$root/cli/target/writ.jar}"
bench_jar="$root/benchmarks/target/benchmarks.jar"
if [[ ! -f "$writ_jar" ]]; then
  (cd "$root" && mvn -B -ntp -q package -DskipTests -DskipITs -pl cli -am)
fi
if [[ -n "$sizes" && ! -f "$bench_jar" ]]; then
  (cd "$root" && mvn -B -ntp -q -Pbench package -DskipTests -DskipITs -pl benchmarks -am)
fi
policies="$root/replicas-it/src/test/resources/replicas/policies"
entities="$root/replicas-it/src/test/resources/replicas/entities.yaml"

out="${WRIT_BENCH_STORE_OUT:-$root/benchmarks/target/results-store}"
rm -rf "$out"
mkdir -p "$out"
work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(cd "$root" && git rev-parse --short HEAD)"
  echo "jar: $writ_jar"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  lscpu | grep -E '^(CPU\(s\)|Model name|Thread|Core|Socket)'
  grep MemTotal /proc/meminfo
  java -version 2>&1
  wrk --version 2>&1 | head -1 || true
} > "$out/machine.txt"

cpu_ms() { # CPU time (user + system) the server has used so far, in ms
  awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$pid/stat"
}
flushes() { # METRICS_FILE: forces of the trail in that scrape (writ_store_flushes_total; 0 for builds without it)
  grep -E '^writ_store_flushes_total' "$1" | awk '{print $2}' | grep . || echo 0
}
switches() { # context switches of the server's threads so far (voluntary: waits and hand-offs; involuntary: preemption)
  cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {n += $2} END {print v + 0, n + 0}'
}
jit_ms() { # CPU time of the JIT compiler threads so far, in ms
  for t in /proc/"$pid"/task/*; do
    if grep -q '^C[12] CompilerThre' "$t/comm" 2>/dev/null; then awk '{print $14 + $15}' "$t/stat" 2>/dev/null || true; fi
  done | awk '{s += $1} END {print s * 1000 / '"$(getconf CLK_TCK)"'}'
}
service_latency() { # METRICS_BEFORE METRICS_AFTER: the service's p50 and p99 of /v1/actions between the two
  python3 - "$1" "$2" <<'PY'
import re, sys
def buckets(path):
    d = {}
    for line in open(path):
        if line.startswith("writ_http_requests_seconds_bucket") and 'route="/v1/actions"' in line and 'status="200"' in line:
            le = re.search(r'le="([^"]+)"', line).group(1)
            bound = float("inf") if le == "+Inf" else float(le)
            d[bound] = d.get(bound, 0) + float(line.split()[-1])
    return d
before, after = buckets(sys.argv[1]), buckets(sys.argv[2])
delta = [(le, after[le] - before.get(le, 0)) for le in sorted(after)]
total = delta[-1][1] if delta else 0
def q(p):
    return next((le * 1000 for le, c in delta if c >= p * total), float("nan"))
if total:
    print("service latency (histogram upper bounds): p50 <= %.2f ms, p99 <= %.2f ms" % (q(0.5), q(0.99)))
PY
}
sys_ms() { # of which system (kernel: sockets, fdatasync, futexes), in ms
  awk '{print $15 * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$pid/stat"
}

serve() { # NAME DATA [JVM OPTIONS...]: starts writ serve, sets $pid and $ms (until /health answers)
  local name="$1" data="$2"
  shift 2
  local t0
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # WRIT_BENCH_JVM_OPTS is a list of options
  java -Xmx2g ${WRIT_BENCH_JVM_OPTS:-} "$@" -jar "$writ_jar" serve --policies "$policies" --entities "$entities" --host 127.0.0.1 \
    --port "$port" --data "$data" > "$out/server-$name.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "writ serve $name exited:" >&2; cat "$out/server-$name.log" >&2; exit 1; }
    sleep 0.01
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  start_cpu=$(cpu_ms)
}

stop() { # a clean stop (SIGTERM), as a service manager does it
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

memory() { # RSS (MB) and live heap after a full GC (MB) of the running server
  local rss live
  rss=$(( $(ps -o rss= -p "$pid") / 1024 ))
  jcmd "$pid" GC.run > /dev/null
  live=$(jcmd "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  echo "$rss $(( live / 1024 ))"
}

# ---- 1. durable action checks -------------------------------------------------------------------
if [[ -z "${WRIT_BENCH_SKIP_LOAD:-}" ]]; then
jfr=()
[[ -n "${WRIT_BENCH_JFR:-}" ]] && jfr=(-XX:StartFlightRecording=filename="$out/load.jfr",settings=profile)
serve load "$work/load" "${jfr[@]}"
echo "bodies = {" > "$work/actions.lua"
for i in $(seq 1 256); do
  id=$(curl -sf -H 'Content-Type: application/json' --data-binary \
    "{\"principal\": \"Employee::alice\", \"actions\": [\"db:select\"], \"resource\": \"Database::metrics\", \"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"INC-$i\"}, \"context\": {\"mfa\": true}}" \
    "http://127.0.0.1:$port/v1/grants" | grep -o '"id":"g-[a-z0-9]*"' | head -1 | cut -d'"' -f4)
  [[ -n "$id" ]] || { echo "could not issue a grant" >&2; exit 1; }
  echo "  '{\"grant\": \"$id\", \"action\": \"db:select\", \"resource\": \"Database::metrics\"}'," >> "$work/actions.lua"
done
echo "}" >> "$work/actions.lua"
run_wrk() { # OUTFILE THREADS CONNECTIONS DURATION: also writes the server's CPU time during the run
  local before after sys_before sys_after jit_before
  curl -sf "http://127.0.0.1:$port/metrics" > "$work/metrics-before" || true # before the CPU counters: not a cost of the run
  before=$(cpu_ms)
  sys_before=$(sys_ms)
  jit_before=$(jit_ms)
  read -r vol_before invol_before < <(switches)
  WRIT_BENCH_BODIES="$work/actions.lua" WRIT_BENCH_PATH="/v1/actions" \
    wrk -t"$2" -c"$3" -d"$4" --latency -s "$here/post-bodies.lua" "http://127.0.0.1:$port" > "$1" 2>&1
  after=$(cpu_ms)
  sys_after=$(sys_ms)
  read -r vol_after invol_after < <(switches)
  echo "server context switches: $((vol_after - vol_before)) voluntary, $((invol_after - invol_before)) involuntary" >> "$1"
  echo "server CPU ms: $(awk "BEGIN {print $after - $before}")" >> "$1"
  echo "server system CPU ms: $(awk "BEGIN {print $sys_after - $sys_before}")" >> "$1"
  echo "JIT compiler CPU ms: $(awk "BEGIN {print $(jit_ms) - $jit_before}")" >> "$1"
  curl -sf "http://127.0.0.1:$port/metrics" > "$work/metrics-after" || true
  service_latency "$work/metrics-before" "$work/metrics-after" >> "$1" || true
  echo "flushes: $(awk "BEGIN {print $(flushes "$work/metrics-after") - $(flushes "$work/metrics-before")}")" >> "$1"
}
run_wrk "$out/warmup.txt" 2 16 "${WRIT_BENCH_WARMUP:-20s}"
for c in 1 16; do
  t=$([[ $c == 1 ]] && echo 1 || echo 2)
  for r in $(seq 1 "$repeats"); do
    echo "== $c connections, POST /v1/actions, run $r"
    run_wrk "$out/wrk-c$c-r$r.txt" "$t" "$c" "$duration"
    grep -E 'Requests/sec' "$out/wrk-c$c-r$r.txt"
  done
done
# Group commit at work: forces of the trail against the records written (one per action check,
# three per grant issued), from the service's own counter (absent from builds without it).
flushes=$(curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^writ_store_flushes_total' | awk '{print $2}' || true)
requests=$(cat "$out"/warmup.txt "$out"/wrk-c*.txt | grep -oE '^ +[0-9]+ requests in' | awk '{s += $1} END {print s}')
echo "after the load: $((requests + 256 * 3)) records written, ${flushes:-n/a} flushes (writ_store_flushes_total)" \
  | tee -a "$out/machine.txt"
stop
fi

# ---- 2. start time and memory against the trail's length -----------------------------------------
printf 'records\tstart\trun\tms\trss_mb\tlive_mb\topen_ms\tcpu_ms\tsnapshot_kb\n' > "$out/start.tsv"
opened() { # NAME: the ms the service says opening the trail took (builds that log it), else n/a
  grep -oE 'opened the trail in .* in [0-9]+ ms' "$out/server-$1.log" | grep -oE '[0-9]+ ms$' | cut -d' ' -f1 \
    | grep . || echo n/a
}
for n in $sizes; do
  data="$work/n$n"
  if [[ -n "${WRIT_BENCH_TRAILS:-}" ]]; then
    if [[ ! -f "$WRIT_BENCH_TRAILS/n$n/audit.jsonl" ]]; then
      mkdir -p "$WRIT_BENCH_TRAILS"
      rm -rf "$WRIT_BENCH_TRAILS/n$n.tmp"
      java -cp "$bench_jar" dev.writ.bench.TrailGenerator "$WRIT_BENCH_TRAILS/n$n.tmp" "$n" \
        | tee "$WRIT_BENCH_TRAILS/n$n.txt"
      rm -f "$WRIT_BENCH_TRAILS/n$n.tmp/grants.snapshot"
      mv "$WRIT_BENCH_TRAILS/n$n.tmp" "$WRIT_BENCH_TRAILS/n$n"
    fi
    mkdir -p "$data"
    cp "$WRIT_BENCH_TRAILS/n$n/audit.jsonl" "$data/audit.jsonl"
    { echo "trail reused from $WRIT_BENCH_TRAILS/n$n:"; cat "$WRIT_BENCH_TRAILS/n$n.txt"; } | tee -a "$out/machine.txt"
  else
    java -cp "$bench_jar" dev.writ.bench.TrailGenerator "$data" "$n" | tee -a "$out/machine.txt"
  fi
  for r in $(seq 1 "$full_repeats"); do
    rm -f "$data/grants.snapshot"
    serve "full-$n" "$data"
    read -r rss live < <(memory)
    printf '%s\tfull replay\t%s\t%s\t%s\t%s\t%s\t%s\tn/a\n' "$n" "$r" "$ms" "$rss" "$live" "$(opened "full-$n")" "$start_cpu" \
      | tee -a "$out/start.tsv"
    stop
  done
  for r in $(seq 1 "$start_repeats"); do
    snap_kb=$(( $(stat -c %s "$data/grants.snapshot" 2>/dev/null || echo 0) / 1024 ))
    serve "snapshot-$n" "$data"
    read -r rss live < <(memory)
    printf '%s\tsnapshot\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$r" "$ms" "$rss" "$live" "$(opened "snapshot-$n")" "$start_cpu" "$snap_kb" \
      | tee -a "$out/start.tsv"
    stop
  done
  grep -h "grants: " "$out/server-snapshot-$n.log" "$out/server-full-$n.log" 2>/dev/null | sed "s/^/$n records: /" \
    | tee -a "$out/machine.txt" || true
  rm -rf "$data"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

python3 - "$out" "$repeats" <<'EOF'
import re, sys, statistics, csv
out, repeats = sys.argv[1], int(sys.argv[2])
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    n = float(m.group(1))
    return n / 1000 if m.group(2) == "us" else n * 1000 if m.group(2) == "s" else n
def g(v):
    return "%.0f" % v if v >= 100 else "%.2f" % v if v < 10 else "%.1f" % v
def fmt(values, unit=""):
    return "%s [%s – %s]%s" % (g(statistics.median(values)), g(min(values)), g(max(values)), unit)
import os
loaded = os.path.exists(out + "/wrk-c1-r1.txt")
lines = ["| connections | requests/s | p50 | p99 | server CPU per check | of which system | checks per fdatasync | context switches per check | JIT CPU in the run | service p50 / p99 (histogram) | non-2xx |", "|---:|---:|---|---|---|---|---|---|---|---|---:|"] if loaded else []
for c in ((1, 16) if loaded else ()):
    rps, p50, p99, bad, cpu, sys_cpu, per_flush, sw, jit, s50, s99 = [], [], [], 0, [], [], [], [], [], [], []
    for r in range(1, repeats + 1):
        text = open("%s/wrk-c%d-r%d.txt" % (out, c, r)).read()
        rps.append(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)))
        lat = dict(re.findall(r"^\s+(50|99)\.000%\s+(\S+)", text, re.M)) or dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
        p50.append(ms(lat["50"])); p99.append(ms(lat["99"]))
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        bad += int(m.group(1)) if m else 0
        n = int(re.search(r"(\d+) requests in", text).group(1))
        m = re.search(r"server CPU ms: ([\d.]+)", text)
        if m and n:
            cpu.append(float(m.group(1)) * 1000 / n)
        m = re.search(r"server system CPU ms: ([\d.]+)", text)
        if m and n:
            sys_cpu.append(float(m.group(1)) * 1000 / n)
        m = re.search(r"flushes: ([\d.]+)", text)
        if m and float(m.group(1)) > 0:
            per_flush.append(n / float(m.group(1)))
        m = re.search(r"p50 <= ([\d.]+) ms, p99 <= ([\d.]+) ms", text)
        if m:
            s50.append(float(m.group(1))); s99.append(float(m.group(2)))
        m = re.search(r"JIT compiler CPU ms: ([\d.]+)", text)
        if m:
            jit.append(float(m.group(1)))
        m = re.search(r"server context switches: (\d+) voluntary, (\d+) involuntary", text)
        if m and n:
            sw.append((int(m.group(1)) + int(m.group(2))) / n)
    lines.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (c, fmt(rps), fmt(p50, " ms"), fmt(p99, " ms"),
        fmt(cpu, " µs") if cpu else "n/a", fmt(sys_cpu, " µs") if sys_cpu else "n/a",
        fmt(per_flush) if per_flush else "n/a", fmt(sw) if sw else "n/a", fmt(jit, " ms") if jit else "n/a",
        "%s / %s ms" % (g(statistics.median(s50)), g(statistics.median(s99))) if s50 else "n/a", bad))
rows = list(csv.DictReader(open(out + "/start.tsv"), delimiter="\t"))
lines += [] if not rows else ["", "| records | start | to /health | CPU until /health | opening the trail (log) | RSS | live heap after GC | snapshot read |",
          "|---:|---|---|---|---|---|---|---|"]
seen = []
for row in rows:
    k = (row["records"], row["start"])
    if k not in seen:
        seen.append(k)
for k in seen:
    sel = [r for r in rows if (r["records"], r["start"]) == k]
    opens = [float(r["open_ms"]) for r in sel if r.get("open_ms") not in (None, "", "n/a")]
    cpus = [float(r["cpu_ms"]) for r in sel if r.get("cpu_ms")]
    snaps = [float(r["snapshot_kb"]) for r in sel if r.get("snapshot_kb") not in (None, "", "n/a")]
    lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % ("{:,}".format(int(k[0])), k[1],
        fmt([float(r["ms"]) for r in sel], " ms"), fmt(cpus, " ms") if cpus else "n/a",
        fmt(opens, " ms") if opens else "n/a",
        fmt([float(r["rss_mb"]) for r in sel], " MB"),
        fmt([float(r["live_mb"]) for r in sel], " MB"), fmt(snaps, " KB") if snaps else "n/a"))
open(out + "/summary.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF

#!/usr/bin/env bash
# One line per run of durable action checks, for quick A/B comparisons (two jars, or one jar with
# and without an environment variable, alternated by the caller): store-wrk.sh's part 1 in short.
#
#   benchmarks/http/durable-ab.sh JAR SECONDS CONNECTIONS [perf|strace]
#
# writ serve --data on a fresh directory, 256 grants, a 15 s warm-up, then wrk on POST /v1/actions;
# prints requests/s, p50, p99 and the server's CPU time (and its system part) per check.
# perf: also `perf record -g` of the server during the run (/tmp/perf.data; the JVM writes
# /tmp/perf-PID.map at exit for Java frames). strace: `strace -c -f` of the server (/tmp/strace.txt;
# it slows the server down: read the counts per check, not the rate).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$1"; secs="$2"; conns="$3"; mode="${4:-}"
port=18391
policies="$root/replicas-it/src/test/resources/replicas/policies"
entities="$root/replicas-it/src/test/resources/replicas/entities.yaml"
work=$(mktemp -d)
jvm=()
[[ "$mode" == perf ]] && jvm=(-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer)
java -Xmx2g "${jvm[@]}" -jar "$jar" serve --policies "$policies" --entities "$entities" --host 127.0.0.1 --port $port --data "$work/d" > $work/log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf $work' EXIT
until curl -sf http://127.0.0.1:$port/health >/dev/null; do sleep 0.05; done
echo "bodies = {" > $work/actions.lua
for i in $(seq 1 256); do
  id=$(curl -sf -H 'Content-Type: application/json' --data-binary "{\"principal\": \"Employee::alice\", \"actions\": [\"db:select\"], \"resource\": \"Database::metrics\", \"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"INC-$i\"}, \"context\": {\"mfa\": true}}" http://127.0.0.1:$port/v1/grants | grep -o '"id":"g-[a-z0-9]*"' | head -1 | cut -d'"' -f4)
  echo "  '{\"grant\": \"$id\", \"action\": \"db:select\", \"resource\": \"Database::metrics\"}'," >> $work/actions.lua
done
echo "}" >> $work/actions.lua
t=$([[ $conns == 1 ]] && echo 1 || echo 2)
W() { WRIT_BENCH_BODIES=$work/actions.lua WRIT_BENCH_PATH=/v1/actions wrk -t$t -c$conns -d$1 --latency -s $root/benchmarks/http/post-bodies.lua http://127.0.0.1:$port; }
W 15s > /dev/null
tck=$(getconf CLK_TCK)
c0=$(awk '{print $14+$15}' /proc/$pid/stat); s0=$(awk '{print $15}' /proc/$pid/stat)
if [[ "$mode" == perf ]]; then
  perf record -F 999 -g -p $pid -o /tmp/perf.data -- sleep $secs > /tmp/perf-rec.log 2>&1 &
  ppid=$!
fi
if [[ "$mode" == strace ]]; then
  strace -c -f -p $pid -o /tmp/strace.txt & spid=$!
  sleep 1
fi
W ${secs}s > $work/wrk.txt
if [[ "$mode" == perf ]]; then wait $ppid || true; fi
if [[ "$mode" == strace ]]; then kill -INT $spid; wait $spid || true; fi
c1=$(awk '{print $14+$15}' /proc/$pid/stat); s1=$(awk '{print $15}' /proc/$pid/stat)
n=$(grep -oE '[0-9]+ requests in' $work/wrk.txt | cut -d' ' -f1)
rps=$(grep Requests/sec $work/wrk.txt | awk '{print $2}')
p50=$(grep -E '^ +50%' $work/wrk.txt | awk '{print $2}'); p99=$(grep -E '^ +99%' $work/wrk.txt | awk '{print $2}')
echo "conns=$conns rps=$rps p50=$p50 p99=$p99 cpu/check=$(awk "BEGIN{printf \"%.1f\", ($c1-$c0)*1e6/$tck/$n}")us sys/check=$(awk "BEGIN{printf \"%.1f\", ($s1-$s0)*1e6/$tck/$n}")us n=$n"
kill $pid; wait $pid 2>/dev/null || true

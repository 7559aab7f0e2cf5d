#!/usr/bin/env bash
# End-to-end cost of `writ eval --requests` per decision: JSON lines in, one JSON decision per line out.
#
#   benchmarks/eval-batch.sh [N] [REPEAT] [ROUNDS]   N rules of the REALISTIC mix (default 10000); the
#                                                    4,096-request stream repeated REPEAT times (default 100)
#                                                    in the large batch and REPEAT/5 times in the small one;
#                                                    ROUNDS runs of each (default 3)
#
#   WRIT_BENCH_WORKLOAD_JAR=path/to/benchmarks.jar   write the bundle with another build (an older
#                                                    writ.jar reads only the bundle format of its time)
#   WRIT_JARS="old/writ.jar new/writ.jar" benchmarks/eval-batch.sh ...   compare several builds: their
#                                                    runs are interleaved (old, new, old, new, ...)
#
# Writes the bundle, entities and requests with dev.writ.bench.HttpWorkload, then times `writ eval`
# on a batch of 4,096 x REPEAT/5 lines and on one of 4,096 x REPEAT lines, each ROUNDS times, output
# to /dev/null. The small batch is long enough (81,920 lines at the default) for the JIT compiler
# to have compiled the hot path before it ends, so the difference is the steady state; with a
# small batch of a few thousand lines the difference would mostly be the warm-up. The per-decision figures (wall clock, and CPU time of the whole JVM: user + system of
# all its threads, the collector's and the JIT compiler's included) are the difference of the two
# medians divided by the difference in lines, so JVM start, bundle load and most of the warm-up
# cancel out; the spread [low - high] is the same difference from the fastest large and slowest
# small run, and from the slowest large and fastest small run.
# About half a minute per jar and round at the defaults on a quiet machine.
# Results: benchmarks/target/results-eval/n<N>/ (times.txt, summary.txt).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
n="${1:-10000}"
repeat="${2:-100}"
rounds="${3:-3}"
jars="${WRIT_JARS:-$root/cli/target/writ.jar}"
bench_jar="${WRIT_BENCH_WORKLOAD_JAR:-$here/target/benchmarks.jar}"
[[ -n "${WRIT_JARS:-}" || -f "$root/cli/target/writ.jar" ]] \
  || (cd "$root" && mvn -B -ntp -q package -DskipTests -DskipITs -pl cli -am)
[[ -f "$bench_jar" ]] || (cd "$root" && mvn -B -ntp -q -Pbench package -DskipTests -DskipITs -pl benchmarks -am)

out="${WRIT_BENCH_EVAL_OUT:-$here/target/results-eval}/n$n"
mkdir -p "$out"
java -cp "$bench_jar" dev.writ.bench.HttpWorkload "$n" "$out" > /dev/null
small_repeat=$(( repeat / 5 > 0 ? repeat / 5 : 1 ))
small="$out/requests-x$small_repeat.jsonl"
large="$out/requests-x$repeat.jsonl"
: > "$small"
for _ in $(seq "$small_repeat"); do cat "$out/requests.jsonl" >> "$small"; done
: > "$large"
for _ in $(seq "$repeat"); do cat "$out/requests.jsonl" >> "$large"; done
lines_small=$(wc -l < "$small")
lines_large=$(wc -l < "$large")
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

run() { # $1 jar, $2 requests; prints "wall-ms cpu-ms" of one `writ eval` (CPU: user + system, all of the JVM's threads)
  local TIMEFORMAT='%R %U %S' t
  t=$( { time java -Xms1g -Xmx1g -jar "$1" eval --bundle "$out/bench.wbundle" --entities "$out/entities.json" \
    --requests "$2" > /dev/null; } 2>&1 )
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d", a[1] * 1000, (a[2] + a[3]) * 1000 }'
}
pick() { # $1: median|min|max of the numbers on stdin
  sort -n | awk -v w="$1" '{a[NR]=$1} END {print (w == "min") ? a[1] : (w == "max") ? a[NR] : a[int((NR+1)/2)]}'
}

: > "$out/times.txt"
for _ in $(seq "$rounds"); do
  for jar in $jars; do
    echo "$jar small $(run "$jar" "$small")" >> "$out/times.txt"
    echo "$jar large $(run "$jar" "$large")" >> "$out/times.txt"
  done
done
per() { # $1 jar, $2 column (3 wall, 4 CPU), $3 median|low|high; microseconds per decision
  local a b small_pick=median large_pick=median
  case "$3" in low) small_pick=max; large_pick=min ;; high) small_pick=min; large_pick=max ;; esac
  a=$(grep "^$1 small" "$out/times.txt" | cut -d' ' -f"$2" | pick "$small_pick")
  b=$(grep "^$1 large" "$out/times.txt" | cut -d' ' -f"$2" | pick "$large_pick")
  awk -v a="$a" -v b="$b" -v la="$lines_small" -v lb="$lines_large" 'BEGIN { printf "%.2f", (b - a) * 1000.0 / (lb - la) }'
}
{
  echo "rules: $n"
  echo "lines: $lines_small and $lines_large; rounds: $rounds"
  echo "runs (jar kind wall-ms cpu-ms):"; sed 's/^/  /' "$out/times.txt"
  for jar in $jars; do
    echo "$jar"
    echo "  per decision, end to end, wall: $(per "$jar" 3 median) us [$(per "$jar" 3 low) - $(per "$jar" 3 high)]"
    echo "  per decision, end to end, CPU (all JVM threads): $(per "$jar" 4 median) us [$(per "$jar" 4 low) - $(per "$jar" 4 high)]"
  done
  echo "load average at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/summary.txt"

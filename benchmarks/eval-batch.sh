#!/usr/bin/env bash
# End-to-end cost of `writ eval --requests` per decision: JSON lines in, one JSON decision per line out.
#
#   benchmarks/eval-batch.sh [N] [REPEAT] [ROUNDS]   N rules of the REALISTIC mix (default 10000); the
#                                                    4,096-request stream repeated REPEAT times (default 50)
#                                                    in the large batch; ROUNDS runs of each (default 3)
#
# Writes the bundle, entities and requests with dev.writ.bench.HttpWorkload, then times `writ eval`
# on a batch of 4,096 lines and on one of 4,096 x REPEAT lines, each ROUNDS times, output to
# /dev/null. The per-decision figures (wall clock, and CPU time of the whole JVM) are the difference
# of the two medians divided by the difference in lines, so JVM start, bundle load and most of the
# warm-up cancel out. Results: benchmarks/target/results-eval/n<N>/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
n="${1:-10000}"
repeat="${2:-50}"
rounds="${3:-3}"
writ_jar="$root/cli/target/writ.jar"
bench_jar="$here/target/benchmarks.jar"
[[ -f "$writ_jar" ]] || (cd "$root" && mvn -B -ntp -q package -DskipTests -DskipITs -pl cli -am)
[[ -f "$bench_jar" ]] || (cd "$root" && mvn -B -ntp -q -Pbench package -DskipTests -DskipITs -pl benchmarks -am)

out="${WRIT_BENCH_EVAL_OUT:-$here/target/results-eval}/n$n"
mkdir -p "$out"
java -cp "$bench_jar" dev.writ.bench.HttpWorkload "$n" "$out" > /dev/null
small="$out/requests.jsonl"
large="$out/requests-x$repeat.jsonl"
: > "$large"
for _ in $(seq "$repeat"); do cat "$small" >> "$large"; done
lines_small=$(wc -l < "$small")
lines_large=$(wc -l < "$large")

run() { # prints "wall-ms cpu-ms" of one `writ eval` over $1 (CPU: user + system, all of the JVM's threads)
  local TIMEFORMAT='%R %U %S' t
  t=$( { time java -Xms1g -Xmx1g -jar "$writ_jar" eval --bundle "$out/bench.wbundle" --entities "$out/entities.json" \
    --requests "$1" > /dev/null; } 2>&1 )
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d", a[1] * 1000, (a[2] + a[3]) * 1000 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$out/times.txt"
for _ in $(seq "$rounds"); do
  echo "small $(run "$small")" >> "$out/times.txt"
  echo "large $(run "$large")" >> "$out/times.txt"
done
per() { # $1: column (2 wall, 3 CPU); prints microseconds per decision from the two medians
  local a b
  a=$(grep '^small' "$out/times.txt" | cut -d' ' -f"$1" | median)
  b=$(grep '^large' "$out/times.txt" | cut -d' ' -f"$1" | median)
  awk -v a="$a" -v b="$b" -v la="$lines_small" -v lb="$lines_large" 'BEGIN { printf "%.2f", (b - a) * 1000.0 / (lb - la) }'
}
{
  echo "rules: $n"
  echo "lines: $lines_small and $lines_large"
  echo "runs (kind wall-ms cpu-ms):"; sed 's/^/  /' "$out/times.txt"
  echo "per decision, end to end: $(per 2) us wall, $(per 3) us CPU (all JVM threads)"
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/summary.txt"

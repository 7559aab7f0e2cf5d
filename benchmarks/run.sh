#!/usr/bin/env bash
# Builds and runs the Writ benchmark suite (see docs/performance.md).
#
#   benchmarks/run.sh            full suite, 25-30 minutes on a loaded 2-core machine
#   benchmarks/run.sh --smoke    a few seconds of measurement on the smallest N: proves the harness
#                                still builds, generates, cross-checks and runs (for CI)
#   benchmarks/run.sh --lsp      only the language server's latency while typing (LspLatency, about a
#                                minute): 1,000 rules, didChange to publishDiagnostics, and completion
#   benchmarks/run.sh --no-build reuse benchmarks/target/benchmarks.jar
#   extra arguments after `--` go to JMH (e.g. `-- -p n=10000 DecisionLatency`)
#
# Results: benchmarks/target/results[-smoke]/ {jmh.json, heap.json, cpu.json, crosscheck.txt,
# machine.txt, http/, report.md}. The build is a reactor build without `install`, so it never touches the
# writ-language / writ-engine snapshots in ~/.m2.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
mode=full
build=1
jmh_extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --lsp) mode=lsp ;;
    --no-build) build=0 ;;
    --) shift; jmh_extra=("$@"); break ;;
    *) echo "usage: $0 [--smoke | --lsp] [--no-build] [-- JMH args...]" >&2; exit 2 ;;
  esac
  shift
done

jar="$here/target/benchmarks.jar"
out="$here/target/results"
[[ $mode == smoke ]] && out="$here/target/results-smoke"
mkdir -p "$out"

if [[ $build == 1 ]]; then
  (cd "$root" && mvn -B -ntp -q -Pbench package -DskipTests -DskipITs -pl benchmarks -am)
fi
[[ -f "$jar" ]] || { echo "no $jar: build first (drop --no-build)" >&2; exit 2; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo; lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L[123]|CPU max MHz)' || true
  echo; grep MemTotal /proc/meminfo || true
  echo; java -version 2>&1
} > "$out/machine.txt"

java_bench=(java -Xms4g -Xmx4g -cp "$jar")

if [[ $mode == lsp ]]; then
  "${java_bench[@]}" dev.writ.bench.LspLatency --rules 1000 --per-file 25 | tee "$out/lsp.txt"
  "${java_bench[@]}" dev.writ.bench.LspLatency --rules 1000 --per-file 1000 | tee -a "$out/lsp.txt"
  exit 0
elif [[ $mode == smoke ]]; then
  # 1. Every workload compiles and both engines agree, on a short stream.
  "${java_bench[@]}" dev.writ.bench.CrossCheck --requests 512 10 | tee "$out/crosscheck.txt"
  # 2. Every benchmark runs once, briefly, at the smallest N (10 rules).
  java -jar "$jar" -f 1 -wi 0 -i 1 -r 100ms -foe true -p n=10 \
    -rf json -rff "$out/jmh.json" "${jmh_extra[@]}" | tail -n 40
  # 3. The heap and CPU tools run.
  java -XX:+UseSerialGC -Xmx2g -cp "$jar" dev.writ.bench.HeapPerRule --repeat 1 --json "$out/heap.json" 100
  "${java_bench[@]}" dev.writ.bench.CpuProbe --rounds 1 --warmup 1000 --decisions 2000 --json "$out/cpu.json" 10
  # 4. writ impact's replay runs and its two paths (in memory, from a trail file) agree.
  "${java_bench[@]}" dev.writ.bench.ImpactReplay --rules 100 --requests 2000 --rounds 1 | tee "$out/impact.txt"
else
  "${java_bench[@]}" dev.writ.bench.CrossCheck | tee "$out/crosscheck.txt"
  # Iteration counts come from the annotations on each benchmark class (2 forks for the latency
  # benchmarks, 5 one-second measurement iterations, 3 warm-up iterations).
  java -jar "$jar" -foe true -rf json -rff "$out/jmh.json" "${jmh_extra[@]}" | tee "$out/jmh.txt" | grep -E '^(#|[A-Z][A-Za-z]+\.)' | grep -vE '^# (Warmup Iteration|JMH|VM|Blackhole)' || true
  java -XX:+UseSerialGC -Xms6g -Xmx6g -cp "$jar" dev.writ.bench.HeapPerRule --repeat 3 --json "$out/heap.json" 10000 100000
  java -XX:+UseSerialGC -Xmx2g -cp "$jar" dev.writ.bench.HeapPerRule --histogram REALISTIC 10000 > "$out/heap-histogram.txt"
  "${java_bench[@]}" dev.writ.bench.CpuProbe --rounds 3 --decisions 50000 --json "$out/cpu.json"
  # The language server while typing, on 1,000 rules (docs/performance.md, "Language server").
  "${java_bench[@]}" dev.writ.bench.LspLatency --rules 1000 --per-file 25 | tee "$out/lsp.txt"
  "${java_bench[@]}" dev.writ.bench.LspLatency --rules 1000 --per-file 1000 | tee -a "$out/lsp.txt"
  # writ impact: 100,000 requests against two 10,000-rule bundles, in memory and from a trail file
  "${java_bench[@]}" dev.writ.bench.ImpactReplay --rules 10000 --requests 100000 --rounds 5 | tee "$out/impact.txt"
  # HTTP: writ serve under wrk on loopback, when wrk is installed (apt-get install wrk).
  if command -v wrk > /dev/null; then
    for n in 100 10000; do
      WRIT_BENCH_HTTP_OUT="$out/http" "$here/http/serve-wrk.sh" "$n" 15s
    done
  else
    echo "wrk not installed: HTTP figures skipped (apt-get install wrk)"
  fi
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
java -cp "$jar" dev.writ.bench.Report "$out" > "$out/report.md"
cat "$out/report.md"
echo "results in $out"

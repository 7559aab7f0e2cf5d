#!/usr/bin/env bash
# probe.sh JAR OUTDIR : start server, warm, then perf stat + strace -c over wrk 8 conns
set -u
jar=$1; out=$2; mode=${3:-perf}
mkdir -p $out
W=/tmp/serve-res/base1/n10000
port=18981
data=$(mktemp -d)
java -Xms2g -Xmx2g ${JOPTS:-} -jar $jar serve --bundle $W/bench.wbundle --entities $W/entities.json --host 127.0.0.1 --port $port --data $data > $out/server.log 2>&1 &
srv=$!
for i in $(seq 1 120); do curl -sf http://127.0.0.1:$port/health >/dev/null && break; sleep 0.5; done
export WRIT_BENCH_DIR=$W
wrk -t1 -c4 -d8s -s /work/wt-serve/benchmarks/http/post.lua http://127.0.0.1:$port > /dev/null
s0=$(awk "{print \$14, \$15}" /proc/$srv/stat)
if [[ $mode == perf ]]; then
  perf stat -e task-clock,context-switches,cpu-migrations,raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_exit_read,syscalls:sys_enter_writev,syscalls:sys_enter_write,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_futex -p $srv -o $out/perfstat.txt -- sleep 6 &
  ps=$!
  wrk -t2 -c8 -d5s --latency -s /work/wt-serve/benchmarks/http/post.lua http://127.0.0.1:$port > $out/wrk.txt
  wait $ps
elif [[ $mode == strace ]]; then
  timeout -s INT 6 strace -c -f -p $srv -o $out/strace.txt &
  ps=$!
  sleep 0.5
  wrk -t2 -c8 -d5s --latency -s /work/wt-serve/benchmarks/http/post.lua http://127.0.0.1:$port > $out/wrk.txt
  wait $ps
elif [[ $mode == record ]]; then
  perf record -F 999 -g -p $srv -o $out/perf.data -- sleep 5 > $out/record.log 2>&1 &
  ps=$!
  wrk -t2 -c8 -d5s --latency -s /work/wt-serve/benchmarks/http/post.lua http://127.0.0.1:$port > $out/wrk.txt
  wait $ps
fi
s1=$(awk "{print \$14, \$15}" /proc/$srv/stat); echo "utime stime ticks before: $s0 after: $s1" > $out/cpu.txt
kill $srv; wait $srv 2>/dev/null; rm -rf $data
grep -E "requests in|Requests/sec" $out/wrk.txt

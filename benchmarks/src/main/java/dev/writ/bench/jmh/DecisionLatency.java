package dev.writ.bench.jmh;

import dev.writ.bench.Workload;
import dev.writ.engine.decision.Decision;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decision latency on the REALISTIC mix, one thread, per invocation (sample mode gives the
 * median, p99 and p99.9). Each invocation decides the next prepared request of the stream.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class DecisionLatency {
  @Param({"10", "100", "1000", "10000", "100000"})
  public int n;

  private WritState writ;

  @Setup(Level.Trial)
  public void setup() {
    writ = new WritState(Workload.Mix.REALISTIC, n);
  }

  @Benchmark
  public Decision decide(Cursor c) {
    return writ.decide(c.next());
  }
}

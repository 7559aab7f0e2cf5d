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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second on the REALISTIC mix, with one and with two threads sharing one
 * authorizer, plan and store (the machine has two cores, so two threads also share it with JMH
 * and the garbage collector).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class DecisionThroughput {
  @Param({"10", "100", "1000", "10000", "100000"})
  public int n;

  private WritState writ;

  @Setup(Level.Trial)
  public void setup() {
    writ = new WritState(Workload.Mix.REALISTIC, n);
  }

  @Benchmark
  @Threads(1)
  public Decision oneThread(Cursor c) {
    return writ.decide(c.next());
  }

  @Benchmark
  @Threads(2)
  public Decision twoThreads(Cursor c) {
    return writ.decide(c.next());
  }
}

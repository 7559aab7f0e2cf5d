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
 * The scaling shape of the issue: N rules {@code principal User in Role::"r_i"},
 * {@code resource Doc in Folder::"f_j"}. A decision must cost about the same at N = 10 and
 * N = 10,000, since a request reaches only the rules of its user's roles.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class RoleFolderLatency {
  @Param({"10", "10000", "100000"})
  public int n;

  private WritState writ;

  @Setup(Level.Trial)
  public void setup() {
    writ = new WritState(Workload.Mix.ROLE_FOLDER, n);
  }

  @Benchmark
  public Decision decide(Cursor c) {
    return writ.decide(c.next());
  }
}

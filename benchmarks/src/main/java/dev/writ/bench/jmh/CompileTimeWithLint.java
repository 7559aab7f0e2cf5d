package dev.writ.bench.jmh;

import dev.writ.bench.Workload;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.language.Frontend;
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
 * What {@code writ check} and {@code policy:validate} cost: parse, every checker stage including
 * lint, and the plan, from source text in memory. Stops at 10,000 rules: lint compares every
 * grant with every forbid (docs/performance.md), so 100,000 rules take minutes per shot.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class CompileTimeWithLint {
  @Param({"10", "100", "1000", "10000"})
  public int n;

  private Workload workload;

  @Setup(Level.Trial)
  public void setup() {
    workload = Workload.generate(Workload.Mix.REALISTIC, n);
  }

  @Benchmark
  public EvaluationPlan total() {
    return PlanCompiler.compile(Frontend.checkSources(workload.sources).bundle().orElseThrow());
  }
}

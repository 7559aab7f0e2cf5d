package dev.writ.bench.jmh;

import dev.writ.bench.Workload;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.language.check.CheckedBundle;
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
 * Compile time of the REALISTIC mix from source text already in memory, at every N:
 * {@code withoutLint} is parse, check (every stage but lint) and plan; {@code plan} is the
 * engine's part alone (lower, fold, bind, compile expressions, build the index) from a checked
 * bundle, which is also what loading a bundle will cost minus deserialisation. The full front end
 * with lint is {@link CompileTimeWithLint}, up to 10,000 rules only: lint's overridden-grant test
 * is quadratic. Single shot: each iteration is one compile after warm-up compiles.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class CompileTime {
  @Param({"10", "100", "1000", "10000", "100000"})
  public int n;

  private Workload workload;
  private CheckedBundle checked;

  @Setup(Level.Trial)
  public void setup() {
    workload = Workload.generate(Workload.Mix.REALISTIC, n);
    checked = workload.checkWithoutLint();
  }

  @Benchmark
  public EvaluationPlan withoutLint() {
    return workload.compile();
  }

  @Benchmark
  public EvaluationPlan plan() {
    return PlanCompiler.compile(checked);
  }
}

package dev.writ.engine.eval;

import dev.writ.bench.Workload;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.plan.PlanData;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Thread CPU time of building a plan ({@code EvaluationPlan.of}) and of building its two rule
 * indexes alone, on the REALISTIC mix. In the engine's package (on the class path) to reach the
 * index's package-private builder; by reflection, so that the same class measures an older engine
 * (put it before that engine's jar on the class path):
 *
 * <pre>java -cp benchmarks.jar dev.writ.engine.eval.IndexBuildProbe [N] [ROUNDS]</pre>
 */
public final class IndexBuildProbe {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private IndexBuildProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    PlanData data = PlanCompiler.lower(Workload.generate(Workload.Mix.REALISTIC, n).checkWithoutLint());
    EvaluationPlan plan = EvaluationPlan.of(data);
    List<CompiledRule> all = new ArrayList<>();
    List<CompiledRule> grants = new ArrayList<>();
    List<CompiledRule> forbids = new ArrayList<>();
    for (int i = 0; i < plan.ruleCount(); i++) {
      all.add(plan.rule(i));
      (plan.rule(i).forbid ? forbids : grants).add(plan.rule(i));
    }
    Runnable index = indexBuilder(plan, all, grants, forbids);
    double[] planMs = new double[rounds];
    double[] indexMs = new double[rounds];
    for (int warm = 0; warm < 2; warm++) {
      EvaluationPlan.of(data);
      index.run();
    }
    for (int round = 0; round < rounds; round++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      EvaluationPlan.of(data);
      long t1 = THREADS.getCurrentThreadCpuTime();
      index.run();
      long t2 = THREADS.getCurrentThreadCpuTime();
      planMs[round] = (t1 - t0) / 1e6;
      indexMs[round] = (t2 - t1) / 1e6;
    }
    System.out.printf("%d rules (%d grants, %d forbids), thread CPU ms, median [lowest - highest] of %d rounds%n",
        plan.ruleCount(), grants.size(), forbids.size(), rounds);
    System.out.printf("  EvaluationPlan.of  %s   rounds %s%n", summary(planMs), Arrays.toString(round(planMs)));
    System.out.printf("  both rule indexes  %s   rounds %s%n", summary(indexMs), Arrays.toString(round(indexMs)));
  }

  /** The current builder ({@code RuleIndex.build}) or the earlier one (a constructor per index). */
  private static Runnable indexBuilder(EvaluationPlan plan, List<CompiledRule> all, List<CompiledRule> grants,
                                       List<CompiledRule> forbids) throws Exception {
    for (Method m : RuleIndex.class.getDeclaredMethods()) {
      if (m.getName().equals("build")) {
        m.setAccessible(true);
        java.util.Set<String> actions = plan.schema().actions().keySet();
        return () -> invoke(() -> m.invoke(null, all, actions));
      }
    }
    Constructor<RuleIndex> c = RuleIndex.class.getDeclaredConstructor(List.class, ExprCompiler.class);
    c.setAccessible(true);
    ExprCompiler uids = new ExprCompiler(plan.attributes());
    return () -> invoke(() -> {
      c.newInstance(grants, uids);
      return c.newInstance(forbids, uids);
    });
  }

  private interface Call {
    Object call() throws Exception;
  }

  private static void invoke(Call call) {
    try {
      call.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[] round(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.round(v[i] * 10) / 10.0;
    }
    return out;
  }

  private static String summary(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return String.format("%.1f [%.1f - %.1f]", median, s[0], s[s.length - 1]);
  }
}

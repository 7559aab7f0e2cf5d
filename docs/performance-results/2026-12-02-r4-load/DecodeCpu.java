package dev.writ.engine.bundle;

import dev.writ.bench.Workload;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Decode-only thread CPU of the version 2 (JSON) and version 3 (binary) plan, alternating, in one JVM. */
public class DecodeCpu {
  static final com.sun.management.ThreadMXBean T = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  interface Step { Object run() throws Exception; }
  static double cpu(Step s) throws Exception { long t0 = T.getCurrentThreadCpuTime(); s.run(); return (T.getCurrentThreadCpuTime() - t0) / 1e6; }
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]); int rounds = Integer.parseInt(a[1]);
    PlanData plan = PlanCompiler.lower(Workload.generate(Workload.Mix.REALISTIC, n).checkWithoutLint());
    PlanCodec.Encoded json = PlanCodec.encodePlan(plan);
    BinaryPlanCodec.Encoded bin = BinaryPlanCodec.encode(plan);
    System.out.printf("plan of %d rules: JSON %,d bytes, gzip'd %,d; binary %,d bytes, gzip'd %,d%n", n,
        PlanCodec.json(plan).length, json.gzip().length, bin.rawLength(), bin.gzip().length);
    Step j = () -> PlanCodec.decodePlan(json.gzip(), 0, json.gzip().length, Long.MAX_VALUE, PlanCodec.sha256());
    Step b = () -> BinaryPlanCodec.decodePlan(bin.gzip(), 0, bin.gzip().length, Long.MAX_VALUE, PlanCodec.sha256());
    Step inflate = () -> BinaryPlanCodec.inflate(bin.gzip(), 0, bin.gzip().length, Long.MAX_VALUE);
    Step build = () -> EvaluationPlan.of(plan);
    if (!plan.equals(b.run()) || !plan.equals(j.run())) throw new AssertionError();
    for (int w = 0; w < 3; w++) { j.run(); b.run(); build.run(); }
    double[] dj = new double[rounds], db = new double[rounds], di = new double[rounds], dp = new double[rounds];
    for (int r = 0; r < rounds; r++) { dj[r] = cpu(j); db[r] = cpu(b); di[r] = cpu(inflate); dp[r] = cpu(build); }
    System.out.println("decode v2 JSON   " + s(dj));
    System.out.println("decode v3 binary " + s(db));
    System.out.println("  of which gunzip " + s(di));
    System.out.println("EvaluationPlan.of " + s(dp));
  }
  static String s(double[] v) { double[] c = v.clone(); Arrays.sort(c); return String.format("median %.1f ms [%.1f - %.1f] of %d", c[c.length / 2], c[0], c[c.length - 1], c.length); }
}

package dev.writ.engine.bundle;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import dev.writ.language.Frontend;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Sizes and load times of generated bundles, printed for the record. No time is asserted:
 * machines differ, and a shared build machine more so; what is asserted is that the bundle that
 * was timed is the one that was written (same plan, every rule, signature verified), so the
 * figures cannot come from a load that silently failed or read something else. The target is loading a
 * 10,000-rule bundle well under 300 ms once the JIT has warmed up. Printed are wall-clock time,
 * CPU time of the loading thread, and CPU time of the whole process (garbage collection and JIT
 * included): on a busy machine the CPU times are the fairer numbers.
 *
 * <p>The 10,000-rule case takes a while to generate and check, so it runs only when asked for:
 * {@code -Dwrit.perf=true}.
 */
class BundleLoadTimeTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private interface Step {
    void run() throws Exception;
  }

  /** Median wall and CPU milliseconds of {@code n} runs after {@code warm} unmeasured ones. */
  private static String median(int warm, int n, Step step) throws Exception {
    for (int i = 0; i < warm; i++) {
      step.run();
    }
    double[] wall = new double[n];
    double[] cpu = new double[n];
    double[] process = new double[n];
    long allocated = 0;
    for (int i = 0; i < n; i++) {
      long a0 = THREADS.getCurrentThreadAllocatedBytes();
      long p0 = OS.getProcessCpuTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      step.run();
      wall[i] = (System.nanoTime() - t0) / 1e6;
      cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
      process[i] = (OS.getProcessCpuTime() - p0) / 1e6;
      allocated = THREADS.getCurrentThreadAllocatedBytes() - a0;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    Arrays.sort(process);
    return String.format(Locale.ROOT, "%.0f ms (thread cpu %.0f ms, process cpu %.0f ms; %.0f MB allocated)",
        wall[n / 2], cpu[n / 2], process[n / 2], allocated / 1e6);
  }

  @Test
  void thousandRules() throws Exception {
    report(1_000);
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "writ.perf", matches = "true")
  void tenThousandRules() throws Exception {
    report(10_000);
  }

  private static void report(int rules) throws Exception {
    KeyPair keys = BundleKeys.generate();
    BundleReader open = new BundleReader(Optional.empty());
    BundleReader trusting = new BundleReader(Optional.of(keys.getPublic()));
    {
      Map<String, String> files = GeneratedPolicies.files(rules, rules);
      long t0 = System.nanoTime();
      Frontend.Result checked = GeneratedPolicies.checkSources(files);
      PlanData plan = PlanCompiler.lower(checked.bundle().orElseThrow());
      long t1 = System.nanoTime();
      BundleWriter writer = new BundleWriter("perf", Optional.of(keys.getPrivate()));
      byte[] bytes = writer.write(plan, new TreeMap<>());
      PlanCodec.Encoded json = PlanCodec.encodePlan(plan); // the version 2 plan, for comparison
      BinaryPlanCodec.Encoded binary = BinaryPlanCodec.encode(plan);
      int jsonBytes = PlanCodec.json(plan).length;
      int sources = files.values().stream().mapToInt(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();

      median(rules >= 10_000 ? 6 : 40, 1, () -> open.read(bytes, "perf.wbundle")); // warm the JIT up
      String load = median(0, 7, () -> open.read(bytes, "perf.wbundle"));
      String verified = median(1, 5, () -> trusting.read(bytes, "perf.wbundle"));
      String decode = median(1, 5, () -> BinaryPlanCodec.decodePlan(binary.gzip(), 0, binary.gzip().length,
          Long.MAX_VALUE, PlanCodec.sha256()));
      String decodeJson = median(1, 5, () -> PlanCodec.decodePlan(json.gzip(), 0, json.gzip().length,
          Long.MAX_VALUE, PlanCodec.sha256()));
      String build = median(1, 5, () -> EvaluationPlan.of(plan));
      LoadedBundle plain = open.read(bytes, "perf.wbundle");
      LoadedBundle checkedSignature = trusting.read(bytes, "perf.wbundle");
      assertEquals(plan, plain.plan(), "the bundle holds the plan that was written");
      assertEquals(rules, plain.manifest().rules().size());
      assertEquals(rules, plan.rules().size(), "the generator made as many rules as asked");
      assertTrue(checkedSignature.verified(), "the signature was checked against the trusted key");
      String write = median(1, 3, () -> writer.write(plan, new TreeMap<>()));
      System.out.printf(Locale.ROOT,
          "BUNDLE %,d rules: sources %,d bytes; binary plan %,d bytes (%,d gzip'd); bundle %,d bytes (%.0f bytes/rule)%n"
              + "BUNDLE   version 2 for comparison: plan JSON %,d bytes (%,d gzip'd), decode %s%n"
              + "BUNDLE   check+lower %.0f ms (cold); write (signed) %s%n"
              + "BUNDLE   load %s%nBUNDLE     of which plan decode %s, plan build %s%n"
              + "BUNDLE   load with signature verified %s%n",
          rules, sources, binary.rawLength(), binary.gzip().length, bytes.length, bytes.length / (double) rules,
          jsonBytes, json.gzip().length, decodeJson, (t1 - t0) / 1e6, write, load, decode, build, verified);
    }
  }
}

package dev.writ.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import dev.writ.language.check.CheckedBundle;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.casbin.jcasbin.main.Enforcer;

/**
 * Retained heap per rule of a compiled plan, without an agent: settle the heap with repeated
 * {@code System.gc()} until the used size stops moving, build the plan from sources already in
 * memory, settle again, and divide the growth by the rule count. The parse tree and the checked
 * bundle are garbage by then, so what remains is what a running engine keeps: the plan (rules,
 * compiled conditions, indexes, schema, attribute table). Entities are not counted. The same is
 * done for the jCasbin enforcer of the PEER mix (its policy lines plus role links).
 *
 * <pre>java -XX:+UseSerialGC -Xmx6g -cp benchmarks.jar dev.writ.bench.HeapPerRule [--repeat 3] [--json FILE] [N ...]
 * java -cp benchmarks.jar dev.writ.bench.HeapPerRule --histogram [REALISTIC|PEER|ROLE_FOLDER] [N]</pre>
 *
 * <p>The second form prints which classes hold the retained bytes (a live-object histogram taken
 * before and after the plan is built): the evidence behind the per-rule figure.
 *
 * <p>Run it in its own JVM (run.sh does): the figures are differences of whole-heap sizes, so
 * anything else allocating at the same time would be counted.
 */
public final class HeapPerRule {
  private HeapPerRule() {}

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  /** Used heap after the collector has nothing more to free (three stable readings in a row). */
  static long settledUsed() {
    long last = Long.MAX_VALUE;
    int stable = 0;
    for (int i = 0; i < 50 && stable < 3; i++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      stable = Math.abs(used - last) < 64 * 1024 ? stable + 1 : 0;
      last = used;
    }
    return last;
  }

  public record Sample(String what, int rules, long[] bytes) {
    double medianPerRule() {
      long[] s = bytes.clone();
      Arrays.sort(s);
      return (double) s[s.length / 2] / rules;
    }

    double minPerRule() {
      return (double) Arrays.stream(bytes).min().orElse(0) / rules;
    }

    double maxPerRule() {
      return (double) Arrays.stream(bytes).max().orElse(0) / rules;
    }
  }

  static Sample writ(Workload.Mix mix, int n, int repeat) {
    Workload w = Workload.generate(mix, n);
    // NOTE(bench): the first compile grows ANTLR's process-wide DFA cache, which stays for the
    // life of the JVM; compile once before measuring so that only the plan is counted.
    Reference.reachabilityFence(w.compile());
    long[] bytes = new long[repeat];
    for (int r = 0; r < repeat; r++) {
      long before = settledUsed();
      EvaluationPlan plan = w.compile();
      long after = settledUsed();
      Reference.reachabilityFence(plan);
      bytes[r] = after - before;
    }
    return new Sample("writ-" + mix.name().toLowerCase(), n, bytes);
  }

  static Sample casbin(int n, int repeat) {
    Workload w = Workload.generate(Workload.Mix.PEER, n);
    Reference.reachabilityFence(CasbinPeer.enforcer(w)); // class loading and Aviator's caches
    long[] bytes = new long[repeat];
    for (int r = 0; r < repeat; r++) {
      long before = settledUsed();
      Enforcer e = CasbinPeer.enforcer(w);
      long after = settledUsed();
      Reference.reachabilityFence(e);
      bytes[r] = after - before;
    }
    return new Sample("jcasbin-peer", n, bytes);
  }

  /** The live-object class histogram (a full GC first), as class name to [instances, bytes]. */
  static java.util.Map<String, long[]> histogram() {
    try {
      javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
      String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      java.util.Map<String, long[]> out = new java.util.HashMap<>();
      for (String line : text.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
      }
      return out;
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("no class histogram: " + e.getMessage(), e);
    }
  }

  /**
   * Prints which classes hold the retained bytes, in two steps: the plan data that {@code lower}
   * produces (what a bundle stores), then what {@code EvaluationPlan.of} adds on top of it
   * (compiled rules, matchers, the rule index).
   */
  static void histogramDelta(Workload.Mix mix, int n) {
    Workload w = Workload.generate(mix, n);
    Reference.reachabilityFence(w.compile()); // warm the parser's shared caches first (see writ())
    CheckedBundle checked = w.checkWithoutLint();
    java.util.Map<String, long[]> h0 = histogram();
    PlanData data = PlanCompiler.lower(checked);
    java.util.Map<String, long[]> h1 = histogram();
    EvaluationPlan plan = EvaluationPlan.of(data);
    java.util.Map<String, long[]> h2 = histogram();
    printDelta(h0, h1, n, "plan data (lower + fold-constants) of a " + mix + " bundle");
    printDelta(h1, h2, n, "executable plan on top of it (bind, compile expressions, build index)");
    Reference.reachabilityFence(plan);
    Reference.reachabilityFence(checked);
  }

  private static void printDelta(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after, int n,
                                 String title) {
    List<java.util.Map.Entry<String, long[]>> rows = new ArrayList<>();
    long total = 0;
    for (var e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
      total += d[1];
      rows.add(java.util.Map.entry(e.getKey(), d));
    }
    rows.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    System.out.printf("%n%s, %d rules: %d bytes, %.0f per rule; largest classes:%n", title, n, total,
        (double) total / n);
    System.out.printf("%12s %12s %9s  %s%n", "instances", "bytes", "B/rule", "class");
    for (int i = 0; i < Math.min(16, rows.size()); i++) {
      long[] d = rows.get(i).getValue();
      System.out.printf("%12d %12d %9.1f  %s%n", d[0], d[1], (double) d[1] / n, rows.get(i).getKey());
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length >= 1 && args[0].equals("--histogram")) {
      Workload.Mix mix = Workload.Mix.valueOf(args.length > 1 ? args[1] : "REALISTIC");
      histogramDelta(mix, args.length > 2 ? Integer.parseInt(args[2]) : 10000);
      return;
    }
    int repeat = 3;
    Path json = null;
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--json" -> json = Path.of(args[++i]);
        default -> sizes.add(Integer.parseInt(args[i].replace("_", "")));
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(10000, 100000);
    }
    List<Sample> samples = new ArrayList<>();
    for (int n : sizes) {
      samples.add(writ(Workload.Mix.REALISTIC, n, repeat));
      samples.add(writ(Workload.Mix.PEER, n, repeat));
      samples.add(writ(Workload.Mix.ROLE_FOLDER, n, repeat));
      samples.add(casbin(n, repeat));
    }
    System.out.printf("%-22s %8s %14s %14s %14s%n", "what", "rules", "median B/rule", "min B/rule", "max B/rule");
    ObjectMapper om = new ObjectMapper();
    ArrayNode out = om.createArrayNode();
    for (Sample s : samples) {
      System.out.printf("%-22s %8d %14.0f %14.0f %14.0f%n", s.what(), s.rules(), s.medianPerRule(), s.minPerRule(),
          s.maxPerRule());
      ObjectNode o = out.addObject();
      o.put("what", s.what());
      o.put("rules", s.rules());
      o.put("medianBytesPerRule", Math.round(s.medianPerRule()));
      o.put("minBytesPerRule", Math.round(s.minPerRule()));
      o.put("maxBytesPerRule", Math.round(s.maxPerRule()));
      ArrayNode raw = o.putArray("retainedBytes");
      Arrays.stream(s.bytes()).forEach(raw::add);
    }
    if (json != null) {
      om.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), out);
    }
  }
}

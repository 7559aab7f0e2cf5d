package dev.writ.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.plan.EvaluationPlan;
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
 * <pre>java -XX:+UseSerialGC -Xmx6g -cp benchmarks.jar dev.writ.bench.HeapPerRule [--repeat 3] [--json FILE] [N ...]</pre>
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

  public static void main(String[] args) throws IOException {
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

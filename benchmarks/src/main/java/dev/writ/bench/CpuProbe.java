package dev.writ.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.IndexProbe;
import dev.writ.engine.request.AccessRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A companion to the JMH figures for a shared machine: the <em>CPU time</em> one decision costs
 * (the thread's CPU clock, which does not run while another process holds the core), plus what a
 * request reaches: the average number of candidate rules the index proposes and the outcome mix.
 * Wall-clock latency on a loaded two-core machine includes time spent waiting for a core; this
 * figure does not, so it shows what the engine itself costs.
 *
 * <pre>java -cp benchmarks.jar dev.writ.bench.CpuProbe [--json FILE] [--rounds 5] [--warmup 200000]
 *     [--decisions 100000] [--mix REALISTIC|PEER|ROLE_FOLDER]... [N ...]</pre>
 */
public final class CpuProbe {
  private CpuProbe() {}

  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public record Result(String mix, int rules, double[] cpuNsPerDecision, double candidates, Map<Outcome, Integer> mix_) {}

  static Result probe(Workload.Mix mix, int n, int rounds, int warmup, int per) {
    Workload w = Workload.generate(mix, n);
    Authorizer a = new Authorizer(w.compile());
    MapEntityStore store = w.store();
    DecideOptions options = DecideOptions.at(Workload.TIME);
    AccessRequest[] reqs = w.requests;
    IndexProbe probe = new IndexProbe(a.plan());
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    long candidates = 0;
    long asked = 0;
    for (AccessRequest r : reqs) {
      Decision d = a.decide(r, store, options);
      outcomes.merge(d.decision(), 1, Integer::sum);
      for (String action : r.actions()) {
        candidates += probe.candidates(r, store, action, r.principal()).size();
        asked++;
      }
    }
    // Warm-up: enough for C2 to compile the decision path.
    long sink = 0;
    for (int i = 0; i < warmup; i++) {
      sink += a.decide(reqs[i & (reqs.length - 1)], store, options).policies().size();
    }
    double[] perDecision = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < per; i++) {
        sink += a.decide(reqs[i & (reqs.length - 1)], store, options).policies().size();
      }
      perDecision[round] = (double) (THREADS.getCurrentThreadCpuTime() - c0) / per;
    }
    if (sink == 42) {
      System.out.print("");
    }
    return new Result(mix.name(), n, perDecision, (double) candidates / asked, outcomes);
  }

  public static void main(String[] args) throws IOException {
    Path json = null;
    int rounds = 5;
    int warmup = 200_000;
    int decisions = 100_000;
    List<Integer> sizes = new ArrayList<>();
    List<Workload.Mix> mixes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--json" -> json = Path.of(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--decisions" -> decisions = Integer.parseInt(args[++i]);
        case "--mix" -> mixes.add(Workload.Mix.valueOf(args[++i]));
        default -> sizes.add(Integer.parseInt(args[i].replace("_", "")));
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(10, 100, 1000, 10000, 100000);
    }
    if (mixes.isEmpty()) {
      mixes = List.of(Workload.Mix.REALISTIC, Workload.Mix.PEER, Workload.Mix.ROLE_FOLDER);
    }
    ObjectMapper om = new ObjectMapper();
    ArrayNode out = om.createArrayNode();
    System.out.printf("%-12s %7s %12s %12s %12s %11s  %s%n", "mix", "rules", "cpu ns med", "min", "max", "candidates",
        "outcomes");
    for (Workload.Mix mix : mixes) {
      for (int n : sizes) {
        Result r = probe(mix, n, rounds, warmup, decisions);
        double[] s = r.cpuNsPerDecision().clone();
        Arrays.sort(s);
        System.out.printf("%-12s %7d %12.0f %12.0f %12.0f %11.1f  %s%n", r.mix(), r.rules(), s[s.length / 2], s[0],
            s[s.length - 1], r.candidates(), r.mix_());
        ObjectNode o = out.addObject();
        o.put("mix", r.mix());
        o.put("rules", r.rules());
        o.put("cpuNsMedian", s[s.length / 2]);
        o.put("cpuNsMin", s[0]);
        o.put("cpuNsMax", s[s.length - 1]);
        o.put("candidatesPerAction", r.candidates());
        ObjectNode m = o.putObject("outcomes");
        r.mix_().forEach((k, v) -> m.put(k.name(), v));
      }
    }
    if (json != null) {
      om.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), out);
    }
  }
}

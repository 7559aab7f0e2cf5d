package dev.writ.bench;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.MemoryAuditTrail;
import dev.writ.engine.entity.MapEntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.impact.ImpactAnalyzer;
import dev.writ.engine.impact.ImpactReport;
import dev.writ.engine.impact.Replay;
import dev.writ.engine.impact.Replays;
import dev.writ.engine.request.AccessRequest;
import dev.writ.language.Frontend;
import dev.writ.language.source.SourceFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long {@code writ impact} takes on a large replay: {@code --requests} recorded requests
 * (the REALISTIC workload's stream, cycled) against two {@code --rules}-rule bundles, the
 * workload's and a changed copy (one file's {@code ttl 2h} become {@code 4h}, another's
 * {@code ttl 1h} become {@code 30m}). Two timings per round:
 *
 * <ul>
 *   <li>{@code replay}: {@link ImpactAnalyzer#analyze} over requests in memory (two decisions and a
 *   comparison per request);
 *   <li>{@code trail}: the same requests written as an audit trail file once, then read back,
 *   hash-checked and decoded ({@link Replays#trail}) and analysed: what {@code writ impact --trail} does
 *   after loading the bundles.
 * </ul>
 *
 * <pre>java -Xmx4g -cp benchmarks.jar dev.writ.bench.ImpactReplay [--rules 10000] [--requests 100000] [--rounds 5]</pre>
 *
 * <p>Prints the median, minimum and maximum of each over the rounds (after one warm-up round), wall
 * time and the measuring thread's CPU time (the steadier figure on a loaded machine).
 */
public final class ImpactReplay {
  private ImpactReplay() {}

  public static void main(String[] args) throws IOException {
    int rules = 10_000;
    int requests = 100_000;
    int rounds = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rules" -> rules = Integer.parseInt(args[++i]);
        case "--requests" -> requests = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Workload w = Workload.generate(Workload.Mix.REALISTIC, rules);
    EvaluationPlan before = w.compile();
    EvaluationPlan after = changed(w);
    MapEntityStore store = w.store();
    ImpactAnalyzer analyzer = new ImpactAnalyzer(new Authorizer(before), new Authorizer(after));

    List<Replay> replays = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      AccessRequest q = w.requests[i % w.requests.length];
      replays.add(new Replay("request " + i, q, DecideOptions.at(Workload.TIME), false, null, store, store));
    }
    Path trail = Files.createTempFile("writ-impact-bench", ".jsonl");
    writeTrail(trail, replays);
    System.out.printf(Locale.ROOT, "impact replay: %d requests, two bundles of %d rules (%d and %d compiled), trail "
        + "%.1f MB%n", requests, rules, before.ruleCount(), after.ruleCount(), Files.size(trail) / 1e6);

    double[] replay = new double[rounds];
    double[] fromTrail = new double[rounds];
    double[] replayCpu = new double[rounds];
    double[] fromTrailCpu = new double[rounds];
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    ImpactReport last = null;
    for (int round = -1; round < rounds; round++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      last = analyzer.analyze(replays, List.of(), Map.of());
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      Replays.FromTrail read = Replays.trail(trail, store, store);
      ImpactReport fromFile = analyzer.analyze(read.replays(), read.active(), read.descendants());
      long t2 = System.nanoTime();
      long c2 = threads.getCurrentThreadCpuTime();
      if (fromFile.changes().size() != last.changes().size()) {
        throw new IllegalStateException("the trail replay disagrees with the in-memory replay: " + fromFile.changes()
            .size() + " changes of " + fromFile.replayed() + " replayed (" + fromFile.undecided().size()
            + " undecided), against " + last.changes().size() + " of " + last.replayed() + "; first from the trail: "
            + fromFile.changes().stream().findFirst().map(c -> c.where() + " " + c.differences()).orElse("none")
            + "; undecided: " + fromFile.undecided().stream().findFirst().map(u -> u.problem()).orElse("none"));
      }
      if (round >= 0) {
        replay[round] = (t1 - t0) / 1e9;
        fromTrail[round] = (t2 - t1) / 1e9;
        replayCpu[round] = (c1 - c0) / 1e9;
        fromTrailCpu[round] = (c2 - c1) / 1e9;
      }
    }
    Files.delete(trail);
    System.out.printf(Locale.ROOT, "  %d changed (%s)%n", last.changes().size(), last.byDirection());
    print("replay (in memory)", replay, requests);
    print("  its CPU time", replayCpu, requests);
    print("trail (read + replay)", fromTrail, requests);
    print("  its CPU time", fromTrailCpu, requests);
    System.out.printf(Locale.ROOT, "  load average at the end: %.1f%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static void print(String what, double[] seconds, int requests) {
    double[] s = seconds.clone();
    Arrays.sort(s);
    double median = s[s.length / 2];
    System.out.printf(Locale.ROOT, "  %-22s median %.2f s (min %.2f, max %.2f, %d rounds), %.1f µs per request%n",
        what, median, s[0], s[s.length - 1], s.length, median * 1e6 / requests);
  }

  /** The workload's bundle with two files changed: longer ttls in one, shorter in another. */
  static EvaluationPlan changed(Workload w) {
    List<SourceFile> files = new ArrayList<>();
    for (SourceFile f : w.sources) {
      String text = f.text();
      if (f.path().equals("rules/00003.policy")) {
        text = text.replace("ttl 2h", "ttl 4h");
      } else if (f.path().equals("rules/00007.policy")) {
        text = text.replace("ttl 1h", "ttl 30m");
      }
      files.add(new SourceFile(f.path(), text));
    }
    Frontend.Result r = Frontend.checkSources(files);
    return PlanCompiler.compile(r.bundle().orElseThrow(() -> new IllegalStateException("the changed bundle does not "
        + "compile")));
  }

  /** The requests as `requested` records of a hash-chained trail, as the runtime writes them. */
  private static void writeTrail(Path file, List<Replay> replays) throws IOException {
    MemoryAuditTrail trail = new MemoryAuditTrail();
    List<AuditEvent> events = new ArrayList<>(replays.size());
    int i = 0;
    for (Replay r : replays) {
      AccessRequest q = r.request();
      AuditEvent.Header h = new AuditEvent.Header(q.time().orElse(Workload.TIME), String.format("g-%06d", ++i), null,
          q.intent().map(AccessRequest.IntentRef::name).orElse(null),
          q.intent().map(AccessRequest.IntentRef::params).orElse(null), q.principal(), q.delegation(), List.of(),
          List.of(), "bench");
      events.add(new AuditEvent.Requested(h, q.actions(), q.resource(), q.context(), q.durationSeconds().orElse(null),
          q.approvals()));
    }
    for (int start = 0; start < events.size(); start += 1000) {
      trail.append(events.subList(start, Math.min(events.size(), start + 1000)));
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (AuditRecord rec : trail.records()) {
        out.write(rec.line());
        out.write('\n');
      }
    }
  }
}

package dev.writ.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the JSON that {@code run.sh} writes (JMH {@code -rf json}, {@code HeapPerRule --json},
 * {@code CpuProbe --json}) into the Markdown tables of {@code docs/performance.md}, each figure
 * with its spread, and checks the targets.
 *
 * <p>Spread: for sample-mode latencies the percentiles are computed per measurement iteration
 * from JMH's raw histograms, and the table gives the median over iterations with the lowest and
 * highest iteration in brackets; for throughput the per-iteration scores likewise.
 *
 * <pre>java -cp benchmarks.jar dev.writ.bench.Report RESULTS_DIR &gt; report.md</pre>
 */
public final class Report {
  private Report() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One benchmark and parameter set: its per-iteration figures. */
  record Row(String benchmark, int n, String mode, List<double[]> iterationHistograms, List<Double> iterationScores,
             JsonNode primary) {
    /** The p-th percentile (0..100) of each iteration. */
    double[] perIteration(double p) {
      double[] out = new double[iterationHistograms.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = percentile(iterationHistograms.get(i), p);
      }
      return out;
    }

    /** The percentile over all samples (JMH's own figure). */
    double overall(String key) {
      return primary.path("scorePercentiles").path(key).asDouble(Double.NaN);
    }

    long samples() {
      long c = 0;
      for (double[] h : iterationHistograms) {
        for (int i = 1; i < h.length; i += 2) {
          c += (long) h[i];
        }
      }
      return c;
    }
  }

  /** A flattened histogram [value, count, value, count, ...] sorted by value. */
  static double percentile(double[] h, double p) {
    long total = 0;
    for (int i = 1; i < h.length; i += 2) {
      total += (long) h[i];
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = p / 100.0 * (total - 1);
    long seen = 0;
    for (int i = 0; i < h.length; i += 2) {
      seen += (long) h[i + 1];
      if (seen > rank) {
        return h[i];
      }
    }
    return h[h.length - 2];
  }

  static List<Row> readJmh(Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (JsonNode b : JSON.readTree(file.toFile())) {
      String name = b.path("benchmark").asText().replace("dev.writ.bench.jmh.", "");
      if (b.path("params").has("store")) {
        name += "[" + b.path("params").path("store").asText() + "]";
      }
      int n = b.path("params").path("n").asInt(-1);
      JsonNode primary = b.path("primaryMetric");
      List<double[]> hists = new ArrayList<>();
      for (JsonNode fork : primary.path("rawDataHistogram")) {
        for (JsonNode iteration : fork) {
          TreeMap<Double, Long> merged = new TreeMap<>();
          for (JsonNode pair : iteration) {
            merged.merge(pair.get(0).asDouble(), pair.get(1).asLong(), Long::sum);
          }
          double[] flat = new double[merged.size() * 2];
          int i = 0;
          for (Map.Entry<Double, Long> e : merged.entrySet()) {
            flat[i++] = e.getKey();
            flat[i++] = e.getValue();
          }
          hists.add(flat);
        }
      }
      List<Double> scores = new ArrayList<>();
      for (JsonNode fork : primary.path("rawData")) {
        for (JsonNode v : fork) {
          scores.add(v.asDouble());
        }
      }
      rows.add(new Row(name, n, b.path("mode").asText(), hists, scores, primary));
    }
    return rows;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    if (s.length == 0) {
      return Double.NaN;
    }
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }

  /** Nanoseconds, in the most readable unit. */
  static String ns(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    if (v < 1_000) {
      return String.format(Locale.ROOT, "%.0f ns", v);
    }
    if (v < 1_000_000) {
      return String.format(Locale.ROOT, v < 10_000 ? "%.2f µs" : "%.1f µs", v / 1e3);
    }
    return String.format(Locale.ROOT, v < 10_000_000 ? "%.2f ms" : "%.0f ms", v / 1e6);
  }

  static String spreadNs(double[] perIteration) {
    return ns(median(perIteration)) + " [" + ns(min(perIteration)) + " – " + ns(max(perIteration)) + "]";
  }

  static String count(double v) {
    if (v >= 1e6) {
      return String.format(Locale.ROOT, "%.2f M", v / 1e6);
    }
    if (v >= 1e3) {
      return String.format(Locale.ROOT, "%.0f k", v / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", v);
  }

  static double[] scores(Row r) {
    return r.iterationScores().stream().mapToDouble(Double::doubleValue).toArray();
  }

  static Map<Integer, Row> byN(List<Row> rows, String benchmark) {
    Map<Integer, Row> out = new TreeMap<>();
    for (Row r : rows) {
      if (r.benchmark().equals(benchmark)) {
        out.put(r.n(), r);
      }
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks/target/results");
    StringBuilder out = new StringBuilder();
    List<String> verdicts = new ArrayList<>();
    List<Row> rows = Files.exists(dir.resolve("jmh.json")) ? readJmh(dir.resolve("jmh.json")) : List.of();

    // Decision latency.
    Map<Integer, Row> lat = byN(rows, "DecisionLatency.decide");
    if (!lat.isEmpty()) {
      out.append("### Decision latency, REALISTIC mix, one thread (sample mode)\n\n");
      out.append("Median over measurement iterations, [lowest – highest iteration]; p99 and p99.9 likewise.\n\n");
      out.append("| rules | p50 | p99 | p99.9 | samples |\n|---:|---|---|---|---:|\n");
      for (Row r : lat.values()) {
        out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %,d |%n", r.n(), spreadNs(r.perIteration(50)),
            spreadNs(r.perIteration(99)), spreadNs(r.perIteration(99.9)), r.samples()));
      }
      out.append('\n');
      Row r10k = lat.get(10000);
      if (r10k != null) {
        double p50 = median(r10k.perIteration(50));
        double p99 = median(r10k.perIteration(99));
        verdicts.add(verdict("decision p50 ≤ 1 µs at 10,000 rules", p50 <= 1000, ns(p50)));
        verdicts.add(verdict("decision p99 ≤ 5 µs at 10,000 rules", p99 <= 5_000, ns(p99)));
      }
      Row r100 = lat.get(100);
      Row r100k = lat.get(100000);
      if (r100 != null && r100k != null) {
        double ratio = median(r100k.perIteration(50)) / median(r100.perIteration(50));
        verdicts.add(verdict("p50 at 100,000 rules ≤ 2× p50 at 100 rules", ratio <= 2,
            String.format(Locale.ROOT, "%.2f×", ratio)));
      }
    }

    // Throughput.
    Map<Integer, Row> one = byN(rows, "DecisionThroughput.oneThread");
    Map<Integer, Row> two = byN(rows, "DecisionThroughput.twoThreads");
    if (!one.isEmpty()) {
      out.append("### Throughput, REALISTIC mix (decisions per second)\n\n");
      out.append("Median of the measurement iterations [lowest – highest].\n\n");
      out.append("| rules | 1 thread | 2 threads | 2 threads / 1 thread |\n|---:|---|---|---:|\n");
      for (Row r : one.values()) {
        Row t = two.get(r.n());
        double[] s1 = scores(r);
        double[] s2 = t == null ? new double[0] : scores(t);
        out.append(String.format(Locale.ROOT, "| %,d | %s [%s – %s] | %s | %s |%n", r.n(), count(median(s1)),
            count(min(s1)), count(max(s1)),
            t == null ? "–" : count(median(s2)) + " [" + count(min(s2)) + " – " + count(max(s2)) + "]",
            t == null ? "–" : String.format(Locale.ROOT, "%.2f", median(s2) / median(s1))));
      }
      out.append('\n');
      Row t10k = one.get(10000);
      if (t10k != null) {
        double v = median(scores(t10k));
        verdicts.add(verdict("≥ 1.5 million decisions/s on one thread (10,000 rules)", v >= 1.5e6, count(v) + "/s"));
      }
    }

    // Peers.
    Map<Integer, Row> pw = byN(rows, "PeerLatency.writ");
    Map<Integer, Row> pc = byN(rows, "PeerLatency.jcasbin");
    Map<Integer, Row> ps = byN(rows, "SaplPeerLatency.sapl");
    if (!pw.isEmpty()) {
      out.append("### Writ, jCasbin and SAPL in the same run, PEER mix (sample mode)\n\n");
      out.append("p50 with [lowest – highest iteration]; ratio = Writ p50 / peer p50 (smaller is better for Writ), "
          + "speed-up = its inverse.\n\n");
      out.append("| rules | Writ p50 | Writ p99 | jCasbin p50 | jCasbin p99 | Writ/jCasbin | speed-up "
          + "| SAPL p50 | SAPL p99 | Writ/SAPL | speed-up |\n");
      out.append("|---:|---|---|---|---|---:|---:|---|---|---:|---:|\n");
      for (Row w : pw.values()) {
        Row c = pc.get(w.n());
        Row sp = ps.get(w.n());
        double wp = median(w.perIteration(50));
        double cp = c == null ? Double.NaN : median(c.perIteration(50));
        double sv = sp == null ? Double.NaN : median(sp.perIteration(50));
        out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", w.n(),
            spreadNs(w.perIteration(50)), ns(median(w.perIteration(99))),
            c == null ? "–" : spreadNs(c.perIteration(50)), c == null ? "–" : ns(median(c.perIteration(99))),
            c == null ? "–" : String.format(Locale.ROOT, "%.5f", wp / cp),
            c == null ? "–" : String.format(Locale.ROOT, "%,.0f×", cp / wp),
            sp == null ? "–" : spreadNs(sp.perIteration(50)), sp == null ? "–" : ns(median(sp.perIteration(99))),
            sp == null ? "–" : String.format(Locale.ROOT, "%.5f", wp / sv),
            sp == null ? "–" : String.format(Locale.ROOT, "%,.0f×", sv / wp)));
        if (w.n() == 10000 && c != null) {
          verdicts.add(verdict("≥ 100× faster than jCasbin at 10,000 rules", cp / wp >= 100,
              String.format(Locale.ROOT, "%,.0f×", cp / wp)));
        }
      }
      out.append('\n');
    }

    // Grant runtime.
    List<String[]> grantRows = List.of(new String[] {"issue", "memory"}, new String[] {"issue", "durable"},
        new String[] {"act", "memory"}, new String[] {"act", "durable"});
    if (!byN(rows, "GrantRuntimeBench.issue[memory]").isEmpty() || !byN(rows, "GrantRuntimeBench.act[memory]").isEmpty()) {
      out.append("### Grant runtime: grant issue and action checks, REALISTIC mix (sample mode)\n\n");
      out.append("`durable`: the audit trail file is forced to disk before each answer. Median over iterations "
          + "[lowest – highest].\n\n");
      out.append("| operation | store | rules | p50 | p99 | p99.9 | samples |\n|---|---|---:|---|---|---|---:|\n");
      for (String[] g : grantRows) {
        for (Row r : byN(rows, "GrantRuntimeBench." + g[0] + "[" + g[1] + "]").values()) {
          out.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %,d |%n",
              g[0].equals("issue") ? "grant issue" : "action check", g[1], r.n(), spreadNs(r.perIteration(50)),
              spreadNs(r.perIteration(99)), spreadNs(r.perIteration(99.9)), r.samples()));
        }
      }
      out.append('\n');
    }

    // Role and folder.
    Map<Integer, Row> rf = byN(rows, "RoleFolderLatency.decide");
    if (!rf.isEmpty()) {
      out.append("### Role-and-folder rules: cost against bundle size (sample mode)\n\n");
      out.append("| rules | p50 | p99 | p99.9 | p50 / p50 at the smallest N |\n|---:|---|---|---|---:|\n");
      double base = median(rf.values().iterator().next().perIteration(50));
      for (Row r : rf.values()) {
        double p50 = median(r.perIteration(50));
        out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %.2f |%n", r.n(), spreadNs(r.perIteration(50)),
            spreadNs(r.perIteration(99)), spreadNs(r.perIteration(99.9)), p50 / base));
      }
      out.append('\n');
      Row a = rf.get(10);
      Row b = rf.get(10000);
      if (a != null && b != null) {
        double ratio = median(b.perIteration(50)) / median(a.perIteration(50));
        verdicts.add(verdict("10,000 role-and-folder rules cost about what 10 do (p50 ratio ≤ 2)", ratio <= 2,
            String.format(Locale.ROOT, "%.2f×", ratio)));
      }
    }

    // Compile.
    Map<Integer, Row> ct = byN(rows, "CompileTime.withoutLint");
    Map<Integer, Row> pl = byN(rows, "CompileTime.plan");
    Map<Integer, Row> wl = byN(rows, "CompileTimeWithLint.total");
    if (!ct.isEmpty() || !wl.isEmpty()) {
      out.append("### Compile time, REALISTIC mix (single shot, ms)\n\n");
      out.append("Median of the measured shots [lowest – highest]. With lint: what `writ check` does; without "
          + "lint: the same bundle and plan, without the lint stage.\n\n");
      out.append("| rules | parse + check + lint + plan | parse + check + plan (no lint) | plan only |\n"
          + "|---:|---|---|---|\n");
      TreeMap<Integer, Boolean> ns = new TreeMap<>();
      ct.keySet().forEach(k -> ns.put(k, true));
      wl.keySet().forEach(k -> ns.put(k, true));
      for (int n : ns.keySet()) {
        out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n", n,
            wl.containsKey(n) ? ms(scores(wl.get(n))) : "not run (quadratic lint)",
            ct.containsKey(n) ? ms(scores(ct.get(n))) : "–", pl.containsKey(n) ? ms(scores(pl.get(n))) : "–"));
      }
      out.append('\n');
      Row c10k = wl.get(10000);
      if (c10k != null) {
        double v = median(scores(c10k));
        verdicts.add(verdict("compile of 10,000 rules ≤ 2 s (with lint)", v <= 2000,
            String.format(Locale.ROOT, "%.0f ms", v)));
      }
      Row n10k = ct.get(10000);
      if (n10k != null) {
        double v = median(scores(n10k));
        verdicts.add(verdict("compile of 10,000 rules ≤ 2 s (without lint)", v <= 2000,
            String.format(Locale.ROOT, "%.0f ms", v)));
      }
    }

    // Bundles.
    Map<Integer, Row> bw = byN(rows, "BundleBench.write");
    Map<Integer, Row> bl = byN(rows, "BundleBench.load");
    if (!bw.isEmpty() || !bl.isEmpty()) {
      out.append("### Bundle write and load, REALISTIC mix (single shot, ms)\n\n");
      out.append("Median of the measured shots [lowest – highest]. Load = read, verify the digest, decode, build the "
          + "executable plan.\n\n");
      out.append("| rules | write | load | plan only (for comparison) |\n|---:|---|---|---|\n");
      TreeMap<Integer, Boolean> ns = new TreeMap<>();
      bw.keySet().forEach(k -> ns.put(k, true));
      bl.keySet().forEach(k -> ns.put(k, true));
      for (int n : ns.keySet()) {
        out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n", n,
            bw.containsKey(n) ? ms(scores(bw.get(n))) : "–", bl.containsKey(n) ? ms(scores(bl.get(n))) : "–",
            pl.containsKey(n) ? ms(scores(pl.get(n))) : "–"));
      }
      out.append('\n');
    }

    // HTTP (wrk output of benchmarks/http/serve-wrk.sh).
    Path http = dir.resolve("http");
    if (Files.isDirectory(http)) {
      List<String[]> lines = new ArrayList<>();
      try (var ns = Files.list(http)) {
        for (Path nDir : ns.sorted((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString().substring(1)),
            Integer.parseInt(b.getFileName().toString().substring(1)))).toList()) {
          for (String conf : List.of("t1-c1", "t2-c8")) {
            Path f = nDir.resolve("wrk-" + conf + ".txt");
            if (Files.exists(f)) {
              lines.add(wrk(nDir.getFileName().toString().substring(1), conf, Files.readString(f)));
            }
          }
        }
      }
      if (!lines.isEmpty()) {
        out.append("### HTTP: `writ serve` under wrk on loopback, POST /v1/decisions, REALISTIC mix\n\n");
        out.append("wrk and the server share the two cores. One 15 s run per line, after a 5 s warm-up; the per-thread "
            + "spread (wrk's Req/Sec and latency standard deviations) is in the raw `wrk-*.txt` files.\n\n");
        out.append("| rules | wrk threads / connections | requests/s | p50 | p90 | p99 | max | errors |\n"
            + "|---:|---|---:|---|---|---|---|---|\n");
        for (String[] l : lines) {
          out.append("| ").append(String.join(" | ", l)).append(" |\n");
        }
        out.append('\n');
      }
    }

    // Heap.
    Path heap = dir.resolve("heap.json");
    if (Files.exists(heap)) {
      out.append("### Retained heap per rule (compiled plan; entities not counted)\n\n");
      out.append("Median of the repeats [lowest – highest], bytes per rule.\n\n");
      out.append("| what | rules | bytes/rule |\n|---|---:|---|\n");
      for (JsonNode h : JSON.readTree(heap.toFile())) {
        out.append(String.format(Locale.ROOT, "| %s | %,d | %,d [%,d – %,d] |%n", h.path("what").asText(),
            h.path("rules").asInt(), h.path("medianBytesPerRule").asLong(), h.path("minBytesPerRule").asLong(),
            h.path("maxBytesPerRule").asLong()));
        if (h.path("what").asText().equals("writ-realistic")) {
          long v = h.path("medianBytesPerRule").asLong();
          verdicts.add(verdict("heap ≤ 2 KB per rule (REALISTIC, " + String.format(Locale.ROOT, "%,d",
              h.path("rules").asInt()) + " rules)", v <= 2048, v + " B"));
        }
      }
      out.append('\n');
    }

    // CPU probe.
    Path cpu = dir.resolve("cpu.json");
    if (Files.exists(cpu)) {
      out.append("### CPU time per decision (thread CPU clock, not wall time)\n\n");
      out.append("Median of the rounds [lowest – highest]; candidates = rules the index proposes per action.\n\n");
      out.append("| mix | rules | CPU per decision | candidates | permit / pending / deny |\n|---|---:|---|---:|---|\n");
      for (JsonNode c : JSON.readTree(cpu.toFile())) {
        JsonNode o = c.path("outcomes");
        out.append(String.format(Locale.ROOT, "| %s | %,d | %s [%s – %s] | %.1f | %d / %d / %d |%n",
            c.path("mix").asText(), c.path("rules").asInt(), ns(c.path("cpuNsMedian").asDouble()),
            ns(c.path("cpuNsMin").asDouble()), ns(c.path("cpuNsMax").asDouble()),
            c.path("candidatesPerAction").asDouble(), o.path("PERMIT").asInt(), o.path("PENDING").asInt(),
            o.path("DENY").asInt()));
      }
      out.append('\n');
    }

    if (!verdicts.isEmpty()) {
      out.append("### Targets\n\n| target | this run | met |\n|---|---|---|\n");
      verdicts.forEach(out::append);
      out.append('\n');
    }
    System.out.print(out);
  }

  /** One table row from wrk's text output. */
  static String[] wrk(String n, String conf, String text) {
    java.util.function.Function<String, String> find = re -> {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(re, java.util.regex.Pattern.MULTILINE).matcher(text);
      return m.find() ? m.group(1) : "–";
    };
    String errors = find.apply("Non-2xx or 3xx responses: (\\d+)");
    String socket = find.apply("Socket errors: (.*)$");
    return new String[] {String.format(Locale.ROOT, "%,d", Integer.parseInt(n)), conf.replace("t", "").replace("-c", " / "),
        find.apply("^Requests/sec:\\s+([\\d.]+)"), find.apply("^\\s+50%\\s+(\\S+)"), find.apply("^\\s+90%\\s+(\\S+)"),
        find.apply("^\\s+99%\\s+(\\S+)"), find.apply("^\\s+Latency\\s+\\S+\\s+\\S+\\s+(\\S+)"),
        (errors.equals("–") ? "0 non-2xx" : errors + " non-2xx") + (socket.equals("–") ? "" : "; socket: " + socket)};
  }

  static String ms(double[] v) {
    return String.format(Locale.ROOT, "%.0f [%.0f – %.0f]", median(v), min(v), max(v));
  }

  static String verdict(String target, boolean met, String figure) {
    return "| " + target + " | " + figure + " | " + (met ? "yes" : "**no**") + " |\n";
  }
}

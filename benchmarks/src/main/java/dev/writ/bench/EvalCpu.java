package dev.writ.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.writ.bench.jmh.WritState;
import dev.writ.engine.batch.RequestBatch;
import dev.writ.engine.bundle.BundleReader;
import dev.writ.engine.bundle.BundleWriter;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.request.StreamingRequestReader;
import dev.writ.language.Frontend;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The thread CPU clock (which does not run while another process holds the core) for what
 * issue 15 targets around {@code writ eval} and the compiler, on the REALISTIC mix:
 *
 * <ul>
 *   <li>{@code eval N}: per line of a 4,096-line JSON-lines stream at N rules, the decision alone
 *       ({@code Authorizer.decide}), the batch as {@code writ eval --requests} ran it before this
 *       round (the text split with {@code \R}, each line read from its own string: the copy in
 *       {@link #previousBatch}), and as it runs now ({@link RequestBatch}: one parser over the
 *       bytes), and that batch with each line's decision ready-made (what reading the request and
 *       writing the decision cost), output discarded;</li>
 *   <li>{@code compile N}: one compile with lint ({@code writ check} and {@code writ bundle}), as
 *       {@code CompileTimeWithLint.total};</li>
 *   <li>{@code load N}: one bundle load (read, verify, decode, build the plan), as
 *       {@code BundleBench.load}.</li>
 * </ul>
 *
 * <pre>java -cp benchmarks.jar dev.writ.bench.EvalCpu eval|compile|load N [ROUNDS]</pre>
 *
 * Prints the median of ROUNDS rounds (default 7 for eval, 3 otherwise) with [lowest - highest].
 */
public final class EvalCpu {
  private EvalCpu() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Drops what it is given, as {@code > /dev/null} does. */
  private static final class Discard extends Writer {
    @Override
    public void write(char[] buf, int off, int len) {}

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  public static void main(String[] args) throws IOException {
    String what = args[0];
    int n = Integer.parseInt(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : what.equals("eval") ? 7 : 3;
    switch (what) {
      case "eval" -> eval(n, rounds);
      case "compile" -> compile(n, rounds);
      case "load" -> load(n, rounds);
      default -> throw new IllegalArgumentException("eval, compile or load, not " + what);
    }
  }

  private static void eval(int n, int rounds) throws IOException {
    WritState writ = new WritState(Workload.Mix.REALISTIC, n);
    RequestReader reader = new RequestReader(writ.authorizer.plan().schema());
    ObjectMapper om = new ObjectMapper();
    StringBuilder text = new StringBuilder();
    for (AccessRequest r : writ.requests) {
      text.append(om.writeValueAsString(HttpWorkload.request(r, om))).append('\n');
    }
    byte[] input = text.toString().getBytes(StandardCharsets.UTF_8);
    RequestBatch batch = new RequestBatch(reader, writ.store, r -> writ.authorizer.decide(r, writ.store, writ.options));
    int lines = writ.requests.length;
    int passes = 25; // lines per round: 25 x 4,096
    double[] decide = new double[rounds];
    double[] before = new double[rounds];
    double[] now = new double[rounds];
    double[] io = new double[rounds];
    // The batch with each line's decision taken ready-made (the stream's lines are the requests in
    // order): what a line costs besides the decision, reading the request and writing the answer.
    Decision[] decided = new Decision[lines];
    for (int i = 0; i < lines; i++) {
      decided[i] = writ.authorizer.decide(writ.requests[i], writ.store, writ.options);
    }
    int[] next = new int[1];
    RequestBatch ioOnly = new RequestBatch(reader, writ.store, r -> decided[next[0]++ % lines]);
    for (int warm = 0; warm < 10; warm++) {
      decideAll(writ);
      previousBatch(reader, writ, input);
      batch.run("bench.jsonl", input, new Discard());
      ioOnly.run("bench.jsonl", input, new Discard());
    }
    for (int round = 0; round < rounds; round++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      for (int p = 0; p < passes; p++) {
        decideAll(writ);
      }
      long t1 = THREADS.getCurrentThreadCpuTime();
      for (int p = 0; p < passes; p++) {
        previousBatch(reader, writ, input);
      }
      long t2 = THREADS.getCurrentThreadCpuTime();
      for (int p = 0; p < passes; p++) {
        if (!batch.run("bench.jsonl", input, new Discard())) {
          throw new IllegalStateException("a workload line was refused");
        }
      }
      long t3 = THREADS.getCurrentThreadCpuTime();
      for (int p = 0; p < passes; p++) {
        ioOnly.run("bench.jsonl", input, new Discard());
      }
      long t4 = THREADS.getCurrentThreadCpuTime();
      double per = 1.0 / ((double) passes * lines);
      decide[round] = (t1 - t0) * per;
      before[round] = (t2 - t1) * per;
      now[round] = (t3 - t2) * per;
      io[round] = (t4 - t3) * per;
    }
    System.out.printf("eval, %d rules, CPU ns per line (thread clock), median [lowest - highest] of %d rounds of %d lines%n",
        n, rounds, passes * lines);
    System.out.println("  decision only:       " + summary(decide));
    System.out.println("  batch before:        " + summary(before));
    System.out.println("  batch now:           " + summary(now));
    System.out.println("  batch, decisions ready-made (reading and writing only): " + summary(io));
    System.out.printf("  now / decision: %.2f; now / before: %.2f%n", median(now) / median(decide),
        median(now) / median(before));
  }

  private static void decideAll(WritState writ) {
    for (int i = 0; i < writ.requests.length; i++) {
      writ.decide(i);
    }
  }

  /** The batch loop of {@code writ eval --requests} before {@link RequestBatch} (commit e5e4b16). */
  private static void previousBatch(RequestReader reader, WritState writ, byte[] input) throws IOException {
    String text = new String(input, StandardCharsets.UTF_8);
    String name = "bench.jsonl";
    StreamingRequestReader fast = new StreamingRequestReader();
    String[] lines = text.split("\\R", -1);
    int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
    try (JsonGenerator g = DataDocument.JSON.getFactory().createGenerator(new Discard())) {
      g.setRootValueSeparator(null);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      for (int i = 0; i < count; i++) {
        int number = i + 1;
        AccessRequest request = fast.tryRead(lines[i]);
        if (request == null) {
          DataNode node = DataNode.root(DataDocument.parse(name + ":" + number, lines[i], false));
          if (node.isMissing()) {
            throw new DataException(name + ":" + number, "empty line; expected a request");
          }
          request = reader.request(node);
        }
        DecisionJson.write(writ.authorizer.decide(request, writ.store, writ.options), g);
        g.writeRaw(System.lineSeparator());
      }
    }
  }

  private static void compile(int n, int rounds) {
    Workload w = Workload.generate(Workload.Mix.REALISTIC, n);
    double[] ms = new double[rounds];
    PlanCompiler.compile(Frontend.checkSources(w.sources).bundle().orElseThrow()); // warm-up
    for (int round = 0; round < rounds; round++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      PlanCompiler.compile(Frontend.checkSources(w.sources).bundle().orElseThrow());
      ms[round] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
    }
    System.out.printf("compile + lint, %d rules, CPU ms per compile (thread clock), median [lowest - highest] of %d: %s%n",
        n, rounds, summary(ms));
  }

  private static void load(int n, int rounds) throws IOException {
    Workload w = Workload.generate(Workload.Mix.REALISTIC, n);
    Path dir = Files.createTempDirectory("writ-eval-cpu");
    Path file = dir.resolve("bench.wbundle");
    try {
      BundleWriter writer = new BundleWriter("bench", Optional.empty()).createdAt(Workload.TIME);
      BundleWriter.writeFile(writer.write(PlanCompiler.lower(w.checkWithoutLint()),
          BundleWriter.sourceDigests(w.sources, Path.of(""))), file);
      BundleReader reader = new BundleReader(Optional.empty());
      for (int warm = 0; warm < 2; warm++) {
        reader.read(file);
      }
      double[] ms = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        reader.read(file);
        ms[round] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
      }
      System.out.printf("bundle load, %d rules, CPU ms per load (thread clock), median [lowest - highest] of %d: %s%n",
          n, rounds, summary(ms));
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String summary(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format("%.1f [%.1f - %.1f]", s[s.length / 2], s[0], s[s.length - 1]);
  }
}

import dev.writ.bench.HttpWorkload;
import dev.writ.bench.Workload;
import dev.writ.bench.jmh.WritState;
import dev.writ.engine.batch.RequestBatch;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Function;

/** Thread CPU per line of RequestBatch with each decision ready-made: reading and writing alone. */
public class IoProbe {
  static final class Discard extends Writer {
    public void write(char[] b, int o, int l) {}
    public void flush() {}
    public void close() {}
  }
  static RequestBatch batch;
  static byte[] input;
  static int lines;
  static String kind;

  /** One pass of the batch over the stream, thread CPU ns per line. */
  public static double pass(int passes) throws Exception {
    ThreadMXBean T = ManagementFactory.getThreadMXBean();
    long t0 = T.getCurrentThreadCpuTime();
    for (int p = 0; p < passes; p++) batch.run("x", input, new Discard());
    return (T.getCurrentThreadCpuTime() - t0) / (double) (passes * lines);
  }

  public static String init() throws Exception {
    return init(false);
  }

  /** @param full whether each line is decided (the whole batch) or its decision taken ready-made */
  public static String init(boolean full) throws Exception {
    WritState writ = new WritState(Workload.Mix.REALISTIC, 10000);
    lines = writ.requests.length;
    int lines = IoProbe.lines;
    Decision[] d = new Decision[lines];
    for (int i = 0; i < lines; i++) d[i] = writ.authorizer.decide(writ.requests[i], writ.store, writ.options);
    com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
    StringBuilder sb = new StringBuilder();
    for (AccessRequest r : writ.requests) sb.append(om.writeValueAsString(HttpWorkload.request(r, om))).append('\n');
    input = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int[] k = new int[1];
    Function<AccessRequest, Decision> ready = full ? r -> writ.authorizer.decide(r, writ.store, writ.options)
        : r -> d[k[0]++ % lines];
    RequestReader reader = new RequestReader(writ.authorizer.plan().schema());
    try {
      batch = RequestBatch.class.getConstructor(RequestReader.class, EntityStore.class, Function.class)
          .newInstance(reader, writ.store, ready);
      kind = "new (store)";
    } catch (NoSuchMethodException e) {
      batch = new RequestBatch(reader, ready);
      kind = "baseline";
    }
    return kind;
  }

  public static void main(String[] a) throws Exception {
    ThreadMXBean T = ManagementFactory.getThreadMXBean();
    WritState writ = new WritState(Workload.Mix.REALISTIC, 10000);
    int lines = writ.requests.length;
    Decision[] d = new Decision[lines];
    for (int i = 0; i < lines; i++) d[i] = writ.authorizer.decide(writ.requests[i], writ.store, writ.options);
    com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
    StringBuilder sb = new StringBuilder();
    for (AccessRequest r : writ.requests) sb.append(om.writeValueAsString(HttpWorkload.request(r, om))).append('\n');
    byte[] input = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int[] k = new int[1];
    Function<AccessRequest, Decision> ready = r -> d[k[0]++ % lines];
    RequestReader reader = new RequestReader(writ.authorizer.plan().schema());
    RequestBatch batch;
    String kind;
    try {
      batch = RequestBatch.class.getConstructor(RequestReader.class, EntityStore.class, Function.class)
          .newInstance(reader, writ.store, ready);
      kind = "new (store)";
    } catch (NoSuchMethodException e) {
      batch = new RequestBatch(reader, ready);
      kind = "baseline";
    }
    for (int w = 0; w < 30; w++) batch.run("x", input, new Discard());
    int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 9, passes = 20;
    double[] per = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = T.getCurrentThreadCpuTime();
      for (int p = 0; p < passes; p++) batch.run("x", input, new Discard());
      per[r] = (T.getCurrentThreadCpuTime() - t0) / (double) (passes * lines);
    }
    double[] s = per.clone();
    Arrays.sort(s);
    System.out.printf("%s: reading + writing per line, ns (thread CPU): median %.0f [%.0f - %.0f] of %d rounds of %d lines%n",
        kind, s[rounds / 2], s[0], s[rounds - 1], rounds, passes * lines);
  }
}

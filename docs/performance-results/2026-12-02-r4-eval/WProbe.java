import com.fasterxml.jackson.core.JsonGenerator;
import dev.writ.bench.Workload;
import dev.writ.bench.jmh.WritState;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.json.JsonText;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

public class WProbe {
  static final class Discard extends Writer {
    long n;
    public void write(char[] b, int o, int l) { n += l; }
    public void flush() {}
    public void close() {}
  }
  public static void main(String[] a) throws Exception {
    ThreadMXBean T = ManagementFactory.getThreadMXBean();
    WritState writ = new WritState(Workload.Mix.REALISTIC, 10000);
    Decision[] d = new Decision[writ.requests.length];
    for (int i = 0; i < d.length; i++) d[i] = writ.authorizer.decide(writ.requests[i], writ.store, writ.options);
    StringBuilder sb = new StringBuilder();
    com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
    for (var r : writ.requests) sb.append(om.writeValueAsString(dev.writ.bench.HttpWorkload.request(r, om))).append('\n');
    byte[] input = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int round = 0; round < 8; round++) {
      long t0 = T.getCurrentThreadCpuTime();
      Discard o1 = new Discard();
      for (int p = 0; p < 50; p++) {
        try (JsonGenerator g = DataDocument.JSON.getFactory().createGenerator(o1)) {
          g.setRootValueSeparator(null);
          for (Decision x : d) { DecisionJson.write(x, g); g.writeRaw('\n'); }
        }
      }
      long t1 = T.getCurrentThreadCpuTime();
      Discard o2 = new Discard();
      for (int p = 0; p < 50; p++) {
        JsonText t = new JsonText(o2);
        for (Decision x : d) { DecisionJson.write(x, t); t.raw('\n'); }
        t.flush();
      }
      long t2 = T.getCurrentThreadCpuTime();
      dev.writ.engine.request.StreamingRequestReader fast = new dev.writ.engine.request.StreamingRequestReader(writ.store);
      dev.writ.engine.request.StreamingRequestReader slow = new dev.writ.engine.request.StreamingRequestReader();
      int cnt = 0;
      for (int p = 0; p < 50; p++) {
        try (com.fasterxml.jackson.core.JsonParser jp = DataDocument.JSON.getFactory().createParser(input)) {
          while (fast.read(jp) != null) cnt++;
        }
      }
      long t3 = T.getCurrentThreadCpuTime();
      for (int p = 0; p < 50; p++) {
        try (com.fasterxml.jackson.core.JsonParser jp = DataDocument.JSON.getFactory().createParser(input)) {
          while (slow.read(jp) != null) cnt++;
        }
      }
      long t4 = T.getCurrentThreadCpuTime();
      for (int p = 0; p < 50; p++) {
        try (com.fasterxml.jackson.core.JsonParser jp = DataDocument.JSON.getFactory().createParser(input)) {
          while (jp.nextToken() != null) cnt++;
        }
      }
      long t5 = T.getCurrentThreadCpuTime();
      int[] k = new int[1];
      dev.writ.engine.batch.RequestBatch io = new dev.writ.engine.batch.RequestBatch(new dev.writ.engine.request.RequestReader(writ.authorizer.plan().schema()), writ.store, r -> d[k[0]++ % d.length]);
      for (int p = 0; p < 50; p++) io.run("x", input, new Discard());
      long t6 = T.getCurrentThreadCpuTime();
      double per = 1.0 / (50.0 * d.length);
      System.out.printf("read(store) %.0f  read(parse) %.0f  tokens only %.0f  io batch %.0f%n", (t3 - t2) * per, (t4 - t3) * per, (t5 - t4) * per, (t6 - t5) * per);
      System.out.printf("jackson %.0f ns  text %.0f ns  chars/decision %d %d%n", (t1 - t0) * per, (t2 - t1) * per, o1.n / 50 / d.length, o2.n / 50 / d.length);
    }
  }
}

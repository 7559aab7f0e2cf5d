package dev.writ.bench.jmh;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.writ.bench.HttpWorkload;
import dev.writ.bench.Workload;
import dev.writ.engine.batch.RequestBatch;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.RequestReader;
import dev.writ.engine.request.StreamingRequestReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One line of {@code writ eval --requests} on the REALISTIC mix: read the JSON request, decide,
 * write the decision's JSON. {@code tree} is how the command worked before (a document tree per
 * line, a tree per decision); {@code stream} is how it works now (Jackson's token stream both
 * ways, the tree reader only for lines of unusual shape, a parser and a generator per line);
 * {@code batch} is what the command does now: {@link RequestBatch} over the whole stream (one
 * parser over the input's bytes, one generator), the time divided by the number of lines. All in
 * one run, on the same lines.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class EvalLineBench {
  @Param({"10000"})
  public int n;

  private WritState writ;
  private String[] lines;
  private RequestReader reader;
  private final StreamingRequestReader fast = new StreamingRequestReader();
  private byte[] input;
  private RequestBatch batch;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    writ = new WritState(Workload.Mix.REALISTIC, n);
    reader = new RequestReader(writ.authorizer.plan().schema());
    ObjectMapper om = new ObjectMapper();
    lines = new String[writ.requests.length];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = om.writeValueAsString(HttpWorkload.request(writ.requests[i], om));
      if (fast.tryRead(lines[i]) == null) {
        throw new IllegalStateException("the streaming reader gives up on a workload line: " + lines[i]);
      }
    }
    input = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    batch = new RequestBatch(reader, writ.store, r -> writ.authorizer.decide(r, writ.store, writ.options));
  }

  /** Counts what it is given and drops it: the command's output goes to a file or a pipe. */
  private static final class Discard extends Writer {
    long chars;

    @Override
    public void write(char[] buf, int off, int len) {
      chars += len;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Benchmark
  @OperationsPerInvocation(Workload.REQUESTS)
  public long batch() throws IOException {
    Discard out = new Discard();
    if (!batch.run("bench.jsonl", input, out)) {
      throw new IllegalStateException("a workload line was refused");
    }
    return out.chars;
  }

  @Benchmark
  public String tree(Cursor c) {
    String line = lines[c.next() & (Workload.REQUESTS - 1)];
    AccessRequest r = reader.request(DataNode.root(DataDocument.parse("bench.jsonl:1", line, false)));
    return DecisionJson.write(writ.authorizer.decide(r, writ.store, writ.options)).toString();
  }

  @Benchmark
  public String stream(Cursor c) throws IOException {
    String line = lines[c.next() & (Workload.REQUESTS - 1)];
    AccessRequest r = fast.tryRead(line);
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = DataDocument.JSON.getFactory().createGenerator(out)) {
      DecisionJson.write(writ.authorizer.decide(r, writ.store, writ.options), g);
    }
    return out.toString();
  }
}

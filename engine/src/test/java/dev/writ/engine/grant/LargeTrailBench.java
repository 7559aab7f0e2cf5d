package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditCodec;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditPage;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.AuditTrail;
import dev.writ.engine.audit.TrailFormat;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.Value;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * By hand, not a test: the trail of the "hostile callers" probe (N requests with a 0.9 MB
 * context; 1,202 make 2.17 GB, more than 2 GiB), then its verification and its replay, timed.
 * Run from the engine module after {@code mvn test-compile}, under {@code /usr/bin/time -v} for
 * the peak RSS:
 *
 * <pre>java -Xmx256m -cp target/test-classes:target/classes:$(deps) dev.writ.engine.grant.LargeTrailBench DIR 1202 [verify|open]</pre>
 *
 * Without the last argument it writes {@code DIR/audit.jsonl}; {@code verify} streams it
 * through {@link TrailVerifier}; {@code open} replays it into a store (which keeps every record
 * in memory, so that needs a heap of a few times the trail).
 */
public final class LargeTrailBench {
  private LargeTrailBench() {}

  /** Writes the lines the file trail writes (the same {@link TrailFormat#line}, "more" marks) and keeps none. */
  static final class StreamingWriter implements AuditTrail {
    private final OutputStream out;
    private long seq;
    private String head = TrailFormat.GENESIS;

    StreamingWriter(Path file) throws IOException {
      out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
    }

    @Override
    public List<AuditRecord> append(List<AuditEvent> events) {
      try {
        for (int i = 0; i < events.size(); i++) {
          TrailFormat.Line line = TrailFormat.line(++seq, head, AuditCodec.write(events.get(i)), i < events.size() - 1);
          out.write((line.text() + "\n").getBytes(StandardCharsets.UTF_8));
          head = line.hash();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.of();
    }

    @Override
    public long write(List<AuditEvent> events) {
      append(events);
      return seq;
    }

    @Override
    public void awaitDurable(long s) {}

    @Override
    public long writtenSeq() {
      return seq;
    }

    @Override
    public long lastSeq() {
      return seq;
    }

    @Override
    public AuditPage read(long after, int limit, java.util.function.Predicate<AuditRecord> filter) {
      return new AuditPage(List.of(), after);
    }

    @Override
    public String head() {
      return head;
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    Path file = dir.resolve("audit.jsonl");
    String what = args.length > 2 ? args[2] : "write";
    long t0 = System.nanoTime();
    switch (what) {
      case "write" -> {
        int n = Integer.parseInt(args[1]);
        StreamingWriter w = new StreamingWriter(file);
        GrantRuntime rt = new GrantRuntime(new EventSourcedGrantStore(w), Clock.systemUTC(), Gov.context());
        Value.RecordV context = new Value.RecordV(Map.of("mfa", Value.Bool.TRUE, "ip", new Value.Str("10.1.2.3"),
            "blob", new Value.Str("x".repeat(900_000))));
        for (int i = 0; i < n; i++) {
          rt.request(new AccessRequest(Gov.BOB, List.of("db:select"), Gov.METRICS,
              Optional.of(Gov.incident("INC-" + i)), Optional.empty(), List.of(), List.of(), context, Optional.empty(),
              List.of()));
        }
        w.close();
        System.out.println("wrote " + n + " requests, " + w.seq + " records, " + Files.size(file) + " bytes, head "
            + w.head + " in " + ms(t0) + " ms");
      }
      case "verify" -> System.out.println(TrailVerifier.verify(file) + " in " + ms(t0) + " ms");
      case "open" -> {
        try (EventSourcedGrantStore store = EventSourcedGrantStore.open(dir)) {
          System.out.println("replayed " + store.audit(r -> true).size() + " records, "
              + store.read(t -> t.all().size()) + " grants, head " + store.head() + " in " + ms(t0) + " ms");
          store.repair().ifPresent(r -> System.out.println(r.message()));
        }
      }
      default -> throw new IllegalArgumentException("write, verify or open, not " + what);
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}

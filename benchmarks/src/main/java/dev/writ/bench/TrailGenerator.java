package dev.writ.bench;

import dev.writ.engine.audit.AuditCodec;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.TrailFormat;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes a data directory whose trail has N records, as {@code writ serve} with the replicas-it
 * policies would have left it after a long day: grants issued (requested, decided, granted, in
 * one commit) to alice and bob for incidents on production metrics, 96 action checks on each,
 * then its revocation; the last 64 grants stay active. Lines are made by {@link TrailFormat#line}
 * (the file trail's own framing and hash chain), streamed through a buffer and never forced, so
 * a million records take seconds. No snapshot is written: the first start replays everything.
 *
 * <pre>java -cp benchmarks.jar dev.writ.bench.TrailGenerator DATA_DIR N</pre>
 */
public final class TrailGenerator {
  private TrailGenerator() {}

  static final int CHECKS_PER_GRANT = 96;

  public static void main(String[] args) throws IOException {
    Path dir = Files.createDirectories(Path.of(args[0]));
    long n = Long.parseLong(args[1]);
    long t0 = System.nanoTime();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("audit.jsonl")), 1 << 20)) {
      Writer w = new Writer(out);
      long block = 3 + CHECKS_PER_GRANT + 1;
      long active = 0;
      String last = null;
      while (w.seq < n) {
        long left = n - w.seq;
        if (left >= block + 64 * 3) {
          String id = w.grant(); // a grant's working life: issued, used, revoked
          for (int c = 0; c < CHECKS_PER_GRANT; c++) {
            w.check(id);
          }
          w.revoke(id);
        } else if (left >= 3 && active < 64) {
          last = w.grant();
          active++;
        } else if (last != null) {
          w.check(last);
        } else {
          w.check(w.grant()); // too short for the pattern: records of one grant
        }
      }
      System.out.println("wrote " + w.seq + " records (" + w.grants + " grants, " + active + " active) to "
          + dir.resolve("audit.jsonl") + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }

  private static final class Writer {
    static final EntityUid METRICS = EntityUid.parse("Database::metrics");
    static final Value.RecordV CONTEXT = new Value.RecordV(Map.of("mfa", Value.Bool.TRUE));
    final OutputStream out;
    long seq;
    long grants;
    String head = TrailFormat.GENESIS;
    Instant t = Instant.parse("2026-06-15T08:00:00Z");

    Writer(OutputStream out) {
      this.out = out;
    }

    AuditEvent.Header header(String id) {
      long g = Long.parseLong(id.substring(2));
      return new AuditEvent.Header(t, id, null, "investigate_incident", Map.of("ticket", new Value.Str("INC-" + g)),
          EntityUid.parse(g % 2 == 0 ? "Employee::alice" : "Employee::bob"), List.of(), List.of(),
          List.of("incident_read"), "bench");
    }

    String grant() throws IOException {
      String id = String.format("g-%06d", ++grants);
      AuditEvent.Header h = header(id);
      commit(List.of(
          new AuditEvent.Requested(h, List.of("db:select"), METRICS, CONTEXT, null, List.of()),
          new AuditEvent.Decided(h, dev.writ.engine.decision.Outcome.PERMIT, 3600L, false, List.of(), List.of(), List.of()),
          new AuditEvent.Granted(h, List.of("db:select"), METRICS, CONTEXT, t, null, List.of(), t,
              t.plusSeconds(3600))));
      return id;
    }

    void check(String id) throws IOException {
      t = t.plusMillis(10);
      commit(List.of(new AuditEvent.ActionChecked(header(id), "db:select", METRICS, dev.writ.engine.audit.Answer.ALLOW, false, List.of())));
    }

    void revoke(String id) throws IOException {
      commit(List.of(new AuditEvent.Revoked(header(id), "manual")));
    }

    void commit(List<AuditEvent> events) throws IOException {
      for (int i = 0; i < events.size(); i++) {
        TrailFormat.Line line = TrailFormat.line(++seq, head, AuditCodec.write(events.get(i)), i < events.size() - 1);
        out.write(line.text().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        head = line.hash();
      }
    }
  }
}

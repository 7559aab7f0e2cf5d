package dev.writ.engine.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A trail kept in memory: for tests, fixture suites, benchmarks and embedded use without a data
 * directory. Same records and hash chain as on disk, but built lazily: events are kept as they
 * come and serialised and hashed only when someone reads the trail. Nothing is persisted, so
 * deferring the hashing weakens nothing, and an action check in memory costs the check, not the
 * JSON and SHA-256 of its audit event. Every record is durable as soon as it is written.
 */
public final class MemoryAuditTrail implements AuditTrail {
  private final List<AuditRecord> records = new ArrayList<>();
  private final List<List<AuditEvent>> pending = new ArrayList<>(); // commits not yet hashed
  private long written;
  private String head = TrailFormat.GENESIS;

  @Override
  public synchronized List<AuditRecord> append(List<AuditEvent> events) {
    write(events);
    return List.of();
  }

  @Override
  public synchronized long write(List<AuditEvent> events) {
    if (!events.isEmpty()) {
      pending.add(List.copyOf(events));
      written += events.size();
    }
    return written;
  }

  @Override
  public void awaitDurable(long seq) {}

  @Override
  public synchronized long writtenSeq() {
    return written;
  }

  @Override
  public synchronized long lastSeq() {
    return written;
  }

  private void materialize() {
    for (List<AuditEvent> commit : pending) {
      for (int i = 0; i < commit.size(); i++) {
        AuditEvent e = commit.get(i);
        long seq = records.size() + 1;
        var body = AuditCodec.write(e);
        TrailFormat.Line line = TrailFormat.line(seq, head, body, i < commit.size() - 1);
        records.add(new AuditRecord(seq, e, body, head, line.hash(), line.text()));
        head = line.hash();
      }
    }
    pending.clear();
  }

  @Override
  public synchronized AuditPage read(long after, int limit, Predicate<AuditRecord> filter) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit);
    }
    materialize();
    List<AuditRecord> out = new ArrayList<>();
    long last = after;
    for (int i = (int) Math.max(0, Math.min(after, records.size())); i < records.size() && out.size() < limit; i++) {
      AuditRecord r = records.get(i);
      last = r.seq();
      if (filter.test(r)) {
        out.add(r);
      }
    }
    return new AuditPage(out, last);
  }

  @Override
  public synchronized List<AuditRecord> records() {
    materialize();
    return List.copyOf(records);
  }

  @Override
  public synchronized String head() {
    materialize();
    return head;
  }

  @Override
  public void close() {}
}

package dev.writ.engine.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * A trail kept in memory: for tests, fixture suites, benchmarks and embedded use without a data
 * directory. Same records and hash chain as on disk, but built lazily: events are kept as they
 * come and serialised and hashed only when someone reads the trail. Nothing is persisted, so
 * deferring the hashing weakens nothing, and an action check in memory costs the check, not the
 * JSON and SHA-256 of its audit event.
 */
public final class MemoryAuditTrail implements AuditTrail {
  private final List<AuditRecord> records = new ArrayList<>();
  private final List<List<AuditEvent>> pending = new ArrayList<>(); // commits not yet hashed
  private String head = TrailFormat.GENESIS;

  @Override
  public synchronized List<AuditRecord> append(List<AuditEvent> events) {
    if (!events.isEmpty()) {
      pending.add(List.copyOf(events));
    }
    return List.of();
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

package dev.writ.engine.audit;

import java.util.ArrayList;
import java.util.List;

/** A trail kept in memory: for tests, fixture suites and stateless evaluation. Same chain as on disk. */
public final class MemoryAuditTrail implements AuditTrail {
  private final List<AuditRecord> records = new ArrayList<>();
  private String head = TrailFormat.GENESIS;

  @Override
  public synchronized List<AuditRecord> append(List<AuditEvent> events) {
    List<AuditRecord> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      long seq = records.size() + 1;
      var body = AuditCodec.write(e);
      TrailFormat.Line line = TrailFormat.line(seq, head, body, i < events.size() - 1);
      AuditRecord r = new AuditRecord(seq, e, body, head, line.hash(), line.text());
      head = line.hash();
      records.add(r);
      out.add(r);
    }
    return out;
  }

  @Override
  public synchronized List<AuditRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public synchronized String head() {
    return head;
  }

  @Override
  public void close() {}
}

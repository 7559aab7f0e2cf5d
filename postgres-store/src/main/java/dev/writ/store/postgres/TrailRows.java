package dev.writ.store.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.audit.AuditCodec;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditException;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailFormat;

/**
 * Rows of {@code writ_trail} read back as audit records, checked as the file trail checks its
 * lines on open: the line parses, its hash matches its content, and it follows the record
 * before it (its {@code seq} and {@code prev}). The trail is evidence, so a damaged row is never
 * skipped: reading stops there with an {@link AuditException} naming the row.
 */
final class TrailRows {
  private TrailRows() {}

  /**
   * Parses and checks the row {@code seq} holding {@code line}, expected to follow the record
   * {@code prevSeq} whose hash is {@code prevHash}.
   */
  static Row read(String location, long seq, String line, long prevSeq, String prevHash) {
    TrailFormat.Parsed p = parse(location, seq, line);
    if (seq != prevSeq + 1 || p.seq() != seq || !p.prev().equals(prevHash)) {
      throw damaged(location, seq, "out of chain: a record was removed, inserted or reordered");
    }
    AuditEvent event = event(location, seq, p);
    ObjectNode body = (ObjectNode) p.json().deepCopy();
    body.remove(TrailFormat.FRAMING);
    return new Row(new AuditRecord(p.seq(), event, body, p.prev(), p.hash(), line), p.more());
  }

  /**
   * The event of row {@code seq}, read on its own (an ended grant's record, read back): the line
   * parses, its hash matches its content and it is the record it is said to be. Its place in the
   * chain was checked when the store first read it.
   */
  static AuditEvent readAlone(String location, long seq, String line) {
    TrailFormat.Parsed p = parse(location, seq, line);
    if (p.seq() != seq) {
      throw damaged(location, seq, "out of place: the row holds record " + p.seq());
    }
    return event(location, seq, p);
  }

  private static TrailFormat.Parsed parse(String location, long seq, String line) {
    TrailFormat.Parsed p;
    try {
      p = TrailFormat.parse(line);
    } catch (IllegalArgumentException e) {
      throw damaged(location, seq, "damaged: " + e.getMessage());
    }
    if (!p.hashMatches()) {
      throw damaged(location, seq, "altered: its content does not match its hash");
    }
    return p;
  }

  private static AuditEvent event(String location, long seq, TrailFormat.Parsed p) {
    try {
      return AuditCodec.read(p.json());
    } catch (RuntimeException e) {
      throw damaged(location, seq, "unreadable event: " + e.getMessage());
    }
  }

  /** A checked record, and whether more records of the same commit follow it. */
  record Row(AuditRecord record, boolean more) {}

  static AuditException damaged(String location, long seq, String what) {
    return new AuditException("the audit trail in " + location + " is damaged at record " + seq + " (" + what
        + "); refusing to use it. Run `writ audit export --store " + location + " -o trail.jsonl` and "
        + "`writ audit verify trail.jsonl` for details");
  }
}

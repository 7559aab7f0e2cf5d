package dev.writ.engine.audit;

import java.util.List;
import java.util.function.Predicate;

/**
 * The append-only, hash-chained trail of audit events. {@link #append} returns only once the
 * records are durable (for the file trail: written and forced to disk).
 */
public interface AuditTrail extends AutoCloseable {
  /**
   * Appends one commit of events. Returns the stored records where the trail builds them at once
   * (the file trail); a trail may also build them later, on read, and return an empty list.
   */
  List<AuditRecord> append(List<AuditEvent> events);

  /** Every record, oldest first. */
  List<AuditRecord> records();

  default List<AuditRecord> query(Predicate<AuditRecord> filter) {
    return records().stream().filter(filter).toList();
  }

  /** The hash of the last record (the genesis hash when empty). */
  String head();

  @Override
  void close();
}

package dev.writ.engine.audit;

import java.util.List;

/**
 * One page of the trail: the records that matched, oldest first, and where the next page starts.
 *
 * @param records   the matching records with a {@code seq} greater than the page's {@code after}
 * @param nextAfter the {@code seq} of the last record this page looked at (matching or not), to
 *                  pass as {@code after} for the next page; the page's own {@code after} when it
 *                  looked at none (the end of the trail was reached)
 */
public record AuditPage(List<AuditRecord> records, long nextAfter) {
  public AuditPage {
    records = List.copyOf(records);
  }
}

package dev.writ.engine.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The append-only, hash-chained trail of audit events. A commit is {@link #write written} (given
 * the next seqs, in order) and then {@link #awaitDurable awaited}; only after that is it
 * durable (for the file trail: forced to disk), and only then may anything that depends on it
 * be acknowledged. Writing and waiting apart is what lets concurrent commits share one flush.
 */
public interface AuditTrail extends AutoCloseable {
  /**
   * Appends one commit of events and returns once it is durable. Returns the stored records where
   * the trail builds them at once (the file trail); a trail may also build them later, on read,
   * and return an empty list.
   */
  List<AuditRecord> append(List<AuditEvent> events);

  /**
   * Writes one commit of events after every commit written before it, without waiting for it to
   * be durable. Returns the seq of the last record written (with no events: of the last record
   * written so far), to pass to {@link #awaitDurable}.
   *
   * @throws AuditException when it cannot be written (then nothing of it is in the trail)
   */
  long write(List<AuditEvent> events);

  /**
   * Returns once every record up to {@code seq} is durable.
   *
   * @throws AuditException when the flush failed (the trail then refuses every later write)
   */
  void awaitDurable(long seq);

  /**
   * As {@link #awaitDurable}, without holding the calling thread until then: the stage completes
   * once every record up to {@code seq} is durable, or exceptionally with the {@link
   * AuditException} of a failed flush. What depends on it runs on whichever thread completes it
   * (one that forced the trail, or the caller when it is already durable), so it must not block.
   * This default waits on the calling thread, for trails whose writes are durable at once.
   */
  default CompletionStage<Void> whenDurable(long seq) {
    try {
      awaitDurable(seq);
      return CompletableFuture.completedFuture(null);
    } catch (AuditException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The seq of the last record written (durable or not). */
  long writtenSeq();

  /** The seq of the last durable record (0 when there is none). */
  long lastSeq();

  /**
   * Up to {@code limit} durable records with a seq greater than {@code after} that match {@code
   * filter}, oldest first, and where the next page starts.
   */
  AuditPage read(long after, int limit, Predicate<AuditRecord> filter);

  /** Every durable record, oldest first (read page by page: for small trails and tests). */
  default List<AuditRecord> records() {
    return query(r -> true);
  }

  /** Every durable record that matches, oldest first, read page by page. */
  default List<AuditRecord> query(Predicate<AuditRecord> filter) {
    List<AuditRecord> out = new ArrayList<>();
    long after = 0;
    while (true) {
      AuditPage page = read(after, 1000, filter);
      out.addAll(page.records());
      if (page.nextAfter() == after) {
        return out;
      }
      after = page.nextAfter();
    }
  }

  /** The hash of the last durable record (the genesis hash when empty). */
  String head();

  @Override
  void close();
}

package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditPage;
import dev.writ.engine.audit.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Where grants, pending requests and the audit trail live. Every change is a list of audit
 * events: appended durably first, then applied to the table, so that no reader sees a state the
 * trail does not explain and no crash loses an acknowledged change.
 *
 * <p>This interface is what a shared, server-side store for several enforcement services would
 * implement later; the embedded default is {@link EventSourcedGrantStore}.
 */
public interface GrantStore extends AutoCloseable {
  /**
   * The events an update wants recorded, and what it returns to its caller: {@code result} reads
   * the table once the events are applied, so that a grant an operation returns is the one the
   * trail built, never a copy made beside it.
   */
  record Change<T>(List<AuditEvent> events, Function<GrantTable, T> result) {
    public Change {
      events = List.copyOf(events);
    }

    /** A change whose answer does not depend on the table. */
    public static <T> Change<T> of(List<AuditEvent> events, T value) {
      return new Change<>(events, table -> value);
    }
  }

  /**
   * What a committed change returned, and the seq of the last audit record it committed (0 when
   * it recorded nothing), which an enforcement point can log to link its answer to the trail.
   */
  record Committed<T>(T result, long seq) {}

  /**
   * Runs {@code op} on the current table under the store's lock and commits the events it
   * returns; returns once they are durable.
   */
  <T> Committed<T> commit(Function<GrantTable, Change<T>> op);

  /**
   * A committed change that may not be durable yet: {@code durable} completes once it is (or
   * exceptionally, when it cannot be made durable); nothing that depends on the change may be
   * acknowledged before. {@code committed} is what {@link #commit} would have returned.
   */
  record Deferred<T>(Committed<T> committed, CompletionStage<Void> durable) {}

  /**
   * As {@link #commit}, but returns once the events are written and applied, without waiting
   * for them to be durable on the calling thread: an enforcement service answers from {@code
   * durable}'s completion instead of holding a thread per waiting call. What depends on {@code
   * durable} runs on the thread that completes it and must not block. This default commits and
   * waits, for stores whose commits are durable when they return (PostgreSQL's).
   */
  default <T> Deferred<T> commitDeferred(Function<GrantTable, Change<T>> op) {
    return new Deferred<>(commit(op), CompletableFuture.completedFuture(null));
  }

  /** As {@link #commit}, the result alone. */
  default <T> T update(Function<GrantTable, Change<T>> op) {
    return commit(op).result();
  }

  /** Runs a read-only query on the current table. */
  <T> T read(Function<GrantTable, T> query);

  /**
   * Up to {@code limit} records with a seq greater than {@code after} that match {@code filter},
   * oldest first, read from where the trail is kept (not from a copy in memory).
   */
  AuditPage audit(long after, int limit, Predicate<AuditRecord> filter);

  /** Every record that matches, oldest first, read page by page (the result is all in memory). */
  default List<AuditRecord> audit(Predicate<AuditRecord> filter) {
    List<AuditRecord> out = new ArrayList<>();
    long after = 0;
    while (true) {
      AuditPage page = audit(after, 1000, filter);
      out.addAll(page.records());
      if (page.nextAfter() == after) {
        return out;
      }
      after = page.nextAfter();
    }
  }

  /** Hash of the last audit record. */
  String head();

  /** The seq of the last committed audit record (0 when there is none). */
  long lastSeq();

  @Override
  void close();
}

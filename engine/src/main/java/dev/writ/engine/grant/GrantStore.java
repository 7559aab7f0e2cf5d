package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Where grants, pending requests and the audit trail live. Every change is a list of audit
 * events: appended durably first, then applied to the table, under one lock, so that no reader
 * sees a state the trail does not explain and no crash loses an acknowledged change.
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

  /** Runs {@code op} on the current table under the store's lock and commits the events it returns. */
  <T> T update(Function<GrantTable, Change<T>> op);

  /** Runs a read-only query on the current table. */
  <T> T read(Function<GrantTable, T> query);

  List<AuditRecord> audit(Predicate<AuditRecord> filter);

  /** Hash of the last audit record. */
  String head();

  @Override
  void close();
}

package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.AuditTrail;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.audit.MemoryAuditTrail;
import dev.writ.engine.audit.TrailRepair;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The embedded store: the audit trail is the log, and the grant table is rebuilt from it on
 * start. One writer at a time (a write lock around "append, then apply"); readers share a read
 * lock. See docs/architecture.md for why this design.
 */
public final class EventSourcedGrantStore implements GrantStore {
  private final AuditTrail trail;
  private final GrantTable table = new GrantTable();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  public EventSourcedGrantStore(AuditTrail trail) {
    this.trail = trail;
    for (AuditRecord r : trail.records()) {
      table.apply(r.event());
    }
  }

  /** A durable store in {@code dir} (the trail is {@code dir/audit.jsonl}). */
  public static EventSourcedGrantStore open(Path dir) {
    return new EventSourcedGrantStore(FileAuditTrail.open(dir.resolve("audit.jsonl")));
  }

  public static EventSourcedGrantStore inMemory() {
    return new EventSourcedGrantStore(new MemoryAuditTrail());
  }

  public AuditTrail trail() {
    return trail;
  }

  /**
   * The torn tail that opening the trail cut off (what a crash during a write leaves), if it
   * did: for the caller to log, since the engine does not log.
   */
  public Optional<TrailRepair> repair() {
    return trail instanceof FileAuditTrail f ? f.repair() : Optional.empty();
  }

  @Override
  public <T> T update(Function<GrantTable, Change<T>> op) {
    lock.writeLock().lock();
    try {
      Change<T> change = op.apply(table);
      // Durable first: if the append fails, the table is untouched and the caller gets the error.
      trail.append(change.events());
      change.events().forEach(table::apply);
      return change.result().apply(table);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public <T> T read(Function<GrantTable, T> query) {
    lock.readLock().lock();
    try {
      return query.apply(table);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<AuditRecord> audit(Predicate<AuditRecord> filter) {
    return trail.query(filter);
  }

  @Override
  public String head() {
    return trail.head();
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      trail.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}

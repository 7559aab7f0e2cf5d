package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditException;
import dev.writ.engine.audit.AuditPage;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.AuditTrail;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.audit.MemoryAuditTrail;
import dev.writ.engine.audit.TrailRepair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The embedded store: the audit trail is the log, and the grant table is rebuilt from it on
 * start (from the last snapshot on, see {@link GrantSnapshot}). One writer at a time decides and
 * writes a change (under a write lock around "decide, write, apply"); the wait for the disk
 * happens after the lock is released, so concurrent changes share one flush (group commit, see
 * {@link FileAuditTrail}). Nothing is answered before the records it depends on are durable: a
 * change waits for its own records, and a read or a change that records nothing waits for every
 * record written before it looked at the table. See docs/architecture.md for why this design.
 */
public final class EventSourcedGrantStore implements GrantStore {
  /** A snapshot of the table is written after this many records (and when the store is closed). */
  public static final long SNAPSHOT_EVERY = 10_000;

  private final AuditTrail trail;
  private GrantTable table;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Path snapshotFile; // null: no snapshots (a trail in memory)
  private final long snapshotEvery;
  private final List<String> notes = new ArrayList<>();
  private final ReentrantLock snapshotting = new ReentrantLock();
  private volatile long snapshotSeq;
  private volatile long snapshotAttempt;
  private volatile boolean closed;
  private volatile String snapshotFailure;

  public EventSourcedGrantStore(AuditTrail trail) {
    this.trail = trail;
    this.table = new GrantTable();
    this.snapshotFile = null;
    this.snapshotEvery = Long.MAX_VALUE;
    for (AuditRecord r : trail.records()) {
      table.apply(r.event());
    }
  }

  private EventSourcedGrantStore(Path dir, long snapshotEvery) {
    this.snapshotFile = dir.resolve("grants.snapshot");
    this.snapshotEvery = snapshotEvery;
    GrantSnapshot.Read snap = GrantSnapshot.read(snapshotFile);
    if (snap.problem() != null) {
      notes.add("ignored the snapshot " + snapshotFile + " (" + snap.problem() + "); replayed the whole trail");
    }
    GrantSnapshot.Loaded loaded = snap.loaded();
    FileAuditTrail file = FileAuditTrail.open(dir.resolve("audit.jsonl"), loaded == null ? null : loaded.resume(),
        from -> {
          table = from == 0 ? new GrantTable(this::records) : GrantTable.restore(loaded.table(), this::records);
          return e -> table.apply(e);
        });
    file.resumeRejected().ifPresent(why -> notes.add("ignored the snapshot " + snapshotFile + " at record "
        + loaded.resume().seq() + " because the trail contradicts it (" + why + "); replayed the whole trail"));
    this.trail = file;
    table.evict(file.lastSeq()); // after a full replay, or ended in the tail: only what can still change stays
    this.snapshotSeq = file.resumedFrom();
    this.snapshotAttempt = snapshotSeq;
  }

  /** A durable store in {@code dir} (the trail is {@code dir/audit.jsonl}, the snapshot {@code dir/grants.snapshot}). */
  public static EventSourcedGrantStore open(Path dir) {
    return new EventSourcedGrantStore(dir, SNAPSHOT_EVERY);
  }

  /** As {@link #open(Path)}, with a snapshot every {@code snapshotEvery} records (tests). */
  static EventSourcedGrantStore open(Path dir, long snapshotEvery) {
    return new EventSourcedGrantStore(dir, snapshotEvery);
  }

  public static EventSourcedGrantStore inMemory() {
    return new EventSourcedGrantStore(new MemoryAuditTrail());
  }

  /**
   * The events of these records (ascending seqs, durable): what an evicted grant is rebuilt
   * from. Consecutive seqs (a change's records) are read in one pass from the trail's index.
   */
  private List<AuditEvent> records(long[] seqs) {
    List<AuditEvent> out = new ArrayList<>(seqs.length);
    for (int i = 0; i < seqs.length; ) {
      int j = i + 1;
      while (j < seqs.length && seqs[j] == seqs[j - 1] + 1) {
        j++;
      }
      AuditPage page = trail.read(seqs[i] - 1, j - i, r -> true);
      for (int k = i; k < j; k++) {
        AuditRecord r = k - i < page.records().size() ? page.records().get(k - i) : null;
        if (r == null || r.seq() != seqs[k]) {
          throw new AuditException("the audit trail has no record " + seqs[k] + " (of a grant the store holds)");
        }
        out.add(r.event());
      }
      i = j;
    }
    return out;
  }

  /** The grants held in memory and those answered from the trail (ended ones, evicted; see {@link GrantTable#evict}). */
  public long[] grantCounts() {
    return read(GrantTable::sizes);
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

  /** What opening found worth a warning in the log (a snapshot that was ignored, and why). */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** The seq the last snapshot stands at (read on open or written since); 0 when there is none. */
  public long snapshotSeq() {
    return snapshotSeq;
  }

  /** Why the last snapshot could not be written, if it could not (the store works on; a restart replays more). */
  public Optional<String> snapshotFailure() {
    return Optional.ofNullable(snapshotFailure);
  }

  @Override
  public <T> Committed<T> commit(Function<GrantTable, Change<T>> op) {
    Written<T> w = write(op);
    // Outside the lock: the next change is decided and written while this one's flush runs.
    trail.awaitDurable(w.seq);
    snapshotIfDue(w.seq);
    return w.committed();
  }

  /**
   * As {@link #commit}, answered from the trail's group commit ({@link AuditTrail#whenDurable}):
   * no thread waits for the flush on this change's behalf.
   */
  @Override
  public <T> Deferred<T> commitDeferred(Function<GrantTable, Change<T>> op) {
    Written<T> w = write(op);
    CompletionStage<Void> durable = trail.whenDurable(w.seq);
    snapshotIfDue(w.seq); // a snapshot waits for its own records to be durable
    return new Deferred<>(w.committed(), durable);
  }

  /** A change written to the trail and applied to the table, up to the seq of its last record. */
  private record Written<T>(T result, long seq, boolean recorded) {
    Committed<T> committed() {
      return new Committed<>(result, recorded ? seq : 0);
    }
  }

  private <T> Written<T> write(Function<GrantTable, Change<T>> op) {
    lock.writeLock().lock();
    try {
      Change<T> change = op.apply(table);
      // Written first: if the write fails, the table is untouched and the caller gets the error.
      long seq = trail.write(change.events());
      change.events().forEach(table::apply);
      return new Written<>(change.result().apply(table), seq, !change.events().isEmpty());
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void snapshotIfDue(long seq) {
    if (snapshotFile != null && seq - snapshotAttempt >= snapshotEvery && !closed) {
      snapshotAttempt = seq;
      Thread t = new Thread(() -> snapshot(false), "writ-snapshot"); // off the caller's path
      t.setDaemon(true);
      t.start();
    }
  }

  @Override
  public <T> T read(Function<GrantTable, T> query) {
    T result;
    long seen;
    lock.readLock().lock();
    try {
      result = query.apply(table);
      seen = trail.writtenSeq();
    } finally {
      lock.readLock().unlock();
    }
    trail.awaitDurable(seen); // what it saw may not be on disk yet: answer only once it is
    return result;
  }

  /**
   * Writes a snapshot of the table as of the last record written, once that record is durable.
   * One at a time: a caller that finds one being written goes on without (unless {@code wait}).
   * Under the write lock, ended grants whose records are durable leave memory ({@link
   * GrantTable#evict}) and the table is copied (its events are immutable values); serialising
   * and writing happen outside it.
   */
  private void snapshot(boolean wait) {
    if (wait) {
      snapshotting.lock();
    } else if (!snapshotting.tryLock()) {
      return;
    }
    try {
      if (closed && !wait) {
        return;
      }
      FileAuditTrail file = (FileAuditTrail) trail;
      FileAuditTrail.Resume at;
      GrantTable.Snapshot copy;
      lock.writeLock().lock(); // evicting changes the table
      try {
        at = file.resumePoint();
        if (at.seq() <= snapshotSeq) {
          return;
        }
        if (table.seq() != at.seq()) {
          throw new IllegalStateException("internal invariant violated: the table has applied " + table.seq()
              + " records, the trail holds " + at.seq());
        }
        table.evict(file.lastSeq()); // only what the trail can read back (durable) leaves memory
        copy = table.snapshot();
      } finally {
        lock.writeLock().unlock();
      }
      file.awaitDurable(at.seq()); // never a snapshot ahead of what the disk holds
      GrantSnapshot.write(snapshotFile, at, copy);
      snapshotSeq = at.seq();
      snapshotFailure = null;
    } catch (IOException | RuntimeException e) {
      snapshotFailure = "cannot write the snapshot " + snapshotFile + ": " + e.getMessage();
    } finally {
      snapshotting.unlock();
    }
  }

  @Override
  public AuditPage audit(long after, int limit, Predicate<AuditRecord> filter) {
    return trail.read(after, limit, filter);
  }

  @Override
  public String head() {
    return trail.head();
  }

  @Override
  public long lastSeq() {
    return trail.lastSeq();
  }

  /** Writes a last snapshot (so that the next start replays nothing), then closes the trail. */
  @Override
  public void close() {
    closed = true;
    if (snapshotFile != null) {
      snapshot(true);
    }
    lock.writeLock().lock();
    try {
      trail.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}

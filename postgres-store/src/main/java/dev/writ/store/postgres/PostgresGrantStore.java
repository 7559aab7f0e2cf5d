package dev.writ.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.writ.engine.audit.AuditCodec;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditException;
import dev.writ.engine.audit.AuditPage;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailFormat;
import dev.writ.engine.grant.GrantStore;
import dev.writ.engine.grant.GrantTable;
import dev.writ.engine.grant.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared store: grants, pending requests, approvals and the audit trail in PostgreSQL, for
 * any number of enforcement services on one database. As in the file store, the trail is the log
 * ({@code writ_trail}, one row per record, the exact hash-chained line) and each process keeps
 * the {@link GrantTable} folded from it.
 *
 * <p>Every {@link #update} is committed in one transaction: it locks the chain's head row
 * ({@code writ_head ... FOR UPDATE}), so changes from all replicas commit one at a time; reads
 * the records committed since this process last looked and applies them to its table; runs the
 * operation on that table; appends its events chained to the head; commits; and only then
 * returns. So a change always decides on every change committed before it (a revocation
 * acknowledged by any replica is seen by the next action check anywhere), the chain's order is
 * the commit order, and a change is in the database whole or not at all. Changes that wait in
 * this process meanwhile are committed together in the next transaction (group commit).
 * {@link #read} catches up the same way first (no lock: a read of the new rows). There is no
 * cache to invalidate: the table is never used for a decision before it has caught up.
 *
 * <p>When the database cannot be reached, every call throws {@link StoreUnavailableException}
 * and nothing is acknowledged; the pool reconnects by itself once the database is back, and the
 * next call catches up.
 */
public final class PostgresGrantStore implements GrantStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresGrantStore.class);
  private static final int FETCH = 1000;
  /** Most changes committed in one transaction. */
  static final int GROUP = 64;

  private final DataSource ds;
  private final HikariDataSource ownPool; // null when the caller owns the data source
  private final String location;
  private final Duration lockTimeout;
  private final Duration statementTimeout;
  private GrantTable table = new GrantTable(this::records); // replaced only by forget(), under the write lock
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong grouped = new AtomicLong();
  private boolean stale; // the table must be rebuilt from the trail before use (see forget)
  private final AtomicLong fromOthers = new AtomicLong();
  private volatile long lastFailureLog;
  private long seq;                          // the last record applied to the table
  private String head = TrailFormat.GENESIS; // and its hash
  /** Records between two evictions of ended grants from the table (see {@link GrantTable#evict}). */
  static final long EVICT_EVERY = 10_000;
  private final long evictEvery;
  private long evictedAt;     // the seq the table was last evicted at
  private Connection current; // the connection the write lock's holder has open (ended grants are read back on it)

  private PostgresGrantStore(DataSource ds, HikariDataSource ownPool, String location, Duration lockTimeout,
                             Duration statementTimeout, long evictEvery) {
    this.evictEvery = evictEvery;
    this.ds = ds;
    this.ownPool = ownPool;
    this.location = location;
    this.lockTimeout = lockTimeout;
    this.statementTimeout = statementTimeout;
  }

  /**
   * Connects (a pool of {@code settings.poolSize()}), creates or migrates the schema, and replays
   * the trail into the table.
   *
   * @throws StoreUnavailableException when the database cannot be reached or used (the message
   *                                   names the location and why, without the password)
   * @throws AuditException            when the trail in the database is damaged
   */
  public static PostgresGrantStore open(PostgresStoreSettings settings) {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari(settings));
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("cannot connect to " + settings.location() + ": " + rootMessage(e), e);
    }
    try {
      return open(pool, pool, settings.location(), settings.lockTimeout(), settings.statementTimeout(), EVICT_EVERY);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * A store on a data source the caller owns (and closes): an embedding application's own pool.
   * Migrates and replays as {@link #open(PostgresStoreSettings)} does.
   */
  public static PostgresGrantStore open(DataSource ds, String location) {
    return open(ds, location, EVICT_EVERY);
  }

  /** As {@link #open(DataSource, String)}, evicting ended grants every {@code evictEvery} records (tests). */
  static PostgresGrantStore open(DataSource ds, String location, long evictEvery) {
    return open(ds, null, location, Duration.ofSeconds(5), Duration.ofSeconds(30), evictEvery);
  }

  private static PostgresGrantStore open(DataSource ds, HikariDataSource own, String location, Duration lockTimeout,
                                         Duration statementTimeout, long evictEvery) {
    try {
      Migrations.migrate(ds);
    } catch (SQLException | RuntimeException e) {
      throw new StoreUnavailableException("cannot create or migrate the schema in " + location + ": "
          + rootMessage(e), e);
    }
    PostgresGrantStore store = new PostgresGrantStore(ds, own, location, lockTimeout, statementTimeout, evictEvery);
    try {
      store.replay();
    } catch (StoreUnavailableException e) {
      throw new StoreUnavailableException("cannot read the trail in " + location + ": " + rootMessage(e), e);
    }
    store.fromOthers.set(0);
    return store;
  }

  static HikariConfig hikari(PostgresStoreSettings s) {
    HikariConfig h = new HikariConfig();
    h.setPoolName("writ-store");
    h.setJdbcUrl(s.url());
    s.user().ifPresent(h::setUsername);
    s.password().ifPresent(h::setPassword);
    h.setMaximumPoolSize(s.poolSize());
    h.setMinimumIdle(Math.min(2, s.poolSize()));
    h.setConnectionTimeout(s.connectTimeout().toMillis());
    h.setValidationTimeout(Math.max(250, s.connectTimeout().toMillis() / 2));
    h.setInitializationFailTimeout(s.connectTimeout().toMillis());
    h.setAutoCommit(true);
    long connectSeconds = Math.max(1, (s.connectTimeout().toMillis() + 999) / 1000);
    h.addDataSourceProperty("connectTimeout", Long.toString(connectSeconds));
    h.addDataSourceProperty("loginTimeout", Long.toString(connectSeconds));
    // A socket that stops answering (a database host gone without a reset) fails the call after
    // the statement timeout and a margin, instead of hanging it.
    h.addDataSourceProperty("socketTimeout", Long.toString(s.statementTimeout().toSeconds() + 10));
    h.addDataSourceProperty("tcpKeepAlive", "true");
    h.addDataSourceProperty("ApplicationName", "writ");
    return h;
  }

  /** Where the store is (the URL without a password), for messages and {@code /health}. */
  public String location() {
    return location;
  }

  /** Records this process applied from changes committed by other processes (since it opened). */
  public long recordsFromOthers() {
    return fromOthers.get();
  }

  /** Transactions that committed, and the changes (that recorded events) they committed: more changes than commits is group commit at work. */
  public long[] commitsAndChanges() {
    return new long[] {commits.get(), grouped.get()};
  }

  /** Calls that failed because the database could not be reached or used (since it opened). */
  public long failures() {
    return failures.get();
  }

  // ---- the GrantStore contract -------------------------------------------------------

  /**
   * Runs {@code op} in the next transaction of this process. Changes that arrive while one is
   * being committed are committed together in the next (group commit): the first caller to get
   * the lock commits every change waiting at that moment, each decided on the table as the
   * changes before it in the group left it, each its own complete change in the trail, all in
   * one transaction and one flush to disk. None is answered before that transaction commits;
   * if it does not, none is acknowledged.
   */
  @Override
  public <T> Committed<T> commit(Function<GrantTable, Change<T>> op) {
    Pending<T> mine = new Pending<>(op);
    queue.add(mine);
    lock.writeLock().lock();
    try {
      if (!mine.done) {
        commitWaiting();
      }
    } finally {
      lock.writeLock().unlock();
    }
    return new Committed<>(mine.answer(), mine.seq);
  }

  /** A change waiting for its transaction, and what came of it. */
  private static final class Pending<T> {
    final Function<GrantTable, Change<T>> op;
    Change<T> change;
    T result;
    RuntimeException failure;
    Error error;
    boolean done; // written and read under the write lock
    long seq;     // the last record of the change, once committed (0: it recorded nothing)

    Pending(Function<GrantTable, Change<T>> op) {
      this.op = op;
    }

    void run(GrantTable table) {
      try {
        change = op.apply(table);
      } catch (RuntimeException e) {
        failure = e;
      } catch (Error e) {
        error = e;
      }
    }

    /**
     * Reads the answer from the table once this change's events are applied (and before the next
     * change of the group runs), so that it is what the trail built; kept only if the group commits.
     */
    void answerFrom(GrantTable table) {
      if (change == null) {
        return;
      }
      try {
        result = change.result().apply(table);
      } catch (RuntimeException e) {
        failure = e;
        change = null;
      } catch (Error e) {
        error = e;
        change = null;
      }
    }

    List<AuditEvent> events() {
      return change == null ? List.of() : change.events();
    }

    void succeed() {
      done = true;
    }

    /** The group did not commit: an operation that failed by itself keeps its own failure. */
    void fail(RuntimeException e) {
      seq = 0;
      if (failure == null && error == null) {
        failure = e;
        change = null;
        result = null;
      }
      done = true;
    }

    T answer() {
      if (error != null) {
        throw error;
      }
      if (failure != null) {
        throw failure;
      }
      return result;
    }
  }

  /** Commits every change waiting now (at most {@link #GROUP} of them); the caller holds the write lock. */
  private void commitWaiting() {
    List<Pending<?>> group = new ArrayList<>();
    for (Pending<?> p = queue.poll(); p != null; p = group.size() < GROUP ? queue.poll() : null) {
      group.add(p);
    }
    if (group.isEmpty()) {
      return;
    }
    Connection c = null;
    boolean committing = false;
    boolean applied = false; // whether the table holds changes of this group (not yet committed)
    try {
      if (stale) {
        replay();
      }
      c = connection(false);
      current = c;
      try {
        lockAndCatchUp(c);
      } catch (SQLException e) {
        if (!broken(e)) {
          throw e;
        }
        // A connection from before a database restart or failover: nothing was done on it, so
        // once more on a new one (the pool drops the others, which are likely dead too).
        rollbackQuietly(c);
        closeQuietly(c);
        c = null;
        evictIdle();
        c = connection(false);
        current = c;
        lockAndCatchUp(c);
      }
      // Each change decides on the table as the changes before it left it: their events are
      // applied as they come, ahead of the commit (undone by a full replay should it fail).
      List<Long> seqs = new ArrayList<>();
      List<String> lines = new ArrayList<>();
      List<String> hashes = new ArrayList<>();
      long s = seq;
      String h = head;
      int recorded = 0;
      for (Pending<?> p : group) {
        p.run(table);
        List<AuditEvent> events = p.events();
        for (int i = 0; i < events.size(); i++) {
          TrailFormat.Line line = TrailFormat.line(++s, h, AuditCodec.write(events.get(i)), i < events.size() - 1);
          seqs.add(s);
          lines.add(line.text());
          hashes.add(line.hash());
          h = line.hash();
        }
        if (!events.isEmpty()) {
          p.seq = s;
          recorded++;
          applied = true;
          events.forEach(table::apply);
        }
        p.answerFrom(table);
      }
      if (seqs.isEmpty()) {
        c.rollback();
      } else {
        try (PreparedStatement ps = c.prepareStatement("WITH appended AS (INSERT INTO writ_trail (seq, line, hash) "
            + "SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[]) RETURNING 1) "
            + "UPDATE writ_head SET seq = ?, hash = ? WHERE id = 1")) {
          ps.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
          ps.setArray(2, c.createArrayOf("text", lines.toArray()));
          ps.setArray(3, c.createArrayOf("text", hashes.toArray()));
          ps.setLong(4, s);
          ps.setString(5, h);
          ps.executeUpdate();
        }
        committing = true;
        c.commit();
        // Durable in the database (synchronous commit): now, and only now, the callers.
        seq = s;
        head = h;
        commits.incrementAndGet();
        grouped.addAndGet(recorded);
      }
      group.forEach(Pending::succeed);
      recovered();
      evictIfDue(); // after the group is answered: it committed, whatever evicting does
    } catch (SQLException e) {
      rollbackQuietly(c);
      forget(applied);
      StoreUnavailableException u = unavailable(committing ? "the commit did not complete (it may or may not "
          + "have been recorded; the trail tells)" : "nothing was recorded", e);
      group.forEach(p -> p.fail(u));
    } catch (RuntimeException e) {
      rollbackQuietly(c);
      forget(applied);
      group.forEach(p -> p.fail(e));
    } catch (Error e) {
      rollbackQuietly(c);
      forget(applied);
      IllegalStateException failed = new IllegalStateException("the store failed: " + e, e);
      group.forEach(p -> p.fail(failed));
      throw e;
    } finally {
      current = null;
      closeQuietly(c);
      for (Pending<?> p : group) {
        p.done = true;
      }
    }
  }

  /**
   * In one round trip: this transaction's limits, the lock on the head (waiting for the change
   * of any other replica to commit), then, in a fresh snapshot taken after the lock (read
   * committed), every record committed since this table last caught up, applied to it. `seq` is
   * a long this class owns, so it is written into the text directly.
   */
  private void lockAndCatchUp(Connection c) throws SQLException {
    long headSeq;
    String headHash;
    try (Statement st = c.createStatement()) {
      boolean rows = st.execute(limits() + "SELECT seq, hash FROM writ_head WHERE id = 1 FOR UPDATE; "
          + "SELECT seq, line FROM writ_trail WHERE seq > " + seq + " ORDER BY seq");
      while (!rows) {
        rows = st.getMoreResults();
        if (!rows && st.getUpdateCount() == -1) {
          throw new SQLException("no head row in writ_head");
        }
      }
      try (ResultSet r = st.getResultSet()) {
        if (!r.next()) {
          throw new AuditException("the audit trail in " + location + " has no head row (writ_head is empty); "
              + "refusing to use it");
        }
        headSeq = r.getLong(1);
        headHash = r.getString(2);
      }
      if (!st.getMoreResults()) {
        throw new SQLException("the catch-up query returned no result");
      }
      try (ResultSet r = st.getResultSet()) {
        catchUp(r);
      }
    }
    if (seq != headSeq || !head.equals(headHash)) {
      throw TrailRows.damaged(location, headSeq, "the head row says record " + headSeq + " " + headHash
          + ", the records end at " + seq + " " + head);
    }
  }

  /**
   * After a group that was applied to the table did not commit: the table holds changes the
   * database does not, so it is dropped and rebuilt from the trail before it is used again.
   */
  private void forget(boolean applied) {
    if (applied) {
      stale = true;
      table = new GrantTable(this::records);
      evictedAt = 0;
      seq = 0;
      head = TrailFormat.GENESIS;
    }
  }

  @Override
  public <T> T read(Function<GrantTable, T> query) {
    lock.writeLock().lock();
    try {
      if (stale) {
        replay();
      } else {
        catchUpNow();
        evictIfDue();
      }
      lock.readLock().lock(); // held on from the write lock: nothing changes the table in between
    } finally {
      lock.writeLock().unlock();
    }
    try {
      return query.apply(table);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * A page of the trail: the rows after {@code after} ({@code seq > ? ORDER BY seq LIMIT ?}, on
   * the primary key), each checked against its hash and the one before it (the first against
   * the record at {@code after}, read with them), filtered; rows that do not match are read in
   * further batches until {@code limit} match or the trail ends.
   */
  @Override
  public AuditPage audit(long after, int limit, Predicate<AuditRecord> filter) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit);
    }
    Connection c = null;
    try {
      c = ds.getConnection();
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      List<AuditRecord> out = new ArrayList<>();
      long s = Math.max(after, 0);
      String h = TrailFormat.GENESIS;
      if (s > 0) {
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM writ_trail WHERE seq = ?")) {
          ps.setLong(1, s);
          try (ResultSet r = ps.executeQuery()) {
            if (!r.next()) {
              c.commit();
              recovered();
              return new AuditPage(List.of(), after); // past the end of the trail
            }
            h = r.getString(1);
          }
        }
      }
      int batch = Math.min(Math.max(limit, 64), FETCH);
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, line FROM writ_trail WHERE seq > ? ORDER BY seq "
          + "LIMIT ?")) {
        while (out.size() < limit) {
          ps.setLong(1, s);
          ps.setInt(2, batch);
          int rows = 0;
          try (ResultSet r = ps.executeQuery()) {
            while (r.next() && out.size() < limit) {
              rows++;
              AuditRecord rec = TrailRows.read(location, r.getLong(1), r.getString(2), s, h).record();
              s = rec.seq();
              h = rec.hash();
              if (filter.test(rec)) {
                out.add(rec);
              }
            }
          }
          if (rows < batch) {
            break;
          }
        }
      }
      c.commit();
      recovered();
      return new AuditPage(out, Math.max(s, after));
    } catch (SQLException e) {
      rollbackQuietly(c);
      throw unavailable("cannot read the trail", e);
    } finally {
      if (c != null) {
        try {
          c.setReadOnly(false);
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        } catch (SQLException ignored) {
          // a broken connection: the pool drops it
        }
      }
      closeQuietly(c);
    }
  }

  /** The hash of the last record, as of now (caught up first). */
  @Override
  public String head() {
    return read(t -> head);
  }

  /** The number of the last record, as of now (caught up first). */
  public long lastSeq() {
    return read(t -> seq);
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (ownPool != null) {
        ownPool.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ---- catching up -------------------------------------------------------------------

  /** Replays the trail (the whole of it on open, and after {@link #forget}), in pages. */
  private void replay() {
    lock.writeLock().lock();
    Connection c = null;
    try {
      c = ds.getConnection();
      c.setAutoCommit(false);
      current = c;
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, line FROM writ_trail WHERE seq > ? ORDER BY seq")) {
        ps.setFetchSize(FETCH);
        ps.setLong(1, seq);
        try (ResultSet r = ps.executeQuery()) {
          catchUp(r);
        }
      }
      c.commit();
      stale = false;
      evictedAt = seq;
      table.evict(seq); // after a replay only what can still change stays in memory
    } catch (SQLException e) {
      rollbackQuietly(c);
      throw unavailable("cannot read the trail", e);
    } finally {
      current = null;
      closeQuietly(c);
      lock.writeLock().unlock();
    }
  }

  /**
   * Every {@link #evictEvery} records, ended grants that nothing can change any more leave the
   * table (their records are committed: every record the table holds is), as the file store's do
   * at a snapshot; the caller holds the write lock.
   */
  private void evictIfDue() {
    if (seq - evictedAt >= evictEvery) {
      evictedAt = seq;
      try {
        table.evict(seq);
      } catch (RuntimeException e) { // a broken invariant: the table is rebuilt from the trail before its next use
        LOG.error("store: evicting ended grants failed; the grant table is rebuilt from the trail", e);
        forget(true);
      }
    }
  }

  /** Rows per query when ended grants are read back. */
  private static final int READ_BACK_BATCH = 10_000;

  /**
   * The events of records {@code seqs} (ascending): what an evicted grant is rebuilt from
   * ({@link GrantTable.Records}), each row checked against its hash. Read on the connection the
   * write lock's holder has open when it is the caller (so a catch-up or a commit needs no second
   * connection), else on one of the pool's.
   */
  private List<AuditEvent> records(long[] seqs) {
    Connection mine = lock.isWriteLockedByCurrentThread() ? current : null;
    Connection c = mine;
    List<AuditEvent> out = new ArrayList<>(seqs.length);
    try {
      if (c == null) {
        c = connection(true);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, line FROM writ_trail WHERE seq = ANY(?) ORDER BY seq")) {
        for (int from = 0; from < seqs.length; from += READ_BACK_BATCH) {
          int to = Math.min(seqs.length, from + READ_BACK_BATCH);
          Long[] batch = new Long[to - from];
          for (int i = from; i < to; i++) {
            batch[i - from] = seqs[i];
          }
          ps.setArray(1, c.createArrayOf("bigint", batch));
          int i = from;
          try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
              long s = r.getLong(1);
              if (i >= to || s != seqs[i]) {
                break;
              }
              out.add(TrailRows.readAlone(location, s, r.getString(2)));
              i++;
            }
          }
          if (i < to) {
            throw TrailRows.damaged(location, seqs[i], "missing: a record of an ended grant is not in the trail");
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw unavailable("cannot read ended grants back", e);
    } finally {
      if (mine == null) {
        closeQuietly(c);
      }
    }
  }

  /** The grants held in memory and the ended ones answered from the trail (evicted). */
  public long[] grantCounts() {
    return read(GrantTable::sizes);
  }

  /** Applies what other processes committed since the last look; the caller holds the write lock. */
  private void catchUpNow() {
    try {
      try {
        catchUpOnce();
      } catch (SQLException e) {
        if (!broken(e)) {
          throw e;
        }
        evictIdle(); // a connection from before a restart: once more, on a new one
        catchUpOnce();
      }
      recovered();
    } catch (SQLException e) {
      throw unavailable("cannot read the grants", e);
    }
  }

  private void catchUpOnce() throws SQLException {
    Connection c = connection(true);
    current = c;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, line FROM writ_trail WHERE seq > ? ORDER BY seq")) {
      ps.setLong(1, seq);
      try (ResultSet r = ps.executeQuery()) {
        catchUp(r);
      }
    } finally {
      current = null;
      closeQuietly(c);
    }
  }

  private Connection connection(boolean autoCommit) throws SQLException {
    Connection c = ds.getConnection();
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  /** Whether {@code e} says the connection is gone (SQLSTATE 08: connection exception; 57P0x: shutdown). */
  static boolean broken(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException q && q.getSQLState() != null
          && (q.getSQLState().startsWith("08") || q.getSQLState().startsWith("57P0"))) {
        return true;
      }
    }
    return false;
  }

  /** Drops the pool's idle connections (they are likely dead too), when the pool is this store's. */
  private void evictIdle() {
    if (ownPool != null && ownPool.getHikariPoolMXBean() != null) {
      ownPool.getHikariPoolMXBean().softEvictConnections();
    }
  }

  /**
   * Applies the records in {@code r} (seq, line; in order, following {@link #seq}) commit by
   * commit. A commit's records become visible together, so a commit cut short cannot be read;
   * should the rows end inside one all the same, its records are left for the next look.
   */
  private void catchUp(ResultSet r) throws SQLException {
    try {
      catchUpRows(r);
    } catch (RuntimeException e) {
      // Part of a commit may be applied (an ended grant that could not be read back, a damaged
      // row): the table no longer matches a seq, so it is rebuilt from the trail before its next use.
      forget(true);
      throw e;
    }
  }

  private void catchUpRows(ResultSet r) throws SQLException {
    List<AuditEvent> commit = new ArrayList<>();
    long s = seq;
    String h = head;
    while (r.next()) {
      TrailRows.Row row = TrailRows.read(location, r.getLong(1), r.getString(2), s, h);
      commit.add(row.record().event());
      s = row.record().seq();
      h = row.record().hash();
      if (!row.more()) {
        commit.forEach(table::apply);
        fromOthers.addAndGet(commit.size());
        commit.clear();
        seq = s;
        head = h;
      }
    }
  }

  // ---- failures ----------------------------------------------------------------------

  private String limits() {
    return "SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'; "
        + "SET LOCAL statement_timeout = '" + statementTimeout.toMillis() + "ms'; "
        // A replica that stalls while holding the head (a long pause, a partition) is cut off by
        // the database, so the others wait for it at most this long; its change is then not made.
        + "SET LOCAL idle_in_transaction_session_timeout = '" + Math.max(1000, 2 * lockTimeout.toMillis())
        + "ms'; ";
  }

  /**
   * The exception callers see (a short, safe message: it reaches HTTP clients); the details go
   * to the log, at most every 10 seconds while the failures go on.
   */
  private StoreUnavailableException unavailable(String what, SQLException e) {
    long n = failures.incrementAndGet();
    long now = System.nanoTime();
    if (lastFailureLog == 0 || now - lastFailureLog > 10_000_000_000L) {
      lastFailureLog = now;
      LOG.warn("store: {} unavailable ({}): {} (failed calls so far: {})", location, what, rootMessage(e), n);
    }
    return new StoreUnavailableException("the grant store is unavailable: " + what, e);
  }

  private void recovered() {
    if (lastFailureLog != 0) {
      lastFailureLog = 0;
      LOG.info("store: {} reachable again", location);
    }
  }

  /** The most telling message of a failure: the innermost cause's (e.g. "Connection refused"). */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        msg = t.getMessage();
      }
    }
    return msg == null ? e.getClass().getSimpleName() : msg.strip();
  }

  private static void rollbackQuietly(Connection c) {
    if (c != null) {
      try {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
      } catch (SQLException ignored) {
        // a broken connection has no transaction left to roll back
      }
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.setAutoCommit(true);
      } catch (SQLException ignored) {
        // broken: the pool evicts it
      }
      try {
        c.close();
      } catch (SQLException ignored) {
        // returned to the pool or dropped by it; nothing the caller could act on
      }
    }
  }
}

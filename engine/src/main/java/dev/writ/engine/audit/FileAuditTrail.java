package dev.writ.engine.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * The trail as a JSON-lines file. On open the chain is verified (from the first record, or from
 * where a verified snapshot left off, see {@link Resume}); a damaged record refuses the open
 * (the trail is evidence: it is never silently repaired), except a torn tail, which is what a
 * crash in the middle of an append leaves and was never acknowledged: a last line without its
 * end, and the records of a commit whose last record never made it to disk (see {@link
 * TrailFormat}). Both are cut off, so that a change is replayed whole or not at all, and {@link
 * #repair()} says what was cut. What is a torn tail is decided in one place, {@link
 * TrailVerifier}, which both this replay and {@code writ audit verify} read through, so the two
 * cannot disagree. The file is streamed: a trail may be larger than 2 GiB.
 *
 * <p><b>Group commit.</b> A commit is {@link #write written} (in seq order, which is the file's
 * order and the chain's) and then {@link #awaitDurable awaited}: the first waiter forces the
 * file to disk for every record written so far while later writers append to the next batch;
 * they wait for its force to end, and one of them forces theirs. One {@code force()} covers
 * every commit written before it started, so concurrent changes share it, and none is
 * acknowledged before a force that covers its last record has returned. A force that fails
 * leaves the trail refusing every later write (what reached the disk is unknown until a restart
 * reads it back).
 *
 * <p><b>No records in memory.</b> Queries read the file, through a sparse {@link TrailIndex}
 * (where every 256th record starts), and only up to the last durable record: a page costs the
 * records it reads, not the length of the trail.
 *
 * <p>One writer at a time: before the trail is read, {@code <file>.lock} next to it is locked
 * (an OS lock, held until {@link #close} or the end of the process), so a second store on the
 * same trail, in this process or another, is refused instead of interleaving its records with
 * this one's. The lock is on a file of its own because on Linux closing any descriptor of a
 * file drops the process's locks on it, and readers such as {@code writ audit verify} open the
 * trail itself.
 */
public final class FileAuditTrail implements AuditTrail {
  /**
   * A point in the trail that a caller already holds the state of (a snapshot): record {@code
   * seq} with hash {@code hash} ends just before byte {@code end}, and {@code index} holds the
   * offsets of records 1, 257, ... up to it. Trusted only once the trail's own record at {@code
   * seq} agrees.
   */
  public record Resume(long seq, String hash, long end, long[] index) {}

  /** A position in the file: the last record up to it, the offset just after it, its hash. */
  private record Mark(long seq, long end, String head) {}

  private final Path file;
  private final FileChannel channel;
  private final FileChannel lockChannel;
  private final TrailIndex index;
  private final TrailRepair repair;
  private final long resumedFrom;
  private final String resumeRejected;
  private volatile Mark written;  // what has been written (changed under this object's monitor)
  private volatile Mark durable;  // what a completed force covers
  private final ReentrantLock forceLock = new ReentrantLock();
  private final Condition forced = forceLock.newCondition();
  private boolean forcing;        // guarded by forceLock
  private volatile AuditException failed;
  private final java.util.concurrent.atomic.AtomicLong forces = new java.util.concurrent.atomic.AtomicLong();
  private final TrailFormat.Encoder encoder = new TrailFormat.Encoder(); // guarded by this object's monitor
  /** Callers of {@link #whenDurable} whose records are not durable yet. */
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  /** Held by the one thread that forces for {@link #waiters} and completes them. */
  private final AtomicBoolean completing = new AtomicBoolean();

  private record Waiter(long seq, CompletableFuture<Void> done) {}

  private FileAuditTrail(Path file, int bufferSize, Resume resume, LongFunction<Consumer<AuditEvent>> replay) {
    this.file = file;
    FileChannel data = null;
    FileChannel lockFile = null;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      lockFile = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockFile.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new AuditException("the audit trail " + file + " is in use by another store (in this process or "
            + "another); only one writer may have it open");
      }
      data = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      this.channel = data;
      this.lockChannel = lockFile;
      String rejected = resume == null ? null : checkResume(resume);
      boolean resuming = resume != null && rejected == null;
      this.resumeRejected = rejected;
      this.resumedFrom = resuming ? resume.seq() : 0;
      this.index = resuming ? new TrailIndex(resume.index()) : new TrailIndex();
      TrailVerifier.Start from = resuming ? new TrailVerifier.Start(resume.end(), resume.seq(), resume.hash())
          : TrailVerifier.Start.BEGINNING;
      this.repair = load(bufferSize, from, replay.apply(resumedFrom));
    } catch (IOException | RuntimeException e) {
      for (FileChannel c : new FileChannel[] {data, lockFile}) {
        try {
          if (c != null) {
            c.close();
          }
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof AuditException a) {
        throw a;
      }
      throw new AuditException("cannot open the audit trail " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the trail, creating it if it does not exist, and verifies it. A torn tail is cut off
   * ({@link #repair()} says what was cut, for the caller to log); any other damage refuses the open.
   *
   * @throws AuditException when the trail is damaged, in use by another store, or cannot be read
   */
  public static FileAuditTrail open(Path file) {
    return new FileAuditTrail(file, TrailVerifier.DEFAULT_BUFFER, null, s -> e -> { });
  }

  /**
   * Opens the trail and replays it: from just after {@code resume} when the trail's record at
   * that point agrees with it (null: no resume point), otherwise from the first record ({@link
   * #resumeRejected()} says why). {@code replay} is given the seq replay starts after (0: the
   * beginning) before any event, and returns what gets each event of every complete commit
   * after it, in order.
   *
   * @throws AuditException when the trail is damaged, in use by another store, or cannot be read
   */
  public static FileAuditTrail open(Path file, Resume resume, LongFunction<Consumer<AuditEvent>> replay) {
    return new FileAuditTrail(file, TrailVerifier.DEFAULT_BUFFER, resume, replay);
  }

  /**
   * Reads a trail file without opening it as a store: no lock is taken and nothing is written,
   * so it works on a copy, an export ({@code writ audit export}) or the trail of a running
   * service. The records are those a restart would keep: a torn tail is left out (not cut).
   *
   * @throws AuditException when the trail is damaged or cannot be read
   */
  public static List<AuditRecord> read(Path file) {
    List<AuditRecord> out = new ArrayList<>();
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      readAll(file, in, TrailVerifier.DEFAULT_BUFFER, out);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new AuditException("cannot read the audit trail " + file + ": no such file", e);
    } catch (IOException e) {
      throw new AuditException("cannot read the audit trail " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Reads every record through the one reader of trail files into {@code records}, without
   * the records of a torn tail's unfinished commit (half a commit is no commit).
   */
  private static TrailVerifier.Result readAll(Path file, FileChannel in, int bufferSize, List<AuditRecord> records)
      throws IOException {
    TrailVerifier.Result r = TrailVerifier.read(file, in, bufferSize, TrailVerifier.Start.BEGINNING, (p, line, start) -> {
      AuditEvent event;
      try {
        event = AuditCodec.read(p.json());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      ObjectNode body = p.json().deepCopy();
      body.remove(TrailFormat.FRAMING);
      records.add(new AuditRecord(p.seq(), event, body, p.prev(), p.hash(), line));
    });
    if (r.damaged()) {
      throw new AuditException("the audit trail " + file + " is damaged at line " + r.firstBadLine() + ": "
          + r.problem() + "; refusing to use it. Run `writ audit verify " + file + "` for details");
    }
    if (r.tornTail() != null) {
      records.subList(records.size() - (int) r.tornTail().records(), records.size()).clear();
    }
    return r;
  }

  /** With a read buffer of {@code bufferSize} bytes (tests: lines longer than the buffer). */
  static FileAuditTrail open(Path file, int bufferSize) {
    return new FileAuditTrail(file, bufferSize, null, s -> e -> { });
  }

  /** The torn tail that opening cut off (left by a crash during a write), if there was one. */
  public Optional<TrailRepair> repair() {
    return Optional.ofNullable(repair);
  }

  /** Whether opening cut off a torn tail (left by a crash during a write). */
  public boolean repairedTail() {
    return repair != null;
  }

  /** The seq replay started after: the resume point when it was used, else 0. */
  public long resumedFrom() {
    return resumedFrom;
  }

  /** Why the resume point given to {@link #open(Path, Resume, LongFunction)} was not used, if it was not. */
  public Optional<String> resumeRejected() {
    return Optional.ofNullable(resumeRejected);
  }

  public Path file() {
    return file;
  }

  /** The offsets of every 256th record, for a snapshot that lets a later open skip the records before it. */
  public TrailIndex index() {
    return index;
  }

  /** Where the trail stands now (written, not necessarily durable yet): for a snapshot taken at this point. */
  public synchronized Resume resumePoint() {
    Mark w = written;
    return new Resume(w.seq(), w.head(), w.end(), index.offsets());
  }

  /** The offset just after the last durable record. */
  public long durableEnd() {
    return durable.end();
  }

  /**
   * Whether the trail's own record at the resume point agrees with it: null when it does, else
   * why not. The index entries are used to find the record and are checked on the way (each
   * line read must be the record it should be).
   */
  private String checkResume(Resume r) throws IOException {
    long size = channel.size();
    if (r.seq() < 1 || r.end() > size || r.index().length != TrailIndex.entries(r.seq())) {
      return "it says record " + r.seq() + " ends at byte " + r.end() + ", and the trail is " + size + " bytes";
    }
    long[] idx = r.index();
    long seq = (long) (idx.length - 1) * TrailIndex.EVERY + 1;
    if (idx[idx.length - 1] >= r.end()) {
      return "its index does not fit the trail";
    }
    LineReader lines = new LineReader(channel, idx[idx.length - 1], r.end());
    String line;
    TrailFormat.Parsed p = null;
    while ((line = lines.next()) != null) {
      try {
        p = TrailFormat.parse(line);
      } catch (IllegalArgumentException e) {
        return "byte " + lines.lineStart() + " of the trail is not a record (" + e.getMessage() + ")";
      }
      if (p.seq() != seq) {
        return "the trail holds record " + p.seq() + " where it says record " + seq + " is";
      }
      seq++;
    }
    if (p == null || p.seq() != r.seq() || lines.position() != r.end()) {
      return "the trail does not have record " + r.seq() + " where it says";
    }
    if (!p.hashMatches() || !p.hash().equals(r.hash())) {
      return "the trail's record " + r.seq() + " has hash " + p.hash() + ", not " + r.hash();
    }
    if (p.more()) {
      return "record " + r.seq() + " is not the end of a commit";
    }
    return null;
  }

  /** Replays the trail, through the one reader of trail files, and cuts its torn tail if it has one. */
  private TrailRepair load(int bufferSize, TrailVerifier.Start from, Consumer<AuditEvent> replay) throws IOException {
    List<AuditEvent> commit = new ArrayList<>(); // a commit is replayed once its last record is read
    TrailVerifier.Result r = TrailVerifier.read(file, channel, bufferSize, from, (p, line, start) -> {
      try {
        commit.add(AuditCodec.read(p.json()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      index.note(p.seq(), start);
      if (!p.more()) {
        commit.forEach(replay);
        commit.clear();
      }
    });
    if (r.damaged()) {
      throw new AuditException("the audit trail " + file + " is damaged at line " + r.firstBadLine() + ": "
          + r.problem() + "; refusing to use it. Run `writ audit verify " + file + "` for details");
    }
    TrailRepair tail = r.tornTail();
    long end = channel.size();
    if (tail != null) {
      // Half a commit is no commit: its records go with the unfinished line.
      end = tail.offset();
      channel.truncate(end);
      channel.force(true);
      index.cut(r.records());
    }
    Mark m = new Mark(r.records(), end, r.headHash());
    written = m;
    durable = m;
    return tail;
  }

  @Override
  public List<AuditRecord> append(List<AuditEvent> events) {
    List<AuditRecord> out = new ArrayList<>(events.size());
    writeCommit(events, out);
    if (!out.isEmpty()) {
      awaitDurable(out.get(out.size() - 1).seq());
    }
    return out;
  }

  @Override
  public synchronized long write(List<AuditEvent> events) {
    writeCommit(events, null); // the store's path: nothing reads the records, so none are built
    return written.seq();
  }

  /**
   * Writes one commit at the end of the file, without forcing it; adds its records to {@code
   * records} unless that is null. Each event is encoded once, straight to the bytes written.
   */
  private synchronized void writeCommit(List<AuditEvent> events, List<AuditRecord> records) {
    AuditException f = failed;
    if (f != null) {
      throw f;
    }
    if (events.isEmpty()) {
      return;
    }
    Mark w = written;
    TrailFormat.Encoder lines = encoder;
    lines.clear();
    long[] starts = new long[events.size()];
    String h = w.head();
    long seq = w.seq();
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      int start = lines.size();
      String hash = lines.append(++seq, h, e, i < events.size() - 1);
      starts[i] = w.end() + start;
      if (records != null) {
        records.add(new AuditRecord(seq, e, AuditCodec.write(e), h, hash, lines.line(start)));
      }
      h = hash;
    }
    int size = lines.size();
    try {
      ByteBuffer buf = lines.buffer();
      long pos = w.end();
      while (buf.hasRemaining()) {
        pos += channel.write(buf, pos);
      }
    } catch (IOException e) {
      // Take back whatever part of the commit was written (a full disk, say), so that the next
      // append continues the chain from the last record written whole.
      try {
        channel.truncate(w.end());
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new AuditException("cannot write the audit trail " + file + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < starts.length; i++) {
      index.note(w.seq() + 1 + i, starts[i]);
    }
    written = new Mark(seq, w.end() + size, h);
  }

  @Override
  public void awaitDurable(long seq) {
    if (durable.seq() >= seq) {
      return;
    }
    forceLock.lock();
    try {
      while (true) {
        if (failed != null) {
          throw failed;
        }
        if (durable.seq() >= seq) {
          return;
        }
        if (!forcing) {
          break;
        }
        forced.awaitUninterruptibly();
      }
      forcing = true; // this caller leads the next batch
    } finally {
      forceLock.unlock();
    }
    Mark target = written; // every commit written whole by now; later ones wait for the next force
    AuditException failure = null;
    try {
      channel.force(false);
      forces.incrementAndGet();
    } catch (IOException | RuntimeException e) {
      failure = new AuditException("cannot force the audit trail " + file + " to disk: " + e.getMessage()
          + "; nothing more is recorded until the service restarts and reads back what the disk holds", e);
    }
    forceLock.lock();
    try {
      forcing = false;
      if (failure != null) {
        failed = failure;
      } else if (target.seq() > durable.seq()) {
        durable = target;
      }
      forced.signalAll();
    } finally {
      forceLock.unlock();
    }
    if (failure != null) {
      throw failure;
    }
    if (target.seq() < seq) {
      awaitDurable(seq); // written after the force began (cannot happen for a caller's own commit)
    }
  }

  /**
   * Group commit without a waiting thread per commit: the caller's stage is queued; a caller
   * that finds nobody completing the queue forces the trail (through {@link #awaitDurable}, so it
   * shares forces with waiting callers too) and completes every queued stage that force covers,
   * for one round only, so that its own answer (attached to the stage once this returns) is not
   * held up by later callers; whatever is queued after that round is left to the trail's flusher
   * thread, which completes rounds until the queue is empty. Callers that find a round running
   * queue and return at once, and their threads go back to work; the round that covers them
   * completes them. A caller queues before it tries to lead, and whoever ends a round looks at
   * the queue again and wakes the flusher when something is left, so no stage is left behind.
   */
  @Override
  public CompletionStage<Void> whenDurable(long seq) {
    AuditException f = failed;
    if (f != null) {
      return CompletableFuture.failedFuture(f);
    }
    if (durable.seq() >= seq) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiters.add(new Waiter(seq, done));
    if (completing.compareAndSet(false, true)) {
      completeRound();
    }
    return done;
  }

  /** One round by the thread that holds {@link #completing}; then hands what is left to the flusher. */
  private void completeRound() {
    try {
      completeWaiters();
    } finally {
      completing.set(false);
      if (!waiters.isEmpty()) {
        flusher().wake();
      }
    }
  }

  /**
   * Forces for the queued stages and completes those it covers. When the force fails, the stages
   * it did not cover fail with it (those a force before covered complete as they should).
   */
  private void completeWaiters() {
    long target = 0;
    for (Waiter w : waiters) {
      target = Math.max(target, w.seq);
    }
    Throwable failure = null;
    try {
      awaitDurable(target);
    } catch (RuntimeException | Error e) { // the trail now refuses every write: so must every commit not on disk
      failure = e;
    }
    long d = durable.seq();
    waiters.removeIf(w -> w.seq <= d && complete(w));
    if (failure != null) {
      for (Waiter w; (w = waiters.poll()) != null; ) {
        w.done.completeExceptionally(failure);
      }
      if (failure instanceof Error e) {
        throw e;
      }
    }
  }

  private static boolean complete(Waiter w) {
    w.done.complete(null); // runs what depends on it (an answer's write) here: it does not block
    return true;
  }

  private volatile Flusher flusher;

  private Flusher flusher() {
    Flusher fl = flusher;
    if (fl != null) {
      return fl;
    }
    synchronized (waiters) { // not the trail's monitor: writers hold that
      if (flusher == null) {
        Flusher started = new Flusher();
        started.thread.start();
        flusher = started;
      }
      return flusher;
    }
  }

  /**
   * The thread that completes the rounds no caller leads: under a steady load of concurrent
   * commits it forces batch after batch, the callers' threads only queue. Started when first
   * needed; ends with the trail.
   */
  private final class Flusher implements Runnable {
    final Thread thread = new Thread(this, "writ-trail-flusher");
    volatile boolean stopped;

    Flusher() {
      thread.setDaemon(true);
    }

    void wake() {
      java.util.concurrent.locks.LockSupport.unpark(thread);
    }

    void stop() {
      stopped = true;
      wake();
    }

    @Override
    public void run() {
      while (!stopped || !waiters.isEmpty()) {
        if (!waiters.isEmpty() && completing.compareAndSet(false, true)) {
          try {
            completeRound();
          } catch (Error e) {
            // completeWaiters failed every stage it could not complete with it; the thread goes on
          }
          continue;
        }
        // Nothing queued, or a caller leads a round: it wakes this thread if it leaves anything.
        java.util.concurrent.locks.LockSupport.park(this);
      }
    }
  }

  /** How many forces to disk have completed since open (each covers one or more commits). */
  public long forces() {
    return forces.get();
  }

  @Override
  public long writtenSeq() {
    return written.seq();
  }

  @Override
  public long lastSeq() {
    return durable.seq();
  }

  /**
   * Records after {@code after}, read from the file: from the indexed record before it, up to
   * the last durable record, each checked against its hash and the one before it.
   */
  @Override
  public AuditPage read(long after, int limit, Predicate<AuditRecord> filter) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit);
    }
    Mark d = durable;
    if (after >= d.seq()) {
      return new AuditPage(List.of(), after);
    }
    long first = Math.max(after, 0) + 1;
    long[] at = index.before(first);
    List<AuditRecord> out = new ArrayList<>();
    long seq = at[0];
    long last = after;
    String prev = null;
    try {
      LineReader lines = new LineReader(channel, at[1], d.end());
      String line;
      while ((line = lines.next()) != null) {
        if (seq < first) {
          seq++;
          continue;
        }
        TrailFormat.Parsed p;
        try {
          p = TrailFormat.parse(line);
        } catch (IllegalArgumentException e) {
          throw damaged(seq, e.getMessage());
        }
        if (p.seq() != seq || !p.hashMatches() || (prev != null && !p.prev().equals(prev))) {
          throw damaged(seq, p.seq() != seq ? "the line holds record " + p.seq() : !p.hashMatches()
              ? "its content does not match its hash" : "it does not follow the record before it");
        }
        AuditEvent event;
        try {
          event = AuditCodec.read(p.json());
        } catch (RuntimeException e) {
          throw damaged(seq, e.getMessage());
        }
        // The event's JSON as the writer builds it (the same nodes a record has when it is written).
        AuditRecord r = new AuditRecord(seq, event, AuditCodec.write(event), p.prev(), p.hash(), line);
        last = seq;
        prev = p.hash();
        seq++;
        if (filter.test(r)) {
          out.add(r);
          if (out.size() == limit) {
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new AuditException("cannot read the audit trail " + file + ": " + e.getMessage(), e);
    }
    return new AuditPage(out, last);
  }

  private AuditException damaged(long seq, String why) {
    return new AuditException("the audit trail " + file + " is damaged at record " + seq + ": " + why
        + ". Run `writ audit verify " + file + "` for details");
  }

  @Override
  public String head() {
    return durable.head();
  }

  @Override
  public synchronized void close() {
    try {
      if (failed == null && written.seq() > durable.seq()) {
        awaitDurable(written.seq());
      }
    } catch (AuditException e) {
      // nothing was acknowledged past the last force; a restart reads back what the disk holds
    }
    Flusher fl = flusher;
    if (fl != null) {
      fl.stop(); // it completes what is queued (durable by now) and ends
    }
    try {
      channel.close();
    } catch (IOException e) {
      // every acknowledged append was forced already
    }
    try {
      lockChannel.close(); // releases the lock
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }

  /** Complete lines of the file between two offsets, read with positional reads through a buffer. */
  static final class LineReader {
    private final FileChannel in;
    private final long end;
    private byte[] buf = new byte[1 << 16];
    private int lo;
    private int hi;
    private long pos;       // the file offset of buf[hi]
    private long lineStart; // the offset of the line last returned

    LineReader(FileChannel in, long from, long end) {
      this.in = in;
      this.end = end;
      this.pos = from;
    }

    /** The next line without its newline; null at {@code end}. */
    String next() throws IOException {
      while (true) {
        for (int i = lo; i < hi; i++) {
          if (buf[i] == '\n') {
            lineStart = pos - (hi - lo);
            String s = new String(buf, lo, i - lo, StandardCharsets.UTF_8);
            lo = i + 1;
            return s;
          }
        }
        if (pos >= end) {
          return null;
        }
        if (lo > 0) {
          System.arraycopy(buf, lo, buf, 0, hi - lo);
          hi -= lo;
          lo = 0;
        }
        if (hi == buf.length) {
          buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        ByteBuffer b = ByteBuffer.wrap(buf, hi, (int) Math.min(buf.length - hi, end - pos));
        int n = in.read(b, pos);
        if (n < 0) {
          throw new IOException("the trail ended at byte " + pos + " before byte " + end);
        }
        pos += n;
        hi += n;
      }
    }

    /** The offset of the line last returned. */
    long lineStart() {
      return lineStart;
    }

    /** The offset just after the line last returned. */
    long position() {
      return pos - (hi - lo);
    }
  }
}

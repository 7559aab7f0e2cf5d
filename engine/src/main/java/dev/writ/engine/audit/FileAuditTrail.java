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

/**
 * The trail as a JSON-lines file. Appends are written and forced to disk before
 * {@link #append} returns. On open the whole chain is verified; a damaged record refuses the
 * open (the trail is evidence: it is never silently repaired), except a torn tail, which is
 * what a crash in the middle of an append leaves and was never acknowledged: a last line
 * without its end, and the records of a commit whose last record never made it to disk (see
 * {@link TrailFormat}). Both are cut off, so that a change is replayed whole or not at all, and
 * {@link #repair()} says what was cut. What is a torn tail is decided in one place,
 * {@link TrailVerifier}, which both this replay and {@code writ audit verify} read through, so
 * the two cannot disagree. The file is streamed: a trail may be larger than 2 GiB (though every
 * record is still kept in memory for queries).
 *
 * <p>One writer at a time: before the trail is read, {@code <file>.lock} next to it is locked
 * (an OS lock, held until {@link #close} or the end of the process), so a second store on the
 * same trail, in this process or another, is refused instead of interleaving its records with
 * this one's. The lock is on a file of its own because on Linux closing any descriptor of a
 * file drops the process's locks on it, and readers such as {@code writ audit verify} open the
 * trail itself.
 */
public final class FileAuditTrail implements AuditTrail {
  private final Path file;
  private final FileChannel channel;
  private final FileChannel lockChannel;
  private final List<AuditRecord> records = new ArrayList<>();
  private String head = TrailFormat.GENESIS;
  private final TrailRepair repair;

  private FileAuditTrail(Path file, int bufferSize) {
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
      this.repair = load(bufferSize);
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
   * Opens the trail, creating it if it does not exist, and replays it. A torn tail is cut off
   * ({@link #repair()} says what was cut, for the caller to log); any other damage refuses the open.
   *
   * @throws AuditException when the trail is damaged, in use by another store, or cannot be read
   */
  public static FileAuditTrail open(Path file) {
    return new FileAuditTrail(file, TrailVerifier.DEFAULT_BUFFER);
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
    TrailVerifier.Result r = TrailVerifier.read(file, in, bufferSize, (p, line) -> {
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
    return new FileAuditTrail(file, bufferSize);
  }

  /** The torn tail that opening cut off (left by a crash during a write), if there was one. */
  public Optional<TrailRepair> repair() {
    return Optional.ofNullable(repair);
  }

  /** Whether opening cut off a torn tail (left by a crash during a write). */
  public boolean repairedTail() {
    return repair != null;
  }

  public Path file() {
    return file;
  }

  /** Replays the trail, through the one reader of trail files, and cuts its torn tail if it has one. */
  private TrailRepair load(int bufferSize) throws IOException {
    TrailVerifier.Result r = readAll(file, channel, bufferSize, records);
    TrailRepair tail = r.tornTail();
    long end = channel.size();
    if (tail != null) {
      end = tail.offset();
      channel.truncate(end);
      channel.force(true);
    }
    head = r.headHash();
    channel.position(end);
    return tail;
  }

  @Override
  public synchronized List<AuditRecord> append(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    List<AuditRecord> out = new ArrayList<>(events.size());
    StringBuilder lines = new StringBuilder();
    String h = head;
    long seq = records.size();
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      var body = AuditCodec.write(e);
      TrailFormat.Line line = TrailFormat.line(++seq, h, body, i < events.size() - 1);
      out.add(new AuditRecord(seq, e, body, h, line.hash(), line.text()));
      lines.append(line.text()).append('\n');
      h = line.hash();
    }
    long start = -1;
    try {
      start = channel.position();
      ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      // Take back whatever part of the commit was written (a full disk, say), so that the next
      // append continues the chain from the last acknowledged record.
      if (start >= 0) {
        try {
          channel.truncate(start);
          channel.position(start);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new AuditException("cannot write the audit trail " + file + ": " + e.getMessage(), e);
    }
    records.addAll(out);
    head = h;
    return out;
  }

  @Override
  public synchronized List<AuditRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public synchronized String head() {
    return head;
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to flush: every append forced its bytes already
    }
    try {
      lockChannel.close(); // releases the lock
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}

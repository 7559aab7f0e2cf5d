package dev.writ.engine.audit;

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

/**
 * The trail as a JSON-lines file. Appends are written and forced to disk before
 * {@link #append} returns. On open the whole chain is verified; a damaged record refuses the
 * open (the trail is evidence: it is never silently repaired), except a torn tail, which is
 * what a crash in the middle of an append leaves and was never acknowledged: a last line
 * without its end, and the records of a commit whose last record never made it to disk (see
 * {@link TrailFormat}). Both are cut off, so that a change is replayed whole or not at all.
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
  private final boolean repairedTail;

  private FileAuditTrail(Path file) {
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
      this.repairedTail = load();
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

  public static FileAuditTrail open(Path file) {
    return new FileAuditTrail(file);
  }

  /** Whether opening cut off a torn last record (left by a crash during a write). */
  public boolean repairedTail() {
    return repairedTail;
  }

  public Path file() {
    return file;
  }

  private boolean load() throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new AuditException("the audit trail " + file + " is larger than 2 GB; it cannot be replayed in one piece");
    }
    byte[] bytes = new byte[(int) size];
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining() && channel.read(buf, buf.position()) >= 0) {
      // read it all
    }
    int end = bytes.length;
    boolean torn = false;
    if (end > 0 && bytes[end - 1] != '\n') {
      int lastNewline = end - 1;
      while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
        lastNewline--;
      }
      end = lastNewline + 1;
      torn = true;
    }
    String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
    long lineNo = 0;
    long offset = 0;          // bytes read so far
    long committedEnd = 0;    // where the last complete commit ends
    int committedRecords = 0;
    String committedHead = head;
    for (String line : text.split("\n")) {
      offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
      if (line.isEmpty()) {
        continue;
      }
      lineNo++;
      TrailFormat.Parsed p;
      try {
        p = TrailFormat.parse(line);
      } catch (IllegalArgumentException e) {
        throw damaged(lineNo, "damaged: " + e.getMessage());
      }
      long expected = records.size() + 1;
      if (!p.hashMatches()) {
        throw damaged(lineNo, "altered: its content does not match its hash");
      }
      if (p.seq() != expected || !p.prev().equals(head)) {
        throw damaged(lineNo, "out of chain: a record was removed, inserted or reordered");
      }
      AuditEvent event;
      try {
        event = AuditCodec.read(p.json());
      } catch (RuntimeException e) {
        throw damaged(lineNo, "unreadable event: " + e.getMessage());
      }
      var body = (com.fasterxml.jackson.databind.node.ObjectNode) p.json().deepCopy();
      body.remove(TrailFormat.FRAMING);
      records.add(new AuditRecord(p.seq(), event, body, p.prev(), p.hash(), line));
      head = p.hash();
      if (!p.more()) {
        committedEnd = Math.min(offset, end);
        committedRecords = records.size();
        committedHead = head;
      }
    }
    if (records.size() > committedRecords) {
      // The last commit was cut short: its first records are on disk, its last is not.
      records.subList(committedRecords, records.size()).clear();
      head = committedHead;
      end = (int) committedEnd;
      torn = true;
    }
    if (torn) {
      channel.truncate(end);
      channel.force(true);
    }
    channel.position(end);
    return torn;
  }

  private AuditException damaged(long line, String what) {
    return new AuditException("the audit trail " + file + " is damaged at line " + line + " (" + what
        + "); refusing to use it. Run `writ audit verify " + file + "` for details");
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

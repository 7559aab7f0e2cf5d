package dev.writ.engine.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The trail as a JSON-lines file. Appends are written and forced to disk before
 * {@link #append} returns. On open the whole chain is verified; a damaged record refuses the
 * open (the trail is evidence: it is never silently repaired), except a torn last line, which
 * is what a crash in the middle of a write leaves and was never acknowledged: it is cut off.
 */
public final class FileAuditTrail implements AuditTrail {
  private final Path file;
  private final FileChannel channel;
  private final List<AuditRecord> records = new ArrayList<>();
  private String head = TrailFormat.GENESIS;
  private final boolean repairedTail;

  private FileAuditTrail(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.repairedTail = load();
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
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
    if (!Files.exists(file)) {
      return false;
    }
    byte[] bytes = Files.readAllBytes(file);
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
    for (String line : text.split("\n")) {
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
      body.remove(List.of("seq", "prev", "hash"));
      records.add(new AuditRecord(p.seq(), event, body, p.prev(), p.hash()));
      head = p.hash();
    }
    if (torn) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(end);
        ch.force(true);
      }
    }
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
    for (AuditEvent e : events) {
      var body = AuditCodec.write(e);
      TrailFormat.Line line = TrailFormat.line(++seq, h, body);
      out.add(new AuditRecord(seq, e, body, h, line.hash()));
      lines.append(line.text()).append('\n');
      h = line.hash();
    }
    try {
      ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
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
  }
}

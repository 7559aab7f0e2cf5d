package dev.writ.engine.grant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.audit.AuditCodec;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.digest.Sha256;
import dev.writ.engine.json.DataDocument;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint of the grant table: the table as of trail record {@code seq} (whose hash it
 * names), so that a restart replays only the records after it. The file is JSON lines: a header
 * ({@code writ_snapshot}, {@code seq}, {@code hash}, {@code end}: the byte just after that
 * record, {@code index}: the trail's sparse index up to it, {@code last_id}, {@code events} and
 * {@code digest}, the SHA-256 of the lines after the header), then the events of {@link
 * GrantTable#snapshot()}, each written as the trail writes events. It is written to a temporary
 * file, forced, renamed over the last one and the directory forced, so a crash leaves the old
 * snapshot or the new one, never half of one. It is a cache, never evidence: opening the store
 * uses it only when its digest holds and the trail's own record at {@code seq} has its hash;
 * otherwise it is ignored (with a warning) and the whole trail is replayed.
 */
public final class GrantSnapshot {
  private GrantSnapshot() {}

  static final int FORMAT = 1;

  /** A snapshot read back: where in the trail it stands, and the table. */
  record Loaded(FileAuditTrail.Resume resume, GrantTable.Snapshot table) {}

  /** What reading the snapshot file found: a snapshot, nothing, or why it cannot be used. */
  record Read(Loaded loaded, String problem) {
    static final Read NONE = new Read(null, null);
  }

  /** Writes the snapshot atomically (temporary file, force, rename, force of the directory). */
  static void write(Path file, FileAuditTrail.Resume at, GrantTable.Snapshot table) throws IOException {
    StringBuilder body = new StringBuilder();
    for (AuditEvent e : table.events()) {
      body.append(DataDocument.JSON.writeValueAsString(AuditCodec.write(e))).append('\n');
    }
    ObjectNode h = DataDocument.JSON.createObjectNode();
    h.put("writ_snapshot", FORMAT);
    h.put("seq", at.seq());
    h.put("hash", at.hash());
    h.put("end", at.end());
    ArrayNode idx = h.putArray("index");
    for (long o : at.index()) {
      idx.add(o);
    }
    h.put("last_id", table.lastId());
    h.put("events", table.events().size());
    h.put("digest", Sha256.hex(body.toString()));
    byte[] bytes = (DataDocument.JSON.writeValueAsString(h) + "\n" + body).getBytes(StandardCharsets.UTF_8);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** Reads the snapshot; {@link Read#NONE} when there is none, a problem when it cannot be used. */
  static Read read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Read.NONE;
    } catch (IOException | RuntimeException e) {
      return new Read(null, "cannot read it: " + e.getMessage());
    }
    try {
      int nl = text.indexOf('\n');
      if (nl < 0) {
        return new Read(null, "it has no header line");
      }
      JsonNode h = DataDocument.JSON.readTree(text.substring(0, nl));
      if (h == null || h.path("writ_snapshot").asInt(-1) != FORMAT) {
        return new Read(null, "it is not a snapshot of format " + FORMAT);
      }
      String body = text.substring(nl + 1);
      if (!Sha256.hex(body).equals(h.path("digest").asText())) {
        return new Read(null, "its content does not match its digest");
      }
      JsonNode idx = h.path("index");
      long[] index = new long[idx.size()];
      for (int i = 0; i < index.length; i++) {
        index[i] = idx.get(i).asLong();
      }
      List<AuditEvent> events = new ArrayList<>();
      for (String line : body.split("\n")) {
        if (!line.isEmpty()) {
          events.add(AuditCodec.read(DataDocument.JSON.readTree(line)));
        }
      }
      if (events.size() != h.path("events").asInt(-1)) {
        return new Read(null, "it says " + h.path("events").asInt(-1) + " events and holds " + events.size());
      }
      FileAuditTrail.Resume resume = new FileAuditTrail.Resume(h.path("seq").asLong(), h.path("hash").asText(),
          h.path("end").asLong(), index);
      return new Read(new Loaded(resume, new GrantTable.Snapshot(events, h.path("last_id").asLong())), null);
    } catch (IOException | RuntimeException e) {
      return new Read(null, "it is not readable: " + e.getMessage());
    }
  }
}

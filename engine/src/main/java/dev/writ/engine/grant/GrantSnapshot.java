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
import dev.writ.engine.value.EntityUid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint of the grant table: the table as of trail record {@code seq} (whose hash it
 * names), so that a restart replays only the records after it. The file is JSON lines: a header
 * ({@code writ_snapshot}, {@code seq}, {@code hash}, {@code end}: the byte just after that
 * record, {@code index}: the trail's sparse index up to it, {@code last_id}, {@code events},
 * {@code traces} and {@code digest}, the SHA-256 of the lines after the header), then the events
 * of {@link GrantTable#snapshot()}, each written as the trail writes events, then one line per
 * grant trace ({@code trace}: the id, {@code order}, {@code seqs}, and {@code evicted} and {@code
 * parent} for a grant kept only as its trace), then one line with {@code children} (who
 * delegated to whom) and {@code parties} (the principals and chains of evicted grants). It is written to a temporary
 * file, forced, renamed over the last one and the directory forced, so a crash leaves the old
 * snapshot or the new one, never half of one. It is a cache, never evidence: opening the store
 * uses it only when its digest holds and the trail's own record at {@code seq} has its hash;
 * otherwise it is ignored (with a warning) and the whole trail is replayed.
 */
public final class GrantSnapshot {
  private GrantSnapshot() {}

  /** 2: with the traces of grants (format 1, without them, is ignored: the trail is replayed once). */
  static final int FORMAT = 2;

  /** A snapshot read back: where in the trail it stands, and the table. */
  record Loaded(FileAuditTrail.Resume resume, GrantTable.Snapshot table) {}

  /** What reading the snapshot file found: a snapshot, nothing, or why it cannot be used. */
  record Read(Loaded loaded, String problem) {
    static final Read NONE = new Read(null, null);
  }

  /** Writes the snapshot atomically (temporary file, force, rename, force of the directory). */
  static void write(Path file, FileAuditTrail.Resume at, GrantTable.Snapshot table) throws IOException {
    if (table.seq() != at.seq()) {
      throw new IllegalArgumentException("a table at record " + table.seq() + " is not a snapshot at record " + at.seq());
    }
    StringBuilder body = new StringBuilder();
    for (AuditEvent e : table.events()) {
      body.append(DataDocument.JSON.writeValueAsString(AuditCodec.write(e))).append('\n');
    }
    for (GrantTable.Traced t : table.traces()) {
      ObjectNode o = DataDocument.JSON.createObjectNode();
      o.put("trace", t.id());
      o.put("order", t.order());
      ArrayNode seqs = o.putArray("seqs");
      for (long q : t.seqs()) {
        seqs.add(q);
      }
      if (t.evicted()) {
        o.put("evicted", true);
        if (t.parent() != null) {
          o.put("parent", t.parent());
        }
      }
      body.append(DataDocument.JSON.writeValueAsString(o)).append('\n');
    }
    ObjectNode tree = DataDocument.JSON.createObjectNode();
    ObjectNode children = tree.putObject("children");
    table.children().forEach((parent, ids) -> {
      ArrayNode a = children.putArray(parent);
      ids.forEach(a::add);
    });
    ArrayNode parties = tree.putArray("parties");
    table.parties().forEach(u -> parties.add(u.toString()));
    body.append(DataDocument.JSON.writeValueAsString(tree)).append('\n');
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
    h.put("traces", table.traces().size());
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
      String[] lines = body.split("\n");
      int events = h.path("events").asInt(-1);
      int traces = h.path("traces").asInt(-1);
      if (events < 0 || traces < 0 || lines.length != events + traces + 1) {
        return new Read(null, "it says " + events + " events and " + traces + " traces and holds " + lines.length
            + " lines");
      }
      List<AuditEvent> read = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        read.add(AuditCodec.read(DataDocument.JSON.readTree(lines[i])));
      }
      List<GrantTable.Traced> traced = new ArrayList<>();
      for (int i = events; i < events + traces; i++) {
        JsonNode t = DataDocument.JSON.readTree(lines[i]);
        JsonNode q = t.path("seqs");
        long[] seqs = new long[q.size()];
        for (int j = 0; j < seqs.length; j++) {
          seqs[j] = q.get(j).asLong();
        }
        traced.add(new GrantTable.Traced(t.path("trace").asText(), t.path("order").asLong(), seqs,
            t.path("evicted").asBoolean(false), t.hasNonNull("parent") ? t.get("parent").asText() : null));
      }
      JsonNode tree = DataDocument.JSON.readTree(lines[events + traces]);
      Map<String, List<String>> children = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : tree.path("children").properties()) {
        List<String> ids = new ArrayList<>();
        f.getValue().forEach(c -> ids.add(c.asText()));
        children.put(f.getKey(), ids);
      }
      List<EntityUid> parties = new ArrayList<>();
      tree.path("parties").forEach(u -> parties.add(EntityUid.parse(u.asText())));
      FileAuditTrail.Resume resume = new FileAuditTrail.Resume(h.path("seq").asLong(), h.path("hash").asText(),
          h.path("end").asLong(), index);
      return new Read(new Loaded(resume, new GrantTable.Snapshot(read, h.path("last_id").asLong(), resume.seq(), traced,
          children, parties)), null);
    } catch (IOException | RuntimeException e) {
      return new Read(null, "it is not readable: " + e.getMessage());
    }
  }
}

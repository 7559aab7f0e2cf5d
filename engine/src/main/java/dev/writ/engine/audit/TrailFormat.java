package dev.writ.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.digest.Sha256;
import dev.writ.engine.json.DataDocument;

/**
 * One record per line: a JSON object whose last field is {@code "hash"}, the SHA-256 of the
 * line's exact bytes up to that field (closed with {@code }}). The body carries {@code seq} and
 * {@code prev}, the hash of the record before it, so altering, removing or reordering any
 * record breaks the chain at that record. The events of one change are appended together; every
 * record but the last of such a commit carries {@code "more": true}, so that a reader can tell
 * a commit cut short by a crash (which was never acknowledged) from a complete one. Hashing the bytes as written, rather than a
 * re-serialisation, means verification never depends on how a JSON library orders fields.
 */
public final class TrailFormat {
  private TrailFormat() {}

  public static final String GENESIS = "0".repeat(64);
  private static final String HASH_FIELD = ",\"hash\":\"";
  private static final int SUFFIX = HASH_FIELD.length() + 64 + 2; // ,"hash":"<64 hex>"}

  /** A line and its hash. */
  public record Line(String text, String hash) {}

  public static Line line(long seq, String prev, ObjectNode body) {
    return line(seq, prev, body, false);
  }

  /** @param more whether further records of the same commit follow this one */
  public static Line line(long seq, String prev, ObjectNode body, boolean more) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("seq", seq);
    o.setAll(body);
    if (more) {
      o.put("more", true);
    }
    o.put("prev", prev);
    String json;
    try {
      json = DataDocument.JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("internal invariant violated: audit event not serialisable", e);
    }
    String hash = sha256(json);
    return new Line(json.substring(0, json.length() - 1) + HASH_FIELD + hash + "\"}", hash);
  }

  /** A parsed line: its fields, its stated hash and whether that hash matches its content. */
  public record Parsed(JsonNode json, long seq, String prev, String hash, boolean hashMatches) {
    /** Whether further records of the same commit follow this one. */
    public boolean more() {
      return json.path("more").asBoolean(false);
    }
  }

  /** The fields of a line that frame the event rather than belong to it. */
  public static final java.util.List<String> FRAMING = java.util.List.of("seq", "more", "prev", "hash");

  /** Parses a line; throws {@link IllegalArgumentException} when it is not a record at all. */
  public static Parsed parse(String line) {
    if (line.length() < SUFFIX + 2 || !line.endsWith("\"}")
        || !line.startsWith(HASH_FIELD, line.length() - SUFFIX)) {
      throw new IllegalArgumentException("not an audit record (no hash at the end of the line)");
    }
    String stated = line.substring(line.length() - 66, line.length() - 2);
    String body = line.substring(0, line.length() - SUFFIX) + "}";
    JsonNode json;
    try {
      json = DataDocument.JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON");
    }
    if (json == null || !json.isObject() || !json.path("seq").canConvertToLong() || !json.has("prev")) {
      throw new IllegalArgumentException("not an audit record (no `seq` or `prev`)");
    }
    return new Parsed(json, json.path("seq").asLong(), json.path("prev").asText(), stated, sha256(body).equals(stated));
  }

  static String sha256(String s) {
    return Sha256.hex(s);
  }
}

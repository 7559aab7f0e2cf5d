package dev.writ.engine.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.digest.Sha256;
import dev.writ.engine.json.DataDocument;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

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

  /**
   * Writes records as their lines straight to bytes, the way {@link #line(long, String,
   * ObjectNode, boolean)} writes them from a tree, byte for byte: one generator pass over the
   * event ({@link AuditCodec#writeFields}), the hash taken from those same bytes, no tree, no
   * intermediate string. The lines of one commit accumulate, each followed by a newline, until
   * {@link #clear}. Not thread-safe: one per writer, used under its lock.
   */
  public static final class Encoder {
    private static final byte[] HASH_BYTES = HASH_FIELD.getBytes(StandardCharsets.US_ASCII);
    private final Chars chars = new Chars();
    private final MessageDigest digest = Sha256.newDigest();
    private byte[] bytes = new byte[4096];
    private int size;
    private JsonGenerator generator;

    /**
     * Appends the line of record {@code seq}, chained to {@code prev}, and a newline; returns
     * the record's hash.
     *
     * @param more whether further records of the same commit follow this one
     */
    public String append(long seq, String prev, AuditEvent event, boolean more) {
      chars.size = 0;
      boolean done = false;
      try {
        JsonGenerator g = generator();
        g.writeStartObject();
        g.writeNumberField("seq", seq);
        AuditCodec.writeFields(event, g);
        if (more) {
          g.writeBooleanField("more", true);
        }
        g.writeStringField("prev", prev);
        g.writeEndObject();
        g.flush();
        done = true;
      } catch (IOException e) {
        throw new IllegalStateException("internal invariant violated: audit event not serialisable", e);
      } finally {
        if (!done) {
          generator = null; // left inside a half-written line: the next line starts on a fresh one
        }
      }
      int start = size;
      utf8(chars.buf, chars.size);
      digest.update(bytes, start, size - start);
      String hash = HexFormat.of().formatHex(digest.digest());
      size--; // the closing brace: the line goes on with its hash
      put(HASH_BYTES, HASH_BYTES.length);
      ensure(64 + 3);
      for (int i = 0; i < 64; i++) {
        bytes[size++] = (byte) hash.charAt(i);
      }
      bytes[size++] = '"';
      bytes[size++] = '}';
      bytes[size++] = '\n';
      return hash;
    }

    /**
     * One generator for every line (creating one per line costs about as much as writing the
     * line), writing root values back to back: no separator between them, as each is a line of its own.
     */
    private JsonGenerator generator() throws IOException {
      if (generator == null) {
        generator = DataDocument.JSON.getFactory().createGenerator(chars);
        generator.setRootValueSeparator(null);
      }
      return generator;
    }

    /** The bytes written since {@link #clear}. */
    public ByteBuffer buffer() {
      return ByteBuffer.wrap(bytes, 0, size);
    }

    /** How many bytes were written since {@link #clear}: where the next line starts. */
    public int size() {
      return size;
    }

    /** The line that starts at {@code start} (an earlier {@link #size}), without its newline. */
    public String line(int start) {
      int end = start;
      while (bytes[end] != '\n') {
        end++;
      }
      return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** Forgets the lines written (and a buffer grown large by a big commit). */
    public void clear() {
      size = 0;
      if (bytes.length > 1 << 20) {
        bytes = new byte[4096];
      }
    }

    /**
     * The chars' UTF-8 form, as {@link String#getBytes} gives it (so a lone surrogate becomes
     * {@code ?}, as it did when lines were strings): ASCII byte for byte, anything else through
     * the JDK's encoder.
     */
    private void utf8(char[] cs, int n) {
      ensure(n);
      int at = size;
      for (int i = 0; i < n; i++) {
        char c = cs[i];
        if (c >= 0x80) {
          byte[] b = new String(cs, i, n - i).getBytes(StandardCharsets.UTF_8);
          size = at;
          put(b, b.length);
          return;
        }
        bytes[at++] = (byte) c;
      }
      size = at;
    }

    private void put(byte[] b, int n) {
      ensure(n);
      System.arraycopy(b, 0, bytes, size, n);
      size += n;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    /** A reusable char sink for the generator. */
    private static final class Chars extends Writer {
      char[] buf = new char[2048];
      int size;

      @Override
      public void write(char[] c, int off, int len) {
        if (size + len > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
        }
        System.arraycopy(c, off, buf, size, len);
        size += len;
      }

      @Override
      public void write(String s, int off, int len) {
        if (size + len > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
        }
        s.getChars(off, off + len, buf, size);
        size += len;
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    }
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

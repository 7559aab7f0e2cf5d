package dev.writ.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.json.DataDocument;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What an endpoint answers: status, content type, body and extra headers; or, for a stream
 * ({@code stream} not null), the body is written by {@code stream} as it goes (chunked).
 */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers, Stream stream) {
  /** Writes a streamed body; returns when the stream is over (the response is then ended). */
  @FunctionalInterface
  public interface Stream {
    void write(java.io.OutputStream out) throws java.io.IOException;
  }

  public Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    this(status, contentType, body, headers, null);
  }

  public static Reply streaming(String contentType, Map<String, String> headers, Stream stream) {
    return new Reply(200, contentType, new byte[0], headers, stream);
  }

  public static final String JSON = "application/json";
  public static final String JSON_LINES = "application/x-ndjson";

  public static Reply json(int status, JsonNode node) {
    try {
      return new Reply(status, JSON, DataDocument.JSON.writeValueAsBytes(node), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("internal invariant violated: reply not serialisable", e);
    }
  }

  /** Writes an answer's JSON straight to its bytes. */
  @FunctionalInterface
  public interface JsonWriter {
    void write(JsonGenerator g) throws java.io.IOException;
  }

  /** An answer written with a generator rather than built as a tree first (the same bytes for the same JSON). */
  public static Reply json(int status, JsonWriter writer) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
    try (JsonGenerator g = DataDocument.JSON.getFactory().createGenerator(out)) {
      writer.write(g);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("internal invariant violated: reply not serialisable", e);
    }
    return new Reply(status, JSON, out.toByteArray(), Map.of());
  }

  public static Reply ok(JsonNode node) {
    return json(200, node);
  }

  public static Reply text(int status, String contentType, String text) {
    return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static Reply error(ApiException e) {
    Reply r = json(e.status(), JsonErrors.body(e.getMessage(), e.at()));
    return new Reply(r.status, r.contentType, r.body, e.headers());
  }
}

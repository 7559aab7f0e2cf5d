package dev.writ.server;

import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import dev.writ.engine.json.DataNode;
import dev.writ.server.auth.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * One HTTP call as an endpoint sees it: path parameters, query parameters (already checked
 * against the route's names) and the body, read on demand within the size limit and parsed as
 * strict JSON (no trailing content, no duplicate keys, only valid Unicode) with the engine's binding.
 */
public final class Call {
  /** Reading on past the limit (a body of unknown length) is bounded too: past this, the connection is closed. */
  static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  private final Request request;
  private final Map<String, String> params;
  private final Fields query;
  private final long maxBody;
  private final Identity caller;
  private String text;

  Call(Request request, Map<String, String> params, Fields query, long maxBody, Identity caller) {
    this.request = request;
    this.params = params;
    this.query = query;
    this.maxBody = maxBody;
    this.caller = caller;
  }

  /** Who is calling, as the router authenticated it. */
  public Identity caller() {
    return caller;
  }

  /** The scheme and authority the caller reached the service at ({@code https://pdp.example.com:8443}). */
  public String baseUrl() {
    org.eclipse.jetty.http.HttpURI uri = request.getHttpURI();
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  public String param(String name) {
    return params.get(name);
  }

  public Optional<String> query(String name) {
    Fields.Field f = query.get(name);
    return f == null ? Optional.empty() : Optional.of(f.getValue());
  }

  /** The body as a JSON object (400 when it is absent, malformed or not an object; 413 when too large). */
  public DataNode body() {
    DataNode n = optionalBody().orElseThrow(() -> ApiException.badRequest("a JSON object is required as the body",
        "body"));
    return n;
  }

  /** The body as a JSON object, or empty when the call has none. */
  public Optional<DataNode> optionalBody() {
    String t = text();
    if (t.isBlank()) {
      return Optional.empty();
    }
    DataNode root;
    try {
      root = DataNode.root(DataDocument.parseStrictJson("body", t));
    } catch (DataException e) {
      // malformed JSON is at `body`; a string that is not valid Unicode is at its field
      throw JsonErrors.fromInput(e, "");
    }
    if (!root.node().isObject()) {
      throw ApiException.badRequest("the body must be a JSON object, got " + root.describe(), "body");
    }
    return Optional.of(root);
  }

  /** The body as text, read once (empty when there is none; 413 when too large, 400 when not UTF-8). */
  String text() {
    if (text == null) {
      text = read();
    }
    return text;
  }

  private String read() {
    long declared = request.getLength();
    if (declared > maxBody) {
      // Refused without parsing. A body within the drain bound is read and dropped first, as for a
      // body of unknown length: answering while the client is still sending makes the peer reset
      // the connection, and the client may lose the 413. Larger bodies are cut off.
      if (declared <= DRAIN_LIMIT) {
        try (InputStream in = Content.Source.asInputStream(request)) {
          drain(in);
        } catch (IOException e) {
          // the client went away; the answer is moot
        }
      }
      throw tooLarge();
    }
    byte[] bytes = BodyPrefetch.completeBody(request);
    if (bytes != null) {
      if (bytes.length > maxBody) {
        throw tooLarge();
      }
      return utf8(bytes);
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (bytes.length > maxBody) {
        drain(in);
        throw tooLarge();
      }
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the body: " + e.getMessage(), "body");
    }
    return utf8(bytes);
  }

  /** The bytes as text, when they are UTF-8 (an ASCII body, the usual one, needs no decoder). */
  private static String utf8(byte[] bytes) {
    if (isAscii(bytes)) {
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("the body is not UTF-8 text", "body");
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private ApiException tooLarge() {
    return new ApiException(413, "the body is larger than the limit of " + maxBody + " bytes", "body",
        Map.of("Connection", "close"));
  }

  /**
   * Reads (and drops) what is left of a too-large body, up to a bound, so that the client sees the
   * answer rather than a connection reset.
   */
  private static void drain(InputStream in) {
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    try {
      int n;
      while (total < DRAIN_LIMIT && (n = in.read(buf)) >= 0) {
        total += n;
      }
    } catch (IOException e) {
      // the client went away; nothing to answer
    }
  }
}

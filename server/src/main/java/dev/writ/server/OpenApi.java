package dev.writ.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 description of the HTTP API: {@code dev/writ/server/openapi.json}, kept in the
 * repository as the source and served as is at {@code GET /openapi.json}. Tests check that it
 * describes every route and that real answers fit it.
 */
public final class OpenApi {
  public static final String RESOURCE = "/dev/writ/server/openapi.json";
  private static final byte[] DOCUMENT = load();

  private OpenApi() {}

  /** The description's bytes (a copy, so no caller can change what the next one is served). */
  public static byte[] document() {
    return DOCUMENT.clone();
  }

  private static byte[] load() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("internal invariant violated: " + RESOURCE + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.writ.server;

import java.util.Map;

/**
 * A call that is refused: its status, a message for the client, and where the problem is
 * ({@code at}: a field path such as {@code actions[0]} or {@code requests[2].principal}, or
 * {@code body}, {@code path}, {@code method}, a query parameter's name). Answered as
 * {@code {"error": ..., "at": ...}}; nothing has changed in the stores when it is thrown.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String at;
  private final Map<String, String> headers;

  public ApiException(int status, String error, String at) {
    this(status, error, at, Map.of());
  }

  public ApiException(int status, String error, String at, Map<String, String> headers) {
    super(error, null, false, false);
    this.status = status;
    this.at = at;
    this.headers = Map.copyOf(headers);
  }

  public static ApiException badRequest(String error, String at) {
    return new ApiException(400, error, at);
  }

  public static ApiException notFound(String error, String at) {
    return new ApiException(404, error, at);
  }

  public int status() {
    return status;
  }

  public String at() {
    return at;
  }

  public Map<String, String> headers() {
    return headers;
  }
}

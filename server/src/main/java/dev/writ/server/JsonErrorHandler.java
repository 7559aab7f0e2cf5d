package dev.writ.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a call reaches the router (an unparseable request line,
 * headers too large, an ambiguous path), in the API's shape {@code {"error", "at"}} rather
 * than an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                  Callback callback) throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON);
    Content.Sink.write(response, true, json(code, message), callback);
  }

  // Deprecated for removal in Jetty 12.1, but still the hook Jetty calls for requests it refuses
  // before any handler runs (a malformed request line, a header too large); without it those
  // answers would be HTML.
  @Override
  @SuppressWarnings("removal")
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, Reply.JSON);
    return ByteBuffer.wrap(json(status, reason).getBytes(StandardCharsets.UTF_8));
  }

  private static String json(int code, String message) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    return JsonErrors.body(text, "request").toString();
  }
}

package dev.writ.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors as the API answers them: {@code {"error": message, "at": where}}. Turns the engine's
 * input errors into {@link ApiException}s with the field path the engine's message starts with
 * ({@code principal: unknown entity `Employee::bob`} is at {@code principal}).
 */
public final class JsonErrors {
  private JsonErrors() {}

  /** A field path at the start of a message: {@code a.b[0].c: ...}, or {@code document: ...}. */
  private static final Pattern PATH = Pattern.compile("^([A-Za-z_$][\\w$\\-]*(?:\\[\\d+])*(?:\\.[\\w$\\-]+(?:\\[\\d+])*)*): ");
  private static final Pattern MISSING = Pattern.compile("missing field `([^`]+)`");
  /** Entity data errors name the uid first: {@code `Employee::x`: entities[0].attrs.department: ...}. */
  private static final Pattern UID = Pattern.compile("^`[^`]*`: ");

  public static ObjectNode body(String error, String at) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("error", error);
    o.put("at", at);
    return o;
  }

  /**
   * The API error for an engine exception about input; {@code prefix} is prepended to the field
   * path (a batch item's {@code requests[3]}), or empty.
   */
  public static ApiException fromInput(RuntimeException e, String prefix) {
    if (e instanceof ApiException a) {
      return a;
    }
    if (e instanceof GrantException g) {
      int status = switch (g.kind()) {
        case NOT_FOUND -> 404;
        case CONFLICT -> 409;
        case BAD_REQUEST -> 400;
      };
      return new ApiException(status, g.getMessage(), g.kind() == GrantException.Kind.BAD_REQUEST
          ? join(prefix, fieldOf(g.getMessage(), "body")) : "id");
    }
    if (e instanceof DataException d) {
      String message = d.getMessage();
      if (message.startsWith("malformed JSON")) {
        return ApiException.badRequest(message, "body");
      }
      return ApiException.badRequest(message, join(prefix, fieldOf(message, "body")));
    }
    if (e instanceof EntityDataException d) {
      return ApiException.badRequest(d.getMessage(), join(prefix, "entities"));
    }
    if (e instanceof BadRequestException b) {
      return ApiException.badRequest(b.getMessage(), join(prefix, b.field()));
    }
    throw new IllegalArgumentException("not an input error: " + e.getClass().getName(), e);
  }

  public static boolean isInputError(Throwable e) {
    return e instanceof ApiException || e instanceof GrantException || e instanceof DataException
        || e instanceof EntityDataException || e instanceof BadRequestException;
  }

  /**
   * The field a message is about: the path it starts with, followed by the field it says is
   * missing ({@code intent: missing field `name`} is at {@code intent.name}).
   */
  static String fieldOf(String message, String fallback) {
    String path = null;
    Matcher uid = UID.matcher(message);
    String rest = uid.find() ? message.substring(uid.end()) : message;
    Matcher m = PATH.matcher(rest);
    if (m.find()) {
      path = m.group(1).equals("document") ? null : m.group(1);
      rest = rest.substring(m.end());
    }
    Matcher missing = MISSING.matcher(rest);
    if (rest.startsWith("missing field") && missing.find()) {
      return path == null ? missing.group(1) : path + "." + missing.group(1);
    }
    return path == null ? fallback : path;
  }

  private static String join(String prefix, String path) {
    if (prefix.isEmpty()) {
      return path;
    }
    if (path.equals("body")) {
      return prefix;
    }
    return path.startsWith("[") ? prefix + path : prefix + "." + path;
  }
}

package dev.writ.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.grant.GrantException;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DataException;

/**
 * Errors as the API answers them: {@code {"error": message, "at": where}}. Turns the engine's
 * input errors into {@link ApiException}s at the field path each carries as data
 * ({@code principal: unknown entity `Employee::bob`} is at {@code principal}).
 */
public final class JsonErrors {
  private JsonErrors() {}

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
          ? join(prefix, g.field()) : g.field());
    }
    if (e instanceof DataException d) {
      String message = d.getMessage();
      if (message.startsWith("malformed JSON")) {
        return ApiException.badRequest(message, "body");
      }
      return ApiException.badRequest(message, join(prefix, d.field().orElse("body")));
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

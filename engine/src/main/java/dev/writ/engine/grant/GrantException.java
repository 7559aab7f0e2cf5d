package dev.writ.engine.grant;

import dev.writ.engine.eval.BadRequestException;

/**
 * A runtime operation that cannot be done: an unknown id, a grant in the wrong state, or an
 * argument it cannot use. It carries the field it is about ({@link #field()}: {@code id} for an
 * unknown grant or one in the wrong state, the argument's path such as {@code to} or
 * {@code actions[1]} otherwise) as data; the message names it too.
 */
public class GrantException extends RuntimeException {
  public enum Kind { NOT_FOUND, CONFLICT, BAD_REQUEST }

  private final Kind kind;
  private final String field;

  private GrantException(Kind kind, String field, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.field = field;
  }

  /** An argument that cannot be used: the message is {@code field: problem}. */
  public static GrantException badRequest(String field, String problem) {
    return new GrantException(Kind.BAD_REQUEST, field, field + ": " + problem);
  }

  /** A request the authorizer could not decide, at the field it names. */
  public static GrantException of(BadRequestException e) {
    return new GrantException(Kind.BAD_REQUEST, e.field(), e.getMessage());
  }

  /** The grant {@code id} names is not in a state that allows the operation. */
  public static GrantException conflict(String message) {
    return new GrantException(Kind.CONFLICT, "id", message);
  }

  /** No grant or pending request has the id given. */
  public static GrantException notFound(String message) {
    return new GrantException(Kind.NOT_FOUND, "id", message);
  }

  public Kind kind() {
    return kind;
  }

  /** The path of the argument at fault ({@code id}, {@code to}, {@code actions[1]}, {@code duration}). */
  public String field() {
    return field;
  }
}

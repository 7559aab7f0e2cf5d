package dev.writ.engine.grant;

/** A runtime operation that cannot be done: an unknown id, or a grant in the wrong state. */
public class GrantException extends RuntimeException {
  public enum Kind { NOT_FOUND, CONFLICT, BAD_REQUEST }

  private final Kind kind;

  public GrantException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

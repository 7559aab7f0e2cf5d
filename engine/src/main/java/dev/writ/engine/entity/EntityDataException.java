package dev.writ.engine.entity;

/** Entity data that cannot be used: a malformed entry, a type error against the schema, a cycle. */
public class EntityDataException extends RuntimeException {
  private final String location;

  /** @param location where the problem is ({@code file:line}), or null when not known */
  public EntityDataException(String location, String message) {
    super(message, null, false, false);
    this.location = location;
  }

  public String location() {
    return location;
  }

  /** {@code file:line: message}, or just the message. */
  public String describe() {
    return location == null ? getMessage() : location + ": " + getMessage();
  }
}

package dev.writ.engine.json;

/**
 * Input data that cannot be used (malformed YAML or JSON, a missing or mistyped field), with
 * where it is ({@code file:line}) and the field path ({@code actions[0]}) in the message.
 */
public class DataException extends RuntimeException {
  private final String location;

  public DataException(String location, String message) {
    super(message, null, false, false);
    this.location = location;
  }

  public String location() {
    return location;
  }

  /** {@code file:line: message}. */
  public String describe() {
    return location == null || location.isEmpty() ? getMessage() : location + ": " + getMessage();
  }
}

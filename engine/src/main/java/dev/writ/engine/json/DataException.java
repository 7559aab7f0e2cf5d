package dev.writ.engine.json;

import java.util.Optional;

/**
 * Input data that cannot be used (malformed YAML or JSON, a missing or mistyped field), with
 * where it is ({@code file:line}) and the field path ({@code actions[0]}) as data
 * ({@link #field()}); the message names the field too.
 */
public class DataException extends RuntimeException {
  private final String location;
  private final String field;

  /** A problem with the document as a whole (unreadable, malformed, empty). */
  public DataException(String location, String message) {
    this(location, null, message);
  }

  /** @param field the path of the field at fault ({@code intent.name}, {@code actions[0]}); null: the whole document */
  public DataException(String location, String field, String message) {
    super(message, null, false, false);
    this.location = location;
    this.field = field == null || field.isEmpty() ? null : field;
  }

  public String location() {
    return location;
  }

  /** The path of the field at fault; empty when the problem is the document as a whole. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /** The same problem with {@code prefix} before its message (an entity's uid), at the same place and field. */
  public DataException prefixed(String prefix) {
    return new DataException(location, field, prefix + getMessage());
  }

  /** {@code file:line: message}. */
  public String describe() {
    return location == null || location.isEmpty() ? getMessage() : location + ": " + getMessage();
  }
}

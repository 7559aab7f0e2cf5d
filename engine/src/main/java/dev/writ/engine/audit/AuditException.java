package dev.writ.engine.audit;

/** The trail cannot be used: unreadable, damaged, or not writable. */
public class AuditException extends RuntimeException {
  public AuditException(String message) {
    super(message, null, false, false);
  }

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}

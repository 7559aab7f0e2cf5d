package dev.writ.server;

/**
 * Policies (a bundle, a policy directory or the entity data that goes with them) that cannot be
 * served: unreadable, corrupt, unsigned or wrongly signed, with errors. The message is one line
 * for the log or the terminal; {@link #details()} may hold diagnostics.
 */
public final class PolicyLoadException extends RuntimeException {
  private final String details;

  public PolicyLoadException(String message) {
    this(message, "");
  }

  public PolicyLoadException(String message, String details) {
    super(message, null, false, false);
    this.details = details == null ? "" : details;
  }

  /** Further lines (compiler diagnostics), possibly empty. */
  public String details() {
    return details;
  }
}

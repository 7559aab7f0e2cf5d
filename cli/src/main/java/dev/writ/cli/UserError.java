package dev.writ.cli;

/** A mistake in how the command was used or in its input: one line on stderr, exit code 2. */
public class UserError extends RuntimeException {
  private final int exitCode;

  public UserError(String message) {
    this(message, Writ.EXIT_USAGE);
  }

  public UserError(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}

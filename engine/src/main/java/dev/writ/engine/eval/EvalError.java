package dev.writ.engine.eval;

/**
 * An error while evaluating a rule's expression (missing attribute, wrong operand type,
 * overflow, malformed value). Stops that rule only. Carries no stack trace: it is an expected
 * outcome of evaluation, not a bug.
 */
public final class EvalError extends Exception {
  private final String at;

  public EvalError(String message, String at) {
    super(message, null, false, false);
    this.at = at;
  }

  public String at() {
    return at;
  }
}

package dev.writ.engine.decision;

/**
 * One line of an explanation: what happened to one candidate rule for one action (and, for
 * chain checks, one principal). {@code detail} says which clause did not hold.
 */
public record RuleTrace(String policy, String effect, String action, String principal, Result result, String detail) {
  public enum Result {
    APPLIES, SATISFIED, PENDING_APPROVAL, DELEGATION_REFUSED, NOT_APPLICABLE, ERROR;

    public String json() {
      return name().toLowerCase().replace('_', '-');
    }
  }
}

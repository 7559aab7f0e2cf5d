package dev.writ.engine.testing;

import java.util.List;

/**
 * The outcome of one case or scenario.
 *
 * @param failures     what differed, one line per field ("ttl: expected 2h, got 1h")
 * @param explanation  which rules were considered and which clause did not hold
 * @param location     {@code file:line} of the case, or of the failing step
 */
public record CaseResult(String name, boolean scenario, Status status, List<String> failures, String explanation,
                         String location, double seconds) {
  public enum Status { PASSED, FAILED, ERROR }

  public boolean passed() {
    return status == Status.PASSED;
  }
}

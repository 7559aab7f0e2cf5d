package dev.writ.engine.testing;

/**
 * Whether the suites made a rule apply, and saw it not apply. A rule is fully covered when both
 * happened: each way is a behaviour a test pins down.
 */
public record RuleCoverage(String rule, boolean forbid, String at, boolean applied, boolean notApplied) {
  public boolean full() {
    return applied && notApplied;
  }
}

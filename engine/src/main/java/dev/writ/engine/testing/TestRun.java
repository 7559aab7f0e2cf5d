package dev.writ.engine.testing;

import java.util.List;

/** Everything a run of fixture suites found. */
public record TestRun(List<SuiteResult> suites, List<RuleCoverage> coverage) {
  public long passed() {
    return suites.stream().mapToLong(SuiteResult::passed).sum();
  }

  public long failed() {
    return suites.stream().mapToLong(SuiteResult::failed).sum();
  }

  public long errors() {
    return suites.stream().mapToLong(SuiteResult::errors).sum();
  }

  public long total() {
    return suites.stream().mapToLong(s -> s.cases().size()).sum();
  }

  public boolean ok() {
    return failed() == 0 && errors() == 0;
  }

  /** Share (0..100) of rules seen both applying and not applying; 100 when there are no rules. */
  public double coveragePercent() {
    if (coverage.isEmpty()) {
      return 100.0;
    }
    return 100.0 * coverage.stream().filter(RuleCoverage::full).count() / coverage.size();
  }
}

package dev.writ.engine.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The outcome of one suite: its cases, or why it could not run at all. */
public record SuiteResult(Path file, String name, List<CaseResult> cases, Optional<String> error, double seconds) {
  public long passed() {
    return cases.stream().filter(CaseResult::passed).count();
  }

  public long failed() {
    return cases.stream().filter(c -> c.status() == CaseResult.Status.FAILED).count();
  }

  public long errors() {
    return cases.stream().filter(c -> c.status() == CaseResult.Status.ERROR).count() + (error.isPresent() ? 1 : 0);
  }
}

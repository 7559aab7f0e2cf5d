package dev.writ.engine.testing;

import java.util.Locale;

/** The console form of a test run: failures in detail, then one line per suite and a summary. */
public final class ConsoleReport {
  private ConsoleReport() {}

  /** @param rerun how to rerun one case, e.g. {@code mvn policy:test -Dpolicy.test="<name>"} */
  public static String render(TestRun run, String rerun) {
    StringBuilder out = new StringBuilder();
    for (SuiteResult s : run.suites()) {
      s.error().ifPresent(e -> out.append("ERROR suite ").append(s.file()).append(":\n  ")
          .append(e.replace("\n", "\n  ")).append('\n'));
      for (CaseResult c : s.cases()) {
        if (c.passed()) {
          continue;
        }
        out.append(c.status() == CaseResult.Status.FAILED ? "FAILED " : "ERROR ")
            .append(c.scenario() ? "scenario" : "case").append(" \"").append(c.name()).append("\" (").append(c.location()).append(")\n");
        c.failures().forEach(f -> out.append("  ").append(f).append('\n'));
        if (!c.explanation().isBlank()) {
          out.append("  explanation:\n");
          for (String line : c.explanation().split("\n")) {
            out.append("    ").append(line).append('\n');
          }
        }
        if (rerun != null) {
          out.append("  rerun it alone: ").append(rerun.replace("<name>", c.name())).append('\n');
        }
      }
    }
    for (SuiteResult s : run.suites()) {
      out.append(String.format(Locale.ROOT, "suite %s (%s): %d passed, %d failed%s, %.3f s%n", s.name(), s.file(),
          s.passed(), s.failed(), s.errors() > 0 ? ", " + s.errors() + " errors" : "", s.seconds()));
    }
    out.append(String.format(Locale.ROOT, "policy tests: %d passed, %d failed%s%n", run.passed(), run.failed(),
        run.errors() > 0 ? ", " + run.errors() + " errors" : ""));
    return out.toString();
  }

  /** Rule coverage: rules never made to apply, and the share seen both applying and not applying. */
  public static String coverage(TestRun run) {
    StringBuilder out = new StringBuilder();
    long never = run.coverage().stream().filter(c -> !c.applied()).count();
    long full = run.coverage().stream().filter(RuleCoverage::full).count();
    out.append(String.format(Locale.ROOT, "rule coverage: %d of %d rules seen both applying and not applying (%.1f%%)%n",
        full, run.coverage().size(), run.coveragePercent()));
    if (never > 0) {
      out.append("rules no case made apply:\n");
      run.coverage().stream().filter(c -> !c.applied())
          .forEach(c -> out.append("  ").append(c.rule()).append(" (").append(c.at()).append(")\n"));
    }
    run.coverage().stream().filter(c -> c.applied() && !c.notApplied())
        .forEach(c -> out.append("  always applied, never seen not applying: ").append(c.rule()).append('\n'));
    return out.toString();
  }
}

package dev.writ.cli;

import dev.writ.engine.testing.ConsoleReport;
import dev.writ.engine.testing.TestRun;
import dev.writ.engine.tooling.PolicyProject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code writ test}: run fixture suites, as {@code mvn policy:test} does. */
@Command(name = "test", mixinStandardHelpOptions = true, description = "Run the fixture suites (*_test.yaml).")
final class TestCommand implements Callable<Integer> {
  @Option(names = "--policies", paramLabel = "DIR", description = "Policies under test (default src/main/policy).")
  Path policies = Path.of("src", "main", "policy");

  @Option(names = "--tests", paramLabel = "DIR", description = "Suites (default src/test/policy).")
  Path tests = Path.of("src", "test", "policy");

  @Option(names = "--filter", paramLabel = "GLOB", description = "Only suites or cases whose name matches.")
  String filter;

  @Option(names = "--reports", paramLabel = "DIR", description = "Write JUnit XML reports here.")
  Path reports;

  @Option(names = "--coverage-minimum", paramLabel = "PERCENT",
      description = "Fail when fewer rules were seen both applying and not applying.")
  Double coverageMinimum;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!tests.toFile().isDirectory()) {
      throw new UserError("test directory " + tests + " does not exist");
    }
    TestRun run = new PolicyProject(policies, tests).test(filter, reports);
    out.print(ConsoleReport.render(run, "writ test --filter \"<name>\""));
    out.print(ConsoleReport.coverage(run));
    if (run.total() == 0 && run.errors() == 0) {
      out.println(filter == null ? "no suites (*_test.yaml) under " + tests : "no suite or case matches `" + filter + "`");
      return Writ.EXIT_FAILURES;
    }
    if (!run.ok()) {
      return Writ.EXIT_FAILURES;
    }
    if (coverageMinimum != null && run.coveragePercent() < coverageMinimum) {
      out.println(String.format(Locale.ROOT, "rule coverage %.1f%% is below the minimum of %.1f%%",
          run.coveragePercent(), coverageMinimum));
      return Writ.EXIT_FAILURES;
    }
    return Writ.EXIT_OK;
  }
}

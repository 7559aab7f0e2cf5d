package dev.writ.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.TestPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example suite of FIXTURES.md, run as written, and what a failure or a bad suite reports. */
class FixtureRunnerTest {
  @TempDir
  Path dir;

  private Path project(String suite) throws IOException {
    Files.createDirectories(dir.resolve("src/main/policy"));
    Files.createDirectories(dir.resolve("src/test/policy"));
    Files.writeString(dir.resolve("src/main/policy/prod.policy"), TestPolicies.resource("/spec/prod.policy"));
    Files.writeString(dir.resolve("src/test/policy/prod_test.yaml"), suite);
    return dir;
  }

  private TestRun run(String suite, String filter) throws IOException {
    Path p = project(suite);
    return new FixtureRunner(p.resolve("src/main/policy"), filter, Clock.systemUTC()).run(p.resolve("src/test/policy"));
  }

  @Test
  void theSpecificationsExampleSuitePasses() throws IOException {
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml"), null);
    assertEquals(2, run.total());
    assertTrue(run.ok(), ConsoleReport.render(run, null));
  }

  @Test
  void durationsCompareByValue() throws IOException {
    TestRun run = run(edited("/spec/prod_test.yaml", "ttl: 2h                      # every",
        "ttl: 120m # every"), null);
    assertTrue(run.ok(), ConsoleReport.render(run, null));
  }

  @Test
  void aFailingCaseSaysWhatDifferedAndExplains() throws IOException {
    TestRun run = run(edited("/spec/prod_test.yaml", "ttl: 2h                      # every",
        "ttl: 1h # every"), null);
    assertEquals(1, run.failed());
    String report = ConsoleReport.render(run, "writ test --filter \"<name>\"");
    assertTrue(report.contains("FAILED case \"SRE reads prod orders during an incident once approved\""), report);
    assertTrue(report.contains("ttl: expected 1h, got 2h"), report);
    assertTrue(report.contains("grant acme.prod.prod_db_incident_read"), report);
    assertTrue(report.contains("rerun it alone: writ test --filter \"SRE reads prod orders"), report);
  }

  @Test
  void theFilterSelectsCasesByName() throws IOException {
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml"), "*drifting*");
    assertEquals(1, run.total());
    assertTrue(run.suites().get(0).cases().get(0).scenario());
  }

  @Test
  void anUnreadableSuiteFailsWithFileLineAndProblem() throws IOException {
    TestRun run = run(edited("/spec/prod_test.yaml", "- advance: 10m", "- hurry: 10m"), null);
    assertEquals(1, run.errors());
    String error = run.suites().get(0).error().orElseThrow();
    assertTrue(error.matches("(?s).*prod_test\\.yaml:\\d+: scenarios\\[0\\]\\.steps\\[\\d+\\]: unknown step kind.*"), error);
  }

  @Test
  void aBadDurationInASuiteNamesTheLine() throws IOException {
    TestRun run = run(edited("/spec/prod_test.yaml", "advance: 10m", "advance: 10 minutes"), null);
    assertEquals(1, run.errors());
    String failure = run.suites().get(0).cases().get(1).failures().get(0);
    assertTrue(failure.contains("prod_test.yaml:") && failure.contains("invalid duration `10 minutes`"), failure);
  }

  @Test
  void junitXmlIsWrittenPerSuite() throws IOException {
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml"), null);
    Path reports = dir.resolve("reports");
    JUnitXmlReport.writeAll(run, reports);
    List<Path> files;
    try (var s = Files.list(reports)) {
      files = s.toList();
    }
    assertEquals(1, files.size());
    String xml = Files.readString(files.get(0));
    assertTrue(xml.contains("<testsuite name=\"policy.prod_test\" tests=\"2\" failures=\"0\" errors=\"0\""), xml);
  }

  /** The suite with one edit; fails when the text to replace is not there, so no test passes on an unedited suite. */
  private static String edited(String resource, String from, String to) throws IOException {
    String text = TestPolicies.resource(resource);
    assertTrue(text.contains(from), resource + " no longer contains `" + from + "`: the edit would be a no-op");
    return text.replace(from, to);
  }
}

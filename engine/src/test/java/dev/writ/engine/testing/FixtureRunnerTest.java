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
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml").replace("ttl: 2h                      # every",
        "ttl: 120m # every"), null);
    assertTrue(run.ok(), ConsoleReport.render(run, null));
  }

  @Test
  void aFailingCaseSaysWhatDifferedAndExplains() throws IOException {
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml").replace("ttl: 2h                      # every",
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
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml").replace("- advance: 10m", "- hurry: 10m"), null);
    assertEquals(1, run.errors());
    String error = run.suites().get(0).error().orElseThrow();
    assertTrue(error.matches("(?s).*prod_test\\.yaml:\\d+: scenarios\\[0\\]\\.steps\\[\\d+\\]: unknown step kind.*"), error);
  }

  @Test
  void aBadDurationInASuiteNamesTheLine() throws IOException {
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml").replace("advance: 10m", "advance: 10 minutes"), null);
    assertEquals(1, run.errors());
    String failure = run.suites().get(0).cases().get(1).failures().get(0);
    assertTrue(failure.contains("prod_test.yaml:") && failure.contains("invalid duration `10 minutes`"), failure);
  }

  /** The spec's example scenario with {@code steps} instead of its offboarding. */
  private static String withSteps(String steps, String audit) {
    String suite = TestPolicies.resource("/spec/prod_test.yaml");
    int from = suite.indexOf("      - offboard: Employee::alice");
    return suite.substring(0, from) + steps + "    audit:\n" + audit;
  }

  @Test
  void narrowAndEndTaskStepsRunAndTheirExpectationsAreChecked() throws IOException {
    String steps = """
              - narrow: g1
                duration: 30m
                reason: suspicious
                expect: { actions: ["db:select"], ttl: 30m, narrowed: [], revoked: [] }
              - end_task: { intent: investigate_incident, params: { ticket: INC-4711 } }
                reason: closed
                expect: { revoked: [g1] }
              - act: { grant: g1, action: "db:select", resource: Database::orders }
                expect: deny
        """;
    String audit = """
              - { event: narrowed, grant: g1, reason: suspicious }
              - { event: revoked, grant: g1, reason: task-ended, detail: closed }
        """;
    TestRun ok = run(withSteps(steps, audit), "*drifting*");
    assertTrue(ok.ok(), ConsoleReport.render(ok, null));
    TestRun wrong = run(withSteps(steps.replace("ttl: 30m", "ttl: 1h").replace("revoked: [g1]", "revoked: []"),
        audit), "*drifting*");
    assertEquals(1, wrong.failed());
    String report = ConsoleReport.render(wrong, null);
    assertTrue(report.contains("ttl: expected 1h, got 30m"), report);
  }

  @Test
  void aNarrowingThatWidensOrABadStepIsReportedWithItsPlace() throws IOException {
    TestRun wider = run(withSteps("""
              - narrow: g1
                actions: ["db:select", "db:delete"]
        """, "      - { event: granted, grant: g1 }\n"), "*drifting*");
    assertEquals(1, wider.errors());
    String failure = wider.suites().get(0).cases().get(0).failures().get(0);
    assertTrue(failure.contains("(narrow, ") && failure.contains("actions[1]") && failure.contains("db:delete"),
        failure);
    TestRun typo = run(withSteps("""
              - end_task: { intent: investigate_incident, parms: { ticket: INC-4711 } }
        """, "      - { event: granted, grant: g1 }\n"), "*drifting*");
    String error = typo.suites().get(0).cases().get(0).failures().get(0);
    assertTrue(error.contains("prod_test.yaml:") && error.contains("unknown field `parms`"), error);
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
}

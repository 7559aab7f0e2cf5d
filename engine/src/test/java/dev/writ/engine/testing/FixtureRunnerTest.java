package dev.writ.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.TestPolicies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The specification's example suite (src/test/resources/spec), run as written, and what a failure or a bad suite reports. */
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
  void aBadAdvanceSaysWhereOnceAndShowsTheUnits() throws IOException {
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml").replace("advance: 10m", "advance: 15min"), null);
    CaseResult scenario = run.suites().get(0).cases().get(1);
    assertEquals(CaseResult.Status.ERROR, scenario.status());
    String where = scenario.location();
    assertEquals(List.of("step 5 (advance, " + where + "): scenarios[0].steps[4].advance: invalid duration `15min`: "
        + "unknown unit `min`; the units are d (days), h (hours), m (minutes) and s (seconds), as in `1h30m`"),
        scenario.failures());
  }

  @Test
  void offboardingAnUnknownEntityIsAnErrorNamingTheStep() throws IOException {
    TestRun run = run(TestPolicies.resource("/spec/prod_test.yaml").replace("offboard: Employee::alice",
        "offboard: Employee::alicia"), null);
    CaseResult scenario = run.suites().get(0).cases().get(1);
    assertEquals(CaseResult.Status.ERROR, scenario.status());
    assertEquals(List.of("step 9 (offboard, " + scenario.location() + "): scenarios[0].steps[8].offboard: "
        + "unknown entity `Employee::alicia`: the suite's entities do not have it"), scenario.failures());
  }

  @Test
  void aMalformedExpectFailsItsCaseOnly() throws IOException {
    String suite = TestPolicies.resource("/spec/prod_test.yaml");
    String bad = suite.replace("      decision: permit\n      ttl: 2h", "      decison: permit\n      ttl: 2h");
    assertTrue(!bad.equals(suite));
    TestRun run = run(bad, null);
    assertEquals(0, run.suites().get(0).error().map(e -> 1).orElse(0), "the suite itself is readable");
    CaseResult c = run.suites().get(0).cases().get(0);
    assertEquals(CaseResult.Status.ERROR, c.status());
    assertEquals(List.of(c.location() + ": cases[0].expect.decison: unknown field `decison`; did you mean `decision`?"),
        c.failures());
    assertEquals(CaseResult.Status.PASSED, run.suites().get(0).cases().get(1).status(), "the scenario still runs");
  }

  @Test
  void theShortFormOfExpectIsTheDecision() throws IOException {
    String suite = TestPolicies.resource("/spec/prod_test.yaml");
    String pending = suite.replace("      approvals: [ { by: Employee::carol } ]\n", "").replace("    expect:\n"
        + "      decision: permit\n"
        + "      ttl: 2h                      # every field but decision is optional;\n"
        + "      policies: [acme.prod.prod_db_incident_read]   # only the fields given are compared\n",
        "    expect: pending\n");
    assertTrue(pending.contains("expect: pending"), pending);
    TestRun ok = run(pending, null);
    assertTrue(ok.ok(), () -> ConsoleReport.render(ok, null));
    TestRun wrong = run(pending.replace("expect: pending", "expect: permit"), null);
    assertEquals(List.of("decision: expected permit, got pending"), wrong.suites().get(0).cases().get(0).failures());
    TestRun typo = run(pending.replace("expect: pending", "expect: pendin"), null);
    assertEquals(List.of(typo.suites().get(0).cases().get(0).location() + ": cases[0].expect: `pendin` is not a "
        + "decision; use permit, deny or pending, or a mapping of a decision's fields"),
        typo.suites().get(0).cases().get(0).failures());
  }

  @Test
  void entityDataErrorsShowThePathAsTheSuitesIsShown() throws IOException {
    // Under the working directory, so that paths are shown relative to it, as `writ test` run in a project shows them.
    Files.createDirectories(Path.of("target"));
    Path project = Files.createTempDirectory(Path.of("target"), "suite-paths");
    Path tests = project.resolve("src/test/policy");
    Files.createDirectories(project.resolve("src/main/policy"));
    Files.createDirectories(tests);
    Files.writeString(project.resolve("src/main/policy/prod.policy"), TestPolicies.resource("/spec/prod.policy"));
    Files.writeString(tests.resolve("entities.yaml"), "- { uid: Employee::alice, attrs: { department: sre, "
        + "mfa_enrolled: yes-please } }\n");
    Files.writeString(tests.resolve("prod_test.yaml"), """
        entities: entities.yaml
        cases:
          - name: any
            request: { principal: Employee::alice, actions: ["db:select"], resource: Database::orders }
            expect: deny
        """);
    TestRun run = new FixtureRunner(project.resolve("src/main/policy"), null, Clock.systemUTC()).run(tests);
    assertEquals(Optional.of(tests.resolve("entities.yaml") + ":1: `Employee::alice`: [0].attrs.mfa_enrolled: "
        + "expected a Bool, got string `yes-please`"), run.suites().get(0).error());
    assertTrue(!tests.isAbsolute());
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

package dev.writ.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.testing.CaseResult;
import dev.writ.engine.testing.SuiteResult;
import dev.writ.engine.testing.TestRun;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestMojoTest {
  private static final CaseResult PASSED =
      new CaseResult("reads", false, CaseResult.Status.PASSED, List.of(), "", "a_test.yaml:5", 0.01);
  private static final CaseResult FAILED = new CaseResult("SRE reads \"prod\"", false, CaseResult.Status.FAILED,
      List.of("ttl: expected 1h, got 2h"), "decision: permit, ttl 2h", "b_test.yaml:9", 0.01);

  private static TestMojo mojo(RecordingLog log) {
    TestMojo mojo = new TestMojo();
    mojo.setLog(log);
    mojo.reportsDirectory = new File("target/policy-reports");
    return mojo;
  }

  @Test
  void failureDetailsAndFailingSuitesAreErrorsTheRestInfo() {
    TestRun run = new TestRun(List.of(
        new SuiteResult(Path.of("a_test.yaml"), "passing suite", List.of(PASSED), Optional.empty(), 0.1),
        new SuiteResult(Path.of("b_test.yaml"), "failing suite", List.of(PASSED, FAILED), Optional.empty(), 0.1)),
        List.of());
    RecordingLog log = new RecordingLog();
    mojo(log).printResults(run);

    assertTrue(log.lines.contains("[ERROR] FAILED case \"SRE reads \"prod\"\" (b_test.yaml:9)"), log.lines.toString());
    assertTrue(log.lines.contains("[ERROR]   ttl: expected 1h, got 2h"), log.lines.toString());
    assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("[INFO] suite passing suite (a_test.yaml): 1 passed")), log.lines.toString());
    assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("[ERROR] suite failing suite (b_test.yaml): 1 passed, 1 failed")), log.lines.toString());
    assertTrue(log.lines.contains("[ERROR] policy tests: 2 passed, 1 failed"), log.lines.toString());
    assertTrue(log.lines.contains("[INFO] Reports: " + new File("target/policy-reports")), log.lines.toString());
  }

  @Test
  void aPassingRunIsAllInfo() {
    TestRun run = new TestRun(List.of(
        new SuiteResult(Path.of("a_test.yaml"), "passing suite", List.of(PASSED), Optional.empty(), 0.1)), List.of());
    RecordingLog log = new RecordingLog();
    mojo(log).printResults(run);
    assertTrue(log.lines.stream().allMatch(l -> l.startsWith("[INFO] ")), log.lines.toString());
  }

  @Test
  void theFailureMessageCountsListsAndSaysHowToRerunOneCase() {
    TestRun run = new TestRun(List.of(
        new SuiteResult(Path.of("broken_test.yaml"), "broken_test.yaml", List.of(),
            Optional.of("broken_test.yaml:4: malformed YAML: while parsing a flow node"), 0.0),
        new SuiteResult(Path.of("b_test.yaml"), "failing suite", List.of(PASSED, FAILED), Optional.empty(), 0.1)),
        List.of());
    String message = mojo(new RecordingLog()).failureMessage(run);
    assertEquals(String.join("\n",
        "There are policy test failures: 1 failure, 1 error, 1 passed of 2 tests.",
        "",
        "  ERROR suite broken_test.yaml: broken_test.yaml:4: malformed YAML: while parsing a flow node",
        "  FAILED case \"SRE reads \"prod\"\" (b_test.yaml:9): ttl: expected 1h, got 2h",
        "",
        "Please refer to " + new File("target/policy-reports") + " for the individual test results.",
        "Rerun one case: mvn policy:test -Dpolicy.test=\"broken_test.yaml\""), message);
  }
}

package dev.writ.engine.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.testing.CaseResult;
import dev.writ.engine.testing.FixtureRunner;
import dev.writ.engine.testing.SuiteResult;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The same runtime driven through a fixture suite: every step kind of docs/suites.md, with audit assertions. */
class GovernanceSuiteTest {
  @Test
  void theScenarioSuitePasses() {
    FixtureRunner runner = new FixtureRunner(Gov.resources().resolve("policies"), null, Clock.systemUTC());
    SuiteResult r = runner.runSuite(Gov.resources().resolve("suites/scenarios_test.yaml"));
    assertTrue(r.error().isEmpty(), () -> r.error().get());
    assertEquals(2, r.cases().size());
    for (CaseResult c : r.cases()) {
      assertTrue(c.passed(), () -> c.name() + ": " + c.failures() + "\n" + c.explanation());
    }
  }
}

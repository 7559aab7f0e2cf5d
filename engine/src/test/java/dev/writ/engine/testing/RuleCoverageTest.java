package dev.writ.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What rule coverage counts, one way of being seen per test: applying, not applying because a
 * condition failed, not applying at the boundary of an unconditional rule, a forbid that errored
 * (counted as applying: it denied), and a rule no request came near (neither).
 */
class RuleCoverageTest {
  private static final String POLICY = """
      human Employee { level: Int, team: String }
      human Contractor
      resource Doc { owner: String }
      action "read", "write", "archive" on Doc

      grant readers {
        principal Employee
        action "read"
        resource Doc
        when principal.level > 2
      }

      grant owner_writes {
        principal Employee::"alice"
        action "write"
        resource Doc
      }

      forbid foreign {
        principal Employee
        action "read", "write"
        resource Doc
        when principal.level + 9223372036854775807 > 0
      }

      grant untouched {
        principal Contractor
        action "archive"
        resource Doc::"never"
      }
      """;

  private static final String ENTITIES = """
      now: "2026-06-15T10:00:00Z"
      entities:
        - { uid: Employee::alice, attrs: { level: 3, team: sre } }
        - { uid: Employee::bob, attrs: { level: 1, team: sales } }
        - { uid: Doc::a, attrs: { owner: sre } }
      """;

  @TempDir
  Path dir;

  private Map<String, RuleCoverage> coverage(String cases) throws IOException {
    Files.createDirectories(dir.resolve("policy"));
    Files.createDirectories(dir.resolve("tests"));
    Files.writeString(dir.resolve("policy/rules.policy"), POLICY);
    Files.writeString(dir.resolve("tests/coverage_test.yaml"), "suite: coverage\n" + ENTITIES + "cases:\n" + cases);
    TestRun run = new FixtureRunner(dir.resolve("policy"), null, Clock.systemUTC()).run(dir.resolve("tests"));
    assertEquals(1, run.suites().size(), ConsoleReport.render(run, null));
    assertTrue(run.suites().get(0).error().isEmpty(), () -> run.suites().get(0).error().orElseThrow());
    assertEquals(0, run.errors(), ConsoleReport.render(run, null));
    assertTrue(run.ok(), ConsoleReport.render(run, null));
    return run.coverage().stream().collect(Collectors.toMap(RuleCoverage::rule, Function.identity()));
  }

  private static String decide(String name, String principal, String action, String expect) {
    return "  - name: " + name + "\n    request: { principal: " + principal + ", actions: [\"" + action
        + "\"], resource: Doc::a }\n    expect: { decision: " + expect + " }\n";
  }

  @Test
  void everyRuleIsListedAndANeverReachedOneIsNeitherWay() throws IOException {
    Map<String, RuleCoverage> c = coverage(decide("alice reads", "Employee::alice", "read", "deny"));
    assertEquals(java.util.Set.of("readers", "owner_writes", "foreign", "untouched"), c.keySet());
    RuleCoverage untouched = c.get("untouched");
    assertTrue(!untouched.applied() && !untouched.notApplied(), untouched.toString());
  }

  @Test
  void aForbidThatErrorsCountsAsApplying() throws IOException {
    // level + Long.MAX_VALUE overflows: the forbid errors, and an erroring forbid denies.
    RuleCoverage foreign = coverage(decide("alice reads", "Employee::alice", "read", "deny")).get("foreign");
    assertTrue(foreign.applied(), foreign.toString());
    assertTrue(foreign.forbid());
  }

  @Test
  void aFailedConditionIsSeenNotApplyingAndAHeldOneApplying() throws IOException {
    // bob (level 1) writes: readers is not a candidate for "write", and alice's rule is out of scope.
    Map<String, RuleCoverage> onlyBob = coverage(decide("bob writes", "Employee::bob", "write", "deny"));
    RuleCoverage readers = onlyBob.get("readers");
    assertTrue(readers.notApplied(), "same principal and resource, another action: its boundary: " + readers);
    assertTrue(!readers.applied(), readers.toString());
  }

  @Test
  void anUnconditionalRuleIsCoveredByItsBoundary() throws IOException {
    Map<String, RuleCoverage> c = coverage(decide("bob writes", "Employee::bob", "write", "deny"));
    RuleCoverage owner = c.get("owner_writes");
    assertTrue(owner.notApplied() && !owner.applied(), "bob is not alice: " + owner);
    assertTrue(!owner.full());
  }
}

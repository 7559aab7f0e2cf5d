package dev.writ.engine.tooling;

import dev.writ.engine.compile.CompiledPolicies;
import dev.writ.engine.testing.FixtureRunner;
import dev.writ.engine.testing.JUnitXmlReport;
import dev.writ.engine.testing.TestRun;
import dev.writ.language.Frontend;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A policy project in the Maven layout: what {@code mvn policy:*} and the {@code writ}
 * command call, so that both behave the same.
 *
 * @param policies {@code src/main/policy} by default
 * @param tests    {@code src/test/policy} by default
 */
public record PolicyProject(Path policies, Path tests) {
  public static PolicyProject mavenLayout(Path base) {
    return new PolicyProject(base.resolve("src/main/policy"), base.resolve("src/test/policy"));
  }

  /** Parses, checks and lints every policy. */
  public Frontend.Result validate() {
    return Frontend.checkDirectory(policies);
  }

  /** Checks and compiles the policies (what a bundle is written from). */
  public CompiledPolicies compile() {
    return CompiledPolicies.fromDirectory(policies);
  }

  /** Runs every suite (filtered by a glob on suite and case names) and writes JUnit XML reports. */
  public TestRun test(String filter, Path reportsDir) throws IOException {
    TestRun run = new FixtureRunner(policies, filter, Clock.systemUTC()).run(tests);
    if (reportsDir != null) {
      JUnitXmlReport.writeAll(run, reportsDir);
    }
    return run;
  }
}

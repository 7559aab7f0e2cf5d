package dev.writ.maven;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.engine.json.DataException;
import dev.writ.engine.testing.CaseResult;
import dev.writ.engine.testing.ConsoleReport;
import dev.writ.engine.testing.FixtureRunner;
import dev.writ.engine.testing.RuleCoverage;
import dev.writ.engine.testing.SuiteResult;
import dev.writ.engine.testing.TestRun;
import dev.writ.engine.tooling.PolicyProject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs the fixture suites ({@code *_test.yaml} files of cases and scenarios) against the policies, prints the
 * results and the rule coverage, writes one JUnit XML report per suite, and fails the build when
 * a case fails, a case errors or a suite cannot be read. The failure message gives the counts,
 * the report directory and the command that reruns one case.
 *
 * <p>Runs in the {@code test} phase. Honours Surefire's switches where they mean the same thing:
 * {@code -DskipTests}, {@code -Dmaven.test.skip} and {@code -Dmaven.test.failure.ignore}. A
 * project without suites is not a failure ("No policy tests to run."), but a
 * {@code -Dpolicy.test} filter that matches nothing is, as Surefire's
 * {@code failIfNoSpecifiedTests}.
 */
@Mojo(name = "test", defaultPhase = LifecyclePhase.TEST, threadSafe = true)
public class TestMojo extends AbstractPolicyMojo {
  private static final int LISTED = 10;

  /**
   * The directory of the fixture suites: every file ending in {@code _test.yaml} or
   * {@code _test.yml} under it, at any depth, is a suite; other YAML files there (shared entity
   * data) are not run.
   *
   * <p>Default: <code>${project.basedir}/src/test/policy</code>. Example:
   * <pre>&lt;testDirectory&gt;${project.basedir}/src/test/fixtures&lt;/testDirectory&gt;</pre>
   */
  @Parameter(property = "policy.testDirectory", defaultValue = "${project.basedir}/src/test/policy", required = true)
  protected File testDirectory;

  /**
   * Where the JUnit XML reports go, one {@code TEST-policy.<suite>.xml} per suite, in the shape
   * Surefire writes, so CI servers show policy tests next to the others.
   *
   * <p>Default: <code>${project.build.directory}/policy-reports</code>. Example:
   * <pre>&lt;reportsDirectory&gt;${project.build.directory}/surefire-reports&lt;/reportsDirectory&gt;</pre>
   */
  @Parameter(property = "policy.reportsDirectory", defaultValue = "${project.build.directory}/policy-reports",
      required = true)
  protected File reportsDirectory;

  /**
   * Runs only the suites and cases whose name matches this glob ({@code *} any run of characters,
   * {@code ?} one character, case-insensitive). It is matched against the suite name, the suite
   * file name, the case or scenario name, and {@code <suite>/<case>}.
   *
   * <p>Default: none (everything runs). Example:
   * {@code mvn policy:test -Dpolicy.test="SRE reads*"}
   */
  @Parameter(property = "policy.test")
  protected String test;

  /**
   * Fails the build when {@link #test} is given and matches no case, as Surefire's
   * {@code failIfNoSpecifiedTests}. Set it to {@code false} when one filter is used across the
   * modules of a multi-module build.
   *
   * <p>Default: {@code true}. Example: {@code -Dpolicy.failIfNoSpecifiedTests=false}
   */
  @Parameter(property = "policy.failIfNoSpecifiedTests", defaultValue = "true")
  protected boolean failIfNoSpecifiedTests;

  /**
   * The lowest rule coverage, in percent (0 to 100), that passes: the share of rules that the
   * suites saw both applying and not applying. Below it the build fails, as JaCoCo's
   * {@code check} does. It is not checked when {@link #test} selects only some cases.
   *
   * <p>Default: none (not checked). Example: {@code -Dpolicy.coverage.minimum=80}, or
   * <pre>{@code <coverageMinimum>80</coverageMinimum>}</pre>
   */
  @Parameter(property = "policy.coverage.minimum")
  protected Double coverageMinimum;

  /**
   * Logs test failures as errors but does not fail the build, as Surefire's
   * {@code testFailureIgnore}; the reports are written as always. The coverage minimum still
   * applies.
   *
   * <p>Default: {@code false}. Example: {@code -Dmaven.test.failure.ignore=true}
   */
  @Parameter(property = "maven.test.failure.ignore", defaultValue = "false")
  protected boolean testFailureIgnore;

  /**
   * Skips this goal, as it skips Surefire: {@code -DskipTests}.
   *
   * <p>Default: {@code false}.
   */
  @Parameter(property = "skipTests", defaultValue = "false")
  protected boolean skipTests;

  /**
   * Skips this goal, as it skips Surefire (and compiling tests): {@code -Dmaven.test.skip=true}.
   *
   * <p>Default: {@code false}.
   */
  @Parameter(property = "maven.test.skip", defaultValue = "false")
  protected boolean mavenTestSkip;

  /**
   * Skips this goal only, leaving Surefire alone.
   *
   * <p>Default: {@code false}. Example: {@code -Dpolicy.test.skip}, or
   * <pre>{@code <skipPolicyTests>true</skipPolicyTests>}</pre>
   */
  @Parameter(property = "policy.test.skip", defaultValue = "false")
  protected boolean skipPolicyTests;

  @Override
  protected String goal() {
    return "test";
  }

  @Override
  protected Optional<String> skipReason() {
    if (skipPolicyTests) {
      return Optional.of("policy.test.skip=true");
    }
    if (mavenTestSkip) {
      return Optional.of("maven.test.skip=true");
    }
    return skipTests ? Optional.of("skipTests=true") : Optional.empty();
  }

  @Override
  protected void doExecute() throws MojoExecutionException, MojoFailureException {
    if (coverageMinimum != null && (coverageMinimum < 0 || coverageMinimum > 100 || coverageMinimum.isNaN())) {
      throw new MojoExecutionException("policy.coverage.minimum must be a percentage from 0 to 100, not "
          + coverageMinimum);
    }
    String filter = test == null || test.isBlank() ? null : test.strip();
    Path tests = shown(testDirectory);
    Path reports = shown(reportsDirectory);
    boolean anySuite;
    try {
      anySuite = !FixtureRunner.findSuites(tests).isEmpty();
    } catch (DataException e) {
      throw new MojoExecutionException(e.describe(), e);
    }
    if (!anySuite) {
      noTests(filter, "no suites (*_test.yaml) under " + tests);
      return;
    }

    banner();
    TestRun run;
    try {
      run = new PolicyProject(shown(policyDirectory), tests).test(filter, reports);
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot write the policy test reports to " + reports + ": "
          + e.getMessage(), e);
    } catch (DataException e) {
      throw new MojoExecutionException(e.describe(), e);
    }
    if (run.total() == 0 && run.errors() == 0) {
      noTests(filter, "no case matches");
      return;
    }
    printResults(run);

    if (!run.ok()) {
      String message = failureMessage(run);
      if (!testFailureIgnore) {
        throw new MojoFailureException(message);
      }
      getLog().error(message);
      getLog().error("The build goes on: maven.test.failure.ignore is set.");
    }
    checkCoverage(run, filter);
  }

  private void noTests(String filter, String why) throws MojoFailureException {
    if (filter != null && failIfNoSpecifiedTests) {
      throw new MojoFailureException("No policy tests matching pattern \"" + filter + "\" were executed in "
          + shown(testDirectory) + " (" + why + "). (Set -Dpolicy.failIfNoSpecifiedTests=false to ignore this error.)");
    }
    getLog().info(filter == null ? "No policy tests to run." : "No policy tests matching \"" + filter + "\" here.");
  }

  private void banner() {
    getLog().info("");
    getLog().info("-------------------------------------------------------");
    getLog().info(" P O L I C Y   T E S T S");
    getLog().info("-------------------------------------------------------");
  }

  /**
   * The engine's console report, line by line at the right level. The report is the failure
   * details first, then one line per suite in order, then one summary line; the details and the
   * lines of suites that did not pass go out as errors, the rest as info (Surefire's levels).
   */
  void printResults(TestRun run) {
    String[] lines = ConsoleReport.render(run, RerunHint.template(session, project)).split("\n");
    int tail = run.suites().size() + 1;
    int details = lines.length - tail;
    for (int i = 0; i < lines.length; i++) {
      boolean error;
      if (details < 0) {
        error = !run.ok(); // not the shape described above: keep every line, at one level
      } else if (i < details) {
        error = true;
      } else if (i < lines.length - 1) {
        SuiteResult s = run.suites().get(i - details);
        error = s.failed() > 0 || s.errors() > 0;
      } else {
        error = !run.ok();
      }
      if (error) {
        getLog().error(lines[i]);
      } else {
        getLog().info(lines[i]);
      }
    }
    getLog().info("Reports: " + shown(reportsDirectory));
    for (String line : ConsoleReport.coverage(run).split("\n")) {
      getLog().info(line);
    }
  }

  String failureMessage(TestRun run) {
    StringBuilder m = new StringBuilder("There are policy test failures: ")
        .append(plural(run.failed(), "failure")).append(", ").append(plural(run.errors(), "error"))
        .append(", ").append(run.passed()).append(" passed of ").append(plural(run.total(), "test")).append('.');
    List<String> listed = new ArrayList<>();
    String first = null;
    for (SuiteResult s : run.suites()) {
      if (s.error().isPresent()) {
        listed.add("ERROR suite " + s.file() + ": " + s.error().get().split("\n", 2)[0]);
        if (first == null) {
          first = s.file().getFileName().toString();
        }
      }
      for (CaseResult c : s.cases()) {
        if (!c.passed()) {
          listed.add((c.status() == CaseResult.Status.FAILED ? "FAILED " : "ERROR ")
              + (c.scenario() ? "scenario" : "case") + " \"" + c.name() + "\" (" + c.location() + ")"
              + (c.failures().isEmpty() ? "" : ": " + c.failures().get(0).split("\n", 2)[0]));
          if (first == null) {
            first = c.name();
          }
        }
      }
    }
    m.append('\n');
    listed.stream().limit(LISTED).forEach(l -> m.append("\n  ").append(l));
    if (listed.size() > LISTED) {
      m.append("\n  ... and ").append(listed.size() - LISTED).append(" more (see the log above)");
    }
    m.append("\n\nPlease refer to ").append(shown(reportsDirectory)).append(" for the individual test results.");
    if (first != null) {
      m.append("\nRerun one case: ").append(RerunHint.forName(session, project, first));
    }
    return m.toString();
  }

  private void checkCoverage(TestRun run, String filter) throws MojoFailureException {
    if (coverageMinimum == null) {
      return;
    }
    if (filter != null) {
      getLog().info("Rule coverage minimum not checked: -Dpolicy.test selects only some cases.");
      return;
    }
    double covered = run.coveragePercent();
    if (covered + 1e-9 >= coverageMinimum) {
      getLog().info(String.format(Locale.ROOT, "Rule coverage %.1f%% meets the minimum of %.1f%%.", covered,
          coverageMinimum));
      return;
    }
    StringBuilder m = new StringBuilder(String.format(Locale.ROOT,
        "Rule coverage checks have not been met: %.1f%% of the rules were seen both applying and not applying,"
            + " below the minimum of %.1f%% (policy.coverage.minimum).", covered, coverageMinimum));
    List<RuleCoverage> partial = run.coverage().stream().filter(c -> !c.full()).toList();
    m.append("\nRules not fully covered:");
    partial.stream().limit(LISTED).forEach(c -> m.append("\n  ").append(c.rule()).append(" (").append(c.at())
        .append("): ").append(c.applied() ? "never seen not applying" : "no case made it apply"));
    if (partial.size() > LISTED) {
      m.append("\n  ... and ").append(partial.size() - LISTED).append(" more (see the log above)");
    }
    m.append("\nAdd cases to the suites in ").append(shown(testDirectory)).append('.');
    throw new MojoFailureException(m.toString());
  }
}

package dev.writ.maven;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.engine.tooling.PolicyProject;
import dev.writ.language.Frontend;
import dev.writ.language.diag.Diagnostics;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Parses and checks every {@code .policy} file of the policy directory and prints every
 * diagnostic, errors and warnings, with its file, line, column, source line and caret. Fails the
 * build on any error, and on any warning when {@code failOnWarning} is set.
 *
 * <p>Runs in the {@code validate} phase. Run alone with {@code mvn policy:validate}.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateMojo extends AbstractPolicyMojo {

  /**
   * Fails the build on warnings too (a grant without {@code ttl}, an agent grant without an
   * intent, an optional attribute read without {@code has}, ...), not only on errors.
   *
   * <p>Default: {@code false}. Example: {@code -Dpolicy.failOnWarning}, or
   * <pre>{@code <failOnWarning>true</failOnWarning>}</pre>
   */
  @Parameter(property = "policy.failOnWarning", defaultValue = "false")
  protected boolean failOnWarning;

  /**
   * Skips this goal only.
   *
   * <p>Default: {@code false}. Example: {@code -Dpolicy.validate.skip}, or
   * <pre>{@code <skipValidate>true</skipValidate>}</pre>
   */
  @Parameter(property = "policy.validate.skip", defaultValue = "false")
  protected boolean skipValidate;

  @Override
  protected String goal() {
    return "validate";
  }

  @Override
  protected Optional<String> skipReason() {
    return skipValidate ? Optional.of("policy.validate.skip=true") : Optional.empty();
  }

  @Override
  protected void doExecute() throws MojoExecutionException, MojoFailureException {
    Path policies = shown(policyDirectory);
    if (!PolicySourceDirectory.hasPolicies(getLog(), policies, "validate")) {
      return;
    }
    Frontend.Result result = new PolicyProject(policies, null).validate();
    Diagnostics diagnostics = result.diagnostics();
    MavenDiagnosticLog.print(getLog(), diagnostics);

    long errors = diagnostics.errorCount();
    long warnings = diagnostics.warningCount();
    String files = plural(result.sources().size(), "policy file");
    String problems = errors == 0 && warnings == 0 ? "no problems"
        : plural(errors, "error") + ", " + plural(warnings, "warning");
    if (errors > 0) {
      getLog().error("Checked " + files + " in " + policies + ": " + problems);
      throw new MojoFailureException("Policy validation failed with " + plural(errors, "error") + " in "
          + policies + ":" + MavenDiagnosticLog.errorHeadlines(diagnostics, 10)
          + "\nFix them and run `mvn policy:validate` again.");
    }
    int rules = result.bundle().map(b -> b.rules().size()).orElse(0);
    String summary = "Checked " + files + ", " + plural(rules, "rule") + " in " + policies + ": " + problems;
    if (warnings > 0 && failOnWarning) {
      getLog().error(summary);
      throw new MojoFailureException("Policy validation failed: " + plural(warnings, "warning")
          + " in " + policies + " and failOnWarning is set (see the warnings above; -Dpolicy.failOnWarning=false"
          + " lets them pass).");
    }
    if (warnings > 0) {
      getLog().warn(summary);
    } else {
      getLog().info(summary);
    }
  }
}

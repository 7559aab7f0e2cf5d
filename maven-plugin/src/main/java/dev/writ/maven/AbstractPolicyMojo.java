package dev.writ.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every {@code policy:*} goal shares: the policy directory, the {@code policy.skip} switch
 * and the skip handling. Subclasses stay thin: they read their parameters, call the engine's
 * {@code PolicyProject} and turn its result into log lines and, when the user's policies or tests
 * are wrong, a {@link MojoFailureException}. {@link MojoExecutionException} is kept for I/O
 * problems and bugs (the split {@code AbstractJacocoMojo} documents), so that Maven says
 * BUILD FAILURE for the former and BUILD ERROR for the latter.
 */
public abstract class AbstractPolicyMojo extends AbstractMojo {

  /**
   * The directory of the {@code .policy} files: every file ending in {@code .policy} under it, at
   * any depth, is one bundle. A project without this directory has no policies, and the goals
   * skip with an info line (as Surefire does for a project without tests), so the plugin can be
   * declared once in a parent POM.
   *
   * <p>Default: <code>${project.basedir}/src/main/policy</code>. Example:
   * <pre>&lt;policyDirectory&gt;${project.basedir}/policies&lt;/policyDirectory&gt;</pre>
   * or {@code -Dpolicy.policyDirectory=policies}.
   */
  @Parameter(property = "policy.policyDirectory", defaultValue = "${project.basedir}/src/main/policy", required = true)
  protected File policyDirectory;

  /**
   * Skips every {@code policy:*} goal ({@code validate}, {@code test}, {@code bundle} and {@code impact}).
   *
   * <p>Default: {@code false}. Example: {@code mvn verify -Dpolicy.skip}, or
   * <pre>{@code <skip>true</skip>}</pre>
   */
  @Parameter(property = "policy.skip", defaultValue = "false")
  protected boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  protected MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  protected MavenSession session;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping policy:" + goal() + " (policy.skip=true)");
      return;
    }
    Optional<String> reason = skipReason();
    if (reason.isPresent()) {
      getLog().info("Skipping policy:" + goal() + " (" + reason.get() + ")");
      return;
    }
    doExecute();
  }

  /** The goal's name, for log lines. */
  protected abstract String goal();

  /** The goal's own skip switch that is set, as {@code name=true}, or empty to run. */
  protected abstract Optional<String> skipReason();

  protected abstract void doExecute() throws MojoExecutionException, MojoFailureException;

  /**
   * A path as the engine is given it and as the log shows it: relative to the working directory
   * (where {@code mvn} was started) when it lies below it, else absolute. That is how the engine
   * and the {@code writ} command show paths, so diagnostics, suite files, rule locations and this
   * goal's own lines all read alike ({@code src/main/policy/prod.policy:3:13}, or
   * {@code module/src/main/policy/...} from the root of a multi-module build), and every one of
   * them still opens from where the build was run.
   */
  protected static Path shown(File file) {
    Path p = file.toPath().toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return p.startsWith(cwd) && !p.equals(cwd) ? cwd.relativize(p) : p;
  }
}

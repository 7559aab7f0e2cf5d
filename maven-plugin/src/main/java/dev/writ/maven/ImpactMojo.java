package dev.writ.maven;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.engine.audit.AuditException;
import dev.writ.engine.bundle.BundleException;
import dev.writ.engine.bundle.BundleReader;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.EntityDataException;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.impact.FailOn;
import dev.writ.engine.impact.ImpactAnalyzer;
import dev.writ.engine.impact.ImpactJson;
import dev.writ.engine.impact.ImpactReport;
import dev.writ.engine.impact.ImpactText;
import dev.writ.engine.impact.Replay;
import dev.writ.engine.impact.Replays;
import dev.writ.engine.json.DataException;
import dev.writ.engine.tooling.PolicyProject;
import dev.writ.language.Frontend;
import dev.writ.language.diag.Diagnostics;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/**
 * What the project's policy change changes: compiles the project's policies and replays the
 * requests of its fixture suites (and, when configured, of an audit trail) against them and
 * against a baseline (a previously released bundle, by file or by Maven coordinates); prints
 * every request decided differently, with the rules responsible; writes
 * {@code impact.json} and {@code impact.md} (for a CI job to post on the pull request) into
 * the reports directory; fails the build when {@code failOn} says so.
 *
 * <p>Not bound to a phase by default: run {@code mvn policy:impact -Dpolicy.baseline=...}, or
 * bind it (for instance to {@code verify}) in an execution.
 */
@Mojo(name = "impact", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ImpactMojo extends AbstractPolicyMojo {
  private final RepositorySystem repositorySystem;

  /**
   * The policies to compare with: a bundle file ({@code .wbundle}), a policy directory, or the
   * Maven coordinates {@code groupId:artifactId:version} of a bundle that {@code policy:bundle}
   * attached to an earlier release (type {@code wbundle}), resolved from the project's
   * repositories as Maven resolves any artifact.
   *
   * <p>Required. Example: {@code -Dpolicy.baseline=com.acme:access-policies:1.4.0}, or
   * <pre>&lt;baseline&gt;${project.groupId}:${project.artifactId}:1.4.0&lt;/baseline&gt;</pre>
   */
  @Parameter(property = "policy.baseline")
  protected String baseline;

  /**
   * The fixture suites whose requests are replayed (each with its own entities).
   *
   * <p>Default: <code>${project.basedir}/src/test/policy</code>.
   */
  @Parameter(property = "policy.testDirectory", defaultValue = "${project.basedir}/src/test/policy", required = true)
  protected File testDirectory;

  /**
   * An audit trail to replay as well ({@code writ-data/audit.jsonl} or {@code writ audit export}
   * output): every recorded request and delegated request, with the grants active at its end.
   *
   * <p>Default: none. Example: {@code -Dpolicy.impact.trail=prod-trail.jsonl}
   */
  @Parameter(property = "policy.impact.trail")
  protected File trail;

  /**
   * The entity data the trail's requests were decided with (YAML or JSON files).
   *
   * <p>Default: none. Example: <pre>&lt;entities&gt;&lt;entity&gt;data/entities.yaml&lt;/entity&gt;&lt;/entities&gt;</pre>
   * or {@code -Dpolicy.impact.entities=data/entities.yaml,data/more.yaml}
   */
  @Parameter(property = "policy.impact.entities")
  protected List<File> entities = new ArrayList<>();

  /**
   * Fails the build when any request is widened ({@code widen}), or when anything changed
   * ({@code any}). Unset, the report is written and the build goes on.
   *
   * <p>Default: none. Example: {@code -Dpolicy.failOn=widen}
   */
  @Parameter(property = "policy.failOn")
  protected String failOn;

  /**
   * Where {@code impact.json} and {@code impact.md} are written.
   *
   * <p>Default: <code>${project.build.directory}/policy-reports</code>.
   */
  @Parameter(property = "policy.reportsDirectory", defaultValue = "${project.build.directory}/policy-reports",
      required = true)
  protected File reportsDirectory;

  /**
   * Skips this goal only.
   *
   * <p>Default: {@code false}. Example: {@code -Dpolicy.impact.skip}
   */
  @Parameter(property = "policy.impact.skip", defaultValue = "false")
  protected boolean skipImpact;

  @Inject
  public ImpactMojo(RepositorySystem repositorySystem) {
    this.repositorySystem = repositorySystem;
  }

  @Override
  protected String goal() {
    return "impact";
  }

  @Override
  protected Optional<String> skipReason() {
    return skipImpact ? Optional.of("policy.impact.skip=true") : Optional.empty();
  }

  @Override
  protected void doExecute() throws MojoExecutionException, MojoFailureException {
    Path policies = shown(policyDirectory);
    if (!PolicySourceDirectory.hasPolicies(getLog(), policies, "compare")) {
      return;
    }
    if (baseline == null || baseline.isBlank()) {
      throw new MojoFailureException("policy:impact needs a baseline to compare with: -Dpolicy.baseline=FILE|DIR or "
          + "groupId:artifactId:version (a bundle attached by policy:bundle)");
    }
    FailOn fail = null;
    if (failOn != null && !failOn.isBlank()) {
      fail = FailOn.parse(failOn.trim());
      if (fail == null) {
        throw new MojoFailureException("failOn: expected `widen` or `any`, not `" + failOn + "`");
      }
    }
    EvaluationPlan after = compile(policies, "the project's policies");
    EvaluationPlan before = baselinePlan();
    ImpactAnalyzer analyzer = new ImpactAnalyzer(new Authorizer(before), new Authorizer(after));
    ImpactReport report;
    try {
      List<Replay> replays = new ArrayList<>(Replays.suites(shown(testDirectory), policies, before, after,
          Instant.now()));
      Replays.FromTrail fromTrail = null;
      if (trail != null) {
        List<Path> files = entities.stream().map(AbstractPolicyMojo::shown).toList();
        fromTrail = Replays.trail(shown(trail), new EntityReader(before.schema()).readFiles(files),
            new EntityReader(after.schema()).readFiles(files));
        replays.addAll(fromTrail.replays());
      }
      report = analyzer.analyze(replays, fromTrail == null ? List.of() : fromTrail.active(),
          fromTrail == null ? Map.of() : fromTrail.descendants());
    } catch (DataException e) {
      throw new MojoFailureException(e.describe());
    } catch (EntityDataException e) {
      throw new MojoFailureException(e.describe());
    } catch (AuditException e) {
      throw new MojoFailureException(e.getMessage());
    }

    String text = ImpactText.render(report);
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        getLog().info(line);
      }
    }
    Path reports = shown(reportsDirectory);
    try {
      Files.createDirectories(reports);
      Files.writeString(reports.resolve("impact.json"), ImpactJson.write(report).toPrettyString() + "\n",
          StandardCharsets.UTF_8);
      Files.writeString(reports.resolve("impact.md"), ImpactText.markdown(report), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot write the impact report to " + reports + ": " + e.getMessage(), e);
    }
    getLog().info("Impact report: " + reports.resolve("impact.json") + ", " + reports.resolve("impact.md"));
    if (fail != null && fail.fails(report)) {
      FailOn failing = fail;
      List<String> widened = new ArrayList<>();
      report.changes().stream().filter(c -> failing == FailOn.ANY || c.widens()).limit(5)
          .forEach(c -> widened.add("\n  " + c.where() + ": " + ImpactText.describe(c.request()) + " (rules: "
              + String.join(", ", c.responsibleRules()) + ")"));
      String what = fail == FailOn.WIDEN
          ? plural(report.changes().stream().filter(dev.writ.engine.impact.RequestChange::widens).count(), "request")
              + " widened"
          : plural(report.changes().size(), "request") + " changed, "
              + plural(report.revoked().size(), "grant") + " would be revoked";
      throw new MojoFailureException("The policy change fails failOn=" + failOn.trim() + ": " + what
          + String.join("", widened));
    }
  }

  private EvaluationPlan compile(Path dir, String what) throws MojoFailureException {
    Frontend.Result result = new PolicyProject(dir, null).validate();
    Diagnostics diagnostics = result.diagnostics();
    if (diagnostics.hasErrors() || result.bundle().isEmpty()) {
      MavenDiagnosticLog.printErrors(getLog(), diagnostics);
      throw new MojoFailureException("Cannot compare " + what + " in " + dir + ": "
          + plural(diagnostics.errorCount(), "error") + MavenDiagnosticLog.errorHeadlines(diagnostics, 10));
    }
    return PlanCompiler.compile(result.bundle().get());
  }

  /** The baseline: a file or directory when one exists at that path, else Maven coordinates. */
  private EvaluationPlan baselinePlan() throws MojoFailureException, MojoExecutionException {
    File asFile = new File(baseline);
    if (!asFile.isAbsolute()) {
      asFile = new File(project.getBasedir(), baseline);
    }
    Path bundle;
    if (asFile.isDirectory()) {
      getLog().info("Baseline: the policies in " + shown(asFile));
      return compile(shown(asFile), "the baseline policies");
    } else if (asFile.isFile()) {
      bundle = shown(asFile);
      getLog().info("Baseline: " + bundle);
    } else {
      bundle = resolve(baseline.trim());
    }
    try {
      return new BundleReader(Optional.empty()).read(bundle).evaluationPlan();
    } catch (BundleException e) {
      throw new MojoFailureException("Cannot read the baseline bundle: " + e.getMessage());
    }
  }

  private Path resolve(String coordinates) throws MojoFailureException {
    String[] parts = coordinates.split(":");
    if (parts.length != 3 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
      throw new MojoFailureException("baseline `" + coordinates + "`: no such file or directory, and not Maven "
          + "coordinates groupId:artifactId:version");
    }
    DefaultArtifact artifact = new DefaultArtifact(parts[0], parts[1], "", BundleMojo.TYPE, parts[2]);
    ArtifactRequest request = new ArtifactRequest(artifact, project.getRemoteProjectRepositories(), null);
    try {
      File file = repositorySystem.resolveArtifact(session.getRepositorySession(), request).getArtifact().getFile();
      getLog().info("Baseline: " + coordinates + " (" + file + ")");
      return file.toPath();
    } catch (ArtifactResolutionException e) {
      throw new MojoFailureException("Cannot resolve the baseline bundle " + parts[0] + ":" + parts[1] + ":"
          + BundleMojo.TYPE + ":" + parts[2] + " from the project's repositories: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}

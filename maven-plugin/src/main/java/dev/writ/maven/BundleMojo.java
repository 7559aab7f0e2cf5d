package dev.writ.maven;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.engine.bundle.BundleException;
import dev.writ.engine.bundle.BundleKeys;
import dev.writ.engine.bundle.BundleWriter;
import dev.writ.engine.compile.CompiledPolicies;
import dev.writ.engine.digest.Sha256;
import dev.writ.engine.tooling.PolicyProject;
import dev.writ.language.diag.Diagnostics;
import java.io.File;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Compiles the policies into one bundle file, {@code target/<artifactId>-<version>.wbundle}
 * (format version, manifest and compiled plan), signs it when a key is configured, and attaches it to the
 * build with type {@code wbundle}, so that {@code install} and {@code deploy} publish it next to
 * the project's other artifacts. Logs the path, size, digest and rule count.
 *
 * <p>Runs in the {@code package} phase. Fails, like {@code policy:validate}, when the policies
 * have errors (or warnings, with {@code failOnWarning}); the warnings themselves are left to
 * {@code policy:validate}, so that a full build does not print them twice.
 *
 * <p>An enforcement service loads the bundle with {@code writ serve --bundle FILE} (with
 * {@code --trust PUBKEY} for a signed one); a consumer can depend on it as
 * {@code <type>wbundle</type>}.
 */
@Mojo(name = "bundle", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BundleMojo extends AbstractPolicyMojo {
  /** The artifact type and file extension of bundles. */
  static final String TYPE = "wbundle";

  private final MavenProjectHelper projectHelper;

  /**
   * The Ed25519 private key to sign the bundle with: a PKCS#8 file, PEM
   * ({@code -----BEGIN PRIVATE KEY-----}) or DER, as {@code openssl genpkey -algorithm ed25519}
   * writes it. Without it the bundle is unsigned. Keep the key out of the repository: pass its
   * path from the CI secret store.
   *
   * <p>Default: none (unsigned). Example: {@code -Dpolicy.signingKey=/run/secrets/bundle-key.pem}, or
   * <pre>&lt;signingKey&gt;${env.WRIT_SIGNING_KEY}&lt;/signingKey&gt;</pre>
   */
  @Parameter(property = "policy.signingKey")
  protected File signingKey;

  /**
   * The revision recorded in the bundle's manifest, which the enforcement service reports
   * ({@code GET /health}) and records in every audit event.
   *
   * <p>Default: <code>${project.version}</code>. Example: {@code -Dpolicy.revision=$(git rev-parse --short HEAD)}, or
   * <pre>&lt;revision&gt;${project.version}-${buildNumber}&lt;/revision&gt;</pre>
   */
  @Parameter(property = "policy.revision", defaultValue = "${project.version}", required = true)
  protected String revision;

  /**
   * Fails the build on policy warnings too, as for {@code policy:validate}.
   *
   * <p>Default: {@code false}. Example: {@code -Dpolicy.failOnWarning}
   */
  @Parameter(property = "policy.failOnWarning", defaultValue = "false")
  protected boolean failOnWarning;

  /**
   * The bundle file to write.
   *
   * <p>Default: <code>${project.build.directory}/${project.artifactId}-${project.version}.wbundle</code>.
   * Example: <pre>&lt;bundleFile&gt;${project.build.directory}/policies.wbundle&lt;/bundleFile&gt;</pre>
   */
  @Parameter(property = "policy.bundleFile",
      defaultValue = "${project.build.directory}/${project.artifactId}-${project.version}.wbundle", required = true)
  protected File bundleFile;

  /**
   * Attaches the bundle to the project (type {@code wbundle}), so that {@code install} and
   * {@code deploy} publish it. Turn it off to only write the file.
   *
   * <p>Default: {@code true}. Example: {@code -Dpolicy.bundle.attach=false}
   */
  @Parameter(property = "policy.bundle.attach", defaultValue = "true")
  protected boolean attach;

  /**
   * The creation time written into the manifest, for reproducible builds: Maven's own
   * {@code project.build.outputTimestamp} (ISO-8601, or seconds since the epoch), as
   * {@code maven-jar-plugin} uses it. With it, the same sources give the same bundle, byte for
   * byte. Unset, the time of the build is used.
   *
   * <p>Default: <code>${project.build.outputTimestamp}</code>. Example:
   * <pre>{@code <properties><project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp></properties>}</pre>
   */
  @Parameter(defaultValue = "${project.build.outputTimestamp}")
  protected String outputTimestamp;

  /**
   * Skips this goal only.
   *
   * <p>Default: {@code false}. Example: {@code -Dpolicy.bundle.skip}, or
   * <pre>{@code <skipBundle>true</skipBundle>}</pre>
   */
  @Parameter(property = "policy.bundle.skip", defaultValue = "false")
  protected boolean skipBundle;

  @Inject
  public BundleMojo(MavenProjectHelper projectHelper) {
    this.projectHelper = projectHelper;
  }

  @Override
  protected String goal() {
    return "bundle";
  }

  @Override
  protected Optional<String> skipReason() {
    return skipBundle ? Optional.of("policy.bundle.skip=true") : Optional.empty();
  }

  @Override
  protected void doExecute() throws MojoExecutionException, MojoFailureException {
    Path policies = shown(policyDirectory);
    Path file = shown(bundleFile);
    if (!PolicySourceDirectory.hasPolicies(getLog(), policies, "bundle")) {
      return;
    }
    Optional<PrivateKey> key = signingKey();
    Optional<Instant> created = reproducibleTime(outputTimestamp);

    CompiledPolicies result = new PolicyProject(policies, null).compile();
    Diagnostics diagnostics = result.diagnostics();
    if (diagnostics.hasErrors() || result.plan().isEmpty()) {
      MavenDiagnosticLog.printErrors(getLog(), diagnostics);
      throw new MojoFailureException("Cannot bundle the policies in " + policies + ": "
          + plural(diagnostics.errorCount(), "error") + MavenDiagnosticLog.errorHeadlines(diagnostics, 10)
          + "\nRun `mvn policy:validate` for every diagnostic.");
    }
    if (diagnostics.warningCount() > 0) {
      String warnings = plural(diagnostics.warningCount(), "policy warning");
      if (failOnWarning) {
        MavenDiagnosticLog.print(getLog(), diagnostics);
        throw new MojoFailureException("Cannot bundle the policies in " + policies + ": " + warnings
            + " and failOnWarning is set (see the warnings above).");
      }
      getLog().warn("Bundling despite " + warnings + " (policy:validate shows them).");
    }

    byte[] bytes;
    try {
      BundleWriter writer = new BundleWriter(revision, key);
      if (created.isPresent()) {
        writer = writer.createdAt(created.get());
      }
      bytes = writer.write(result.plan().get(), result.sources(), policies);
      BundleWriter.writeFile(bytes, file);
    } catch (BundleException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }

    int rules = result.plan().get().rules().size();
    getLog().info("Wrote policy bundle " + file);
    getLog().info("  " + plural(rules, "rule") + " from " + plural(result.sources().size(), "file")
        + ", revision " + revision + ", " + plural(bytes.length, "byte") + ", "
        + (key.isPresent() ? "signed (Ed25519, key " + shown(signingKey) + ")" : "unsigned"));
    getLog().info("  sha256:" + sha256(bytes));

    if (attach) {
      projectHelper.attachArtifact(project, TYPE, null, bundleFile);
      getLog().info("  attached as " + project.getGroupId() + ":" + project.getArtifactId() + ":" + TYPE + ":"
          + project.getVersion() + ", published by install and deploy");
    }
  }

  private Optional<PrivateKey> signingKey() throws MojoExecutionException {
    if (signingKey == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(BundleKeys.readPrivateKey(shown(signingKey)));
    } catch (BundleException e) {
      throw new MojoExecutionException("Cannot sign the policy bundle: " + e.getMessage(), e);
    }
  }

  /**
   * Maven's {@code project.build.outputTimestamp}: an ISO-8601 instant with an offset, or seconds
   * since the epoch; a value of one character (Maven's way to switch it off) or none means now.
   */
  static Optional<Instant> reproducibleTime(String value) throws MojoExecutionException {
    if (value == null || value.strip().length() < 2) {
      return Optional.empty();
    }
    String v = value.strip();
    try {
      if (v.chars().allMatch(Character::isDigit)) {
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(v)));
      }
      return Optional.of(OffsetDateTime.parse(v).toInstant());
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new MojoExecutionException("project.build.outputTimestamp `" + v + "` is neither an ISO-8601 time"
          + " such as 2026-01-01T00:00:00Z nor seconds since the epoch");
    }
  }

  private static String sha256(byte[] bytes) {
    return Sha256.hex(bytes);
  }
}

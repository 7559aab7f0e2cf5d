package dev.writ.server;

import dev.writ.engine.compile.CompiledPolicies;
import dev.writ.engine.digest.Sha256;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.source.SourceFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Policies compiled from a directory of {@code .policy} files when loaded: handy while
 * developing (edit, save, the watching service swaps the new rules in). The revision is
 * {@code dir-} and the start of a digest of every file's path and text, so unchanged policies
 * keep their revision across restarts. There is no creation time: rollback protection does not
 * apply (going back to earlier files is an ordinary edit).
 */
final class PolicyDirectorySource implements PolicySource {
  private final Path dir;

  PolicyDirectorySource(Path dir) {
    this.dir = dir;
  }

  @Override
  public LoadedPolicy load() {
    CompiledPolicies result;
    try {
      result = CompiledPolicies.fromDirectory(dir);
    } catch (RuntimeException e) {
      throw new PolicyLoadException("cannot compile the policies in " + dir + ": " + e.getMessage());
    }
    if (!result.ok()) {
      throw new PolicyLoadException("the policies in " + dir + " have " + result.diagnostics().errorCount()
          + " error(s); run `writ check " + dir + "`", DiagnosticRenderer.render(result.diagnostics()));
    }
    EvaluationPlan plan = EvaluationPlan.of(result.plan().get());
    return new LoadedPolicy(plan, "dir-" + digest(dir, result), Optional.empty());
  }

  private static String digest(Path dir, CompiledPolicies result) {
    MessageDigest md = Sha256.newDigest();
    for (SourceFile f : result.sources()) {
      md.update(relative(dir, f.path()).getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(f.text().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
    }
    return Sha256.hex(md).substring(0, 12);
  }

  /** A source's path relative to the directory, {@code /}-separated, so the revision does not depend on where it lives. */
  private static String relative(Path dir, String path) {
    try {
      return dir.relativize(Path.of(path)).toString().replace('\\', '/');
    } catch (IllegalArgumentException e) {
      return path;
    }
  }

  @Override
  public Fingerprint fingerprint() {
    return Fingerprint.ofTree(dir, ".policy");
  }

  @Override
  public String describe() {
    return "policies " + dir;
  }
}

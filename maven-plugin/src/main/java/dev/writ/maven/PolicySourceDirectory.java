package dev.writ.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.Log;

/**
 * Whether a project has policies at all, decided before the engine runs.
 *
 * <ul>
 *   <li>No policy directory: the project has no policies. The goal skips with an info line, as
 *       Surefire does for a project without tests and the compiler for one without sources, so
 *       that a parent POM can declare the plugin for modules that have no policies.</li>
 *   <li>A directory without any {@code .policy} file: skipped too, but with a warning, because a
 *       directory that exists was most likely meant to hold policies (files named {@code .pol},
 *       or a wrong {@code policyDirectory}). It is not a failure: the compiler does not fail on an
 *       empty {@code src/main/java} either. The {@code writ check} command, which is pointed at a
 *       directory on purpose, does report it as an error.</li>
 *   <li>A single {@code .policy} file given as the directory is a bundle of one file.</li>
 * </ul>
 */
final class PolicySourceDirectory {
  private PolicySourceDirectory() {}

  /** @param doing what the goal would do, for the log line ("validate", "bundle") */
  static boolean hasPolicies(Log log, Path dir, String doing) throws MojoExecutionException {
    if (Files.isRegularFile(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      log.info("No policy directory " + dir + ": nothing to " + doing);
      return false;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      if (walk.anyMatch(p -> p.getFileName().toString().endsWith(".policy") && Files.isRegularFile(p))) {
        return true;
      }
    } catch (IOException | UncheckedIOException e) {
      throw new MojoExecutionException("Cannot read the policy directory " + dir + ": " + e.getMessage(), e);
    }
    log.warn("No .policy files in " + dir + ": nothing to " + doing);
    return false;
  }
}

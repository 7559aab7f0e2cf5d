package dev.writ.maven;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.diag.Diagnostics;
import org.apache.maven.plugin.logging.Log;

/**
 * Diagnostics as Maven log lines: an error's lines through {@link Log#error}, a warning's through
 * {@link Log#warn}, each line of the rendered form (docs/diagnostics.md, "Output format") on a log line of its
 * own. Every line of one diagnostic gets the same level, so the {@code [ERROR] } prefix is the
 * same width on the source line and on the caret line and the caret stays under the span.
 *
 * <pre>
 * [ERROR] /work/app/src/main/policy/prod.policy:3:13: error name.unknown-type: unknown entity type `Employe`
 * [ERROR]     principal Employe in Team::"sre"
 * [ERROR]               ^^^^^^^
 * [ERROR]   = hint: did you mean `Employee`?
 * </pre>
 */
final class MavenDiagnosticLog {
  private MavenDiagnosticLog() {}

  /** Prints every diagnostic. */
  static void print(Log log, Diagnostics diagnostics) {
    for (Diagnostic d : diagnostics.items()) {
      print(log, d);
    }
  }

  /** Prints the errors only (for goals that leave the warnings to {@code policy:validate}). */
  static void printErrors(Log log, Diagnostics diagnostics) {
    for (Diagnostic d : diagnostics.errors()) {
      print(log, d);
    }
  }

  static void print(Log log, Diagnostic d) {
    for (String line : DiagnosticRenderer.render(d).split("\n")) {
      if (d.isError()) {
        log.error(line);
      } else {
        log.warn(line);
      }
    }
  }

  /** The headlines of the first {@code max} errors, one a line, for a failure message. */
  static String errorHeadlines(Diagnostics diagnostics, int max) {
    StringBuilder out = new StringBuilder();
    diagnostics.errors().stream().limit(max).forEach(d -> out.append("\n  ").append(d.headline()));
    long more = diagnostics.errorCount() - max;
    if (more > 0) {
      out.append("\n  ... and ").append(more).append(" more (see the log above)");
    }
    return out.toString();
  }
}

package dev.writ.language.diag;

import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;

/**
 * Renders diagnostics as docs/diagnostics.md, "Output format" says:
 *
 * <pre>
 * prod.policy:3:13: error name.unknown-type: unknown entity type `Employe`
 *     principal Employe in Team::"sre"
 *               ^^^^^^^
 *   = hint: did you mean `Employee`?
 * </pre>
 */
public final class DiagnosticRenderer {
  /** {@code 1 error}, {@code 2 errors}: a count and its noun, for summaries. */
  public static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  private DiagnosticRenderer() {}

  public static String render(Diagnostics diagnostics) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : diagnostics.items()) {
      render(d, out);
    }
    return out.toString();
  }

  public static String render(Diagnostic d) {
    StringBuilder out = new StringBuilder();
    render(d, out);
    return out.toString();
  }

  private static void render(Diagnostic d, StringBuilder out) {
    out.append(d.headline()).append('\n');
    Span span = d.span();
    SourceFile src = span.source();
    if (src != null && !src.text().isEmpty()) {
      int line = src.line(span.start());
      String text = src.lineText(line);
      int col = src.column(span.start()) - 1;
      // An empty span (a missing token, the end of the file) gets one caret; a span that runs
      // over several lines is underlined to the end of its first line.
      int endCol = span.end() <= span.start() ? col + 1
          : src.line(span.end() - 1) == line ? src.column(span.end() - 1)
          : text.length();
      int width = Math.max(1, endCol - col);
      StringBuilder caret = new StringBuilder("    ");
      for (int i = 0; i < col && i < text.length(); i++) {
        caret.append(text.charAt(i) == '\t' ? '\t' : ' ');
      }
      for (int i = Math.max(col, text.length()); i < col; i++) {
        caret.append(' ');
      }
      caret.append("^".repeat(width));
      out.append("    ").append(text).append('\n');
      out.append(caret).append('\n');
    }
    d.hint().ifPresent(h -> out.append("  = hint: ").append(h).append('\n'));
  }
}

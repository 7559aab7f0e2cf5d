package dev.writ.language.diag;

import dev.writ.language.source.Span;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * One problem found in policy source: a stable code, a one-line message in lowercase without a
 * final period, the span it is about and an optional hint ("did you mean `Employee`?").
 */
public record Diagnostic(DiagnosticCode code, Severity severity, String message, Span span, Optional<String> hint) {

  public Diagnostic {
    Objects.requireNonNull(code);
    Objects.requireNonNull(severity);
    Objects.requireNonNull(message);
    Objects.requireNonNull(span);
    Objects.requireNonNull(hint);
  }

  public static Diagnostic of(DiagnosticCode code, Span span, String message) {
    return new Diagnostic(code, code.severity(), message, span, Optional.empty());
  }

  public static Diagnostic of(DiagnosticCode code, Span span, String message, String hint) {
    return new Diagnostic(code, code.severity(), message, span, Optional.ofNullable(hint));
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  public String path() {
    return span.source() == null ? "<unknown>" : span.source().path();
  }

  /** Sorted by file, position, then code, so that output is deterministic. */
  public static final Comparator<Diagnostic> ORDER = Comparator.comparing(Diagnostic::path)
      .thenComparingInt(d -> d.span().start())
      .thenComparing(d -> d.code().code())
      .thenComparing(Diagnostic::message);

  /** The first line of the rendered form: {@code path:line:col: error CODE: message}. */
  public String headline() {
    return span.position() + ": " + severity.label() + " " + code.code() + ": " + message;
  }
}

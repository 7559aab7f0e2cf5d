package dev.writ.server.authzen;

import java.util.Locale;
import java.util.Optional;

/** How a batch is run: {@code options.evaluations_semantic} (Authorization API 1.0, "Evaluations semantics"). */
public enum Semantic {
  /** Every evaluation, every answer (the default). */
  EXECUTE_ALL,
  /** In order, stopping after the first {@code false} (a deny, a pending request or an error), like {@code &&}. */
  DENY_ON_FIRST_DENY,
  /** In order, stopping after the first {@code true}, like {@code ||}. */
  PERMIT_ON_FIRST_PERMIT;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Semantic> parse(String s) {
    for (Semantic v : values()) {
      if (v.json().equals(s)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}

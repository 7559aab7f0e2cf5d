package dev.writ.language.check;

import dev.writ.language.diag.Diagnostics;
import java.util.Optional;

/**
 * A checked bundle (absent when there are errors), every diagnostic, warnings included, and what
 * the checker resolved (present with errors too, for editors).
 */
public record CheckResult(Optional<CheckedBundle> bundle, Diagnostics diagnostics, Resolution resolution) {
  public boolean ok() {
    return bundle.isPresent();
  }
}

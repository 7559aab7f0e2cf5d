package dev.writ.language.check;

import dev.writ.language.diag.Diagnostics;
import java.util.Optional;

/** A checked bundle (absent when there are errors) and every diagnostic, warnings included. */
public record CheckResult(Optional<CheckedBundle> bundle, Diagnostics diagnostics) {
  public boolean ok() {
    return bundle.isPresent();
  }
}

package dev.writ.language.parse;

import dev.writ.language.ast.PolicyFile;
import dev.writ.language.diag.Diagnostics;
import java.util.Optional;

/** The syntax tree of a file (absent when it has syntax errors) and every problem found. */
public record ParseResult(Optional<PolicyFile> file, Diagnostics diagnostics) {
  public boolean ok() {
    return file.isPresent() && !diagnostics.hasErrors();
  }
}

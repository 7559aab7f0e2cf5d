package dev.writ.language;

import dev.writ.language.ast.PolicyFile;
import dev.writ.language.check.CheckResult;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.check.Checker;
import dev.writ.language.diag.Diagnostics;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.PolicySources;
import dev.writ.language.source.SourceFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole front end in one call: read a bundle directory, parse every file, check the bundle.
 * When any file has syntax errors the checker does not run: its findings would be guesses
 * about declarations that could not be read.
 */
public final class Frontend {
  private Frontend() {}

  public record Result(Optional<CheckedBundle> bundle, Diagnostics diagnostics, List<SourceFile> sources) {
    public boolean ok() {
      return bundle.isPresent();
    }
  }

  public static Result checkDirectory(Path dir) {
    PolicySources.Loaded loaded = PolicySources.load(dir);
    Result r = checkSources(loaded.files());
    return new Result(loaded.diagnostics().hasErrors() ? Optional.empty() : r.bundle(),
        loaded.diagnostics().plus(r.diagnostics()), loaded.files());
  }

  public static Result checkSources(List<SourceFile> sources) {
    List<PolicyFile> files = new ArrayList<>();
    Diagnostics diagnostics = Diagnostics.EMPTY;
    boolean syntaxErrors = false;
    for (SourceFile src : sources) {
      ParseResult parsed = PolicyParser.parse(src);
      diagnostics = diagnostics.plus(parsed.diagnostics());
      if (parsed.file().isPresent()) {
        files.add(parsed.file().get());
      } else {
        syntaxErrors = true;
      }
    }
    if (syntaxErrors) {
      return new Result(Optional.empty(), diagnostics, sources);
    }
    CheckResult checked = Checker.check(files);
    return new Result(checked.bundle(), diagnostics.plus(checked.diagnostics()), sources);
  }
}

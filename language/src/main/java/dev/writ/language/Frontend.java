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
import java.util.function.Function;

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
    Analysis analysis = analyze(sources, PolicyParser::parse);
    return new Result(analysis.checked().flatMap(CheckResult::bundle), analysis.diagnostics(), sources);
  }

  /**
   * The front end's run in full, for editors: the parse result of every source (in order), the
   * checker's result (absent when any file has syntax errors) and every diagnostic, exactly those
   * {@link #checkSources} gives. {@code parser} lets an editor reuse the trees of files that did
   * not change; it must behave as {@link PolicyParser#parse(SourceFile)}.
   */
  public record Analysis(List<ParseResult> parsed, Optional<CheckResult> checked, Diagnostics diagnostics) {
    public Analysis {
      parsed = List.copyOf(parsed);
    }
  }

  public static Analysis analyze(List<SourceFile> sources, Function<SourceFile, ParseResult> parser) {
    List<ParseResult> parsed = new ArrayList<>();
    List<PolicyFile> files = new ArrayList<>();
    Diagnostics diagnostics = Diagnostics.EMPTY;
    boolean syntaxErrors = false;
    for (SourceFile src : sources) {
      ParseResult result = parser.apply(src);
      parsed.add(result);
      diagnostics = diagnostics.plus(result.diagnostics());
      if (result.file().isPresent()) {
        files.add(result.file().get());
      } else {
        syntaxErrors = true;
      }
    }
    if (syntaxErrors) {
      return new Analysis(parsed, Optional.empty(), diagnostics);
    }
    CheckResult checked = Checker.check(files);
    return new Analysis(parsed, Optional.of(checked), diagnostics.plus(checked.diagnostics()));
  }
}

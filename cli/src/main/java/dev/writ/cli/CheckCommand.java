package dev.writ.cli;

import static dev.writ.language.diag.DiagnosticRenderer.plural;

import dev.writ.language.Frontend;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.diag.DiagnosticRenderer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code writ check [DIR]}: parse, check and lint a bundle; print every diagnostic. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Parse, check and lint every .policy file under DIR (default src/main/policy).")
final class CheckCommand implements Callable<Integer> {
  static final Set<DiagnosticCode> INPUT_PROBLEMS =
      Set.of(DiagnosticCode.IO_UNREADABLE, DiagnosticCode.IO_NOT_TEXT, DiagnosticCode.IO_NO_POLICIES);

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Policy directory or file.")
  Path dir = Path.of("src", "main", "policy");

  @Option(names = "--fail-on-warning", description = "Exit 1 on warnings too.")
  boolean failOnWarning;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Frontend.Result result = Frontend.checkDirectory(dir);
    out.print(DiagnosticRenderer.render(result.diagnostics()));
    long errors = result.diagnostics().errorCount();
    long warnings = result.diagnostics().warningCount();
    boolean unreadable = result.diagnostics().items().stream().map(Diagnostic::code).anyMatch(INPUT_PROBLEMS::contains);
    if (unreadable) {
      return Writ.EXIT_USAGE;
    }
    int rules = result.bundle().map(b -> b.rules().size()).orElse(0);
    out.println(summary(result.sources().size(), rules, errors, warnings));
    return errors > 0 || (failOnWarning && warnings > 0) ? Writ.EXIT_FAILURES : Writ.EXIT_OK;
  }

  static String summary(int files, int rules, long errors, long warnings) {
    String body = errors == 0 && warnings == 0 ? "no problems"
        : plural(errors, "error") + ", " + plural(warnings, "warning");
    return "checked " + plural(files, "file") + (errors == 0 ? ", " + plural(rules, "rule") : "") + ": " + body;
  }
}

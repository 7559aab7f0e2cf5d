package dev.writ.cli;

import dev.writ.engine.compile.CompiledPolicies;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.language.diag.DiagnosticRenderer;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Loading policies for commands that evaluate them. */
final class Policies {
  private Policies() {}

  /** Parses, checks and compiles a policy directory; prints diagnostics; refuses a bundle with errors. */
  static EvaluationPlan compile(Path dir, PrintWriter err) {
    CompiledPolicies result = CompiledPolicies.fromDirectory(dir);
    if (!result.ok()) {
      err.print(DiagnosticRenderer.render(result.diagnostics()));
      throw new UserError("the policies in " + dir + " have errors (" + result.diagnostics().errorCount()
          + "); run `writ check " + dir + "`");
    }
    return result.evaluationPlan();
  }
}

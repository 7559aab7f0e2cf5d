package dev.writ.cli;

import dev.writ.engine.plan.EvaluationPlan;
import java.io.PrintWriter;
import java.nio.file.Path;

/** A plan from a compiled bundle or from a policy directory. */
final class PlanLoading {
  private PlanLoading() {}

  static EvaluationPlan load(Path bundle, Path policies, PrintWriter err) {
    if (bundle != null) {
      throw new UserError("--bundle is not available in this build yet; use --policies DIR");
    }
    return Policies.compile(policies, err);
  }
}

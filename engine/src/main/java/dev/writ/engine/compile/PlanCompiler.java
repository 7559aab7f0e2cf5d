package dev.writ.engine.compile;

import dev.writ.engine.plan.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import dev.writ.language.check.CheckedBundle;
import java.util.List;

/**
 * Compiles a checked bundle into an {@link EvaluationPlan}, in named stages:
 *
 * <ol>
 *   <li>{@code lower}: syntax tree to plan data (groups expanded, selectors and expressions as data);</li>
 *   <li>{@code fold-constants}: literal-only subexpressions evaluated once;</li>
 *   <li>{@code bind-attributes}: attribute names numbered into slots (in {@link EvaluationPlan});</li>
 *   <li>{@code compile-expressions}: evaluator trees built, patterns compiled;</li>
 *   <li>{@code build-index}: the grant and forbid rule indexes.</li>
 * </ol>
 *
 * The plan data after stage 2 is what a bundle stores; loading a bundle runs stages 3 to 5 only.
 */
public final class PlanCompiler {
  private PlanCompiler() {}

  public static final List<String> STAGES =
      List.of("lower", "fold-constants", "bind-attributes", "compile-expressions", "build-index");

  public static PlanData lower(CheckedBundle bundle) {
    PlanData lowered = new Lower(bundle).run(bundle);
    return new FoldConstants().run(lowered);
  }

  public static EvaluationPlan compile(CheckedBundle bundle) {
    return EvaluationPlan.of(lower(bundle));
  }
}

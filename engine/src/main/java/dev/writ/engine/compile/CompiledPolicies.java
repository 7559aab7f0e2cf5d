package dev.writ.engine.compile;

import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;
import dev.writ.language.Frontend;
import dev.writ.language.diag.Diagnostics;
import dev.writ.language.source.SourceFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Policies checked and lowered to plan data, with the checker's diagnostics and the sources they
 * came from: the one way a policy directory is compiled, by the service's policy directory,
 * {@code writ bundle}/{@code eval}, {@code mvn policy:bundle} and the fixture runner alike. What
 * runs policies from source depends on the compiler here, never on the parser or the checker.
 *
 * @param plan empty when the policies have errors
 */
public record CompiledPolicies(Optional<PlanData> plan, Diagnostics diagnostics, List<SourceFile> sources) {
  public CompiledPolicies {
    sources = List.copyOf(sources);
  }

  /** Checks every {@code .policy} file under {@code dir} and, when there is no error, lowers them. */
  public static CompiledPolicies fromDirectory(Path dir) {
    Frontend.Result result = Frontend.checkDirectory(dir);
    return new CompiledPolicies(result.bundle().map(PlanCompiler::lower), result.diagnostics(), result.sources());
  }

  public boolean ok() {
    return plan.isPresent();
  }

  /** The plan built for evaluation; only when {@link #ok()}. */
  public EvaluationPlan evaluationPlan() {
    return EvaluationPlan.of(plan.orElseThrow(() -> new IllegalStateException("the policies have errors")));
  }
}

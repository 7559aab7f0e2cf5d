package dev.writ.engine.impact;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.entity.EntityReader;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.language.Frontend;
import dev.writ.language.diag.DiagnosticRenderer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The old and new policies of {@code src/test/resources/impact}, and their entities. */
final class ImpactFixtures {
  private ImpactFixtures() {}

  static Path dir() {
    try {
      return Path.of(ImpactFixtures.class.getResource("/impact").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static EvaluationPlan plan(String side) {
    Frontend.Result r = Frontend.checkDirectory(dir().resolve(side));
    if (!r.ok()) {
      throw new IllegalStateException(side + " does not compile:\n" + DiagnosticRenderer.render(r.diagnostics()));
    }
    return PlanCompiler.compile(r.bundle().get());
  }

  static EntityStore entities(EvaluationPlan plan) {
    return new EntityReader(plan.schema()).readFiles(List.of(dir().resolve("entities.yaml")));
  }
}

package dev.writ.cli;

import dev.writ.engine.bundle.BundleException;
import dev.writ.engine.bundle.BundleKeys;
import dev.writ.engine.bundle.BundleReader;
import dev.writ.engine.eval.EvaluationPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;

/** A plan from a compiled bundle (never parsing policies) or from a policy directory. */
final class PlanLoading {
  private PlanLoading() {}

  static EvaluationPlan load(Path bundle, Path policies, PrintWriter err) {
    if (bundle != null) {
      try {
        return new BundleReader(Optional.empty()).read(bundle).evaluationPlan();
      } catch (BundleException e) {
        throw new UserError(e.getMessage());
      }
    }
    return Policies.compile(policies, err);
  }

  static Optional<PublicKey> trust(Path key) {
    if (key == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(BundleKeys.readPublicKey(key));
    } catch (BundleException e) {
      throw new UserError(e.getMessage());
    }
  }
}

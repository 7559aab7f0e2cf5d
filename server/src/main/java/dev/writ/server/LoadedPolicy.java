package dev.writ.server;

import dev.writ.engine.eval.EvaluationPlan;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A plan ready to decide with, and the revision it is known by (in grants, audit events, /health).
 *
 * @param created when the bundle was written, from its manifest (covered by the signature when the
 *                bundle is verified); empty for a source that has no creation time (a policy directory)
 */
public record LoadedPolicy(EvaluationPlan plan, String revision, Optional<Instant> created) {
  public LoadedPolicy {
    Objects.requireNonNull(created, "created");
  }
}

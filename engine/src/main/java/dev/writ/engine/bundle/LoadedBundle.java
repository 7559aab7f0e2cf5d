package dev.writ.engine.bundle;

import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.plan.PlanData;

/**
 * A bundle that passed every check, with its plan built and ready to decide.
 *
 * @param signed    the bundle carries a signature
 * @param verified  the signature was verified against a trusted public key; a signed bundle read
 *                  without a trusted key is loaded with {@code signed} true and this false
 */
public record LoadedBundle(BundleManifest manifest, PlanData plan, EvaluationPlan evaluationPlan, boolean signed,
                           boolean verified) {}

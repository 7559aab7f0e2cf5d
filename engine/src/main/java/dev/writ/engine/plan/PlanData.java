package dev.writ.engine.plan;

import dev.writ.language.vocab.Schema;
import java.util.List;

/**
 * Everything a plan is, as plain data: the schema, the intents and the rules (in bundle order).
 * This is what a bundle stores; the evaluation plan ({@code engine.eval.EvaluationPlan}) builds the index and the evaluators from it.
 */
public record PlanData(Schema schema, List<PlanIntent> intents, List<PlanRule> rules) {
  public PlanData {
    intents = List.copyOf(intents);
    rules = List.copyOf(rules);
  }
}

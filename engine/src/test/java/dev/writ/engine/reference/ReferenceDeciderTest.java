package dev.writ.engine.reference;

import dev.writ.engine.eval.Decider;
import dev.writ.language.check.CheckedBundle;

/** The §7 decision table against the reference evaluator. */
class ReferenceDeciderTest extends AbstractDeciderTest {
  @Override
  protected Decider decider(CheckedBundle bundle) {
    return new ReferenceEvaluator(bundle);
  }
}

package dev.writ.engine.reference;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.Decider;
import dev.writ.language.check.CheckedBundle;

/** The §7 decision table against the plan evaluator: the same cases the reference passes. */
class PlanDeciderTest extends AbstractDeciderTest {
  @Override
  protected Decider decider(CheckedBundle bundle) {
    return new Authorizer(PlanCompiler.compile(bundle));
  }
}

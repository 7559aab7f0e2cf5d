package dev.writ.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.Decider;
import dev.writ.language.check.CheckedBundle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The §7 decision table against the plan evaluator: the same cases the reference passes. */
class PlanDeciderTest extends AbstractDeciderTest {
  @Override
  protected Decider decider(CheckedBundle bundle) {
    return new Authorizer(PlanCompiler.compile(bundle));
  }

  /** Only the plan evaluator explains: a satisfied standing grant shows its reason. */
  @Test
  void theExplanationShowsWhyAGrantIsStanding() {
    Decision d = decide("grant a { principal any standing \"auditors read at any time\" }\n"
        + "grant b { principal any ttl 1h }", ALICE_SELECT, DecideOptions.at(NOW).explaining());
    List<RuleTrace> satisfied = d.explanation().orElseThrow().stream()
        .filter(t -> t.result() == RuleTrace.Result.SATISFIED).toList();
    assertEquals(2, satisfied.size(), satisfied::toString);
    assertEquals("all clauses hold; standing on purpose: auditors read at any time", satisfied.get(0).detail());
    assertEquals("all clauses hold", satisfied.get(1).detail());
    assertTrue(d.standing());
  }
}

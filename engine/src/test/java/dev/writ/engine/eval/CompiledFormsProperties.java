package dev.writ.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.engine.compile.PlanCompiler;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.testing.RequestGen;
import dev.writ.engine.testing.Scenario;
import dev.writ.engine.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fused expression forms ({@code context.x} read directly, {@code ==}/{@code !=} with a
 * constant in one node) evaluate exactly as the plain tree, one node per operator, does: on
 * generated bundles, entities and requests, every condition and approval {@code where} of every
 * rule gives the same value or the same error (message and position) for
 * each chain position, and whole decisions, explained, are equal.
 */
class CompiledFormsProperties {
  private static final int TRIES = Integer.getInteger("writ.compiledforms.tries", 400);

  /** A value, or the error an evaluation gave. */
  private record Outcome(Value value, String error) {
    static Outcome of(ExprNode node, EvalState s) {
      try {
        return new Outcome(node.eval(s), null);
      } catch (EvalError e) {
        return new Outcome(null, e.getMessage() + " @ " + e.at());
      }
    }
  }

  @Test
  void fusedFormsEvaluateAsTheTree() {
    int[] compared = new int[2];
    qt().withExamples(TRIES).withShrinkCycles(20).withFixedSeed(15_2026L).forAll(Scenario.pooled(300))
        .checkAssert(s -> {
          PlanData data = PlanCompiler.lower(s.bundle().checked());
          EvaluationPlan fused = EvaluationPlan.of(data);
          EvaluationPlan tree = EvaluationPlan.treeForm(data);
          for (RequestGen.Generated g : s.requests()) {
            compared[0] += compareExpressions(s, g.request(), fused, tree);
            Decision a = decide(new Authorizer(fused), s, g);
            Decision b = decide(new Authorizer(tree), s, g);
            assertEquals(String.valueOf(b), String.valueOf(a), s.title());
            assertEquals(b, a, s.title());
            compared[1]++;
          }
        });
    System.out.printf("compiled forms: %d expression evaluations and %d explained decisions compared%n", compared[0],
        compared[1]);
    assertTrue(compared[0] > 1000, "the generated cases evaluate expressions: " + compared[0]);
  }

  private static Decision decide(Authorizer a, Scenario s, RequestGen.Generated g) {
    try {
      return a.decide(g.request(), s.store(), new DecideOptions(g.options().defaultTime(), true, g.options().delegatorRemainingSeconds()));
    } catch (BadRequestException e) {
      return null;
    }
  }

  /** Every expression of the plan on the request's states, both forms; the number compared. */
  private static int compareExpressions(Scenario s, AccessRequest request, EvaluationPlan fused, EvaluationPlan tree) {
    RequestValidator.Valid vf;
    RequestValidator.Valid vt;
    try {
      vf = new RequestValidator(fused).validate(request, s.store());
      vt = new RequestValidator(tree).validate(request, s.store());
    } catch (BadRequestException e) {
      return 0;
    }
    String intentName = request.intent().map(AccessRequest.IntentRef::name).orElse(null);
    Map<String, Value> params = Map.of();
    if (intentName != null && fused.intent(intentName) != null) {
      params = IntentParams.check(fused.intent(intentName), request.intent().get().params(), new ArrayList<>());
    }
    java.time.Instant time = request.time().orElse(java.time.Instant.parse("2026-06-15T10:00:00Z"));
    EvalScope sf = EvalScope.of(vf, fused, request, intentName, params, time);
    EvalScope st = EvalScope.of(vt, tree, request, intentName, params, time);
    int n = 0;
    for (String action : request.actions()) {
      EvalScope.ForAction af = sf.forAction(action);
      EvalScope.ForAction at = st.forAction(action);
      for (int position = 0; position <= af.depth(); position++) {
        EvalState f = af.at(position);
        EvalState t = at.at(position);
        for (int r = 0; r < fused.ruleCount(); r++) {
          List<ExprNode[]> pairs = expressions(fused.rule(r), tree.rule(r));
          for (ExprNode[] pair : pairs) {
            Outcome expected = Outcome.of(pair[1], t);
            Outcome actual = Outcome.of(pair[0], f);
            assertEquals(expected, actual, s.title() + " rule " + fused.rule(r).name + " " + action + " position "
                + position);
            n++;
          }
        }
      }
    }
    return n;
  }

  private static List<ExprNode[]> expressions(CompiledRule f, CompiledRule t) {
    List<ExprNode[]> out = new ArrayList<>();
    for (int i = 0; i < f.conditions.length; i++) {
      out.add(new ExprNode[] {f.conditions[i], t.conditions[i]});
    }
    for (int i = 0; i < f.approvals.length; i++) {
      if (f.approvals[i].where() != null) {
        out.add(new ExprNode[] {f.approvals[i].where(), t.approvals[i].where()});
      }
    }
    return out;
  }
}

package dev.writ.engine.eval;

import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A diagnostic, not part of deciding: the rules a plan's indexes propose for one action with a
 * given acting principal (grants, then forbids). Tests use it to check that the index never
 * leaves out a rule that could apply; the benchmarks to count candidates per action.
 */
public final class IndexProbe {
  private final EvaluationPlan plan;

  public IndexProbe(EvaluationPlan plan) {
    this.plan = plan;
  }

  /** The candidate rule names for {@code action} with {@code principal} acting and the request's whole chain before it. */
  public List<String> candidates(AccessRequest request, EntityStore entities, String action, EntityUid principal) {
    EntityStore store = entities.overlay(request.entities());
    EvalScope scope = new EvalScope(store, plan, principal, null, request.delegation(), request.resource(),
        null, request.context(), request.intent().map(AccessRequest.IntentRef::name).orElse(null), Map.of(),
        request.durationSeconds().orElse(null), request.time().orElse(Instant.EPOCH));
    EvalState s = scope.forAction(action).acting();
    RuleIndex.Candidates c = new RuleIndex.Candidates();
    List<String> out = new ArrayList<>();
    plan.grantIndex().candidates(action, s, c);
    for (int i = 0; i < c.size(); i++) {
      out.add(plan.rule(c.get(i)).name);
    }
    plan.forbidIndex().candidates(action, s, c);
    for (int i = 0; i < c.size(); i++) {
      out.add(plan.rule(c.get(i)).name);
    }
    return out;
  }
}

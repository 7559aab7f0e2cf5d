package dev.writ.engine.eval;

import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plan's part in checking an action fact against its grant (docs/language.md §8): whether the
 * action is still inside the grant's intent envelope (step 2), whether drift revokes (the
 * intent's {@code on drift revoke}), and which forbids apply now (step 4). The request is the
 * grant's, narrowed to the fact's single action and resource. Thread-safe; one per plan.
 */
public final class ActionCheck {
  private final Authorizer authorizer;
  private final EvaluationPlan plan;

  ActionCheck(Authorizer authorizer) {
    this.authorizer = authorizer;
    this.plan = authorizer.plan();
  }

  /**
   * Why the request's single action on its resource is outside its intent's envelope, or empty
   * when it is inside (or the request has no intent). An intent that is no longer declared, or
   * parameters that no longer fit it, count as outside.
   */
  public Optional<String> outsideIntent(AccessRequest request, EntityStore entities, Instant time) {
    if (request.intent().isEmpty()) {
      return Optional.empty();
    }
    String name = request.intent().get().name();
    CompiledIntent intent = plan.intent(name);
    if (intent == null) {
      return Optional.of("intent `" + name + "` is not declared in the current bundle");
    }
    List<String> problems = new ArrayList<>();
    Map<String, Value> params = IntentParams.check(intent, request.intent().get().params(), problems);
    if (!problems.isEmpty()) {
      return Optional.of(problems.get(0));
    }
    EvalScope.ForAction at = scope(request, entities, name, params, time).forAction(request.actions().get(0));
    return intent.covers(at.acting()) ? Optional.empty()
        : Optional.of("`" + at.action() + "` on `" + request.resource() + "` is outside intent `" + name + "`");
  }

  /** Whether a grant for this intent revokes its tree on drift ({@code on drift revoke}). */
  public boolean revokesOnDrift(String intentName) {
    CompiledIntent intent = plan.intent(intentName);
    return intent != null && intent.revokeOnDrift();
  }

  /**
   * The forbids that apply now to the request's single action, for its principal or any member
   * of its chain, sorted by name (the rules, so that an answer can give each one's {@code reason}).
   * A forbid that errors applies.
   */
  public List<CompiledRule> forbidding(AccessRequest request, EntityStore entities, Instant time) {
    String intentName = request.intent().map(AccessRequest.IntentRef::name).orElse(null);
    Map<String, Value> params = Map.of();
    CompiledIntent intent = intentName == null ? null : plan.intent(intentName);
    if (intent != null) {
      params = IntentParams.check(intent, request.intent().get().params(), new ArrayList<>());
    }
    EvalScope.ForAction at = scope(request, entities, intentName, params, time).forAction(request.actions().get(0));
    List<CompiledRule> forbids = new ArrayList<>(authorizer.forbids(at, new RuleIndex.Candidates(), new EvaluationLog(false)));
    forbids.sort(java.util.Comparator.comparing(r -> r.name));
    return List.copyOf(forbids);
  }

  private EvalScope scope(AccessRequest request, EntityStore entities, String intentName, Map<String, Value> params,
                          Instant time) {
    return EvalScope.of(entities.overlay(request.entities()), plan, request, null, null, intentName, params,
        time);
  }
}

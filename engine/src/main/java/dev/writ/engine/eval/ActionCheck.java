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
   * One action fact's check: the request is the grant's, narrowed to the fact's single action
   * and resource. Its intent parameters are typed and its evaluation scope is built once, when
   * first needed, for both of the check's questions ({@link Fact#outsideIntent}, {@link
   * Fact#forbidding}), which ask them of the same request at the same time.
   */
  public Fact fact(AccessRequest request, EntityStore entities, Instant time) {
    return new Fact(request, entities, time);
  }

  /** The state of one action fact's check; not thread-safe (one per check). */
  public final class Fact {
    private final AccessRequest request;
    private final EntityStore entities;
    private final Instant time;
    private final String intentName;
    private final CompiledIntent intent;
    private final List<String> problems = new ArrayList<>(0);
    private Map<String, Value> params;
    private EvalScope.ForAction at;

    private Fact(AccessRequest request, EntityStore entities, Instant time) {
      this.request = request;
      this.entities = entities;
      this.time = time;
      this.intentName = request.intent().map(AccessRequest.IntentRef::name).orElse(null);
      this.intent = intentName == null ? null : plan.intent(intentName);
    }

    /** The intent's parameters as its declaration types them (problems noted once). */
    private Map<String, Value> params() {
      if (params == null) {
        params = intent == null ? Map.of() : IntentParams.check(intent, request.intent().get().params(), problems);
      }
      return params;
    }

    private EvalScope.ForAction at() {
      if (at == null) {
        at = scope(request, entities, intentName, params(), time).forAction(request.actions().get(0));
      }
      return at;
    }

    /**
     * Why the request's single action on its resource is outside its intent's envelope, or empty
     * when it is inside (or the request has no intent). An intent that is no longer declared, or
     * parameters that no longer fit it, count as outside.
     */
    public Optional<String> outsideIntent() {
      if (intentName == null) {
        return Optional.empty();
      }
      if (intent == null) {
        return Optional.of("intent `" + intentName + "` is not declared in the current bundle");
      }
      params();
      if (!problems.isEmpty()) {
        return Optional.of(problems.get(0));
      }
      EvalScope.ForAction a = at();
      return intent.covers(a.acting()) ? Optional.empty()
          : Optional.of("`" + a.action() + "` on `" + request.resource() + "` is outside intent `" + intentName + "`");
    }

    /**
     * The forbids that apply now to the request's single action, for its principal or any member
     * of its chain, sorted by name (the rules, so that an answer can give each one's {@code
     * reason}). A forbid that errors applies.
     */
    public List<CompiledRule> forbidding() {
      List<CompiledRule> applying = authorizer.forbids(at(), new RuleIndex.Candidates(), new EvaluationLog(false));
      if (applying.isEmpty()) {
        return List.of();
      }
      List<CompiledRule> forbids = new ArrayList<>(applying);
      forbids.sort(java.util.Comparator.comparing(r -> r.name));
      return List.copyOf(forbids);
    }
  }

  /** Whether a grant for this intent revokes its tree on drift ({@code on drift revoke}). */
  public boolean revokesOnDrift(String intentName) {
    CompiledIntent intent = plan.intent(intentName);
    return intent != null && intent.revokeOnDrift();
  }

  private EvalScope scope(AccessRequest request, EntityStore entities, String intentName, Map<String, Value> params,
                          Instant time) {
    return EvalScope.of(entities.overlay(request.entities()), plan, request, null, null, intentName, params,
        time);
  }
}

package dev.writ.engine.eval;

import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.vocab.Suggestions;
import java.util.HashMap;
import java.util.Map;

/**
 * Refuses requests that cannot be decided at all (docs/language.md §7): entities the store does not
 * know (principal, resource, chain members, approvers) and actions that are not concrete (a
 * wildcard, an action group, or in strict mode an undeclared action). The common case, a valid
 * request, builds no strings.
 */
final class RequestValidator {
  private final EvaluationPlan plan;
  private final boolean strict;
  // TRUE: a declared action, FALSE: an action group; one probe per action, where asking the
  // plan "a group?" and then "declared?" was two.
  private final Map<String, Boolean> actions = new HashMap<>();

  RequestValidator(EvaluationPlan plan) {
    this.plan = plan;
    this.strict = plan.schema().strict();
    plan.schema().actions().keySet().forEach(a -> actions.put(a, Boolean.TRUE));
    plan.schema().groups().keySet().forEach(g -> actions.put(g, Boolean.FALSE));
  }

  /**
   * A request that passed: its store (with the request's own entities laid over) and its entities,
   * each resolved once: principal, resource, the delegation chain's members and the approvers (in
   * request order), so that the evaluation does not probe the store for them again.
   */
  record Valid(EntityStore store, EntityStore.Resolved principal, EntityStore.Resolved resource,
               EntityStore.Resolved[] chain, EntityStore.Resolved[] approvers) {}

  private static final EntityStore.Resolved[] NONE = new EntityStore.Resolved[0];

  /** @throws BadRequestException naming the field at fault */
  Valid validate(AccessRequest request, EntityStore entities) {
    EntityStore store = entities.overlay(request.entities());
    // One lookup each for principal and resource: entity and ancestors together.
    EntityStore.Resolved principal = store.resolve(request.principal());
    EntityStore.Resolved resource = store.resolve(request.resource());
    if (principal.entity() == null) {
      throw unknown(request.principal(), "principal");
    }
    if (resource.entity() == null) {
      throw unknown(request.resource(), "resource");
    }
    int depth = request.delegation().size();
    EntityStore.Resolved[] chain = depth == 0 ? NONE : new EntityStore.Resolved[depth];
    for (int i = 0; i < depth; i++) {
      chain[i] = store.resolve(request.delegation().get(i));
      if (chain[i].entity() == null) {
        throw unknown(request.delegation().get(i), "delegation[" + i + "]");
      }
    }
    int given = request.approvals().size();
    EntityStore.Resolved[] approvers = given == 0 ? NONE : new EntityStore.Resolved[given];
    for (int i = 0; i < given; i++) {
      approvers[i] = store.resolve(request.approvals().get(i).by());
      if (approvers[i].entity() == null) {
        throw unknown(request.approvals().get(i).by(), "approvals[" + i + "].by");
      }
    }
    for (int i = 0; i < request.actions().size(); i++) {
      checkConcrete(request.actions().get(i), i);
    }
    return new Valid(store, principal, resource, chain, approvers);
  }

  private void checkConcrete(String a, int i) {
    Boolean declared = actions.get(a);
    boolean concrete = a.indexOf('*') < 0 && (declared == null ? !strict : declared);
    if (concrete) {
      return;
    }
    String field = "actions[" + i + "]";
    if (a.contains("*")) {
      throw new BadRequestException(field, "`" + a + "` is a wildcard; a request names concrete actions");
    }
    if (plan.isActionGroup(a)) {
      throw new BadRequestException(field, "`" + a + "` is an action group; a request names concrete actions");
    }
    throw new BadRequestException(field, "unknown action `" + a + "`"
        + Suggestions.hint(a, plan.schema().actions().keySet()).map(h -> "; " + h).orElse(""));
  }

  private static BadRequestException unknown(EntityUid uid, String field) {
    return new BadRequestException(field, "unknown entity `" + uid + "`");
  }
}

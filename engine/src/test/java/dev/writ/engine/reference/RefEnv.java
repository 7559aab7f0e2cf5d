package dev.writ.engine.reference;

import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an expression of one rule evaluation can see (docs/language.md §6): the principal taken as
 * the principal (the acting one, or a chain member), the resource, the action, the context, the
 * request's intent (parameters already coerced to their declared types), this principal's own
 * position in the delegation chain, and the request's duration and time.
 */
record RefEnv(EntityStore store, EntityUid principal, EntityUid resource, String action, Value.RecordV context,
              Optional<IntentView> intent, DelegationView delegation, Optional<Long> requestDuration,
              Instant requestTime) {

  /** The request's intent as expressions read it: {@code intent.name} and coerced parameters. */
  record IntentView(String name, Map<String, Value> params) {}

  /**
   * {@code delegation.depth}, {@code .root} and {@code .chain} for one principal: the chain
   * before it. The acting principal sees the whole chain; chain member i sees members 0..i-1.
   */
  record DelegationView(int depth, EntityUid root, Set<EntityUid> chain) {
    static DelegationView of(EntityUid principal, List<EntityUid> chainBefore) {
      EntityUid root = chainBefore.isEmpty() ? principal : chainBefore.get(0);
      return new DelegationView(chainBefore.size(), root, new LinkedHashSet<>(chainBefore));
    }
  }

  /** The same request seen with another principal at another position in the chain. */
  RefEnv as(EntityUid otherPrincipal, List<EntityUid> chainBefore) {
    return new RefEnv(store, otherPrincipal, resource, action, context, intent,
        DelegationView.of(otherPrincipal, chainBefore), requestDuration, requestTime);
  }
}

package dev.writ.engine.request;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An access request (docs/data.md, "Access requests"): may this principal get these actions on
 * this resource, for this task, for this long, through this delegation chain?
 *
 * @param delegation the chain from the root sponsor to the direct delegator (the principal is not in it)
 * @param entities   entities laid over the store for this request only (HTTP overlays)
 */
public record AccessRequest(EntityUid principal, List<String> actions, EntityUid resource, Optional<IntentRef> intent,
                            Optional<Long> durationSeconds, List<EntityUid> delegation, List<Approval> approvals,
                            Value.RecordV context, Optional<Instant> time, List<Entity> entities) {
  public AccessRequest {
    actions = List.copyOf(actions);
    delegation = List.copyOf(delegation);
    approvals = List.copyOf(approvals);
    entities = List.copyOf(entities);
  }

  /** The intent a request declares, with its parameters as given. */
  public record IntentRef(String name, Map<String, Value> params) {
    public IntentRef {
      // In the order given (not Map.copyOf, whose order changes from run to run): the audit trail
      // and the API write parameters in this order, so the same request gives the same bytes.
      params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
  }

  /** An approval of a request by someone, at some time (defaults to the request's time). */
  public record Approval(EntityUid by, Optional<Instant> at) {}

  public static AccessRequest simple(EntityUid principal, String action, EntityUid resource) {
    return new AccessRequest(principal, List.of(action), resource, Optional.empty(), Optional.empty(), List.of(),
        List.of(), Value.RecordV.EMPTY, Optional.empty(), List.of());
  }

  public AccessRequest withTime(Instant t) {
    return new AccessRequest(principal, actions, resource, intent, durationSeconds, delegation, approvals, context,
        Optional.of(t), entities);
  }

  public AccessRequest withApprovals(List<Approval> list) {
    return new AccessRequest(principal, actions, resource, intent, durationSeconds, delegation, list, context, time,
        entities);
  }

  public AccessRequest withActions(List<String> list) {
    return new AccessRequest(principal, list, resource, intent, durationSeconds, delegation, approvals, context, time,
        entities);
  }

  public AccessRequest withPrincipal(EntityUid p, List<EntityUid> chain) {
    return new AccessRequest(p, actions, resource, intent, durationSeconds, chain, approvals, context, time, entities);
  }

  public AccessRequest withDuration(Optional<Long> seconds) {
    return new AccessRequest(principal, actions, resource, intent, seconds, delegation, approvals, context, time,
        entities);
  }
}

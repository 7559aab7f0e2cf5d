package dev.writ.engine.grant;

import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A grant, or a request waiting for approvals (same id, docs/language.md §8). Immutable: every
 * change of state is a new value, made by applying an audit event.
 *
 * @param chain       delegators from the root sponsor to the direct delegator
 * @param requestedAt when it was requested
 * @param issuedAt    when it became active (null while pending)
 * @param expiresAt   when it stops being active (null: standing, or not issued yet)
 */
public record Grant(String id, String parent, EntityUid principal, List<EntityUid> chain, Task task,
                    Value.RecordV context, List<String> actions, EntityUid resource, Instant requestedAt,
                    Optional<Long> requestedDuration, List<AccessRequest.Approval> approvals, Instant issuedAt,
                    Instant expiresAt, List<String> policies, String revision, GrantState state) {

  public Grant {
    chain = List.copyOf(chain);
    actions = List.copyOf(actions);
    approvals = List.copyOf(approvals);
    policies = List.copyOf(policies);
  }

  /** Active at {@code t}: issued, not ended, and {@code t} before the expiry (a grant is expired from the instant {@code t >= expiry}). */
  public boolean activeAt(Instant t) {
    return state.kind() == GrantState.Kind.ACTIVE && (expiresAt == null || t.isBefore(expiresAt));
  }

  public boolean isPending() {
    return state.kind() == GrantState.Kind.PENDING;
  }

  public boolean standing() {
    return issuedAt != null && expiresAt == null;
  }

  /** Distinct approvers, in the order they approved. */
  public List<EntityUid> approvers() {
    LinkedHashSet<EntityUid> out = new LinkedHashSet<>();
    approvals.forEach(a -> out.add(a.by()));
    return new ArrayList<>(out);
  }

  /**
   * Whole seconds left at {@code t} (empty: standing), rounded down, so that {@code t} plus
   * the result is never after the expiry (clocks have sub-second precision).
   */
  public Optional<Long> remainingSeconds(Instant t) {
    if (expiresAt == null) {
      return Optional.empty();
    }
    return Optional.of(Math.max(0, java.time.Duration.between(t, expiresAt).getSeconds()));
  }

  /** The request this grant was (or would be) decided on, at time {@code t}. */
  public AccessRequest asRequest(Instant t) {
    return new AccessRequest(principal, actions, resource,
        task == null ? Optional.empty() : Optional.of(new AccessRequest.IntentRef(task.intent(), task.params())),
        requestedDuration, chain, approvals, context, Optional.of(t), List.of());
  }

  public Grant withState(GrantState s) {
    return new Grant(id, parent, principal, chain, task, context, actions, resource, requestedAt, requestedDuration,
        approvals, issuedAt, expiresAt, policies, revision, s);
  }

  /** The same grant holding {@code fewer} actions until {@code earlier} (null: standing). */
  public Grant narrowed(List<String> fewer, Instant earlier) {
    return new Grant(id, parent, principal, chain, task, context, fewer, resource, requestedAt, requestedDuration,
        approvals, issuedAt, earlier, policies, revision, state);
  }

  public Grant withApproval(AccessRequest.Approval a) {
    List<AccessRequest.Approval> all = new ArrayList<>(approvals);
    all.add(a);
    return new Grant(id, parent, principal, chain, task, context, actions, resource, requestedAt, requestedDuration,
        all, issuedAt, expiresAt, policies, revision, state);
  }
}

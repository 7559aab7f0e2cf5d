package dev.writ.engine.grant;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.Caller;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Access as time-bound, task-bound grants whose use is checked on every action (LANGUAGE.md §8):
 * requests become grants or pending requests, approvals issue them, delegation attenuates them,
 * action facts are checked (drift, scope, forbids), revocation cascades, offboarding ends a
 * principal's grants, expiry follows the injected clock. Every step is an audit event, committed
 * through the {@link GrantStore} before the answer is returned.
 */
public final class GrantRuntime {
  private final GrantStore store;
  private final Clock clock;
  private final AtomicReference<PolicyContext> policy;
  private final GrantIds ids;
  private volatile boolean explain;

  /** A runtime whose grant ids are random (unique and unguessable). */
  public GrantRuntime(GrantStore store, Clock clock, PolicyContext policy) {
    this(store, clock, policy, GrantIds.random());
  }

  public GrantRuntime(GrantStore store, Clock clock, PolicyContext policy, GrantIds ids) {
    this.store = store;
    this.clock = clock;
    this.policy = new AtomicReference<>(policy);
    this.ids = ids;
  }

  /** Whether decisions carry explanations (fixture suites use them for failures and coverage). */
  public GrantRuntime explaining(boolean on) {
    this.explain = on;
    return this;
  }

  private DecideOptions options(Instant t) {
    DecideOptions o = DecideOptions.at(t);
    return explain ? o.explaining() : o;
  }

  /** Swaps in a new bundle and entity data, atomically; later operations use it. */
  public void swap(PolicyContext next) {
    policy.set(next);
  }

  public PolicyContext policy() {
    return policy.get();
  }

  public GrantStore store() {
    return store;
  }

  private Instant now(Optional<Instant> given) {
    return given.orElseGet(clock::instant);
  }

  // ---- requests and approvals --------------------------------------------------------

  /** Decides a request and, when permitted, issues a grant; when pending, keeps the request. */
  public RequestResult request(AccessRequest request) {
    return request(request, null);
  }

  /** As {@link #request(AccessRequest)}, recording {@code caller} (null: none) on its events. */
  public RequestResult request(AccessRequest request, Caller caller) {
    if (!request.delegation().isEmpty()) {
      throw new GrantException(GrantException.Kind.BAD_REQUEST, "delegation: a delegated grant is made from the "
          + "delegator's grant (delegate it), not requested with a chain");
    }
    PolicyContext p = policy.get();
    Instant t = now(request.time());
    AccessRequest timed = request.withTime(t);
    Decision d = p.authorizer().decide(timed, p.entities(), options(t));
    return store.update(table -> {
      String id = ids.next(table);
      AuditEvent.Header h = header(t, id, null, timed, d.policies(), p.revision(), caller);
      List<AuditEvent> events = new ArrayList<>();
      events.add(new AuditEvent.Requested(h, timed.actions(), timed.resource(), timed.context(),
          timed.durationSeconds().orElse(null), timed.approvals()));
      events.add(decided(h, d));
      Grant g = null;
      if (d.decision() == Outcome.PERMIT) {
        AuditEvent.Granted granted = granted(h, timed, t, t, d);
        events.add(granted);
        g = grantOf(granted);
      } else if (d.decision() == Outcome.PENDING) {
        g = new Grant(id, null, timed.principal(), timed.delegation(),
            timed.intent().map(i -> new Task(i.name(), i.params())).orElse(null), timed.context(), timed.actions(),
            timed.resource(), t, timed.durationSeconds(), timed.approvals(), null, null, d.policies(), p.revision(),
            new GrantState.Pending());
      }
      Grant result = g;
      return new GrantStore.Change<>(events, new RequestResult(id, d, Optional.ofNullable(result)));
    });
  }

  /**
   * Records an approval of a pending request and decides it again (with its original context
   * and requested duration, at the time of the approval). An approval by a non-member or by
   * the requester is recorded and changes nothing.
   */
  public RequestResult approve(String id, EntityUid by, Optional<Instant> at) {
    return approve(id, by, at, null);
  }

  /** As {@link #approve(String, EntityUid, Optional)}, recording {@code caller} (null: none) on its events. */
  public RequestResult approve(String id, EntityUid by, Optional<Instant> at, Caller caller) {
    PolicyContext p = policy.get();
    if (p.entities().get(by) == null) {
      throw new GrantException(GrantException.Kind.BAD_REQUEST, "by: unknown entity `" + by + "`");
    }
    Instant t = now(at);
    return store.update(table -> {
      Grant g = table.get(id).orElseThrow(() -> notFound(id));
      if (!g.isPending()) {
        throw new GrantException(GrantException.Kind.CONFLICT, "`" + id + "` is " + describe(g, t)
            + ", not waiting for approval");
      }
      AccessRequest.Approval approval = new AccessRequest.Approval(by, Optional.of(t));
      boolean counted = !by.equals(g.principal()) && !g.chain().contains(by)
          && table.waitingFor(id).stream().anyMatch(w -> p.entities().ancestorsOrSelf(by).contains(w.from()));
      // An approval that does not count is recorded and changes nothing: it does not join the
      // request's approvals (so it is never listed as an approver, nor counted later should the
      // approver's memberships change).
      List<AccessRequest.Approval> approvals = new ArrayList<>(g.approvals());
      if (counted) {
        approvals.add(approval);
      }
      AccessRequest again = g.asRequest(t).withApprovals(approvals);
      Decision d = p.authorizer().decide(again, p.entities(), options(t));
      List<AuditEvent> events = new ArrayList<>();
      AuditEvent.Header h = header(t, id, g.parent(), again, d.policies(), p.revision(), caller);
      events.add(new AuditEvent.Approved(h, by, counted));
      events.add(decided(h, d));
      Grant issued = null;
      if (d.decision() == Outcome.PERMIT) {
        AuditEvent.Granted granted = granted(h, again, g.requestedAt(), t, d);
        events.add(granted);
        issued = grantOf(granted);
      }
      Grant pendingNow = d.decision() != Outcome.PENDING ? null : counted ? g.withApproval(approval) : g;
      Grant result = issued != null ? issued : pendingNow;
      return new GrantStore.Change<>(events, new RequestResult(id, d, Optional.ofNullable(result)));
    });
  }

  // ---- delegation --------------------------------------------------------------------

  /**
   * Passes a grant down to a delegate: a subset of its actions (all when none are named), the
   * same resource, intent, context and approvals, an expiry no later than the parent's, and the
   * policy's consent as a delegated request. Anything else is a deny.
   */
  public RequestResult delegate(String parentId, EntityUid to, Optional<List<String>> actions, Optional<Long> duration,
                                Optional<Instant> at) {
    return delegate(parentId, to, actions, duration, at, null);
  }

  /** As {@link #delegate(String, EntityUid, Optional, Optional, Optional)}, recording {@code caller} (null: none). */
  public RequestResult delegate(String parentId, EntityUid to, Optional<List<String>> actions, Optional<Long> duration,
                                Optional<Instant> at, Caller caller) {
    PolicyContext p = policy.get();
    if (p.entities().get(to) == null) {
      throw new GrantException(GrantException.Kind.BAD_REQUEST, "to: unknown entity `" + to + "`");
    }
    Instant t = now(at);
    return store.update(table -> {
      Grant parent = table.get(parentId).orElseThrow(() -> notFound(parentId));
      List<AuditEvent> events = new ArrayList<>();
      expireIfDue(parent, t, p.revision(), events, caller);
      List<EntityUid> childChain = new ArrayList<>(parent.chain());
      childChain.add(parent.principal());
      List<String> wanted = actions.filter(a -> !a.isEmpty()).orElse(parent.actions());
      AccessRequest request = new AccessRequest(to, wanted, parent.resource(),
          parent.task() == null ? Optional.empty()
              : Optional.of(new AccessRequest.IntentRef(parent.task().intent(), parent.task().params())),
          duration, childChain, parent.approvals(), parent.context(), Optional.of(t), List.of());
      String id = ids.next(table);
      List<String> refusals = new ArrayList<>();
      if (!parent.activeAt(t)) {
        refusals.add("`" + parentId + "` is " + describe(parent, t) + "; only an active grant can be delegated");
      }
      for (String a : wanted) {
        if (!parent.actions().contains(a)) {
          refusals.add("`" + parentId + "` does not hold `" + a + "`, so it cannot pass it on");
        }
      }
      Decision d;
      if (!refusals.isEmpty()) {
        Map<String, Outcome> outcomes = new java.util.LinkedHashMap<>();
        wanted.forEach(a -> outcomes.put(a, Outcome.DENY));
        d = Decision.deny(outcomes, refusals);
      } else {
        DecideOptions options = options(t);
        Optional<Long> remaining = parent.remainingSeconds(t);
        if (remaining.isPresent()) {
          options = options.withDelegatorRemaining(remaining.get());
        }
        try {
          d = p.authorizer().decide(request, p.entities(), options);
        } catch (BadRequestException e) {
          throw new GrantException(GrantException.Kind.BAD_REQUEST, e.getMessage());
        }
        if (d.decision() == Outcome.PENDING) {
          d = new Decision(Outcome.DENY, Optional.empty(), false, List.of(), d.forbids(), d.pending(), List.of(),
              d.actions(), List.of("a delegated grant cannot wait for approval; the parent's approvals did not "
              + "satisfy the policy"), d.errors(), d.explanation());
        }
      }
      AuditEvent.Header h = header(t, id, parentId, request, d.policies(), p.revision(), caller);
      events.add(new AuditEvent.Requested(h, request.actions(), request.resource(), request.context(),
          request.durationSeconds().orElse(null), request.approvals()));
      events.add(decided(h, d));
      Grant child = null;
      if (d.decision() == Outcome.PERMIT) {
        events.add(new AuditEvent.Delegated(h, to, wanted));
        AuditEvent.Granted granted = granted(h, request, t, t, d);
        events.add(granted);
        child = grantOf(granted);
      }
      Grant result = child;
      return new GrantStore.Change<>(events, new RequestResult(id, d, Optional.ofNullable(result)));
    });
  }

  // ---- action facts ------------------------------------------------------------------

  /** Checks an action fact in the order of LANGUAGE.md §8 and records it. */
  public ActionAnswer act(ActionFact fact) {
    return act(fact, null);
  }

  /** As {@link #act(ActionFact)}, recording {@code caller} (null: none), the enforcement point, on its events. */
  public ActionAnswer act(ActionFact fact, Caller caller) {
    PolicyContext p = policy.get();
    Instant t = now(fact.time());
    return store.update(table -> {
      Optional<Grant> found = table.get(fact.grant());
      if (found.isEmpty()) {
        // Nothing to attribute the fact to: answered, not recorded.
        return new GrantStore.Change<>(List.of(), new ActionAnswer(ActionAnswer.DENY, false,
            List.of("unknown grant `" + fact.grant() + "`"), List.of()));
      }
      Grant g = found.get();
      List<AuditEvent> events = new ArrayList<>();
      expireIfDue(g, t, p.revision(), events, caller);
      AccessRequest asked = g.asRequest(t).withActions(List.of(fact.action()));
      asked = new AccessRequest(asked.principal(), asked.actions(), fact.resource(), asked.intent(),
          asked.durationSeconds(), asked.delegation(), asked.approvals(), asked.context(), asked.time(), List.of());
      AuditEvent.Header h = header(t, g.id(), g.parent(), asked, g.policies(), p.revision(), caller);
      ActionAnswer answer;
      if (!g.activeAt(t)) {
        answer = new ActionAnswer(ActionAnswer.DENY, false, List.of("`" + g.id() + "` is " + describe(g, t)), List.of());
      } else {
        Optional<String> outside = g.task() == null || p.entities().get(fact.resource()) == null ? Optional.empty()
            : p.authorizer().actionCheck().outsideIntent(asked, p.entities(), t);
        if (g.task() != null && p.entities().get(fact.resource()) == null) {
          outside = Optional.of("`" + fact.resource() + "` is not a known entity, so it is outside any envelope");
        }
        if (outside.isPresent()) {
          boolean revoke = p.authorizer().actionCheck().revokesOnDrift(g.task().intent());
          events.add(new AuditEvent.Drift(h, fact.action(), fact.resource(), revoke ? "revoke" : "deny"));
          List<String> revoked = new ArrayList<>();
          if (revoke) {
            revokeTree(table, g, "drift", t, p.revision(), events, revoked, caller);
          }
          answer = new ActionAnswer(revoke ? ActionAnswer.REVOKE : ActionAnswer.DENY, true,
              List.of("drift: " + outside.get()), revoked);
        } else if (!g.actions().contains(fact.action()) || !g.resource().equals(fact.resource())) {
          answer = new ActionAnswer(ActionAnswer.DENY, false, List.of(!g.resource().equals(fact.resource())
              ? "`" + g.id() + "` covers `" + g.resource() + "`, not `" + fact.resource() + "`"
              : "`" + g.id() + "` does not cover `" + fact.action() + "`"), List.of());
        } else {
          List<String> forbids = p.authorizer().actionCheck().forbidding(asked, p.entities(), t);
          answer = forbids.isEmpty() ? new ActionAnswer(ActionAnswer.ALLOW, false, List.of(), List.of())
              : new ActionAnswer(ActionAnswer.DENY, false,
                  forbids.stream().map(f -> "forbidden now by `" + f + "`").toList(), List.of());
        }
      }
      events.add(new AuditEvent.ActionChecked(h, fact.action(), fact.resource(), answer.answer(), answer.drift(),
          answer.reasons()));
      return new GrantStore.Change<>(events, answer);
    });
  }

  // ---- revocation, offboarding, expiry -----------------------------------------------

  /** Revokes a grant (or cancels a pending request) and every grant delegated from it. */
  public List<String> revoke(String id, String reason, Optional<Instant> at) {
    return revoke(id, reason, at, null);
  }

  /** As {@link #revoke(String, String, Optional)}, recording {@code caller} (null: none) on its events. */
  public List<String> revoke(String id, String reason, Optional<Instant> at, Caller caller) {
    PolicyContext p = policy.get();
    Instant t = now(at);
    return store.update(table -> {
      Grant g = table.get(id).orElseThrow(() -> notFound(id));
      List<AuditEvent> events = new ArrayList<>();
      List<String> revoked = new ArrayList<>();
      revokeTree(table, g, reason == null || reason.isBlank() ? "manual" : reason, t, p.revision(), events, revoked,
          caller);
      return new GrantStore.Change<>(events, revoked);
    });
  }

  /** Ends every grant in which the principal acts or appears in the chain, and its pending requests. */
  public List<String> offboard(EntityUid principal, Optional<Instant> at) {
    return offboard(principal, at, null);
  }

  /** As {@link #offboard(EntityUid, Optional)}, recording {@code caller} (null: none) on its events. */
  public List<String> offboard(EntityUid principal, Optional<Instant> at, Caller caller) {
    PolicyContext p = policy.get();
    Instant t = now(at);
    return store.update(table -> {
      List<AuditEvent> events = new ArrayList<>();
      List<String> revoked = new ArrayList<>();
      for (Grant g : table.all()) {
        boolean involved = g.principal().equals(principal) || g.chain().contains(principal);
        if (involved && !g.state().isEnded() && !expireIfDue(g, t, p.revision(), events, caller)) {
          events.add(new AuditEvent.Revoked(header(t, g, p.revision(), caller), "offboarded"));
          revoked.add(g.id());
        }
      }
      return new GrantStore.Change<>(events, revoked);
    });
  }

  /** Records the expiry of every active grant whose time is up (the service runs this periodically). */
  public List<String> expireDue(Optional<Instant> at) {
    PolicyContext p = policy.get();
    Instant t = now(at);
    return store.update(table -> {
      List<AuditEvent> events = new ArrayList<>();
      List<String> expired = new ArrayList<>();
      for (Grant g : table.all()) {
        if (expireIfDue(g, t, p.revision(), events, null)) {
          expired.add(g.id());
        }
      }
      return new GrantStore.Change<>(events, expired);
    });
  }

  // ---- queries -----------------------------------------------------------------------

  public Optional<Grant> grant(String id) {
    return store.read(table -> table.get(id));
  }

  /** Grants, optionally of one principal, optionally only those active now. */
  public List<Grant> grants(Optional<EntityUid> principal, boolean activeOnly) {
    Instant t = clock.instant();
    return store.read(table -> table.all().stream()
        .filter(g -> principal.isEmpty() || g.principal().equals(principal.get()))
        .filter(g -> !activeOnly || g.activeAt(t))
        .toList());
  }

  public List<AuditRecord> audit(Predicate<AuditRecord> filter) {
    return store.audit(filter);
  }

  // ---- helpers -----------------------------------------------------------------------

  private boolean expireIfDue(Grant g, Instant t, String revision, List<AuditEvent> events, Caller caller) {
    if (g.state().kind() == GrantState.Kind.ACTIVE && g.expiresAt() != null && !t.isBefore(g.expiresAt())) {
      events.add(new AuditEvent.Expired(header(t, g, revision, caller), g.expiresAt()));
      return true;
    }
    return false;
  }

  private void revokeTree(GrantTable table, Grant g, String reason, Instant t, String revision,
                          List<AuditEvent> events, List<String> revoked, Caller caller) {
    // A grant whose time is up is expired, not revoked: its expiry is recorded instead.
    if (!g.state().isEnded() && !expireIfDue(g, t, revision, events, caller)) {
      events.add(new AuditEvent.Revoked(header(t, g, revision, caller), reason));
      revoked.add(g.id());
    }
    for (Grant d : table.descendants(g.id())) {
      if (!d.state().isEnded() && !expireIfDue(d, t, revision, events, caller)) {
        events.add(new AuditEvent.Revoked(header(t, d, revision, caller), "cascade"));
        revoked.add(d.id());
      }
    }
  }

  private static String describe(Grant g, Instant t) {
    return switch (g.state().kind()) {
      case PENDING -> "waiting for approval";
      case ACTIVE -> g.activeAt(t) ? "active" : "expired";
      case EXPIRED -> "expired";
      case REVOKED -> "revoked (" + ((GrantState.Revoked) g.state()).reason() + ")";
      case DENIED -> "denied";
    };
  }

  private static GrantException notFound(String id) {
    return new GrantException(GrantException.Kind.NOT_FOUND, "no grant or pending request `" + id + "`");
  }

  private static AuditEvent.Header header(Instant t, String id, String parent, AccessRequest r, List<String> policies,
                                          String revision, Caller caller) {
    List<EntityUid> approvers = new ArrayList<>();
    r.approvals().forEach(a -> {
      if (!approvers.contains(a.by())) {
        approvers.add(a.by());
      }
    });
    return new AuditEvent.Header(t, id, parent, r.intent().map(AccessRequest.IntentRef::name).orElse(null),
        r.intent().map(AccessRequest.IntentRef::params).orElse(Map.of()), r.principal(), r.delegation(), approvers,
        policies, revision, caller);
  }

  private static AuditEvent.Header header(Instant t, Grant g, String revision, Caller caller) {
    return new AuditEvent.Header(t, g.id(), g.parent(), g.task() == null ? null : g.task().intent(),
        g.task() == null ? Map.of() : g.task().params(), g.principal(), g.chain(), g.approvers(), g.policies(), revision,
        caller);
  }

  private static AuditEvent.Decided decided(AuditEvent.Header h, Decision d) {
    List<PendingApproval> pending = d.pending();
    return new AuditEvent.Decided(h, d.decision().json(), d.ttlSeconds().orElse(null), d.standing(), d.forbids(),
        pending, d.reasons());
  }

  private static AuditEvent.Granted granted(AuditEvent.Header h, AccessRequest r, Instant requestedAt, Instant issued,
                                            Decision d) {
    Instant expires = d.ttlSeconds().map(issued::plusSeconds).orElse(null);
    return new AuditEvent.Granted(h, r.actions(), r.resource(), r.context(), requestedAt,
        r.durationSeconds().orElse(null), r.approvals(), issued, expires);
  }

  private static Grant grantOf(AuditEvent.Granted e) {
    AuditEvent.Header h = e.header();
    return new Grant(h.grant(), h.parent(), h.principal(), h.chain(),
        h.intent() == null ? null : new Task(h.intent(), h.params()), e.context(), e.actions(), e.resource(),
        e.requestedAt(), Optional.ofNullable(e.requestedDuration()), e.approvals(), e.issuedAt(), e.expiresAt(),
        h.policies(), h.revision(), new GrantState.Active());
  }
}

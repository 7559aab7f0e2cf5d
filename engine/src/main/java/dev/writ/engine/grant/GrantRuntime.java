package dev.writ.engine.grant;

import dev.writ.engine.audit.Answer;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.Caller;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.eval.ActionCheck;
import dev.writ.engine.eval.BadRequestException;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.eval.CompiledRule;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Durations;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Access as time-bound, task-bound grants whose use is checked on every action (docs/language.md §8):
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
      throw GrantException.badRequest("delegation", "a delegated grant is made from the "
          + "delegator's grant (delegate it), not requested with a chain");
    }
    PolicyContext p = policy.get();
    Instant t = now(request.time());
    AccessRequest timed = request.withTime(t);
    Decision d = p.authorizer().decide(timed, p.entities(), options(t));
    GrantStore.Committed<RequestResult> c = store.commit(table -> {
      String id = ids.next(table);
      AuditEvent.Header h = header(t, id, null, timed, d.policies(), p.revision(), caller);
      List<AuditEvent> events = new ArrayList<>();
      events.add(new AuditEvent.Requested(h, timed.actions(), timed.resource(), timed.context(),
          timed.durationSeconds().orElse(null), timed.approvals()));
      events.add(decided(h, d));
      if (d.decision() == Outcome.PERMIT) {
        events.add(granted(h, timed, t, t, d));
      }
      return new GrantStore.Change<>(events, after -> new RequestResult(id, d, live(after, id)));
    });
    return c.result().withSeq(c.seq());
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
      throw GrantException.badRequest("by", "unknown entity `" + by + "`");
    }
    Instant t = now(at);
    GrantStore.Committed<RequestResult> c = store.commit(table -> {
      Grant g = table.get(id).orElseThrow(() -> notFound(id));
      if (!g.isPending()) {
        throw GrantException.conflict("`" + id + "` is " + describe(g, t) + ", not waiting for approval");
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
      if (d.decision() == Outcome.PERMIT) {
        events.add(granted(h, again, g.requestedAt(), t, d));
      }
      return new GrantStore.Change<>(events, after -> new RequestResult(id, d, live(after, id)));
    });
    return c.result().withSeq(c.seq());
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
      throw GrantException.badRequest("to", "unknown entity `" + to + "`");
    }
    Instant t = now(at);
    GrantStore.Committed<RequestResult> c = store.commit(table -> {
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
          throw GrantException.of(e);
        }
        d = asDelegation(d);
      }
      AuditEvent.Header h = header(t, id, parentId, request, d.policies(), p.revision(), caller);
      events.add(new AuditEvent.Requested(h, request.actions(), request.resource(), request.context(),
          request.durationSeconds().orElse(null), request.approvals()));
      events.add(decided(h, d));
      if (d.decision() == Outcome.PERMIT) {
        events.add(new AuditEvent.Delegated(h, to, wanted));
        events.add(granted(h, request, t, t, d));
      }
      Decision decided = d;
      return new GrantStore.Change<>(events, after -> new RequestResult(id, decided, live(after, id)));
    });
    return c.result().withSeq(c.seq());
  }

  /**
   * The policy's answer to a delegated request as the runtime gives it: a delegated grant cannot
   * wait for approval (it carries its parent's approvals), so a pending answer is a deny.
   */
  public static Decision asDelegation(Decision d) {
    if (d.decision() != Outcome.PENDING) {
      return d;
    }
    return new Decision(Outcome.DENY, Optional.empty(), false, List.of(), d.forbids(), d.pending(), List.of(),
        d.actions(), List.of("a delegated grant cannot wait for approval; the parent's approvals did not "
        + "satisfy the policy"), d.errors(), d.explanation());
  }

  // ---- action facts ------------------------------------------------------------------

  /** Checks an action fact in the order of docs/decisions.md ("Action answers") and records it. */
  public ActionAnswer act(ActionFact fact) {
    return act(fact, null);
  }

  /** As {@link #act(ActionFact)}, recording {@code caller} (null: none), the enforcement point, on its events. */
  public ActionAnswer act(ActionFact fact, Caller caller) {
    GrantStore.Committed<ActionAnswer> c = store.commit(actionCheck(fact, caller));
    return c.result().withSeq(c.seq());
  }

  /**
   * As {@link #act(ActionFact, Caller)}, answered once the check's records are durable without a
   * thread waiting for them ({@link GrantStore#commitDeferred}): the stage completes with the
   * answer then, or exceptionally when they cannot be made durable. Whatever depends on it runs on
   * the thread that completes it and must not block. A fact the store refuses outright (no
   * policy, a write that fails) throws here, as {@code act} does.
   */
  public CompletionStage<ActionAnswer> actDeferred(ActionFact fact, Caller caller) {
    GrantStore.Deferred<ActionAnswer> d = store.commitDeferred(actionCheck(fact, caller));
    ActionAnswer answer = d.committed().result().withSeq(d.committed().seq());
    return d.durable().thenApply(done -> answer);
  }

  /** The change an action check makes: its events (the check, and any expiry or drift), and its answer. */
  private Function<GrantTable, GrantStore.Change<ActionAnswer>> actionCheck(ActionFact fact, Caller caller) {
    PolicyContext p = policy.get();
    Instant t = now(fact.time());
    return table -> {
      Optional<Grant> found = table.get(fact.grant());
      if (found.isEmpty()) {
        // Nothing to attribute the fact to: answered, not recorded.
        return GrantStore.Change.of(List.of(), new ActionAnswer(Answer.DENY, false,
            List.of("unknown grant `" + fact.grant() + "`"), List.of()));
      }
      Grant g = found.get();
      List<AuditEvent> events = new ArrayList<>();
      expireIfDue(g, t, p.revision(), events, caller);
      // The grant's request narrowed to the fact's action and resource, built once for the check.
      AccessRequest asked = new AccessRequest(g.principal(), List.of(fact.action()), fact.resource(),
          g.task() == null ? Optional.empty() : Optional.of(new AccessRequest.IntentRef(g.task().intent(),
              g.task().params())), g.requestedDuration(), g.chain(), g.approvals(), g.context(), Optional.of(t),
          List.of());
      AuditEvent.Header h = header(t, g, p.revision(), caller);
      ActionAnswer answer;
      if (!g.activeAt(t)) {
        answer = new ActionAnswer(Answer.DENY, false, List.of("`" + g.id() + "` is " + describe(g, t)), List.of());
      } else {
        ActionCheck.Fact check = p.authorizer().actionCheck().fact(asked, p.entities(), t);
        Optional<String> outside = g.task() == null || p.entities().get(fact.resource()) == null ? Optional.empty()
            : check.outsideIntent();
        if (g.task() != null && p.entities().get(fact.resource()) == null) {
          outside = Optional.of("`" + fact.resource() + "` is not a known entity, so it is outside any envelope");
        }
        if (outside.isPresent()) {
          boolean revoke = p.authorizer().actionCheck().revokesOnDrift(g.task().intent());
          events.add(new AuditEvent.Drift(h, fact.action(), fact.resource(), revoke ? AuditEvent.Drift.Mode.REVOKE : AuditEvent.Drift.Mode.DENY));
          List<String> revoked = new ArrayList<>();
          if (revoke) {
            revokeTree(table, g, "drift", t, p.revision(), events, revoked, caller);
          }
          answer = new ActionAnswer(revoke ? Answer.REVOKE : Answer.DENY, true,
              List.of("drift: " + outside.get()), revoked);
        } else if (!g.actions().contains(fact.action()) || !g.resource().equals(fact.resource())) {
          answer = new ActionAnswer(Answer.DENY, false, List.of(!g.resource().equals(fact.resource())
              ? "`" + g.id() + "` covers `" + g.resource() + "`, not `" + fact.resource() + "`"
              : "`" + g.id() + "` does not cover `" + fact.action() + "`"), List.of());
        } else {
          List<CompiledRule> forbids = check.forbidding();
          // The forbid's own `reason`, as a decision gives it: it is what the user wrote for this moment.
          answer = forbids.isEmpty() ? new ActionAnswer(Answer.ALLOW, false, List.of(), List.of())
              : new ActionAnswer(Answer.DENY, false, forbids.stream().map(f -> "forbidden now by `" + f.name + "`"
                  + (f.data.meta().reason() == null ? "" : ": " + f.data.meta().reason())).toList(), List.of());
        }
      }
      events.add(new AuditEvent.ActionChecked(h, fact.action(), fact.resource(), answer.answer(), answer.drift(),
          answer.reasons()));
      return GrantStore.Change.of(events, answer);
    };
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
      return GrantStore.Change.of(events, revoked);
    });
  }

  /**
   * Narrows a live grant: it keeps {@code actions} (a subset of its own; empty: all of them) and
   * ends at most {@code duration} seconds from now (empty: when it ended before). Asking for an
   * action it does not hold, or for an expiry later than its own, is refused: a narrowing never
   * widens. Every grant delegated from it is narrowed in the same change, so that no delegate
   * holds more than its sponsor: its actions intersected with its parent's, its expiry capped by
   * its parent's (reason {@code cascade}); a delegate that keeps no action is revoked (reason
   * {@code cascade}). A narrowing that changes nothing records nothing.
   *
   * @param reason why (recorded on the grant's {@code narrowed} event); blank: {@code manual}
   * @throws GrantException NOT_FOUND for an unknown id, CONFLICT for a grant that is not active,
   *                        BAD_REQUEST (at {@code actions[i]} or {@code duration}) for a widening
   */
  public NarrowingResult narrow(String id, Optional<List<String>> actions, Optional<Long> duration, String reason,
                                Optional<Instant> at, Caller caller) {
    if (actions.map(List::isEmpty).orElse(true) && duration.isEmpty()) {
      throw GrantException.badRequest("actions", "name the actions the grant keeps, a `duration`, or both");
    }
    if (duration.isPresent() && duration.get() <= 0) {
      throw GrantException.badRequest("duration", "a narrowing's duration must be longer than `0s`; to end the "
          + "grant now, revoke it");
    }
    PolicyContext p = policy.get();
    Instant t = now(at);
    String why = reason == null || reason.isBlank() ? "manual" : reason;
    return store.update(table -> {
      Grant g = table.get(id).orElseThrow(() -> notFound(id));
      if (!g.activeAt(t)) {
        throw GrantException.conflict("`" + id + "` is " + describe(g, t) + "; only an active grant can be narrowed");
      }
      List<String> keep = g.actions();
      if (actions.isPresent() && !actions.get().isEmpty()) {
        List<String> wanted = actions.get();
        for (int i = 0; i < wanted.size(); i++) {
          if (!g.actions().contains(wanted.get(i))) {
            throw GrantException.badRequest("actions[" + i + "]", "`" + id + "` does not hold `" + wanted.get(i)
                + "`; a narrowing keeps some of the grant's actions (" + String.join(", ", g.actions()) + ")");
          }
        }
        keep = g.actions().stream().filter(wanted::contains).toList();
      }
      Instant expires = g.expiresAt();
      if (duration.isPresent()) {
        Instant asked = t.plusSeconds(duration.get());
        if (expires != null && asked.isAfter(expires)) {
          throw GrantException.badRequest("duration", "`" + Durations.format(duration.get()) + "` from now is later "
              + "than `" + id + "` expires (" + expires + ", in " + Durations.format(g.remainingSeconds(t).orElse(0L))
              + "); a narrowing never extends a grant");
        }
        expires = asked;
      }
      List<AuditEvent> events = new ArrayList<>();
      List<String> narrowed = new ArrayList<>();
      List<String> revoked = new ArrayList<>();
      narrowOne(g, keep, expires, why, t, p.revision(), caller, events);
      // Each descendant against its parent as this change leaves it (parents come before children).
      Map<String, Grant> after = new java.util.HashMap<>();
      after.put(id, g.narrowed(keep, expires));
      for (Grant d : table.descendantsNotEnded(id)) {
        Grant parent = after.get(d.parent());
        if (d.state().isEnded() || expireIfDue(d, t, p.revision(), events, caller)) {
          continue; // ended: nothing left to narrow (and its descendants are ended too)
        }
        List<String> kept = parent == null ? List.of() : d.actions().stream().filter(parent.actions()::contains).toList();
        if (kept.isEmpty()) { // no action left, or its parent was revoked just now
          events.add(new AuditEvent.Revoked(header(t, d, p.revision(), caller), "cascade"));
          revoked.add(d.id());
          continue;
        }
        Instant capped = parent.expiresAt() == null || (d.expiresAt() != null && !d.expiresAt().isAfter(parent.expiresAt()))
            ? d.expiresAt() : parent.expiresAt();
        if (narrowOne(d, kept, capped, "cascade", t, p.revision(), caller, events)) {
          narrowed.add(d.id());
        }
        after.put(d.id(), d.narrowed(kept, capped));
      }
      return new GrantStore.Change<>(events,
          table2 -> new NarrowingResult(table2.get(id).orElseThrow(), narrowed, revoked));
    });
  }

  /** As {@link #narrow(String, Optional, Optional, String, Optional, Caller)}, with no caller recorded. */
  public NarrowingResult narrow(String id, Optional<List<String>> actions, Optional<Long> duration, String reason,
                                Optional<Instant> at) {
    return narrow(id, actions, duration, reason, at, null);
  }

  /** Records a narrowing of {@code g} to these actions and expiry, when it changes anything. */
  private boolean narrowOne(Grant g, List<String> actions, Instant expires, String reason, Instant t, String revision,
                            Caller caller, List<AuditEvent> events) {
    if (actions.equals(g.actions()) && java.util.Objects.equals(expires, g.expiresAt())) {
      return false;
    }
    events.add(new AuditEvent.Narrowed(header(t, g, revision, caller), g.actions(), g.expiresAt(), actions, expires,
        reason));
    return true;
  }

  /**
   * Ends a task: revokes every active grant and pending request whose task is {@code intent}
   * with these parameters (each one given must be equal; parameters not given are not
   * compared), reason {@code task-ended}, and their descendants (reason {@code cascade}). A grant
   * whose time is up is recorded as expired instead. Ending an ended task changes nothing.
   *
   * @param detail what the caller says of it (such as "INC-4712 closed"), recorded on each revocation; null: nothing
   * @return the ids revoked, in the order recorded
   */
  public List<String> endTask(String intent, Map<String, Value> params, String detail, Optional<Instant> at,
                              Caller caller) {
    if (params.isEmpty()) {
      throw GrantException.badRequest("params", "name the task by its parameters (such as `ticket`); an intent "
          + "alone names every task of its kind");
    }
    PolicyContext p = policy.get();
    Instant t = now(at);
    String note = detail == null || detail.isBlank() ? null : detail;
    return store.update(table -> {
      List<AuditEvent> events = new ArrayList<>();
      List<String> revoked = new ArrayList<>();
      java.util.Set<String> done = new java.util.HashSet<>(); // ended in this change: not ended twice
      for (Grant g : table.retained()) { // ended grants change nothing here
        if (!servesTask(g, intent, params) || g.state().isEnded() || !done.add(g.id())) {
          continue;
        }
        if (!expireIfDue(g, t, p.revision(), events, caller)) {
          events.add(new AuditEvent.Revoked(header(t, g, p.revision(), caller), TASK_ENDED, note));
          revoked.add(g.id());
        }
        for (Grant d : table.descendantsNotEnded(g.id())) {
          if (!d.state().isEnded() && done.add(d.id()) && !expireIfDue(d, t, p.revision(), events, caller)) {
            events.add(new AuditEvent.Revoked(header(t, d, p.revision(), caller), "cascade"));
            revoked.add(d.id());
          }
        }
      }
      return GrantStore.Change.of(events, revoked);
    });
  }

  /** As {@link #endTask(String, Map, String, Optional, Caller)}, with no caller recorded. */
  public List<String> endTask(String intent, Map<String, Value> params, String detail, Optional<Instant> at) {
    return endTask(intent, params, detail, at, null);
  }

  /** The revocation reason of a task end. */
  public static final String TASK_ENDED = "task-ended";

  private static boolean servesTask(Grant g, String intent, Map<String, Value> params) {
    return g.task() != null && g.task().intent().equals(intent)
        && params.entrySet().stream().allMatch(e -> e.getValue().equals(g.task().params().get(e.getKey())));
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
      for (Grant g : table.retained()) { // ended grants change nothing here
        boolean involved = g.principal().equals(principal) || g.chain().contains(principal);
        if (involved && !g.state().isEnded() && !expireIfDue(g, t, p.revision(), events, caller)) {
          events.add(new AuditEvent.Revoked(header(t, g, p.revision(), caller), "offboarded"));
          revoked.add(g.id());
        }
      }
      return GrantStore.Change.of(events, revoked);
    });
  }

  /** Records the expiry of every active grant whose time is up (the service runs this periodically). */
  public List<String> expireDue(Optional<Instant> at) {
    PolicyContext p = policy.get();
    Instant t = now(at);
    return store.update(table -> {
      List<AuditEvent> events = new ArrayList<>();
      List<String> expired = new ArrayList<>();
      for (Grant g : table.retained()) { // ended grants change nothing here
        if (expireIfDue(g, t, p.revision(), events, null)) {
          expired.add(g.id());
        }
      }
      return GrantStore.Change.of(events, expired);
    });
  }

  // ---- queries -----------------------------------------------------------------------

  public Optional<Grant> grant(String id) {
    return store.read(table -> table.get(id));
  }

  /** Grants, optionally of one principal, optionally only those active now. */
  public List<Grant> grants(Optional<EntityUid> principal, boolean activeOnly) {
    Instant t = clock.instant();
    // Ended grants that left memory are read back after the store's lock is released (see GrantTable.listing).
    List<Grant> all = activeOnly ? store.read(table -> List.copyOf(table.retained()))
        : store.read(GrantTable::listing).read();
    return all.stream()
        .filter(g -> principal.isEmpty() || g.principal().equals(principal.get()))
        .filter(g -> !activeOnly || g.activeAt(t))
        .toList();
  }

  /** Whether {@code uid} is the principal of a grant or in its chain, ended grants included. */
  public boolean knows(EntityUid uid) {
    return store.read(table -> table.involves(uid));
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
    for (Grant d : table.descendantsNotEnded(g.id())) {
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
    return GrantException.notFound("no grant or pending request `" + id + "`");
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
    return new AuditEvent.Decided(h, d.decision(), d.ttlSeconds().orElse(null), d.standing(), d.forbids(),
        pending, d.reasons());
  }

  private static AuditEvent.Granted granted(AuditEvent.Header h, AccessRequest r, Instant requestedAt, Instant issued,
                                            Decision d) {
    Instant expires = d.ttlSeconds().map(issued::plusSeconds).orElse(null);
    return new AuditEvent.Granted(h, r.actions(), r.resource(), r.context(), requestedAt,
        r.durationSeconds().orElse(null), r.approvals(), issued, expires);
  }

  /** What a request, approval or delegation answers with: the table's grant or pending request, unless it ended. */
  private static Optional<Grant> live(GrantTable table, String id) {
    return table.get(id).filter(g -> !g.state().isEnded());
  }
}

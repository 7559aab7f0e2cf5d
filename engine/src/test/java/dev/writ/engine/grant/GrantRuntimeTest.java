package dev.writ.engine.grant;

import dev.writ.engine.audit.Answer;
import static dev.writ.engine.grant.Gov.ALICE;
import static dev.writ.engine.grant.Gov.BOB;
import static dev.writ.engine.grant.Gov.BOT;
import static dev.writ.engine.grant.Gov.CAROL;
import static dev.writ.engine.grant.Gov.CI;
import static dev.writ.engine.grant.Gov.DAVE;
import static dev.writ.engine.grant.Gov.ERIN;
import static dev.writ.engine.grant.Gov.FRANK;
import static dev.writ.engine.grant.Gov.LEAF;
import static dev.writ.engine.grant.Gov.METRICS;
import static dev.writ.engine.grant.Gov.ORDERS;
import static dev.writ.engine.grant.Gov.PAYROLL;
import static dev.writ.engine.grant.Gov.STAGING;
import static dev.writ.engine.grant.Gov.SUB;
import static dev.writ.engine.grant.Gov.T0;
import static dev.writ.engine.grant.Gov.fact;
import static dev.writ.engine.grant.Gov.hours;
import static dev.writ.engine.grant.Gov.incident;
import static dev.writ.engine.grant.Gov.maintenance;
import static dev.writ.engine.grant.Gov.minutes;
import static dev.writ.engine.grant.Gov.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.request.ActionFact;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The step kinds of docs/suites.md scenarios against the runtime, one rule of docs/language.md §8 at a time. */
class GrantRuntimeTest {
  MutableClock clock;
  GrantRuntime rt;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    rt = new GrantRuntime(EventSourcedGrantStore.inMemory(), clock, Gov.context());
  }

  // ---- helpers -----------------------------------------------------------------------

  RequestResult ask(EntityUid principal, List<String> actions, EntityUid resource) {
    return rt.request(request(principal, actions, resource, incident("INC-1"), null));
  }

  String issue(EntityUid principal, List<String> actions, EntityUid resource) {
    RequestResult r = ask(principal, actions, resource);
    assertEquals(Outcome.PERMIT, r.decision().decision(), () -> "expected a permit: " + r.decision());
    return r.id();
  }

  /** A grant on the restricted `orders` database, approved by carol and dave. */
  String approvedOrders(EntityUid principal, List<String> actions) {
    RequestResult r = ask(principal, actions, ORDERS);
    assertEquals(Outcome.PENDING, r.decision().decision());
    rt.approve(r.id(), CAROL, Optional.empty());
    RequestResult done = rt.approve(r.id(), DAVE, Optional.empty());
    assertEquals(Outcome.PERMIT, done.decision().decision());
    return r.id();
  }

  RequestResult delegate(String parent, EntityUid to, List<String> actions, Long duration) {
    return rt.delegate(parent, to, Optional.ofNullable(actions), Optional.ofNullable(duration), Optional.empty());
  }

  String delegated(String parent, EntityUid to, List<String> actions) {
    RequestResult r = delegate(parent, to, actions, null);
    assertEquals(Outcome.PERMIT, r.decision().decision(), () -> "expected a permit: " + r.decision());
    return r.id();
  }

  Grant grant(String id) {
    return rt.grant(id).orElseThrow();
  }

  GrantState.Kind state(String id) {
    return grant(id).state().kind();
  }

  String revokedReason(String id) {
    return ((GrantState.Revoked) grant(id).state()).reason();
  }

  ActionAnswer act(String grant, String action, EntityUid resource) {
    return rt.act(fact(grant, action, resource));
  }

  List<AuditRecord> events(String event, String grant) {
    return rt.audit(r -> r.json().path("event").asText().equals(event) && r.grant().equals(grant));
  }

  Instant now() {
    return clock.instant();
  }

  // ---- requests and approvals ----------------------------------------------------------

  @Nested
  class Approvals {
    @Test
    void aRequestNeedingNoApprovalIsGrantedAtOnce() {
      RequestResult r = ask(BOB, List.of("db:select"), METRICS);
      assertEquals(Outcome.PERMIT, r.decision().decision());
      assertEquals(Optional.of(hours(2)), r.decision().ttlSeconds());
      Grant g = r.grant().orElseThrow();
      assertEquals(GrantState.Kind.ACTIVE, g.state().kind());
      assertEquals(T0, g.issuedAt());
      assertEquals(T0.plusSeconds(hours(2)), g.expiresAt());
      assertEquals(List.of("gov.incident_read"), g.policies());
      assertEquals("rev-1", g.revision());
    }

    @Test
    void twoOfThresholdNeedsTwoDistinctMembers() {
      RequestResult r = ask(BOB, List.of("db:select"), ORDERS);
      assertEquals(Outcome.PENDING, r.decision().decision());
      assertEquals(List.of(new PendingApproval("gov.incident_read", Gov.uid("Team::db-owners"), 2, 2)),
          r.decision().pending());

      RequestResult one = rt.approve(r.id(), CAROL, Optional.empty());
      assertEquals(Outcome.PENDING, one.decision().decision());
      assertEquals(1, one.decision().pending().get(0).missing());

      RequestResult again = rt.approve(r.id(), CAROL, Optional.empty());
      assertEquals(Outcome.PENDING, again.decision().decision(), "the same approver twice is still one approver");
      assertEquals(1, again.decision().pending().get(0).missing());

      RequestResult two = rt.approve(r.id(), DAVE, Optional.empty());
      assertEquals(Outcome.PERMIT, two.decision().decision());
      assertEquals(List.of(CAROL, DAVE), grant(r.id()).approvers());
    }

    @Test
    void aPendingRequestKeepsItsIdAndIsGrantedAtApprovalTime() {
      RequestResult r = rt.request(request(BOB, List.of("db:select"), ORDERS, incident("INC-7"), minutes(90)));
      String id = r.id();
      assertEquals(GrantState.Kind.PENDING, state(id));
      assertNull(grant(id).issuedAt());
      clock.advance(minutes(5));
      rt.approve(id, CAROL, Optional.empty());
      clock.advance(minutes(15));
      RequestResult done = rt.approve(id, DAVE, Optional.empty());
      assertEquals(id, done.id());
      Grant g = done.grant().orElseThrow();
      assertEquals(id, g.id());
      assertEquals(T0, g.requestedAt());
      assertEquals(T0.plusSeconds(minutes(20)), g.issuedAt(), "issued from the moment of the approval");
      assertEquals(T0.plusSeconds(minutes(20 + 90)), g.expiresAt(), "with the originally requested duration");
      assertEquals(g, grant(id));
      assertEquals(1, events("granted", id).size());
      assertEquals(1, events("requested", id).size(), "one request, decided three times");
      assertEquals(3, events("decided", id).size());
    }

    @Test
    void approvalsAtAGivenTimeDecideAtThatTime() {
      RequestResult r = ask(BOB, List.of("db:select"), ORDERS);
      rt.approve(r.id(), CAROL, Optional.of(T0.plusSeconds(60)));
      RequestResult done = rt.approve(r.id(), DAVE, Optional.of(T0.plusSeconds(120)));
      assertEquals(T0.plusSeconds(120), done.grant().orElseThrow().issuedAt());
    }

    @Test
    void selfApprovalIsRecordedAndChangesNothing() {
      RequestResult r = ask(ALICE, List.of("db:select"), ORDERS); // alice is herself a db-owner
      Grant before = grant(r.id());
      RequestResult self = rt.approve(r.id(), ALICE, Optional.empty());
      assertEquals(Outcome.PENDING, self.decision().decision());
      assertEquals(2, self.decision().pending().get(0).missing());
      assertEquals(before, grant(r.id()));
      List<AuditRecord> approved = events("approved", r.id());
      assertEquals(1, approved.size());
      assertFalse(approved.get(0).json().path("counted").asBoolean());
      rt.approve(r.id(), CAROL, Optional.empty());
      Grant g = rt.approve(r.id(), DAVE, Optional.empty()).grant().orElseThrow();
      assertEquals(List.of(CAROL, DAVE), g.approvers(), "a self-approval is not an approval of the grant");
    }

    @Test
    void anApprovalByANonMemberIsRecordedAndChangesNothing() {
      RequestResult r = ask(BOB, List.of("db:select"), ORDERS);
      Grant before = grant(r.id());
      RequestResult other = rt.approve(r.id(), ERIN, Optional.empty());
      assertEquals(Outcome.PENDING, other.decision().decision());
      assertEquals(2, other.decision().pending().get(0).missing());
      assertEquals(before, grant(r.id()), "the pending request is as it was");
      assertFalse(events("approved", r.id()).get(0).json().path("counted").asBoolean());
      rt.approve(r.id(), CAROL, Optional.empty());
      RequestResult done = rt.approve(r.id(), DAVE, Optional.empty());
      assertEquals(List.of(CAROL, DAVE), done.grant().orElseThrow().approvers());
    }

    @Test
    void approvingSomethingNotPendingIsAConflictAndUnknownIdsAreNotFound() {
      String id = issue(BOB, List.of("db:select"), METRICS);
      GrantException e = assertThrows(GrantException.class, () -> rt.approve(id, CAROL, Optional.empty()));
      assertEquals(GrantException.Kind.CONFLICT, e.kind());
      assertEquals(GrantException.Kind.NOT_FOUND,
          assertThrows(GrantException.class, () -> rt.approve("g-999999", CAROL, Optional.empty())).kind());
      assertEquals(GrantException.Kind.BAD_REQUEST,
          assertThrows(GrantException.class, () -> rt.approve(id, Gov.uid("Employee::nobody"), Optional.empty()))
              .kind());
    }

    @Test
    void aDeniedRequestIssuesNothingButIsRecordedUnderItsId() {
      RequestResult r = ask(ERIN, List.of("db:select"), METRICS);
      assertEquals(Outcome.DENY, r.decision().decision());
      assertTrue(r.grant().isEmpty());
      assertTrue(rt.grant(r.id()).isEmpty());
      assertEquals(1, events("requested", r.id()).size());
      assertEquals("deny", events("decided", r.id()).get(0).json().path("decision").asText());
    }

    @Test
    void aRequestOutsideTheIntentIsDenied() {
      RequestResult r = ask(BOB, List.of("db:delete"), METRICS);
      assertEquals(Outcome.DENY, r.decision().decision());
    }
  }

  // ---- delegation ----------------------------------------------------------------------

  @Nested
  class Delegation {
    @Test
    void aChildGetsASubsetTheSameResourceTaskAndApprovals() {
      String parent = approvedOrders(BOB, List.of("db:select", "db:describe"));
      RequestResult r = delegate(parent, BOT, List.of("db:select"), null);
      assertEquals(Outcome.PERMIT, r.decision().decision());
      Grant c = r.grant().orElseThrow();
      Grant p = grant(parent);
      assertEquals(parent, c.parent());
      assertEquals(BOT, c.principal());
      assertEquals(List.of(BOB), c.chain());
      assertEquals(List.of("db:select"), c.actions());
      assertEquals(p.resource(), c.resource());
      assertEquals(p.task(), c.task());
      assertEquals(p.context(), c.context());
      assertEquals(p.approvers(), c.approvers());
      assertEquals(p.expiresAt(), c.expiresAt());
    }

    @Test
    void noActionsNamedMeansAllOfTheParents() {
      String parent = issue(BOB, List.of("db:select", "db:describe"), METRICS);
      RequestResult r = delegate(parent, BOT, null, null);
      assertEquals(List.of("db:select", "db:describe"), r.grant().orElseThrow().actions());
      RequestResult empty = delegate(parent, SUB, List.of(), null);
      assertEquals(List.of("db:select", "db:describe"), empty.grant().orElseThrow().actions());
    }

    @Test
    void anActionTheParentLacksIsDenied() {
      String parent = issue(BOB, List.of("db:select"), METRICS);
      RequestResult r = delegate(parent, BOT, List.of("db:select", "db:describe"), null);
      assertEquals(Outcome.DENY, r.decision().decision());
      assertTrue(r.grant().isEmpty());
      assertTrue(rt.grant(r.id()).isEmpty());
      assertTrue(r.decision().reasons().stream().anyMatch(s -> s.contains("does not hold `db:describe`")),
          r.decision().reasons()::toString);
    }

    @Test
    void depthIsLimitedByTheRule() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);    // depth 1
      String g3 = delegated(g2, SUB, null);    // depth 2 = the rule's limit
      assertEquals(List.of(BOB, BOT), grant(g3).chain());
      RequestResult g4 = delegate(g3, LEAF, null, null);
      assertEquals(Outcome.DENY, g4.decision().decision(), "depth 3 exceeds `delegate agent depth 2`");
    }

    @Test
    void kindsAreLimitedByTheRule() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      assertEquals(Outcome.DENY, delegate(g1, CI, null, null).decision().decision(), "incident grants go to agents only");
      assertEquals(Outcome.DENY, delegate(g1, ALICE, null, null).decision().decision(), "not to humans either");

      String m1 = rt.request(request(FRANK, List.of("db:select"), STAGING, maintenance("CHG-1"), null)).id();
      assertEquals(GrantState.Kind.ACTIVE, state(m1));
      assertEquals(Outcome.PERMIT, delegate(m1, CI, null, null).decision().decision(), "maintenance allows machines");
      String m2 = delegated(m1, BOT, null);
      assertEquals(Outcome.DENY, delegate(m2, SUB, null, null).decision().decision(), "maintenance has depth 1");
    }

    @Test
    void aGrantWithoutADelegateClauseCannotBeDelegated() {
      String standing = rt.request(request(FRANK, List.of("db:select"), STAGING, null, null)).id();
      Grant g = grant(standing);
      assertTrue(g.standing());
      assertEquals(Outcome.DENY, delegate(standing, BOT, null, null).decision().decision());
    }

    @Test
    void aDelegationThatWouldBePendingIsDenied() {
      String parent = issue(BOB, List.of("db:select"), PAYROLL); // confidential_direct: no approval, no delegation
      assertEquals(List.of("gov.confidential_direct"), grant(parent).policies());
      RequestResult r = delegate(parent, BOT, null, null);
      assertEquals(Outcome.DENY, r.decision().decision(), "confidential_delegable would be pending");
      assertFalse(r.decision().pending().isEmpty());
      assertTrue(rt.grant(r.id()).isEmpty(), "nothing waits for approval");
    }

    @Test
    void delegatingFromARevokedGrantIsDenied() {
      String parent = issue(BOB, List.of("db:select"), METRICS);
      rt.revoke(parent, null, Optional.empty());
      RequestResult r = delegate(parent, BOT, null, null);
      assertEquals(Outcome.DENY, r.decision().decision());
      assertTrue(r.decision().reasons().get(0).contains("revoked"), r.decision().reasons()::toString);
    }

    @Test
    void delegatingFromAnExpiredGrantIsDeniedAndRecordsTheExpiry() {
      String parent = issue(BOB, List.of("db:select"), METRICS);
      clock.advance(hours(2));
      RequestResult r = delegate(parent, BOT, null, null);
      assertEquals(Outcome.DENY, r.decision().decision());
      assertEquals(GrantState.Kind.EXPIRED, state(parent));
      assertEquals(1, events("expired", parent).size());
    }

    @Test
    void delegatingFromAPendingRequestIsDenied() {
      RequestResult pending = ask(BOB, List.of("db:select"), ORDERS);
      assertEquals(Outcome.DENY, delegate(pending.id(), BOT, null, null).decision().decision());
    }

    @Test
    void theChildsTtlIsCappedByTheParentsRemainingTime() {
      String parent = issue(BOB, List.of("db:select"), METRICS); // 10:00 to 12:00
      clock.advance(minutes(90));
      RequestResult all = delegate(parent, BOT, null, null);
      assertEquals(Optional.of(minutes(30)), all.decision().ttlSeconds());
      assertEquals(grant(parent).expiresAt(), all.grant().orElseThrow().expiresAt());

      RequestResult longer = delegate(parent, SUB, null, hours(1));
      assertEquals(Optional.of(minutes(30)), longer.decision().ttlSeconds(), "asking for longer gets the remainder");

      RequestResult shorter = delegate(parent, LEAF, null, minutes(10));
      assertEquals(Optional.of(minutes(10)), shorter.decision().ttlSeconds());
      assertEquals(now().plusSeconds(minutes(10)), shorter.grant().orElseThrow().expiresAt());
    }

    @Test
    void theCapHoldsWithSubSecondClocks() {
      // A real clock has nanoseconds: the remaining time must be rounded down, never up.
      clock.set(T0.plusMillis(200));
      String parent = issue(BOB, List.of("db:select"), METRICS);
      clock.set(T0.plusSeconds(minutes(90)).plusMillis(900));
      Grant child = delegate(parent, BOT, null, null).grant().orElseThrow();
      assertFalse(child.expiresAt().isAfter(grant(parent).expiresAt()),
          child.expiresAt() + " is after the parent's " + grant(parent).expiresAt());
    }

    @Test
    void aStandingParentDoesNotBoundItsChildButTheRuleDoes() {
      String m1 = rt.request(request(FRANK, List.of("db:select"), STAGING, maintenance("CHG-2"), null)).id();
      Grant c = delegate(m1, CI, null, null).grant().orElseThrow();
      assertEquals(grant(m1).expiresAt(), c.expiresAt());
      assertEquals(now().plusSeconds(hours(8)), c.expiresAt());
    }

    @Test
    void unknownParentOrDelegateIsAnError() {
      assertEquals(GrantException.Kind.NOT_FOUND,
          assertThrows(GrantException.class, () -> delegate("g-424242", BOT, null, null)).kind());
      String g = issue(BOB, List.of("db:select"), METRICS);
      assertEquals(GrantException.Kind.BAD_REQUEST,
          assertThrows(GrantException.class, () -> delegate(g, Gov.uid("Assistant::ghost"), null, null)).kind());
    }
  }

  // ---- revocation, offboarding, expiry ------------------------------------------------

  @Nested
  class Revocation {
    @Test
    void revokeCascadesToEveryDescendant() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      String g3 = delegated(g2, SUB, null);
      String other = delegated(g1, LEAF, null);
      List<String> revoked = rt.revoke(g1, null, Optional.empty());
      assertEquals(List.of(g1, g2, other, g3), revoked);
      assertEquals("manual", revokedReason(g1));
      assertEquals("cascade", revokedReason(g2));
      assertEquals("cascade", revokedReason(g3));
      assertEquals("cascade", revokedReason(other));
      for (String id : revoked) {
        assertEquals(Answer.DENY, act(id, "db:select", METRICS).answer());
      }
    }

    @Test
    void revokingAChildLeavesItsParentAndGivenReasonsAreKept() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      assertEquals(List.of(g2), rt.revoke(g2, "incident closed", Optional.empty()));
      assertEquals("incident closed", revokedReason(g2));
      assertEquals(GrantState.Kind.ACTIVE, state(g1));
      assertEquals(List.of(), rt.revoke(g2, null, Optional.empty()), "revoking twice revokes nothing more");
      assertEquals(1, events("revoked", g2).size());
    }

    @Test
    void revokingAPendingRequestCancelsIt() {
      RequestResult r = ask(BOB, List.of("db:select"), ORDERS);
      assertEquals(List.of(r.id()), rt.revoke(r.id(), null, Optional.empty()));
      assertEquals(GrantState.Kind.REVOKED, state(r.id()));
      assertThrows(GrantException.class, () -> rt.approve(r.id(), CAROL, Optional.empty()));
    }

    @Test
    void revokingAnExpiredGrantRecordsTheExpiryNotARevocation() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      clock.advance(hours(3));
      assertEquals(List.of(), rt.revoke(g1, null, Optional.empty()));
      assertEquals(GrantState.Kind.EXPIRED, state(g1));
      assertEquals(GrantState.Kind.EXPIRED, state(g2));
      assertEquals(0, events("revoked", g1).size());
      assertEquals(0, events("revoked", g2).size());
    }

    @Test
    void offboardingASponsorEndsEveryGrantInItsChainAndCancelsItsRequests() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      String g3 = delegated(g2, SUB, null);
      RequestResult pending = ask(BOB, List.of("db:select"), ORDERS);
      String alices = issue(ALICE, List.of("db:select"), METRICS);
      String alicesBot = delegated(alices, BOT, null);

      List<String> revoked = rt.offboard(BOB, Optional.empty());
      assertEquals(List.of(g1, g2, g3, pending.id()), revoked);
      for (String id : revoked) {
        assertEquals("offboarded", revokedReason(id));
      }
      assertEquals(GrantState.Kind.ACTIVE, state(alices));
      assertEquals(GrantState.Kind.ACTIVE, state(alicesBot), "the bot acts for alice too, and keeps that grant");
      assertThrows(GrantException.class, () -> rt.approve(pending.id(), CAROL, Optional.empty()));
      assertEquals(Answer.DENY, act(g3, "db:select", METRICS).answer());

      RequestResult later = ask(BOB, List.of("db:select"), METRICS);
      assertEquals(Outcome.PERMIT, later.decision().decision(), "later requests are decided by policy as usual");
    }

    @Test
    void offboardingADelegateInTheMiddleOfAChain() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      String g3 = delegated(g2, SUB, null);
      assertEquals(List.of(g2, g3), rt.offboard(BOT, Optional.empty()));
      assertEquals(GrantState.Kind.ACTIVE, state(g1));
      assertEquals("offboarded", revokedReason(g3));
    }

    @Test
    void expiryIsExactAtTheBoundaryAndRecordedOnce() {
      String g = issue(BOB, List.of("db:select"), METRICS);
      Instant expiry = grant(g).expiresAt();
      clock.set(expiry.minusSeconds(1));
      assertEquals(Answer.ALLOW, act(g, "db:select", METRICS).answer(), "one second before: still active");
      assertEquals(List.of(), rt.expireDue(Optional.empty()));
      clock.set(expiry.minusNanos(1));
      assertTrue(grant(g).activeAt(clock.instant()));
      clock.set(expiry);
      assertFalse(grant(g).activeAt(expiry), "expired from the instant time >= expiry");
      ActionAnswer at = act(g, "db:select", METRICS);
      assertEquals(Answer.DENY, at.answer());
      assertTrue(at.reasons().get(0).contains("expired"), at.reasons()::toString);
      assertEquals(GrantState.Kind.EXPIRED, state(g));
      assertEquals(new GrantState.Expired(expiry), grant(g).state());
      clock.advance(hours(1));
      act(g, "db:select", METRICS);
      assertEquals(List.of(), rt.expireDue(Optional.empty()));
      assertEquals(1, events("expired", g).size(), "recorded once, when first observed");
    }

    @Test
    void expireDueRecordsEveryDueGrantOnce() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      clock.advance(minutes(30));
      String g3 = issue(BOB, List.of("db:select"), METRICS);
      clock.set(T0.plusSeconds(hours(2)));
      assertEquals(List.of(g1, g2), rt.expireDue(Optional.empty()));
      assertEquals(GrantState.Kind.ACTIVE, state(g3));
      assertEquals(List.of(), rt.expireDue(Optional.empty()));
      assertEquals(List.of(g3), rt.expireDue(Optional.of(T0.plusSeconds(hours(3)))));
      for (String id : List.of(g1, g2, g3)) {
        assertEquals(1, events("expired", id).size());
      }
    }

    @Test
    void standingGrantsNeverExpire() {
      String s = rt.request(request(FRANK, List.of("db:select"), STAGING, null, null)).id();
      clock.advance(hours(24 * 365));
      assertEquals(List.of(), rt.expireDue(Optional.empty()));
      assertEquals(Answer.ALLOW, act(s, "db:select", STAGING).answer());
    }
  }

  // ---- action facts ----------------------------------------------------------------------

  @Nested
  class ActionChecks {
    @Test
    void unknownGrantIsDeniedAndNotRecorded() {
      int before = rt.audit(r -> true).size();
      ActionAnswer a = act("g-000404", "db:select", METRICS);
      assertEquals(Answer.DENY, a.answer());
      assertFalse(a.drift());
      assertEquals(before, rt.audit(r -> true).size());
    }

    @Test
    void aRevokedGrantIsDeniedBeforeAnyDriftCheck() {
      String g = issue(BOB, List.of("db:select"), METRICS);
      rt.revoke(g, null, Optional.empty());
      ActionAnswer a = act(g, "db:delete", METRICS); // outside the envelope, but the grant is gone
      assertEquals(Answer.DENY, a.answer());
      assertFalse(a.drift());
      assertEquals(0, events("drift", g).size());
    }

    @Test
    void anExpiredGrantIsDeniedBeforeAnyDriftCheck() {
      String g = issue(BOB, List.of("db:select"), METRICS);
      clock.advance(hours(2));
      ActionAnswer a = act(g, "db:delete", METRICS);
      assertEquals(Answer.DENY, a.answer());
      assertFalse(a.drift());
      assertEquals(GrantState.Kind.EXPIRED, state(g));
    }

    @Test
    void aPendingRequestCannotBeActedOn() {
      RequestResult r = ask(BOB, List.of("db:select"), ORDERS);
      assertEquals(Answer.DENY, act(r.id(), "db:select", ORDERS).answer());
    }

    @Test
    void driftWithRevokeRevokesTheGrantAndItsDescendantsButNotItsParent() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      String g3 = delegated(g2, SUB, null);
      assertEquals(Answer.ALLOW, act(g2, "db:select", METRICS).answer());
      clock.advance(minutes(10));
      ActionAnswer a = act(g2, "db:update", METRICS); // the rule would allow it; the intent does not
      assertEquals(Answer.REVOKE, a.answer());
      assertTrue(a.drift());
      assertEquals(List.of(g2, g3), a.revoked());
      assertEquals("drift", revokedReason(g2));
      assertEquals("cascade", revokedReason(g3));
      assertEquals(Answer.DENY, act(g2, "db:select", METRICS).answer());
      assertEquals(Answer.ALLOW, act(g1, "db:select", METRICS).answer(), "the parent is untouched");

      // Drift is recorded before what it causes, and the action itself after.
      List<String> order = rt.audit(r -> r.seq() > 0).stream()
          .filter(r -> r.json().path("time").asText().equals(now().toString()))
          .map(r -> r.json().path("event").asText() + ":" + r.grant()).toList();
      int drift = order.indexOf("drift:" + g2);
      assertTrue(drift >= 0, order::toString);
      assertTrue(drift < order.indexOf("revoked:" + g2), order::toString);
      assertTrue(order.indexOf("revoked:" + g2) < order.indexOf("revoked:" + g3), order::toString);
      assertTrue(order.indexOf("revoked:" + g3) < order.indexOf("action:" + g2), order::toString);
      assertEquals("revoke", events("drift", g2).get(0).json().path("mode").asText());
    }

    @Test
    void driftWithDenyRefusesTheActionAndKeepsTheGrant() {
      String g = rt.request(request(FRANK, List.of("db:select", "db:update"), METRICS, maintenance("CHG-3"), null)).id();
      ActionAnswer a = act(g, "db:delete", METRICS);
      assertEquals(Answer.DENY, a.answer());
      assertTrue(a.drift());
      assertEquals(List.of(), a.revoked());
      assertEquals(GrantState.Kind.ACTIVE, state(g));
      assertEquals("deny", events("drift", g).get(0).json().path("mode").asText());
      assertEquals(Answer.ALLOW, act(g, "db:update", METRICS).answer());
    }

    @Test
    void driftIsCheckedBeforeScope() {
      // db:delete is outside both the envelope and the grant: it is drift, not a scope deny.
      String g = issue(BOB, List.of("db:select"), METRICS);
      ActionAnswer a = act(g, "db:delete", METRICS);
      assertTrue(a.drift());
      assertEquals(Answer.REVOKE, a.answer());
      // Another resource, with an action outside the envelope: drift as well.
      String h = issue(BOB, List.of("db:select"), METRICS);
      assertEquals(Answer.REVOKE, act(h, "db:insert", STAGING).answer());
    }

    @Test
    void scopeIsCheckedAfterDriftAndKeepsTheGrant() {
      String g = issue(BOB, List.of("db:select"), METRICS);
      ActionAnswer other = act(g, "db:describe", METRICS); // inside the envelope, not in the grant
      assertEquals(Answer.DENY, other.answer());
      assertFalse(other.drift());
      ActionAnswer elsewhere = act(g, "db:select", STAGING); // inside the envelope, another resource
      assertEquals(Answer.DENY, elsewhere.answer());
      assertFalse(elsewhere.drift());
      assertEquals(GrantState.Kind.ACTIVE, state(g));
      assertEquals(Answer.ALLOW, act(g, "db:select", METRICS).answer());
    }

    @Test
    void aGrantWithoutAnIntentSkipsTheDriftCheck() {
      String s = rt.request(request(FRANK, List.of("db:select"), STAGING, null, null)).id();
      ActionAnswer a = act(s, "db:delete", STAGING);
      assertEquals(Answer.DENY, a.answer());
      assertFalse(a.drift());
      assertEquals(GrantState.Kind.ACTIVE, state(s));
    }

    @Test
    void forbidsAreEvaluatedAgainNowWithCurrentData() {
      String g = issue(BOB, List.of("db:select"), METRICS);
      assertEquals(Answer.ALLOW, act(g, "db:select", METRICS).answer());
      rt.swap(Gov.context("- { uid: Database::metrics, attrs: { env: prod, classification: internal, "
          + "tags: [legal-hold] } }", "rev-2"));
      ActionAnswer held = act(g, "db:select", METRICS);
      assertEquals(Answer.DENY, held.answer());
      assertFalse(held.drift());
      assertEquals(List.of("forbidden now by `gov.legal_hold`: Nothing touches a database under legal hold"),
          held.reasons(), "the forbid's reason, as a decision gives it");
      assertEquals(GrantState.Kind.ACTIVE, state(g), "a forbid refuses the action, the grant stays");
      assertEquals("rev-2", events("action", g).get(1).json().path("revision").asText());
      rt.swap(Gov.context());
      assertEquals(Answer.ALLOW, act(g, "db:select", METRICS).answer());
    }

    @Test
    void forbidsAreEvaluatedAtTheFactsTime() {
      clock.set(Instant.parse("2026-06-15T17:00:00Z"));
      String g = rt.request(request(FRANK, List.of("db:update"), METRICS, maintenance("CHG-4"), null)).id();
      assertEquals(Answer.ALLOW, act(g, "db:update", METRICS).answer());
      clock.set(Instant.parse("2026-06-15T22:30:00Z"));
      ActionAnswer late = act(g, "db:update", METRICS);
      assertEquals(Answer.DENY, late.answer());
      assertTrue(late.reasons().get(0).contains("gov.no_updates_after_hours"), late.reasons()::toString);
      ActionAnswer early = rt.act(new ActionFact(g, "db:update", METRICS,
          Optional.of(Instant.parse("2026-06-15T21:59:59Z"))));
      assertEquals(Answer.ALLOW, early.answer());
    }

    @Test
    void driftComesBeforeForbids() {
      String g = issue(BOB, List.of("db:select"), METRICS);
      rt.swap(Gov.context("- { uid: Database::metrics, attrs: { env: prod, classification: internal, "
          + "tags: [legal-hold] } }", "rev-2"));
      ActionAnswer a = act(g, "db:delete", METRICS);
      assertTrue(a.drift());
      assertEquals(Answer.REVOKE, a.answer());
    }

    @Test
    void forbidsApplyToTheChainToo() {
      String g1 = issue(BOB, List.of("db:select"), METRICS);
      String g2 = delegated(g1, BOT, null);
      assertEquals(Answer.ALLOW, act(g2, "db:select", METRICS).answer());
    }

    @Test
    void everyActionIsRecordedWithItsAnswer() {
      String g = issue(BOB, List.of("db:select"), METRICS);
      act(g, "db:select", METRICS);
      act(g, "db:describe", METRICS);
      List<AuditRecord> actions = events("action", g);
      assertEquals(List.of("allow", "deny"), actions.stream().map(r -> r.json().path("answer").asText()).toList());
      assertEquals("db:describe", actions.get(1).json().path("action").asText());
      assertEquals("Database::metrics", actions.get(1).json().path("resource").asText());
      assertFalse(actions.get(1).json().path("drift").asBoolean());
    }
  }
}

package dev.writ.engine.grant;

import static dev.writ.engine.grant.Gov.ALICE;
import static dev.writ.engine.grant.Gov.BOB;
import static dev.writ.engine.grant.Gov.BOT;
import static dev.writ.engine.grant.Gov.LEAF;
import static dev.writ.engine.grant.Gov.METRICS;
import static dev.writ.engine.grant.Gov.ORDERS;
import static dev.writ.engine.grant.Gov.STAGING;
import static dev.writ.engine.grant.Gov.SUB;
import static dev.writ.engine.grant.Gov.T0;
import static dev.writ.engine.grant.Gov.FRANK;
import static dev.writ.engine.grant.Gov.fact;
import static dev.writ.engine.grant.Gov.hours;
import static dev.writ.engine.grant.Gov.incident;
import static dev.writ.engine.grant.Gov.maintenance;
import static dev.writ.engine.grant.Gov.minutes;
import static dev.writ.engine.grant.Gov.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.Answer;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Narrowing a live grant, and ending every grant of a task (issue 19). */
class TaskLifecycleTest {
  MutableClock clock;
  GrantRuntime rt;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    rt = new GrantRuntime(EventSourcedGrantStore.inMemory(), clock, Gov.context());
  }

  String issue(List<String> actions, String ticket) {
    RequestResult r = rt.request(request(BOB, actions, METRICS, incident(ticket), null));
    assertEquals(Outcome.PERMIT, r.decision().decision(), () -> "expected a permit: " + r.decision());
    return r.id();
  }

  String delegated(String parent, dev.writ.engine.value.EntityUid to, List<String> actions) {
    RequestResult r = rt.delegate(parent, to, Optional.ofNullable(actions), Optional.empty(), Optional.empty());
    assertEquals(Outcome.PERMIT, r.decision().decision(), () -> "expected a permit: " + r.decision());
    return r.id();
  }

  Grant grant(String id) {
    return rt.grant(id).orElseThrow();
  }

  NarrowingResult narrow(String id, List<String> actions, Long duration) {
    return rt.narrow(id, Optional.ofNullable(actions), Optional.ofNullable(duration), "suspicious call",
        Optional.empty());
  }

  List<AuditRecord> events(String event, String grant) {
    return rt.audit(r -> r.json().path("event").asText().equals(event) && r.grant().equals(grant));
  }

  String reason(String id) {
    return ((GrantState.Revoked) grant(id).state()).reason();
  }

  @Nested
  class Narrowing {
    @Test
    void keepsASubsetOfActionsAndTheNextActionCheckSeesIt() {
      String g = issue(List.of("db:select", "db:describe"), "INC-1");
      assertEquals(Answer.ALLOW, rt.act(fact(g, "db:describe", METRICS)).answer());
      NarrowingResult r = narrow(g, List.of("db:select"), null);
      assertEquals(List.of("db:select"), r.grant().actions());
      assertEquals(grant(g), r.grant(), "the answer is the table's grant");
      assertEquals(Answer.DENY, rt.act(fact(g, "db:describe", METRICS)).answer());
      assertEquals(Answer.ALLOW, rt.act(fact(g, "db:select", METRICS)).answer());
      AuditRecord e = events("narrowed", g).get(0);
      assertEquals("[\"db:select\",\"db:describe\"]", e.json().path("actions_before").toString());
      assertEquals("[\"db:select\"]", e.json().path("actions").toString());
      assertEquals("suspicious call", e.json().path("reason").asText());
      assertEquals(e.json().path("expires_at_before"), e.json().path("expires_at"));
    }

    @Test
    void anEarlierExpiryEndsTheGrantSooner() {
      String g = issue(List.of("db:select"), "INC-1"); // 10:00 to 12:00
      NarrowingResult r = narrow(g, null, minutes(15));
      assertEquals(clock.instant().plusSeconds(minutes(15)), r.grant().expiresAt());
      clock.advance(minutes(15));
      assertEquals(Answer.DENY, rt.act(fact(g, "db:select", METRICS)).answer());
      assertEquals(GrantState.Kind.EXPIRED, grant(g).state().kind());
    }

    @Test
    void neverWidensAndSaysWhichField() {
      String g = issue(List.of("db:select"), "INC-1");
      GrantException more = assertThrows(GrantException.class, () -> narrow(g, List.of("db:select", "db:update"), null));
      assertEquals(GrantException.Kind.BAD_REQUEST, more.kind());
      assertEquals("actions[1]", more.field());
      assertTrue(more.getMessage().contains("`db:update`"), more.getMessage());
      GrantException later = assertThrows(GrantException.class, () -> narrow(g, null, hours(3)));
      assertEquals("duration", later.field());
      GrantException empty = assertThrows(GrantException.class, () -> narrow(g, null, null));
      assertEquals(GrantException.Kind.BAD_REQUEST, empty.kind());
      assertEquals(List.of(), events("narrowed", g), "a refused narrowing records nothing");
      assertEquals(List.of("db:select"), grant(g).actions());
    }

    @Test
    void cascadesToDescendantsSoNoDelegateHoldsMoreThanItsSponsor() {
      String g1 = issue(List.of("db:select", "db:describe"), "INC-1");
      String g2 = delegated(g1, BOT, null);
      String g3 = delegated(g2, SUB, List.of("db:describe"));
      String g4 = delegated(g1, LEAF, List.of("db:select"));
      NarrowingResult r = narrow(g1, List.of("db:select"), minutes(20));
      assertEquals(List.of(g2, g4), r.narrowed());
      assertEquals(List.of(g3), r.revoked(), "a delegate that keeps no action is revoked");
      assertEquals(List.of("db:select"), grant(g2).actions());
      assertEquals(grant(g1).expiresAt(), grant(g2).expiresAt());
      assertEquals(grant(g1).expiresAt(), grant(g4).expiresAt());
      assertEquals("cascade", reason(g3));
      assertEquals("cascade", events("narrowed", g2).get(0).json().path("reason").asText());
      assertEquals(Answer.DENY, rt.act(fact(g2, "db:describe", METRICS)).answer());
    }

    @Test
    void aShorterDelegateIsLeftAsItIs() {
      String g1 = issue(List.of("db:select"), "INC-1");
      RequestResult child = rt.delegate(g1, BOT, Optional.empty(), Optional.of(minutes(10)), Optional.empty());
      NarrowingResult r = narrow(g1, null, minutes(30));
      assertEquals(List.of(), r.narrowed());
      assertEquals(clock.instant().plusSeconds(minutes(10)), grant(child.id()).expiresAt());
      assertEquals(List.of(), events("narrowed", child.id()));
    }

    @Test
    void aStandingGrantGetsAnExpiry() {
      String m = rt.request(request(FRANK, List.of("db:select"), STAGING, null, null)).id();
      assertNull(grant(m).expiresAt());
      assertEquals(clock.instant().plusSeconds(hours(1)), narrow(m, null, hours(1)).grant().expiresAt());
      assertEquals("null", events("narrowed", m).get(0).json().path("expires_at_before").toString());
    }

    @Test
    void onlyALiveGrantCanBeNarrowed() {
      String g = issue(List.of("db:select"), "INC-1");
      rt.revoke(g, null, Optional.empty());
      assertEquals(GrantException.Kind.CONFLICT, assertThrows(GrantException.class,
          () -> narrow(g, List.of("db:select"), null)).kind());
      assertEquals(GrantException.Kind.NOT_FOUND, assertThrows(GrantException.class,
          () -> narrow("g-999999", List.of("db:select"), null)).kind());
      RequestResult pending = rt.request(request(BOB, List.of("db:select"), ORDERS, incident("INC-2"), null));
      assertEquals(Outcome.PENDING, pending.decision().decision());
      assertEquals(GrantException.Kind.CONFLICT, assertThrows(GrantException.class,
          () -> narrow(pending.id(), List.of("db:select"), null)).kind());
    }

    @Test
    void aNarrowingThatChangesNothingRecordsNothing() {
      String g = issue(List.of("db:select"), "INC-1");
      int before = rt.audit(r -> true).size();
      narrow(g, List.of("db:select"), null);
      assertEquals(before, rt.audit(r -> true).size());
    }

    @Test
    void aRestartRebuildsNarrowedGrantsAndTheTrailVerifies() throws Exception {
      Path dir = Files.createTempDirectory("writ-narrow-");
      try {
        EventSourcedGrantStore store = EventSourcedGrantStore.open(dir);
        GrantRuntime durable = new GrantRuntime(store, clock, Gov.context());
        String g1 = durable.request(request(BOB, List.of("db:select", "db:describe"), METRICS, incident("INC-1"), null))
            .id();
        String g2 = durable.delegate(g1, BOT, Optional.empty(), Optional.empty(), Optional.empty()).id();
        durable.narrow(g1, Optional.of(List.of("db:describe")), Optional.of(minutes(5)), "x", Optional.empty());
        List<Grant> before = List.of(durable.grant(g1).orElseThrow(), durable.grant(g2).orElseThrow());
        store.close();
        EventSourcedGrantStore again = EventSourcedGrantStore.open(dir);
        GrantRuntime reopened = new GrantRuntime(again, clock, Gov.context());
        assertEquals(before, List.of(reopened.grant(g1).orElseThrow(), reopened.grant(g2).orElseThrow()));
        assertEquals(List.of("db:describe"), reopened.grant(g2).orElseThrow().actions());
        again.close();
        TrailVerifier.Result v = TrailVerifier.verify(dir.resolve("audit.jsonl"));
        assertTrue(v.ok(), v::problem);
      } finally {
        Gov.deleteTree(dir);
      }
    }
  }

  @Nested
  class EndingATask {
    @Test
    void revokesEveryGrantOfTheTaskAndTheirDescendants() {
      String a = issue(List.of("db:select"), "INC-4712");
      String child = delegated(a, BOT, null);
      String b = rt.request(request(ALICE, List.of("db:select"), METRICS, incident("INC-4712"), null)).id();
      String other = issue(List.of("db:select"), "INC-9");
      String maint = rt.request(request(FRANK, List.of("db:select"), STAGING, maintenance("CHG-4712"), null)).id();
      List<String> revoked = rt.endTask("investigate_incident", Map.of("ticket", new Value.Str("INC-4712")),
          "ticket closed", Optional.empty());
      assertEquals(List.of(a, child, b), revoked);
      assertEquals(GrantRuntime.TASK_ENDED, reason(a));
      assertEquals(GrantRuntime.TASK_ENDED, reason(b));
      assertEquals("cascade", reason(child));
      assertEquals(GrantState.Kind.ACTIVE, grant(other).state().kind(), "another ticket");
      assertEquals(GrantState.Kind.ACTIVE, grant(maint).state().kind(), "another intent");
      assertEquals("ticket closed", events("revoked", a).get(0).json().path("detail").asText());
      assertEquals(1, events("revoked", child).size(), "the child, of the same task, is revoked once");
      assertEquals(Answer.DENY, rt.act(fact(child, "db:select", METRICS)).answer());
    }

    @Test
    void cancelsPendingRequestsAndIsIdempotent() {
      RequestResult pending = rt.request(request(BOB, List.of("db:select"), ORDERS, incident("INC-7"), null));
      assertEquals(Outcome.PENDING, pending.decision().decision());
      Map<String, Value> params = Map.of("ticket", new Value.Str("INC-7"));
      assertEquals(List.of(pending.id()), rt.endTask("investigate_incident", params, null, Optional.empty()));
      int before = rt.audit(r -> true).size();
      assertEquals(List.of(), rt.endTask("investigate_incident", params, null, Optional.empty()));
      assertEquals(before, rt.audit(r -> true).size(), "ending an ended task records nothing");
    }

    @Test
    void aGrantWhoseTimeIsUpIsRecordedAsExpired() {
      String g = issue(List.of("db:select"), "INC-8");
      clock.advance(hours(3));
      assertEquals(List.of(), rt.endTask("investigate_incident", Map.of("ticket", new Value.Str("INC-8")), null,
          Optional.empty()));
      assertEquals(GrantState.Kind.EXPIRED, grant(g).state().kind());
    }

    @Test
    void aTaskIsNamedByItsParameters() {
      GrantException e = assertThrows(GrantException.class,
          () -> rt.endTask("investigate_incident", Map.of(), null, Optional.empty()));
      assertEquals("params", e.field());
    }
  }
}

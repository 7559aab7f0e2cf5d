package dev.writ.engine.grant;

import static dev.writ.engine.grant.Gov.BOB;
import static dev.writ.engine.grant.Gov.BOT;
import static dev.writ.engine.grant.Gov.CAROL;
import static dev.writ.engine.grant.Gov.DAVE;
import static dev.writ.engine.grant.Gov.ERIN;
import static dev.writ.engine.grant.Gov.ORDERS;
import static dev.writ.engine.grant.Gov.SUB;
import static dev.writ.engine.grant.Gov.T0;
import static dev.writ.engine.grant.Gov.fact;
import static dev.writ.engine.grant.Gov.hours;
import static dev.writ.engine.grant.Gov.incident;
import static dev.writ.engine.grant.Gov.minutes;
import static dev.writ.engine.grant.Gov.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.audit.AuditCodec;
import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.testing.MutableClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every audit event kind, with the header that lets the trail explain any action: grant,
 * parent, task, principal, chain, approvers, policies and bundle revision (docs/language.md §8).
 */
class GrantAuditEventsTest {
  @TempDir
  Path dir;

  MutableClock clock;
  EventSourcedGrantStore store;
  GrantRuntime rt;
  String parent;
  String child;
  String grandchild;

  /** One story that produces every kind of event. */
  @BeforeEach
  void story() {
    clock = new MutableClock(T0);
    store = EventSourcedGrantStore.open(dir);
    rt = new GrantRuntime(store, clock, Gov.context());
    parent = rt.request(request(BOB, List.of("db:select", "db:describe"), ORDERS, incident("INC-4711"), hours(3))).id();
    clock.advance(minutes(1));
    rt.approve(parent, ERIN, Optional.empty());                          // does not count
    rt.approve(parent, CAROL, Optional.empty());
    clock.advance(minutes(1));
    assertEquals(Outcome.PERMIT, rt.approve(parent, DAVE, Optional.empty()).decision().decision());
    clock.advance(minutes(1));
    rt.swap(Gov.context(null, "rev-2"));
    child = rt.delegate(parent, BOT, Optional.of(List.of("db:select")), Optional.empty(), Optional.empty()).id();
    grandchild = rt.delegate(child, SUB, Optional.empty(), Optional.of(minutes(5)), Optional.empty()).id();
    rt.act(fact(child, "db:select", ORDERS));
    rt.act(fact(child, "db:delete", ORDERS));                             // drift: revokes child and grandchild
    rt.narrow(parent, Optional.of(List.of("db:select")), Optional.empty(), "after the drift", Optional.empty());
    clock.advance(hours(3));
    rt.expireDue(Optional.empty());                                       // parent expires
  }

  List<AuditRecord> trail() {
    return rt.audit(r -> true);
  }

  JsonNode only(String event, String grant) {
    List<AuditRecord> found = rt.audit(r -> r.json().path("event").asText().equals(event) && r.grant().equals(grant));
    assertEquals(1, found.size(), () -> event + " events of " + grant + ": " + found);
    return found.get(0).json();
  }

  static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  static void header(JsonNode e, String grant, String parent, String principal, List<String> chain,
                     List<String> approvers, List<String> policies, String revision) {
    assertEquals(grant, e.path("grant").asText(), e::toString);
    if (parent == null) {
      assertTrue(e.path("parent").isNull(), e::toString);
    } else {
      assertEquals(parent, e.path("parent").asText(), e::toString);
    }
    assertEquals("investigate_incident", e.path("intent").asText(), e::toString);
    assertEquals("INC-4711", e.path("params").path("ticket").asText(), e::toString);
    assertEquals(principal, e.path("principal").asText(), e::toString);
    assertEquals(chain, texts(e.path("chain")), e::toString);
    assertEquals(approvers, texts(e.path("approvers")), e::toString);
    assertEquals(policies, texts(e.path("policies")), e::toString);
    assertEquals(revision, e.path("revision").asText(), e::toString);
    assertTrue(e.path("time").isTextual(), e::toString);
  }

  @Test
  void everyKindOfEventIsRecorded() {
    Set<AuditEvent.Type> seen = EnumSet.noneOf(AuditEvent.Type.class);
    trail().forEach(r -> seen.add(r.event().type()));
    assertEquals(EnumSet.allOf(AuditEvent.Type.class), seen);
  }

  @Test
  void narrowedSaysWhatTheGrantHeldAndHoldsAndWhy() {
    JsonNode n = only("narrowed", parent);
    header(n, parent, null, "Employee::bob", List.of(), List.of("Employee::carol", "Employee::dave"),
        List.of("gov.incident_read"), "rev-2");
    assertEquals(List.of("db:select", "db:describe"), texts(n.path("actions_before")));
    assertEquals(List.of("db:select"), texts(n.path("actions")));
    assertEquals(n.path("expires_at_before"), n.path("expires_at"), "no duration: the expiry stays");
    assertEquals("after the drift", n.path("reason").asText());
  }

  @Test
  void requestedAndDecidedCarryTheWholeRequest() {
    JsonNode req = only("requested", parent);
    header(req, parent, null, "Employee::bob", List.of(), List.of(), List.of(), "rev-1");
    assertEquals(List.of("db:select", "db:describe"), texts(req.path("actions")));
    assertEquals("Database::orders", req.path("resource").asText());
    assertEquals("3h", req.path("duration").asText());
    assertTrue(req.path("context").path("mfa").asBoolean());

    List<AuditRecord> decided = rt.audit(r -> r.json().path("event").asText().equals("decided") && r.grant().equals(parent));
    assertEquals(List.of("pending", "pending", "pending", "permit"),
        decided.stream().map(r -> r.json().path("decision").asText()).toList());
    JsonNode first = decided.get(0).json();
    assertEquals("gov.incident_read", first.path("pending").get(0).path("policy").asText());
    assertEquals("Team::db-owners", first.path("pending").get(0).path("from").asText());
    assertEquals(2, first.path("pending").get(0).path("missing").asInt());
    JsonNode last = decided.get(3).json();
    header(last, parent, null, "Employee::bob", List.of(), List.of("Employee::carol", "Employee::dave"),
        List.of("gov.incident_read"), "rev-1");
    assertEquals("2h", last.path("ttl").asText());
    assertFalse(last.path("standing").asBoolean());
  }

  @Test
  void approvedNamesTheApproverAndWhetherItCounted() {
    List<AuditRecord> approved = rt.audit(r -> r.json().path("event").asText().equals("approved"));
    assertEquals(List.of("Employee::erin", "Employee::carol", "Employee::dave"),
        approved.stream().map(r -> r.json().path("by").asText()).toList());
    assertEquals(List.of(false, true, true), approved.stream().map(r -> r.json().path("counted").asBoolean()).toList());
    assertEquals(List.of(), texts(approved.get(0).json().path("approvers")), "erin is not an approver");
    assertEquals(List.of("Employee::carol"), texts(approved.get(1).json().path("approvers")));
    approved.forEach(r -> assertEquals(parent, r.grant()));
  }

  @Test
  void grantedCarriesEverythingTheGrantIs() {
    JsonNode g = only("granted", parent);
    header(g, parent, null, "Employee::bob", List.of(), List.of("Employee::carol", "Employee::dave"),
        List.of("gov.incident_read"), "rev-1");
    assertEquals(T0.toString(), g.path("requested_at").asText());
    assertEquals(T0.plusSeconds(minutes(2)).toString(), g.path("issued_at").asText());
    assertEquals(T0.plusSeconds(minutes(2) + hours(2)).toString(), g.path("expires_at").asText());
    assertEquals(List.of("db:select", "db:describe"), texts(g.path("actions")));
    assertEquals(2, g.path("approvals").size());
  }

  @Test
  void delegatedNamesParentChildAndChain() {
    JsonNode d = only("delegated", child);
    header(d, child, parent, "Assistant::triage-bot", List.of("Employee::bob"),
        List.of("Employee::carol", "Employee::dave"), List.of("gov.incident_read"), "rev-2");
    assertEquals("Assistant::triage-bot", d.path("to").asText());
    assertEquals(List.of("db:select"), texts(d.path("actions")));
    JsonNode g = only("granted", grandchild);
    header(g, grandchild, child, "Assistant::sub-bot", List.of("Employee::bob", "Assistant::triage-bot"),
        List.of("Employee::carol", "Employee::dave"), List.of("gov.incident_read"), "rev-2");
    assertEquals(T0.plusSeconds(minutes(3 + 5)).toString(), g.path("expires_at").asText());
    JsonNode req = only("requested", grandchild);
    assertEquals(child, req.path("parent").asText());
  }

  @Test
  void actionDriftAndRevocationsExplainThemselves() {
    List<AuditRecord> actions = rt.audit(r -> r.json().path("event").asText().equals("action"));
    assertEquals(2, actions.size());
    JsonNode allowed = actions.get(0).json();
    header(allowed, child, parent, "Assistant::triage-bot", List.of("Employee::bob"),
        List.of("Employee::carol", "Employee::dave"), List.of("gov.incident_read"), "rev-2");
    assertEquals("allow", allowed.path("answer").asText());
    assertEquals("db:select", allowed.path("action").asText());
    assertEquals("Database::orders", allowed.path("resource").asText());
    JsonNode refused = actions.get(1).json();
    assertEquals("revoke", refused.path("answer").asText());
    assertTrue(refused.path("drift").asBoolean());
    assertTrue(texts(refused.path("reasons")).get(0).startsWith("drift:"));

    JsonNode drift = only("drift", child);
    header(drift, child, parent, "Assistant::triage-bot", List.of("Employee::bob"),
        List.of("Employee::carol", "Employee::dave"), List.of("gov.incident_read"), "rev-2");
    assertEquals("db:delete", drift.path("action").asText());
    assertEquals("revoke", drift.path("mode").asText());

    JsonNode revoked = only("revoked", child);
    assertEquals("drift", revoked.path("reason").asText());
    header(revoked, child, parent, "Assistant::triage-bot", List.of("Employee::bob"),
        List.of("Employee::carol", "Employee::dave"), List.of("gov.incident_read"), "rev-2");
    JsonNode cascade = only("revoked", grandchild);
    assertEquals("cascade", cascade.path("reason").asText());
    header(cascade, grandchild, child, "Assistant::sub-bot", List.of("Employee::bob", "Assistant::triage-bot"),
        List.of("Employee::carol", "Employee::dave"), List.of("gov.incident_read"), "rev-2");
  }

  @Test
  void expiredIsRecordedOnceWithTheExpiryTime() {
    JsonNode e = only("expired", parent);
    header(e, parent, null, "Employee::bob", List.of(), List.of("Employee::carol", "Employee::dave"),
        List.of("gov.incident_read"), "rev-2");
    assertEquals(T0.plusSeconds(minutes(2) + hours(2)).toString(), e.path("expires_at").asText());
    rt.expireDue(Optional.empty());
    rt.act(fact(parent, "db:select", ORDERS));
    only("expired", parent);
    assertEquals(0, rt.audit(r -> r.json().path("event").asText().equals("expired") && !r.grant().equals(parent))
        .size(), "revoked grants never expire");
  }

  @Test
  void everyEventReadsBackAsItWasWritten() throws Exception {
    for (AuditRecord r : trail()) {
      assertEquals(r.event(), AuditCodec.read(r.json()), () -> "record " + r.seq());
      assertEquals(r.json(), AuditCodec.write(r.event()), () -> "record " + r.seq());
    }
    assertTrue(TrailVerifier.verify(dir.resolve("audit.jsonl")).ok());
  }

  @Test
  void aRestartRebuildsTheSameStateFromTheTrail() {
    List<Grant> before = rt.grants(Optional.empty(), false);
    List<AuditRecord> records = trail();
    store.close();
    EventSourcedGrantStore reopened = EventSourcedGrantStore.open(dir);
    GrantRuntime again = new GrantRuntime(reopened, clock, Gov.context());
    assertEquals(before, again.grants(Optional.empty(), false));
    List<AuditRecord> replayed = reopened.audit(r -> true);
    assertEquals(records.size(), replayed.size());
    for (int i = 0; i < records.size(); i++) {
      assertEquals(records.get(i).event(), replayed.get(i).event());
      assertEquals(records.get(i).json().toString(), replayed.get(i).json().toString());
      assertEquals(records.get(i).hash(), replayed.get(i).hash());
    }
    // Numbering continues after the last id.
    List<String> ids = new ArrayList<>();
    records.forEach(r -> ids.add(r.grant()));
    String next = again.request(request(BOB, List.of("db:select"), Gov.METRICS, incident("INC-1"), null)).id();
    assertFalse(ids.contains(next));
    reopened.close();
  }
}

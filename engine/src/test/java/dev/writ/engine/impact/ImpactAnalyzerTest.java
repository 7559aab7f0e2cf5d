package dev.writ.engine.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.EvaluationPlan;
import dev.writ.engine.grant.EventSourcedGrantStore;
import dev.writ.engine.grant.GrantRuntime;
import dev.writ.engine.grant.PolicyContext;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.testing.MutableClock;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code writ impact} reports for the change in {@code src/test/resources/impact} (old → new). */
class ImpactAnalyzerTest {
  static final Instant T0 = Instant.parse("2026-06-15T10:00:00Z");
  static final EvaluationPlan OLD = ImpactFixtures.plan("old");
  static final EvaluationPlan NEW = ImpactFixtures.plan("new");

  static ImpactAnalyzer analyzer() {
    return new ImpactAnalyzer(new Authorizer(OLD), new Authorizer(NEW));
  }

  static ImpactReport requestsReport() {
    List<Replay> replays = Replays.requests(ImpactFixtures.dir().resolve("requests.jsonl"), OLD, NEW,
        ImpactFixtures.entities(OLD), ImpactFixtures.entities(NEW), T0);
    return analyzer().analyze(replays, List.of(), Map.of());
  }

  static String line(int n) {
    return ImpactFixtures.dir().resolve("requests.jsonl") + ":" + n;
  }

  @Test
  void eachKindOfChangeWithItsDirectionAndRules() {
    ImpactReport r = requestsReport();
    assertEquals(7, r.replayed());
    assertEquals(List.of(line(1), line(3), line(4), line(5), line(6)), r.changes().stream().map(RequestChange::where)
        .toList());

    RequestChange widened = r.changes().get(0); // the DBA's standing read now reaches production
    assertEquals(List.of(new Difference(Difference.Aspect.DECISION, Direction.WIDENED, "", "deny", "permit")),
        widened.differences());
    assertEquals(List.of("gov.dba_standing_read"), widened.rulesStarted());
    assertTrue(widened.widens());

    RequestChange ttl = r.changes().get(1);
    assertEquals(List.of(new Difference(Difference.Aspect.TTL, Direction.NARROWED, "", "2h", "1h")), ttl.differences());
    assertEquals(List.of("gov.incident_read"), ttl.rulesKept());
    assertEquals(List.of("gov.incident_read"), ttl.responsibleRules());

    RequestChange approval = r.changes().get(2);
    assertEquals(List.of(new Difference(Difference.Aspect.DECISION, Direction.NARROWED, "", "permit", "pending"),
        new Difference(Difference.Aspect.APPROVALS, Direction.NARROWED, "1 from Team::db-owners", "not needed",
            "needed")), approval.differences());
    assertEquals(List.of("gov.confidential_direct"), approval.rulesStopped());
    assertEquals(List.of("gov.confidential_reviewed"), approval.rulesStarted());

    RequestChange obligation = r.changes().get(3);
    assertEquals(List.of(new Difference(Difference.Aspect.OBLIGATIONS, Direction.OTHER, "notify=#dba", "absent",
        "present"), new Difference(Difference.Aspect.OBLIGATIONS, Direction.OTHER, "notify=#db-changes", "present",
        "absent")), obligation.differences());
    assertFalse(obligation.widens());

    RequestChange forbid = r.changes().get(4); // one of two actions now forbidden
    assertEquals(List.of(new Difference(Difference.Aspect.DECISION, Direction.NARROWED, "", "permit", "deny"),
        new Difference(Difference.Aspect.ACTION, Direction.NARROWED, "db:update", "permit", "deny")),
        forbid.differences());
    // db:select is still permitted, now also by the widened standing read
    assertEquals(List.of("gov.dba_standing_read", "gov.no_prod_updates"), forbid.rulesStarted());

    assertEquals(List.of(new ImpactReport.Undecided(line(8), "principal: unknown entity `Employee::nobody`")),
        r.undecided());
    assertEquals(Map.of(Direction.WIDENED, 1, Direction.NARROWED, 3, Direction.OTHER, 1), r.byDirection());
    assertTrue(r.widens());
  }

  @Test
  void countsByRule() {
    ImpactReport r = requestsReport();
    assertEquals(List.of(
        new ImpactReport.RuleImpact("gov.confidential_direct", 0, 1, 0),
        new ImpactReport.RuleImpact("gov.confidential_reviewed", 0, 1, 0),
        new ImpactReport.RuleImpact("gov.dba_standing_read", 1, 1, 0),
        new ImpactReport.RuleImpact("gov.incident_read", 0, 1, 0),
        new ImpactReport.RuleImpact("gov.maintenance_work", 0, 0, 1),
        new ImpactReport.RuleImpact("gov.no_prod_updates", 0, 1, 0)), r.byRule());
  }

  @Test
  void suitesAreReplayedWithTheirEntitiesAndTime() {
    List<Replay> replays = Replays.suites(ImpactFixtures.dir().resolve("suites"), ImpactFixtures.dir().resolve("old"),
        OLD, NEW, Instant.EPOCH);
    ImpactReport r = analyzer().analyze(replays, List.of(), Map.of());
    assertEquals(3, r.replayed());
    assertEquals(List.of("impact_test.yaml: a DBA reads production without a task",
        "impact_test.yaml: an SRE reads payroll during an incident"),
        r.changes().stream().map(RequestChange::where).toList());
  }

  @Test
  void aBundleAgainstItselfChangesNothing() {
    List<Replay> replays = Replays.requests(ImpactFixtures.dir().resolve("requests.jsonl"), OLD, OLD,
        ImpactFixtures.entities(OLD), ImpactFixtures.entities(OLD), T0);
    ImpactReport r = new ImpactAnalyzer(new Authorizer(OLD), new Authorizer(OLD)).analyze(replays, List.of(), Map.of());
    assertTrue(r.empty());
    assertEquals(7, r.replayed());
    assertTrue(ImpactText.render(r).startsWith("No change: 7 requests replayed"));
  }

  /** A real trail, written by the runtime under the old policies, replayed under both. */
  @Test
  void trailReplayListsTheGrantsTheChangeWouldRevoke(@TempDir Path dir) {
    EntityStore oldEntities = ImpactFixtures.entities(OLD);
    MutableClock clock = new MutableClock(T0);
    String bobMetrics;
    String botMetrics;
    String bobPayroll;
    String frankOrders;
    String ciOrders;
    String bobStaging;
    try (EventSourcedGrantStore store = EventSourcedGrantStore.open(dir)) {
      GrantRuntime rt = new GrantRuntime(store, clock, new PolicyContext(new Authorizer(OLD), oldEntities, "old"));
      bobMetrics = permit(rt.request(request("Employee::bob", List.of("db:select"), "Database::metrics",
          "investigate_incident", "ticket", "INC-1")));
      clock.advance(300);
      botMetrics = permit(rt.delegate(bobMetrics, uid("Assistant::triage-bot"), Optional.empty(), Optional.empty(),
          Optional.empty()));
      bobPayroll = permit(rt.request(request("Employee::bob", List.of("db:select"), "Database::payroll",
          "investigate_incident", "ticket", "INC-2")));
      frankOrders = permit(rt.request(request("Employee::frank", List.of("db:select", "db:update"), "Database::orders",
          "maintenance", "change", "CHG-1")));
      ciOrders = permit(rt.delegate(frankOrders, uid("Job::ci"), Optional.of(List.of("db:select")), Optional.empty(),
          Optional.empty()));
      bobStaging = permit(rt.request(request("Employee::bob", List.of("db:select"), "Database::staging",
          "investigate_incident", "ticket", "INC-3")));
      rt.revoke(bobStaging, "manual", Optional.empty());
    }
    Replays.FromTrail trail = Replays.trail(dir.resolve("audit.jsonl"), oldEntities, ImpactFixtures.entities(NEW));
    assertEquals(6, trail.replays().size());
    assertEquals(5, trail.active().size());
    ImpactReport r = analyzer().analyze(trail.replays(), trail.active(), trail.descendants());

    // bob's grants: 1h instead of 2h (narrowed, still issued); the bot's delegation: no longer allowed;
    // the delegation to the CI job: another obligation
    assertEquals(List.of(bobMetrics, botMetrics, bobPayroll, frankOrders, ciOrders, bobStaging), r.changes().stream()
        .map(c -> c.where().replaceAll("^trail seq \\d+ \\((g-[a-z0-9]+).*$", "$1")).toList());
    assertEquals(Direction.OTHER, r.changes().get(4).differences().get(0).direction());
    assertEquals(List.of(
        new ImpactReport.RevokedGrant(botMetrics, uid("Assistant::triage-bot"), List.of("db:select"),
            uid("Database::metrics"), Optional.of(Outcome.DENY), Optional.empty()),
        new ImpactReport.RevokedGrant(bobPayroll, uid("Employee::bob"), List.of("db:select"), uid("Database::payroll"),
            Optional.of(Outcome.PENDING), Optional.empty()),
        new ImpactReport.RevokedGrant(frankOrders, uid("Employee::frank"), List.of("db:select", "db:update"),
            uid("Database::orders"), Optional.of(Outcome.DENY), Optional.empty()),
        new ImpactReport.RevokedGrant(ciOrders, uid("Job::ci"), List.of("db:select"), uid("Database::orders"),
            Optional.empty(), Optional.of(frankOrders))), r.revoked());
    String text = ImpactText.render(r);
    assertTrue(text.contains("Would be revoked by this change (4 grants active at the end of the trail):"), text);
    assertTrue(text.contains(ciOrders + "  Job::ci db:select on Database::orders  (delegated from " + frankOrders + ")"),
        text);
  }

  @Test
  void jsonHasEveryPartOfTheReport() {
    JsonNode j = ImpactJson.write(requestsReport());
    assertEquals(7, j.get("replayed").asInt());
    assertEquals(5, j.get("changed").asInt());
    assertTrue(j.get("widens").asBoolean());
    assertEquals(1, j.get("summary").get("widened").asInt());
    JsonNode first = j.get("changes").get(0);
    assertEquals("Employee::frank", first.get("request").get("principal").asText());
    assertEquals("decision", first.get("differences").get(0).get("aspect").asText());
    assertEquals("widened", first.get("differences").get(0).get("direction").asText());
    assertEquals("gov.dba_standing_read", first.get("rules").get("started").get(0).asText());
    assertEquals("permit", first.get("after").get("decision").asText());
    assertEquals(6, j.get("byRule").size());
    assertEquals(1, j.get("undecided").size());
  }

  static String permit(RequestResult r) {
    assertEquals(Outcome.PERMIT, r.decision().decision(), r.decision().reasons().toString());
    return r.id();
  }

  static EntityUid uid(String s) {
    return EntityUid.parse(s);
  }

  static AccessRequest request(String principal, List<String> actions, String resource, String intent, String param,
                               String value) {
    return new AccessRequest(uid(principal), actions, uid(resource),
        Optional.of(new AccessRequest.IntentRef(intent, Map.of(param, new Value.Str(value)))), Optional.empty(),
        List.of(), List.of(), Value.RecordV.EMPTY, Optional.empty(), List.of());
  }
}

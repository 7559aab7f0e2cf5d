package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.json.DataDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of docs/server.md, over real HTTP, on its happy paths. */
class EndpointsTest {
  @TempDir
  Path dir;
  TestServer s;

  @BeforeEach
  void start() {
    s = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  // ---- POST /v1/decisions ------------------------------------------------------------

  @Test
  void statelessDecision() {
    var r = s.post("/v1/decisions", TestServer.ALICE_METRICS);
    assertEquals(200, r.status());
    assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElse(""));
    JsonNode d = r.json();
    assertEquals("permit", d.path("decision").asText());
    assertEquals("2h", d.path("ttl").asText());
    assertEquals("acme.prod.prod_db_incident_read", d.path("policies").get(0).asText());
    assertEquals("#db-access", d.path("obligations").get(0).path("value").asText());
    assertFalse(d.has("explanation"));
    assertEquals(0, s.auditLength(), "stateless: nothing recorded");
  }

  @Test
  void explainedDecision() {
    var r = s.post("/v1/decisions?explain=true", TestServer.DAVE_METRICS);
    assertEquals(200, r.status());
    assertEquals("deny", r.json().path("decision").asText());
    assertTrue(r.json().path("explanation").isArray());
    assertFalse(r.json().path("reasons").isEmpty());
  }

  @Test
  void batchOfDecisionsInOrder() {
    var r = s.post("/v1/decisions", "{\"requests\":[" + TestServer.ALICE_METRICS + "," + TestServer.ALICE_ORDERS + ","
        + TestServer.DAVE_METRICS + "]}");
    assertEquals(200, r.status());
    JsonNode list = r.json().path("decisions");
    assertEquals(3, list.size());
    assertEquals("permit", list.get(0).path("decision").asText());
    assertEquals("pending", list.get(1).path("decision").asText());
    assertEquals("Team::db-owners", list.get(1).path("pending").get(0).path("from").asText());
    assertEquals("deny", list.get(2).path("decision").asText());
    assertEquals(0, s.auditLength());
  }

  @Test
  void entityOverlayForOneCall() {
    // eve is unknown to the store; the overlay brings her in as an SRE for this call only.
    String eve = """
        {"principal":"Employee::eve","actions":["db:select"],"resource":"Database::metrics",
         "intent":{"name":"investigate_incident","ticket":"INC-1"},"context":{"mfa":true},
         "entities":[{"uid":"Employee::eve","attrs":{"department":"sre","mfa_enrolled":true},"parents":["Team::sre"]}]}""";
    assertEquals("permit", s.post("/v1/decisions", eve).json().path("decision").asText());
    // Overlays replace too: dave made an SRE for one call.
    String dave = TestServer.DAVE_METRICS.replace("}}", "},\"entities\":[{\"uid\":\"Employee::dave\","
        + "\"attrs\":{\"department\":\"sre\",\"mfa_enrolled\":true},\"parents\":[\"Team::sre\"]}]}");
    assertEquals("permit", s.post("/v1/decisions", dave).json().path("decision").asText());
    // ... and only for that call.
    assertEquals("deny", s.post("/v1/decisions", TestServer.DAVE_METRICS).json().path("decision").asText());
    var unknown = s.post("/v1/decisions", eve.replaceAll(",\\s*\"entities\".*]}$", "}"));
    assertEquals(400, unknown.status());
    assertEquals("principal", unknown.at());
  }

  @Test
  void batchWithSharedOverlay() {
    String body = "{\"entities\":[{\"uid\":\"Employee::dave\",\"attrs\":{\"department\":\"sre\",\"mfa_enrolled\":true},"
        + "\"parents\":[\"Team::sre\"]}],\"requests\":[" + TestServer.DAVE_METRICS + "," + TestServer.DAVE_METRICS + "]}";
    JsonNode list = s.post("/v1/decisions", body).json().path("decisions");
    assertEquals("permit", list.get(0).path("decision").asText());
    assertEquals("permit", list.get(1).path("decision").asText());
  }

  // ---- grants: request, approve, delegate, act, revoke, offboard ---------------------

  @Test
  void permittedRequestIssuesAGrant() {
    var r = s.post("/v1/grants", TestServer.ALICE_METRICS);
    assertEquals(200, r.status());
    JsonNode body = r.json();
    String id = body.path("id").asText();
    assertEquals("permit", body.path("decision").path("decision").asText());
    JsonNode g = body.path("grant");
    assertEquals(id, g.path("id").asText());
    assertEquals("active", g.path("state").asText());
    assertEquals("Employee::alice", g.path("principal").asText());
    assertEquals("investigate_incident", g.path("task").path("intent").asText());
    assertEquals("INC-4711", g.path("task").path("params").path("ticket").asText());
    assertEquals("2026-06-15T10:00:00Z", g.path("issued_at").asText());
    assertEquals("2026-06-15T12:00:00Z", g.path("expires_at").asText());
    assertEquals(s.server.service().active().revision(), g.path("revision").asText());
    assertTrue(g.path("parent").isNull());

    JsonNode fetched = s.get("/v1/grants/" + id).json();
    assertEquals(g, fetched);
  }

  @Test
  void pendingRequestThenApproval() {
    JsonNode pending = s.post("/v1/grants", TestServer.ALICE_ORDERS).json();
    assertEquals("pending", pending.path("decision").path("decision").asText());
    String id = pending.path("id").asText();
    assertEquals("pending", pending.path("grant").path("state").asText());

    // A self-approval is recorded and changes nothing.
    JsonNode self = s.post("/v1/grants/" + id + "/approvals", "{\"by\":\"Employee::alice\"}").json();
    assertEquals("pending", self.path("decision").path("decision").asText());

    s.clock.advance(60);
    var ok = s.post("/v1/grants/" + id + "/approvals", "{\"by\":\"Employee::carol\"}");
    assertEquals(200, ok.status());
    assertEquals("permit", ok.json().path("decision").path("decision").asText());
    JsonNode g = ok.json().path("grant");
    assertEquals("active", g.path("state").asText());
    assertEquals("2026-06-15T10:01:00Z", g.path("issued_at").asText());
    // The self-approval was recorded in the trail but does not count: carol is the only approver.
    assertEquals(1, g.path("approvers").size());
    assertEquals("Employee::carol", g.path("approvers").get(0).asText());

    // Approving it again is a conflict: it is no longer waiting.
    var again = s.post("/v1/grants/" + id + "/approvals", "{\"by\":\"Employee::carol\"}");
    assertEquals(409, again.status());
    assertEquals("id", again.at());
  }

  @Test
  void deniedRequestIssuesNothing() {
    JsonNode r = s.post("/v1/grants", TestServer.DAVE_METRICS).json();
    assertEquals("deny", r.path("decision").path("decision").asText());
    assertTrue(r.path("grant").isNull());
    assertEquals(0, s.get("/v1/grants").json().path("grants").size());
  }

  @Test
  void delegationActionsDriftAndCascade() {
    String parent = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
    var del = s.post("/v1/grants/" + parent + "/delegations",
        "{\"to\":\"Assistant::triage-bot\",\"actions\":[\"db:select\"],\"duration\":\"30m\"}");
    assertEquals(200, del.status());
    assertEquals("permit", del.json().path("decision").path("decision").asText());
    JsonNode child = del.json().path("grant");
    String childId = child.path("id").asText();
    assertEquals(parent, child.path("parent").asText());
    assertEquals("Employee::alice", child.path("chain").get(0).asText());
    assertEquals("2026-06-15T10:30:00Z", child.path("expires_at").asText());

    // Asking for more than the parent holds is a deny, not an error.
    var more = s.post("/v1/grants/" + parent + "/delegations", "{\"to\":\"Assistant::helper\",\"actions\":[\"db:update\"]}");
    assertEquals(200, more.status());
    assertEquals("deny", more.json().path("decision").path("decision").asText());

    String act = "{\"grant\":\"%s\",\"action\":\"%s\",\"resource\":\"Database::metrics\"}";
    JsonNode allow = s.post("/v1/actions", act.formatted(childId, "db:select")).json();
    assertEquals("allow", allow.path("answer").asText());
    assertFalse(allow.path("drift").asBoolean());

    // Outside the grant's actions but inside the intent: deny, the grant stays.
    JsonNode deny = s.post("/v1/actions", act.formatted(childId, "db:describe")).json();
    assertEquals("deny", deny.path("answer").asText());

    // Outside the intent's envelope: drift, and the intent says revoke.
    JsonNode drift = s.post("/v1/actions", act.formatted(childId, "db:update")).json();
    assertEquals("revoke", drift.path("answer").asText());
    assertTrue(drift.path("drift").asBoolean());
    assertEquals(List.of(childId), strings(drift.path("revoked")));

    assertEquals("deny", s.post("/v1/actions", act.formatted(childId, "db:select")).json().path("answer").asText());
    assertEquals("allow", s.post("/v1/actions", act.formatted(parent, "db:select")).json().path("answer").asText());
    JsonNode revokedChild = s.get("/v1/grants/" + childId).json();
    assertEquals("revoked", revokedChild.path("state").asText());
    assertEquals("drift", revokedChild.path("reason").asText());

    // A new delegation, then revoking the parent cascades to it.
    String child2 = s.post("/v1/grants/" + parent + "/delegations", "{\"to\":\"Assistant::helper\"}").json()
        .path("id").asText();
    var revoked = s.delete("/v1/grants/" + parent, "{\"reason\":\"incident closed\"}");
    assertEquals(200, revoked.status());
    assertEquals(List.of(parent, child2), strings(revoked.json().path("revoked")));
    assertEquals("cascade", s.get("/v1/grants/" + child2).json().path("reason").asText());
    assertEquals("incident closed", s.get("/v1/grants/" + parent).json().path("reason").asText());
    // Revoking again changes nothing and says so.
    assertEquals(0, s.delete("/v1/grants/" + parent, null).json().path("revoked").size());

    String metrics = s.get("/metrics").body();
    assertTrue(metrics.contains("writ_drift_total{mode=\"revoke\"} 1.0"), metrics);
    assertTrue(metrics.contains("writ_revocations_total{reason=\"drift\"} 1.0"), metrics);
    assertTrue(metrics.contains("writ_revocations_total{reason=\"cascade\"} 1.0"), metrics);
    assertTrue(metrics.contains("writ_action_checks_total{answer=\"allow\"} 2.0"), metrics);
  }

  @Test
  void unknownGrantInAnActionFactIsADeny() {
    var r = s.post("/v1/actions", "{\"grant\":\"g-9999\",\"action\":\"db:select\",\"resource\":\"Database::metrics\"}");
    assertEquals(200, r.status());
    assertEquals("deny", r.json().path("answer").asText());
    assertEquals(0, s.auditLength());
  }

  @Test
  void offboardingEndsEveryGrantOfAPrincipal() {
    String g1 = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
    String g2 = s.post("/v1/grants/" + g1 + "/delegations", "{\"to\":\"Assistant::triage-bot\"}").json().path("id")
        .asText();
    String pending = s.post("/v1/grants", TestServer.ALICE_ORDERS).json().path("id").asText();
    String bob = s.post("/v1/grants", TestServer.ALICE_METRICS.replace("alice", "bob")).json().path("id").asText();
    var r = s.post("/v1/principals/Employee::alice/offboard", "");
    assertEquals(200, r.status());
    assertEquals(List.of(g1, g2, pending), strings(r.json().path("revoked")));
    assertEquals("offboarded", s.get("/v1/grants/" + g2).json().path("reason").asText());
    assertEquals("active", s.get("/v1/grants/" + bob).json().path("state").asText());
    // Quoted ids work percent-encoded.
    assertEquals(200, s.post("/v1/principals/Employee::%22bob%22/offboard", "{}").status());
    assertEquals("revoked", s.get("/v1/grants/" + bob).json().path("state").asText());
  }

  // ---- GET /v1/grants, GET /v1/audit ------------------------------------------------

  @Test
  void listingGrantsWithFilters() {
    String a = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
    String b = s.post("/v1/grants", TestServer.ALICE_METRICS.replace("alice", "bob")).json().path("id").asText();
    String p = s.post("/v1/grants", TestServer.ALICE_ORDERS).json().path("id").asText();
    s.delete("/v1/grants/" + b, null);
    assertEquals(List.of(a, b, p), ids(s.get("/v1/grants").json()));
    assertEquals(List.of(a), ids(s.get("/v1/grants?active=true").json()));
    assertEquals(List.of(a, p), ids(s.get("/v1/grants?principal=Employee::alice").json()));
    assertEquals(List.of(b), ids(s.get("/v1/grants?principal=Employee::bob&active=false").json()));
    // Past its expiry (before the sweep records it) a grant reads expired and is no longer active.
    s.clock.advance(3 * 3600);
    assertEquals(List.of(), ids(s.get("/v1/grants?active=true").json()));
  }

  @Test
  void auditAsJsonLinesWithFilters() throws Exception {
    String a = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
    s.clock.advance(600);
    s.post("/v1/grants", TestServer.ALICE_METRICS.replace("alice", "bob").replace("INC-4711", "INC-5"));
    s.post("/v1/grants", "{\"principal\":\"Employee::bob\",\"actions\":[\"logs:read\"],\"resource\":\"Dashboard::grafana\"}");
    var all = s.get("/v1/audit");
    assertEquals(200, all.status());
    assertEquals("application/x-ndjson", all.raw().headers().firstValue("Content-Type").orElse(""));
    List<JsonNode> lines = lines(all.body());
    assertEquals(9, lines.size(), all.body());
    assertEquals(1, lines.get(0).path("seq").asLong());
    assertEquals("requested", lines.get(0).path("event").asText());
    assertEquals(lines.get(0).path("hash").asText(), lines.get(1).path("prev").asText());
    // The lines are the trail's own lines, hash and all.
    assertEquals(java.nio.file.Files.readString(s.trail()), all.body());

    assertTrue(lines(s.get("/v1/audit?grant=" + a).body()).stream().allMatch(l -> l.path("grant").asText().equals(a)));
    assertEquals(3, lines(s.get("/v1/audit?grant=" + a).body()).size());
    assertEquals(6, lines(s.get("/v1/audit?intent=investigate_incident").body()).size());
    assertEquals(6, lines(s.get("/v1/audit?since=2026-06-15T10:10:00Z").body()).size());
    assertEquals(6, lines(s.get("/v1/audit?principal=Employee::bob").body()).size());
    assertEquals(3, lines(s.get("/v1/audit?event=granted").body()).size());
    assertEquals(1, lines(s.get("/v1/audit?event=granted&principal=Employee::bob&intent=investigate_incident").body())
        .size());
    assertTrue(TrailVerifier.verify(s.trail()).ok());
  }

  @Test
  void expiriesAreRecordedWhileTheServiceRuns() throws Exception {
    String id = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
    s.clock.advance(2 * 3600);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (lines(s.get("/v1/audit?event=expired").body()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<JsonNode> expired = lines(s.get("/v1/audit?event=expired").body());
    assertEquals(1, expired.size());
    assertEquals(id, expired.get(0).path("grant").asText());
    // The next sweeps find nothing more to expire: the expiry is recorded once.
    assertEquals(List.of(), s.server.service().sweepExpired(), "nothing left to expire");
    assertEquals(1, lines(s.get("/v1/audit?event=expired").body()).size(), "recorded once");
    assertEquals("expired", s.get("/v1/grants/" + id).json().path("state").asText());
    assertTrue(s.get("/metrics").body().contains("writ_expirations_total 1.0"));
  }

  // ---- /health, /metrics -------------------------------------------------------------

  @Test
  void healthReportsTheRevision() {
    var r = s.get("/health");
    assertEquals(200, r.status());
    JsonNode h = r.json();
    assertEquals("ok", h.path("status").asText());
    assertTrue(h.path("revision").asText().startsWith("dir-"), h.toString());
    assertEquals(s.server.service().active().revision(), h.path("revision").asText());
    assertTrue(h.path("last_reload_error").isNull());
    assertNotNull(h.path("audit_head").asText(null));
  }

  @Test
  void metricsInPrometheusFormat() {
    s.post("/v1/decisions", TestServer.ALICE_METRICS);
    s.post("/v1/decisions", TestServer.DAVE_METRICS);
    s.post("/v1/grants", TestServer.ALICE_ORDERS);
    s.post("/v1/decisions", "{");
    var r = s.get("/metrics");
    assertEquals(200, r.status());
    assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String m = r.body();
    assertTrue(m.contains("# TYPE writ_decisions_total counter"), m);
    assertTrue(m.contains("writ_decisions_total{kind=\"stateless\",outcome=\"permit\"} 1.0"), m);
    assertTrue(m.contains("writ_decisions_total{kind=\"stateless\",outcome=\"deny\"} 1.0"), m);
    assertTrue(m.contains("writ_decisions_total{kind=\"grant\",outcome=\"pending\"} 1.0"), m);
    assertTrue(m.contains("writ_bundle_info{revision=\"" + s.server.service().active().revision() + "\"} 1"), m);
    assertTrue(m.contains("writ_bundle_load_failures_total 0.0"), m);
    assertTrue(m.contains("writ_http_requests_seconds_bucket{method=\"POST\",route=\"/v1/decisions\",status=\"200\""), m);
    assertTrue(m.contains("writ_http_requests_seconds_count{method=\"POST\",route=\"/v1/decisions\",status=\"400\"} 1"),
        m);
    assertTrue(m.contains("writ_decision_seconds_bucket"), m);
    assertTrue(m.contains("writ_grants_active 0.0"), m);
  }

  static List<JsonNode> lines(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String l : body.split("\n")) {
      if (!l.isBlank()) {
        try {
          out.add(DataDocument.JSON.readTree(l));
        } catch (Exception e) {
          throw new AssertionError(l, e);
        }
      }
    }
    return out;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static List<String> ids(JsonNode grants) {
    List<String> out = new ArrayList<>();
    grants.path("grants").forEach(g -> out.add(g.path("id").asText()));
    return out;
  }
}

package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.json.DataDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals bound to the authenticated approver: a forged {@code by} is 403, self-approval and
 * non-members do not count, over the network; and the trail names every caller (who asked, who
 * approved, which enforcement point checked the action) and still verifies.
 */
class ApprovalBindingTest {
  @TempDir
  Path dir;
  SecureTestServer a;

  @BeforeEach
  void start() {
    a = new SecureTestServer(dir);
    // erin is an SRE and a data owner: the one person who could approve her own request
    a.addEntities("- { uid: Employee::erin, attrs: { department: sre, mfa_enrolled: true }, "
        + "parents: [Team::sre, Team::db-owners] }\n");
  }

  @AfterEach
  void stop() {
    a.close();
  }

  private String pendingOf(String who) {
    TestServer.Res r = a.post("/v1/grants", TestServer.ALICE_ORDERS.replace("Employee::alice", "Employee::" + who),
        a.token(who));
    assertEquals("pending", r.json().path("decision").path("decision").asText(), r.body());
    return r.json().path("id").asText();
  }

  @Test
  void aForgedByIsRefused() {
    String id = pendingOf("alice");
    String before = a.trail();
    TestServer.Res r = a.post("/v1/grants/" + id + "/approvals", "{\"by\":\"Employee::carol\"}",
        a.token("mallory", "approver"));
    assertEquals(403, r.status(), r.body());
    assertEquals("by", r.at());
    assertEquals(before, a.trail());
    assertEquals(1, a.authFailures("not_own"));
    assertEquals("pending", a.get("/v1/grants/" + id, a.token("alice")).json().path("state").asText());
    // naming oneself is fine, and so is leaving `by` out
    TestServer.Res own = a.post("/v1/grants/" + id + "/approvals", "{\"by\":\"Employee::carol\"}",
        a.token("carol", "approver"));
    assertEquals("permit", own.json().path("decision").path("decision").asText(), own.body());
  }

  @Test
  void selfApprovalDoesNotCountOverTheNetwork() {
    String id = pendingOf("erin");
    TestServer.Res self = a.post("/v1/grants/" + id + "/approvals", null, a.token("erin", "approver"));
    assertEquals(200, self.status(), self.body());
    assertEquals("pending", self.json().path("decision").path("decision").asText(), "her own approval does not count");
    TestServer.Res carol = a.post("/v1/grants/" + id + "/approvals", null, a.token("carol", "approver"));
    assertEquals("permit", carol.json().path("decision").path("decision").asText(), carol.body());
    assertEquals(List.of("Employee::carol"), strings(carol.json().path("grant").path("approvers")));
  }

  @Test
  void aNonMemberApproverDoesNotCount() {
    String id = pendingOf("alice");
    TestServer.Res bob = a.post("/v1/grants/" + id + "/approvals", null, a.token("bob", "approver"));
    assertEquals("pending", bob.json().path("decision").path("decision").asText(), "bob is no data owner");
  }

  @Test
  void theTrailNamesEveryCallerAndVerifies() throws Exception {
    String id = pendingOf("alice");
    a.post("/v1/grants/" + id + "/approvals", null, a.token("carol", "approver"));
    TestServer.Res act = a.post("/v1/actions", "{\"grant\":\"" + id + "\",\"action\":\"db:select\","
        + "\"resource\":\"Database::orders\"}", a.tokens.as("gateway", "enforcer").es256().sign());
    assertEquals("allow", act.json().path("answer").asText(), act.body());
    List<JsonNode> records = new ArrayList<>();
    for (String line : a.get("/v1/audit?grant=" + id, a.token("ivy", "auditor")).body().split("\n")) {
      records.add(DataDocument.JSON.readTree(line));
    }
    assertEquals("requested", records.get(0).path("event").asText());
    assertEquals(caller("Employee::alice", "alice"), records.get(0).path("caller"));
    JsonNode approved = records.stream().filter(r -> r.path("event").asText().equals("approved")).findFirst()
        .orElseThrow();
    assertEquals(caller("Employee::carol", "carol"), approved.path("caller"));
    assertEquals("Employee::carol", approved.path("by").asText());
    JsonNode action = records.get(records.size() - 1);
    assertEquals("action", action.path("event").asText());
    assertEquals(caller("Employee::gateway", "gateway"), action.path("caller"), "the enforcement point");
    assertTrue(TrailVerifier.verify(a.s.trail()).ok());
  }

  @Test
  void grantIdsAreRandom() {
    String one = pendingOf("alice");
    String two = pendingOf("alice");
    assertTrue(one.matches("g-[a-z2-7]{20}"), one);
    assertFalse(one.equals(two));
  }

  private static JsonNode caller(String principal, String sub) {
    return DataDocument.JSON.createObjectNode().put("principal", principal).put("issuer", Tokens.ISSUER)
        .put("subject", sub);
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }
}

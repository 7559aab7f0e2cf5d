package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each role against each endpoint: allowed where docs/server.md's table says so, 403 (nothing
 * recorded) everywhere else. The callers are all {@code Employee::alice}, with different roles,
 * acting on grants that are not hers.
 */
class RolesTest {
  @TempDir
  Path dir;
  SecureTestServer a;
  String admin;

  @BeforeEach
  void start() {
    a = new SecureTestServer(dir);
    admin = a.token("root", "admin");
  }

  @AfterEach
  void stop() {
    a.close();
  }

  private static final String BOB_METRICS = TestServer.ALICE_METRICS.replace("Employee::alice", "Employee::bob");
  private static final String AUTHZEN_BOB_METRICS = "{\"subject\": {\"type\": \"Employee\", \"id\": \"bob\"}, "
      + "\"action\": {\"name\": \"db:select\"}, \"resource\": {\"type\": \"Database\", \"id\": \"metrics\"}}";
  private static final String BOB_ORDERS = TestServer.ALICE_ORDERS.replace("Employee::alice", "Employee::bob");

  /** A fresh active grant and a fresh pending request of bob's, made by an admin on his behalf. */
  private String[] bobsGrants() {
    TestServer.Res active = a.post("/v1/grants", BOB_METRICS, admin);
    TestServer.Res pending = a.post("/v1/grants", BOB_ORDERS, admin);
    assertEquals("permit", active.json().path("decision").path("decision").asText(), active.body());
    assertEquals("pending", pending.json().path("decision").path("decision").asText(), pending.body());
    return new String[] {active.json().path("id").asText(), pending.json().path("id").asText()};
  }

  private record Row(String name, Set<String> allowed, Call call) {}

  @FunctionalInterface
  private interface Call {
    TestServer.Res run(String token, String active, String pending);
  }

  private static Row row(String name, Set<String> allowed, Call call) {
    return new Row(name, allowed, call);
  }

  @Test
  void eachRoleAgainstEachEndpoint() {
    Set<String> everyone = Set.of("enforcer", "requester", "approver", "auditor", "admin");
    List<Row> table = List.of(
        row("POST /v1/decisions", Set.of("enforcer", "admin"),
            (t, g, p) -> a.post("/v1/decisions", BOB_METRICS, t)),
        row("POST /v1/actions", Set.of("enforcer", "admin"), (t, g, p) -> a.post("/v1/actions",
            "{\"grant\":\"" + g + "\",\"action\":\"db:select\",\"resource\":\"Database::metrics\"}", t)),
        row("POST /v1/grants for itself", everyone, (t, g, p) -> a.post("/v1/grants", TestServer.ALICE_METRICS, t)),
        row("POST /v1/grants for another", Set.of("enforcer", "admin"), (t, g, p) -> a.post("/v1/grants", BOB_METRICS, t)),
        row("GET /v1/grants", everyone, (t, g, p) -> a.get("/v1/grants", t)),
        row("GET /v1/grants/{another's active}", Set.of("auditor", "admin"), (t, g, p) -> a.get("/v1/grants/" + g, t)),
        row("GET /v1/grants/{another's pending}", Set.of("approver", "auditor", "admin"),
            (t, g, p) -> a.get("/v1/grants/" + p, t)),
        row("POST /v1/grants/{id}/approvals", Set.of("approver", "admin"),
            (t, g, p) -> a.post("/v1/grants/" + p + "/approvals", "{}", t)),
        row("POST /v1/grants/{another's}/delegations", Set.of("enforcer", "admin"),
            (t, g, p) -> a.post("/v1/grants/" + g + "/delegations", "{\"to\":\"Assistant::triage-bot\"}", t)),
        row("DELETE /v1/grants/{another's}", Set.of("admin"), (t, g, p) -> a.call("DELETE", "/v1/grants/" + g, null, t)),
        row("POST /v1/grants/{another's}/narrowing", Set.of("admin"), (t, g, p) -> a.post("/v1/grants/" + g
            + "/narrowing", "{\"actions\":[\"db:select\"],\"reason\":\"suspicious\"}", t)),
        row("POST /v1/tasks/end", Set.of("enforcer", "admin"), (t, g, p) -> a.post("/v1/tasks/end",
            "{\"intent\":\"investigate_incident\",\"params\":{\"ticket\":\"INC-4711\"},\"reason\":\"closed\"}", t)),
        row("POST /v1/principals/{uid}/offboard", Set.of("admin"),
            (t, g, p) -> a.post("/v1/principals/Employee::bob/offboard", null, t)),
        row("GET /v1/audit", Set.of("auditor", "admin"), (t, g, p) -> a.get("/v1/audit", t)),
        row("GET /metrics", Set.of("auditor", "admin"), (t, g, p) -> a.get("/metrics", t)),
        row("POST /access/v1/evaluation", Set.of("enforcer", "admin"), (t, g, p) -> a.post("/access/v1/evaluation",
            AUTHZEN_BOB_METRICS, t)),
        row("POST /access/v1/evaluations", Set.of("enforcer", "admin"), (t, g, p) -> a.post("/access/v1/evaluations",
            "{\"evaluations\": [" + AUTHZEN_BOB_METRICS + "]}", t)),
        row("GET /.well-known/authzen-configuration", Set.of("enforcer", "admin"),
            (t, g, p) -> a.get("/.well-known/authzen-configuration", t)),
        row("GET /openapi.json", everyone, (t, g, p) -> a.get("/openapi.json", t)),
        row("GET /health", everyone, (t, g, p) -> a.get("/health", t)));
    Map<String, String> failures = new LinkedHashMap<>();
    int checked = 0;
    for (Row row : table) {
      for (String role : everyone) {
        String[] ids = bobsGrants();
        String token = a.token("alice", role);
        String before = a.trail();
        TestServer.Res r = row.call.run(token, ids[0], ids[1]);
        boolean allowed = r.status() != 401 && r.status() != 403;
        checked++;
        if (allowed != row.allowed.contains(role)) {
          failures.put(row.name + " as " + role, r.status() + " " + r.body());
        } else if (!allowed) {
          if (r.status() != 403) {
            failures.put(row.name + " as " + role, "expected 403, got " + r.status());
          } else if (!before.equals(a.trail())) {
            failures.put(row.name + " as " + role, "refused, but the trail changed");
          }
        } else if (r.status() >= 400) {
          failures.put(row.name + " as " + role, "allowed, but failed: " + r.status() + " " + r.body());
        }
      }
    }
    assertEquals(20 * 5, checked);
    assertTrue(failures.isEmpty(), "role table mismatches: " + failures);
    assertTrue(a.authFailures("role") > 0 && a.authFailures("not_own") > 0);
  }

  @Test
  void requestersSeeAndRevokeTheirOwnAndWhatTheyDelegated() {
    String alice = a.token("alice");
    String[] bobs = bobsGrants();
    TestServer.Res mine = a.post("/v1/grants", TestServer.ALICE_METRICS, alice);
    String g = mine.json().path("id").asText();
    // alice delegates to the triage bot; the bot's grant is hers to see and revoke (she is in its chain)
    TestServer.Res child = a.post("/v1/grants/" + g + "/delegations", "{\"to\":\"Assistant::triage-bot\"}", alice);
    assertEquals("permit", child.json().path("decision").path("decision").asText(), child.body());
    String c = child.json().path("id").asText();
    List<String> listed = new ArrayList<>();
    a.get("/v1/grants", alice).json().path("grants").forEach(x -> listed.add(x.path("id").asText()));
    assertEquals(List.of(g, c), listed, "her grant and the one she delegated, not bob's " + List.of(bobs));
    assertEquals(0, a.get("/v1/grants?principal=Employee::bob", alice).json().path("grants").size());
    assertEquals(403, a.get("/v1/grants/" + bobs[0], alice).status());
    assertEquals(403, a.call("DELETE", "/v1/grants/" + bobs[0], null, alice).status());
    TestServer.Res revoked = a.call("DELETE", "/v1/grants/" + c, null, alice);
    assertEquals(200, revoked.status(), revoked.body());
    // bob, a requester too, cannot pass alice's grant on
    TestServer.Res stolen = a.post("/v1/grants/" + g + "/delegations", "{\"to\":\"Assistant::helper\"}",
        a.token("bob"));
    assertEquals(403, stolen.status(), stolen.body());
    assertEquals("id", stolen.at());
  }
}

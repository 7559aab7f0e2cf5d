package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/grants/{id}/narrowing and POST /v1/tasks/end over HTTP, with tokens and roles. */
class TaskLifecycleEndpointsTest {
  @TempDir
  Path dir;
  SecureTestServer a;
  String alice;
  String enforcer;

  private static final String ALICE_READ = TestServer.ALICE_METRICS.replace("[\"db:select\"]",
      "[\"db:select\",\"db:describe\"]");

  @BeforeEach
  void start() {
    a = new SecureTestServer(dir);
    alice = a.token("alice");
    enforcer = a.token("gateway", "enforcer");
  }

  @AfterEach
  void stop() {
    a.close();
  }

  /** alice's grant on metrics (select and describe) and the one she delegated to the triage bot. */
  private String[] aliceAndHerBot() {
    TestServer.Res mine = a.post("/v1/grants", ALICE_READ, alice);
    assertEquals("permit", mine.json().path("decision").path("decision").asText(), mine.body());
    String g = mine.json().path("id").asText();
    TestServer.Res child = a.post("/v1/grants/" + g + "/delegations", "{\"to\":\"Assistant::triage-bot\"}", alice);
    assertEquals("permit", child.json().path("decision").path("decision").asText(), child.body());
    return new String[] {g, child.json().path("id").asText()};
  }

  private String act(String grant, String action) {
    TestServer.Res r = a.post("/v1/actions", "{\"grant\":\"" + grant + "\",\"action\":\"" + action
        + "\",\"resource\":\"Database::metrics\"}", enforcer);
    assertEquals(200, r.status(), r.body());
    return r.json().path("answer").asText();
  }

  @Test
  void theHolderNarrowsAndTheDelegateIsNarrowedWithIt() {
    String[] g = aliceAndHerBot();
    assertEquals("allow", act(g[1], "db:describe"));
    TestServer.Res r = a.post("/v1/grants/" + g[0] + "/narrowing",
        "{\"actions\":[\"db:select\"],\"duration\":\"30m\",\"reason\":\"suspicious call\"}", alice);
    assertEquals(200, r.status(), r.body());
    assertEquals("[\"db:select\"]", r.json().path("grant").path("actions").toString());
    assertEquals(List.of(g[1]), ids(r.json().path("narrowed")));
    assertEquals(0, r.json().path("revoked").size());
    JsonNode child = a.get("/v1/grants/" + g[1], alice).json();
    assertEquals("[\"db:select\"]", child.path("actions").toString());
    assertEquals(r.json().path("grant").path("expires_at"), child.path("expires_at"));
    assertEquals("deny", act(g[1], "db:describe"), "the next action check sees the narrowed grant");
    assertEquals("allow", act(g[1], "db:select"));
    String trail = a.trail();
    assertTrue(trail.contains("\"event\":\"narrowed\"") && trail.contains("\"reason\":\"cascade\""), trail);
  }

  @Test
  void wideningIsRefusedAtTheFieldAndChangesNothing() {
    String[] g = aliceAndHerBot();
    String before = a.trail();
    TestServer.Res more = a.post("/v1/grants/" + g[0] + "/narrowing",
        "{\"actions\":[\"db:select\",\"db:update\"],\"reason\":\"x\"}", alice);
    assertEquals(400, more.status(), more.body());
    assertEquals("actions[1]", more.at());
    assertTrue(more.error().contains("db:update"), more.body());
    TestServer.Res later = a.post("/v1/grants/" + g[0] + "/narrowing", "{\"duration\":\"3h\",\"reason\":\"x\"}", alice);
    assertEquals(400, later.status(), later.body());
    assertEquals("duration", later.at());
    TestServer.Res empty = a.post("/v1/grants/" + g[0] + "/narrowing", "{\"reason\":\"x\"}", alice);
    assertEquals(400, empty.status(), empty.body());
    assertEquals("body", empty.at());
    TestServer.Res noReason = a.post("/v1/grants/" + g[0] + "/narrowing", "{\"actions\":\"db:select\"}", alice);
    assertEquals(400, noReason.status(), noReason.body());
    assertEquals("reason", noReason.at());
    TestServer.Res typo = a.post("/v1/grants/" + g[0] + "/narrowing", "{\"action\":\"db:select\",\"reason\":\"x\"}",
        alice);
    assertEquals(400, typo.status(), typo.body());
    assertEquals("action", typo.at());
    assertEquals(before, a.trail(), "a refused narrowing records nothing");
  }

  @Test
  void othersGet403ThatLeaksNothingAndEndedGrants409() {
    String[] g = aliceAndHerBot();
    String before = a.trail();
    TestServer.Res bob = a.post("/v1/grants/" + g[0] + "/narrowing", "{\"actions\":[\"db:nothing\"],\"reason\":\"x\"}",
        a.token("bob"));
    assertEquals(403, bob.status(), bob.body());
    assertEquals("id", bob.at());
    assertFalse(bob.body().contains("db:") || bob.body().contains("active"), bob.body());
    assertEquals(before, a.trail());
    // the bot holds the child, not the parent; an admin may narrow anything
    TestServer.Res admin = a.post("/v1/grants/" + g[1] + "/narrowing", "{\"duration\":\"5m\",\"reason\":\"x\"}",
        a.token("root", "admin"));
    assertEquals(200, admin.status(), admin.body());
    assertEquals(200, a.call("DELETE", "/v1/grants/" + g[0], null, alice).status());
    TestServer.Res dead = a.post("/v1/grants/" + g[0] + "/narrowing", "{\"duration\":\"5m\",\"reason\":\"x\"}", alice);
    assertEquals(409, dead.status(), dead.body());
    assertEquals("id", dead.at());
    assertEquals(404, a.post("/v1/grants/g-nope/narrowing", "{\"duration\":\"5m\",\"reason\":\"x\"}", alice).status());
  }

  @Test
  void endingATaskRevokesItsGrantsOnceAndOnlyThem() {
    String[] g = aliceAndHerBot();
    TestServer.Res other = a.post("/v1/grants", TestServer.ALICE_METRICS.replace("INC-4711", "INC-9"), alice);
    String end = "{\"intent\":\"investigate_incident\",\"params\":{\"ticket\":\"INC-4711\"},\"reason\":\"ticket closed\"}";
    TestServer.Res requester = a.post("/v1/tasks/end", end, alice);
    assertEquals(403, requester.status(), requester.body());
    TestServer.Res r = a.post("/v1/tasks/end", end, enforcer);
    assertEquals(200, r.status(), r.body());
    assertEquals(List.of(g[0], g[1]), ids(r.json().path("revoked")));
    assertEquals("task-ended", a.get("/v1/grants/" + g[0], alice).json().path("reason").asText());
    assertEquals("cascade", a.get("/v1/grants/" + g[1], alice).json().path("reason").asText());
    assertEquals("active", a.get("/v1/grants/" + other.json().path("id").asText(), alice).json().path("state").asText());
    assertEquals("deny", act(g[1], "db:select"));
    String trail = a.trail();
    assertTrue(trail.contains("\"detail\":\"ticket closed\""), trail);
    TestServer.Res again = a.post("/v1/tasks/end", end, enforcer);
    assertEquals(200, again.status(), again.body());
    assertEquals(0, again.json().path("revoked").size());
    assertEquals(trail, a.trail(), "ending an ended task changes nothing");
    assertTrue(a.s.server.service().metrics().scrape().contains("reason=\"task-ended\""));
  }

  @Test
  void aTaskEndNamesItsTask() {
    String before = a.trail();
    TestServer.Res noParams = a.post("/v1/tasks/end",
        "{\"intent\":\"investigate_incident\",\"params\":{},\"reason\":\"x\"}", enforcer);
    assertEquals(400, noParams.status(), noParams.body());
    assertEquals("params", noParams.at());
    TestServer.Res noIntent = a.post("/v1/tasks/end", "{\"params\":{\"ticket\":\"INC-1\"},\"reason\":\"x\"}", enforcer);
    assertEquals("intent", noIntent.at());
    TestServer.Res noReason = a.post("/v1/tasks/end",
        "{\"intent\":\"investigate_incident\",\"params\":{\"ticket\":\"INC-1\"}}", enforcer);
    assertEquals("reason", noReason.at());
    assertEquals(before, a.trail());
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }
}

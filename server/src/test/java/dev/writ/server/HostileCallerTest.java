package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of the "hostile callers" probe, each played against a real server with real
 * tokens: the caller asserts a fact (an approval, an entity overlay, its own MFA, a time, a
 * browser's form post, a huge context) and the service refuses to take it as truth.
 */
class HostileCallerTest {
  @TempDir
  Path dir;
  SecureTestServer a;

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
  }

  private SecureTestServer secure() {
    a = new SecureTestServer(dir);
    return a;
  }

  private static String with(String request, String field, String json) {
    return request.substring(0, request.lastIndexOf('}')) + ",\"" + field + "\":" + json + "}";
  }

  private void refused(TestServer.Res r, int status, String at) {
    assertEquals(status, r.status(), r.body());
    assertEquals(at, r.at(), r.body());
  }

  @Test
  void inlineApprovalsDoNotIssueGrants() {
    secure();
    String before = a.trail();
    // alice names carol as approver of her own restricted request: would be an immediate permit
    String forged = with(TestServer.ALICE_ORDERS, "approvals", "[{\"by\":\"Employee::carol\"}]");
    refused(a.post("/v1/grants", forged, a.token("alice")), 400, "approvals");
    assertEquals(before, a.trail());
    // a stateless what-if keeps them (nothing is recorded or issued)
    TestServer.Res whatIf = a.post("/v1/decisions", forged, a.token("gw", "enforcer"));
    assertEquals("permit", whatIf.json().path("decision").asText(), whatIf.body());
    assertEquals(before, a.trail());
  }

  @Test
  void entityOverlaysAreForStatelessDecisionsByEnforcersOnly() {
    secure();
    String before = a.trail();
    // dave (in no team) puts himself in Team::sre for the call
    String overlay = with(TestServer.DAVE_METRICS, "entities",
        "[{\"uid\":\"Employee::dave\",\"attrs\":{\"department\":\"sre\",\"mfa_enrolled\":true},\"parents\":[\"Team::sre\"]}]");
    refused(a.post("/v1/grants", overlay, a.token("dave")), 400, "entities");
    refused(a.post("/v1/decisions", overlay, a.token("dave")), 403, "role");
    assertEquals(before, a.trail());
    TestServer.Res enforcer = a.post("/v1/decisions", overlay, a.token("gw", "enforcer"));
    assertEquals("permit", enforcer.json().path("decision").asText(), enforcer.body());
  }

  @Test
  void mfaComesFromTheTokenNotTheBody() {
    secure();
    a.editPolicies("when context.mfa == true", "when context.caller.mfa == true");
    String before = a.trail();
    // the body's own `context.caller` is refused, on grants and in decision batches alike
    String claimed = TestServer.ALICE_METRICS.replace("{\"mfa\":true}", "{\"caller\":{\"mfa\":true}}");
    refused(a.post("/v1/grants", claimed, a.token("alice")), 400, "context.caller");
    refused(a.post("/v1/decisions", "{\"requests\":[" + TestServer.DAVE_METRICS + "," + claimed + "]}",
        a.token("gw", "enforcer")), 400, "requests[1].context.caller");
    assertEquals(before, a.trail());
    // a top-level `mfa: true` (as the body still says) proves nothing now
    TestServer.Res noMfa = a.post("/v1/grants", TestServer.ALICE_METRICS, a.token("alice"));
    assertEquals("deny", noMfa.json().path("decision").path("decision").asText(), noMfa.body());
    // a token whose amr shows a second factor does
    TestServer.Res mfa = a.post("/v1/grants", TestServer.ALICE_METRICS, a.tokens.as("alice").mfa().sign());
    assertEquals("permit", mfa.json().path("decision").path("decision").asText(), mfa.body());
    JsonNode caller = mfa.json().path("grant").path("context").path("caller");
    assertEquals("Employee::alice", caller.path("principal").path("entity").asText(), caller.toString());
    assertTrue(caller.path("mfa").asBoolean());
    assertEquals("127.0.0.1", caller.path("ip").asText());
    assertEquals(List.of("requester"), List.of(caller.path("roles").get(0).asText()));
    assertFalse(caller.has("certificate"));
  }

  @Test
  void clientTimeIsRefusedOnEveryStateChange() {
    secure();
    String alice = a.token("alice");
    String g = a.post("/v1/grants", TestServer.ALICE_METRICS, alice).json().path("id").asText();
    String p = a.post("/v1/grants", TestServer.ALICE_ORDERS, alice).json().path("id").asText();
    String before = a.trail();
    String past = "\"2026-06-15T08:00:00Z\"";
    refused(a.post("/v1/grants", with(TestServer.ALICE_METRICS, "time", past), alice), 400, "time");
    refused(a.post("/v1/grants/" + p + "/approvals", "{\"at\":" + past + "}", a.token("carol", "approver")), 400,
        "at");
    refused(a.post("/v1/grants/" + g + "/delegations", "{\"to\":\"Assistant::triage-bot\",\"time\":" + past + "}",
        alice), 400, "time");
    refused(a.post("/v1/actions", "{\"grant\":\"" + g + "\",\"action\":\"db:select\",\"resource\":"
        + "\"Database::metrics\",\"time\":" + past + "}", a.token("gw", "enforcer")), 400, "time");
    assertEquals(before, a.trail());
  }

  @Test
  void clientTimeIsHonouredWhenAllowed() {
    a = new SecureTestServer(dir, c -> c.withAllowClientTime(true));
    // SecureTestServer turns client time off; a tweak applied after it turns it back on
    TestServer.Res r = a.post("/v1/grants", with(TestServer.ALICE_METRICS, "time", "\"2026-06-15T09:00:00Z\""),
        a.token("alice"));
    assertEquals(200, r.status(), r.body());
    assertEquals("2026-06-15T09:00:00Z", r.json().path("grant").path("issued_at").asText());
  }

  @Test
  void aCrossSiteFormPostIsRefused() {
    secure();
    String before = a.trail();
    String alice = a.token("alice");
    // what a web page can send without a preflight: text/plain
    TestServer.Res plain = a.s.send(HttpRequest.newBuilder(a.s.uri("/v1/grants")).header("Content-Type", "text/plain")
        .header("Authorization", "Bearer " + alice).POST(HttpRequest.BodyPublishers.ofString(TestServer.ALICE_METRICS))
        .build());
    refused(plain, 415, "content-type");
    TestServer.Res none = a.s.send(HttpRequest.newBuilder(a.s.uri("/v1/grants"))
        .header("Authorization", "Bearer " + alice).POST(HttpRequest.BodyPublishers.ofString(TestServer.ALICE_METRICS))
        .build());
    refused(none, 415, "content-type");
    // a body-less offboard from a page carries the page's Origin
    TestServer.Res offboard = a.s.send(HttpRequest.newBuilder(a.s.uri("/v1/principals/Employee::alice/offboard"))
        .header("Origin", "https://evil.example").header("Authorization", "Bearer " + a.token("root", "admin"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    refused(offboard, 403, "origin");
    assertEquals(before, a.trail());
    assertEquals(1, a.authFailures("origin"));
    // JSON with its charset is fine
    TestServer.Res ok = a.s.send(HttpRequest.newBuilder(a.s.uri("/v1/grants"))
        .header("Content-Type", "application/json; charset=UTF-8").header("Authorization", "Bearer " + alice)
        .POST(HttpRequest.BodyPublishers.ofString(TestServer.ALICE_METRICS)).build());
    assertEquals(200, ok.status(), ok.body());
  }

  @Test
  void anAllowedOriginIsServedWithItsCorsHeader() {
    a = new SecureTestServer(dir, c -> c.withAllowedOrigins(List.of("https://console.acme.example")));
    TestServer.Res r = a.s.send(HttpRequest.newBuilder(a.s.uri("/v1/grants")).header("Content-Type", "application/json")
        .header("Origin", "https://console.acme.example").header("Authorization", "Bearer " + a.token("alice"))
        .POST(HttpRequest.BodyPublishers.ofString(TestServer.ALICE_METRICS)).build());
    assertEquals(200, r.status(), r.body());
    assertEquals("https://console.acme.example",
        r.raw().headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    // the browser's preflight for a JSON POST with a bearer token
    TestServer.Res pre = a.s.send(HttpRequest.newBuilder(a.s.uri("/v1/grants"))
        .header("Origin", "https://console.acme.example").header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(204, pre.status(), pre.body());
    assertEquals("POST, GET", pre.raw().headers().firstValue("Access-Control-Allow-Methods").orElse(""));
    assertEquals("Authorization, Content-Type", pre.raw().headers().firstValue("Access-Control-Allow-Headers")
        .orElse(""));
  }

  @Test
  void recordedFieldsAreBounded() {
    secure();
    String alice = a.token("alice");
    String before = a.trail();
    String pad = "x".repeat(Endpoints.MAX_RECORDED_BYTES);
    refused(a.post("/v1/grants", TestServer.ALICE_METRICS.replace("{\"mfa\":true}",
        "{\"mfa\":true,\"pad\":\"" + pad + "\"}"), alice), 413, "context");
    refused(a.post("/v1/grants", TestServer.ALICE_METRICS.replace("\"ticket\":\"INC-4711\"",
        "\"ticket\":\"INC-4711\",\"note\":\"" + pad + "\""), alice), 413, "intent");
    String g = a.post("/v1/grants", TestServer.ALICE_METRICS, alice).json().path("id").asText();
    String afterGrant = a.trail();
    refused(a.call("DELETE", "/v1/grants/" + g, "{\"reason\":\"" + "r".repeat(501) + "\"}", alice), 400, "reason");
    assertEquals(afterGrant, a.trail());
    assertFalse(before.equals(afterGrant));
  }
}

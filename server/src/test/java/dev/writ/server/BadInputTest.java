package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus: every refused call answers 400, 404, 405, 409 or 413 (never 500) with
 * {@code {error, at}} naming where the problem is, and changes nothing: the audit trail and the
 * grants are the same after it as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  static final int LIMIT = 16 * 1024;

  @TempDir
  static Path dir;
  TestServer s;
  String active;
  String pending;
  String revoked;

  @BeforeAll
  void start() {
    s = new TestServer(dir, c -> c.withMaxBodyBytes(LIMIT).withMaxBatch(5));
    active = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
    pending = s.post("/v1/grants", TestServer.ALICE_ORDERS).json().path("id").asText();
    revoked = s.post("/v1/grants", TestServer.ALICE_METRICS.replace("alice", "bob")).json().path("id").asText();
    s.delete("/v1/grants/" + revoked, null);
  }

  @AfterAll
  void stop() {
    s.close();
  }

  private static final String OK = TestServer.ALICE_METRICS;

  /** A valid request with one field replaced (or added): {@code "principal": 5}. */
  private static String with(String field, String json) {
    String base = "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::metrics\","
        + "\"intent\":{\"name\":\"investigate_incident\",\"ticket\":\"INC-1\"},\"context\":{\"mfa\":true}}";
    String key = "\"" + field + "\":";
    int i = base.indexOf(key);
    if (i < 0) {
      return base.substring(0, base.length() - 1) + "," + key + json + "}";
    }
    int start = i + key.length();
    int depth = 0;
    int end = start;
    boolean inString = false;
    for (; end < base.length(); end++) {
      char c = base.charAt(end);
      if (c == '"' && base.charAt(end - 1) != '\\') {
        inString = !inString;
      } else if (!inString && (c == '{' || c == '[')) {
        depth++;
      } else if (!inString && (c == '}' || c == ']')) {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (!inString && c == ',' && depth == 0) {
        break;
      }
    }
    return base.substring(0, start) + json + base.substring(end);
  }

  Stream<Arguments> corpus() {
    String far = "\"2030-01-01T00:00:00Z\"";
    String deep = "{\"context\":{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}}";
    return Stream.of(
        // malformed JSON
        a("POST", "/v1/decisions", "{\"principal\":", 400, "body"),
        a("POST", "/v1/decisions", "{} x", 400, "body"),
        a("POST", "/v1/decisions", OK.replace("{\"principal\"", "{\"principal\":\"Employee::bob\",\"principal\""), 400,
            "body"),
        a("POST", "/v1/grants", "[]", 400, "body"),
        a("POST", "/v1/grants", "", 400, "body"),
        a("POST", "/v1/grants", "\"a string\"", 400, "body"),
        a("POST", "/v1/grants", "null", 400, "body"),
        a("POST", "/v1/grants", "{'principal': 'Employee::alice'}", 400, "body"),
        a("POST", "/v1/grants", deep, 400, "body"),
        // wrong types and values
        a("POST", "/v1/grants", with("principal", "5"), 400, "principal"),
        a("POST", "/v1/grants", with("principal", "\"alice\""), 400, "principal"),
        a("POST", "/v1/grants", with("actions", "[1]"), 400, "actions[0]"),
        a("POST", "/v1/grants", with("actions", "[]"), 400, "actions"),
        a("POST", "/v1/grants", with("resource", "{\"x\":1}"), 400, "resource"),
        a("POST", "/v1/grants", with("intent", "{\"ticket\":\"INC-1\"}"), 400, "intent.name"),
        a("POST", "/v1/grants", with("duration", "\"forever\""), 400, "duration"),
        a("POST", "/v1/grants", with("duration", "\"0s\""), 400, "duration"),
        a("POST", "/v1/grants", with("duration", "true"), 400, "duration"),
        a("POST", "/v1/grants", with("context", "[]"), 400, "context"),
        a("POST", "/v1/grants", with("time", "\"yesterday\""), 400, "time"),
        a("POST", "/v1/grants", with("approvals", "\"Employee::carol\""), 400, "approvals"),
        a("POST", "/v1/decisions", with("approvals", "[{\"by\":\"Employee::carol\",\"when\":1}]"), 400, "approvals[0].when"),
        a("POST", "/v1/decisions", with("entities", "{}"), 400, "entities"),
        a("POST", "/v1/decisions", with("entities", "[{\"uid\":\"Employee::x\",\"attrs\":{\"department\":5}}]"), 400,
            "entities[0].attrs.department"),
        a("POST", "/v1/decisions", with("entities", "[{\"uid\":\"Employee::x\",\"parents\":[\"Employee::y\"]}]"), 400,
            "entities[0].parents[0]"),
        // unknown fields
        a("POST", "/v1/grants", with("intnet", "{}"), 400, "intnet"),
        a("POST", "/v1/decisions", with("intnet", "{}"), 400, "intnet"),
        a("POST", "/v1/decisions", "{\"requests\":[" + OK + "],\"extra\":1}", 400, "extra"),
        a("POST", "/v1/decisions", "{\"requests\":[" + with("foo", "1") + "]}", 400, "requests[0].foo"),
        a("POST", "/v1/decisions", "{\"requests\":{}}", 400, "requests"),
        a("POST", "/v1/grants/{pending}/approvals", "{\"by\":\"Employee::carol\",\"why\":\"x\"}", 400, "why"),
        a("POST", "/v1/grants/{active}/delegations", "{\"to\":\"Assistant::helper\",\"ttl\":\"1h\"}", 400, "ttl"),
        a("POST", "/v1/actions", "{\"grant\":\"{active}\",\"action\":\"db:select\",\"resource\":\"Database::metrics\","
            + "\"extra\":1}", 400, "extra"),
        a("DELETE", "/v1/grants/{active}", "{\"why\":\"x\"}", 400, "why"),
        a("DELETE", "/v1/grants/{active}", "{\"reason\":5}", 400, "reason"),
        a("DELETE", "/v1/grants/{active}", "{\"reason\":\"  \"}", 400, "reason"),
        a("POST", "/v1/principals/Employee::alice/offboard", "{\"now\":true}", 400, "now"),
        // requests the engine cannot decide
        a("POST", "/v1/grants", with("principal", "\"Employee::nobody\""), 400, "principal"),
        a("POST", "/v1/grants", with("resource", "\"Database::nothing\""), 400, "resource"),
        a("POST", "/v1/grants", with("actions", "[\"db:selcet\"]"), 400, "actions[0]"),
        a("POST", "/v1/grants", with("actions", "[\"db:read\"]"), 400, "actions[0]"),
        a("POST", "/v1/decisions", with("actions", "[\"db:*\"]"), 400, "actions[0]"),
        a("POST", "/v1/grants", with("delegation", "[\"Employee::alice\"]"), 400, "delegation"),
        a("POST", "/v1/decisions", "{\"requests\":[" + OK + "," + with("principal", "\"Employee::nobody\"") + "]}", 400,
            "requests[1].principal"),
        a("POST", "/v1/decisions", "{\"requests\":[" + (OK + ",").repeat(5) + OK + "]}", 400, "requests"),
        a("POST", "/v1/grants/{pending}/approvals", "{\"by\":\"Employee::nobody\"}", 400, "by"),
        a("POST", "/v1/grants/{pending}/approvals", "{\"by\":5}", 400, "by"),
        a("POST", "/v1/grants/{pending}/approvals", "", 400, "body"),
        a("POST", "/v1/grants/{active}/delegations", "{\"to\":\"Assistant::nobody\"}", 400, "to"),
        a("POST", "/v1/grants/{active}/delegations", "{}", 400, "to"),
        a("POST", "/v1/grants/{active}/delegations", "{\"to\":\"Assistant::helper\",\"actions\":[]}", 400, "actions"),
        a("POST", "/v1/grants/{active}/delegations", "{\"to\":\"Assistant::helper\",\"duration\":\"soon\"}", 400,
            "duration"),
        a("POST", "/v1/actions", "{\"action\":\"db:select\",\"resource\":\"Database::metrics\"}", 400, "grant"),
        a("POST", "/v1/actions", "{\"grant\":\"{active}\",\"action\":[],\"resource\":\"Database::metrics\"}", 400,
            "action"),
        // times in the future of the service clock, on calls that change state
        a("POST", "/v1/grants", with("time", far), 400, "time"),
        a("POST", "/v1/actions", "{\"grant\":\"{active}\",\"action\":\"db:select\",\"resource\":\"Database::metrics\","
            + "\"time\":" + far + "}", 400, "time"),
        a("POST", "/v1/grants/{pending}/approvals", "{\"by\":\"Employee::carol\",\"at\":" + far + "}", 400, "at"),
        a("POST", "/v1/grants/{active}/delegations", "{\"to\":\"Assistant::helper\",\"time\":" + far + "}", 400, "time"),
        // unknown ids and wrong states
        a("POST", "/v1/grants/g-404/approvals", "{\"by\":\"Employee::carol\"}", 404, "id"),
        a("POST", "/v1/grants/g-404/approvals", "{\"by\":\"Employee::nobody\"}", 404, "id"),
        a("POST", "/v1/grants/g-404/delegations", "{\"to\":\"Assistant::helper\"}", 404, "id"),
        a("DELETE", "/v1/grants/g-404", null, 404, "id"),
        a("GET", "/v1/grants/g-404", null, 404, "id"),
        a("POST", "/v1/principals/Employee::nobody/offboard", null, 404, "uid"),
        a("POST", "/v1/principals/nobody/offboard", null, 400, "uid"),
        a("POST", "/v1/principals/Workload::%22prod%2Fapi%22/offboard", null, 404, "uid"),
        a("POST", "/v1/grants/{active}/approvals", "{\"by\":\"Employee::carol\"}", 409, "id"),
        a("POST", "/v1/grants/{revoked}/approvals", "{\"by\":\"Employee::carol\"}", 409, "id"),
        // query parameters
        a("GET", "/v1/grants?active=maybe", null, 400, "active"),
        a("GET", "/v1/grants?principal=alice", null, 400, "principal"),
        a("GET", "/v1/grants?color=red", null, 400, "color"),
        a("GET", "/v1/audit?since=yesterday", null, 400, "since"),
        a("GET", "/v1/audit?event=nope", null, 400, "event"),
        a("GET", "/v1/audit?grant=a&grant=b", null, 400, "grant"),
        a("POST", "/v1/decisions?explain=perhaps", OK, 400, "explain"),
        a("GET", "/health?verbose=1", null, 400, "verbose"),
        // methods and paths
        a("PUT", "/v1/grants", OK, 405, "method"),
        a("GET", "/v1/decisions", null, 405, "method"),
        a("DELETE", "/v1/actions", null, 405, "method"),
        a("PATCH", "/v1/grants/{active}", "{}", 405, "method"),
        a("POST", "/health", "{}", 405, "method"),
        a("GET", "/v2/decisions", null, 404, "path"),
        a("GET", "/", null, 404, "path"),
        a("GET", "/v1/grants/", null, 404, "path"),
        a("GET", "/v1/grants/{active}/approvals", null, 405, "method"),
        // oversize
        a("POST", "/v1/grants", with("context", "{\"pad\":\"" + "x".repeat(LIMIT) + "\"}"), 413, "body"),
        a("POST", "/v1/decisions", "{\"requests\":[" + (OK + ",").repeat(200) + OK + "]}", 413, "body"));
  }

  private static Arguments a(String method, String path, String body, int status, String at) {
    return Arguments.of(method, path, body, status, at);
  }

  @ParameterizedTest(name = "{0} {1} -> {3} at {4}")
  @MethodSource("corpus")
  void refusedWithoutChange(String method, String path, String body, int status, String at) {
    String p = path.replace("{active}", active).replace("{pending}", pending).replace("{revoked}", revoked);
    String b = body == null ? null : body.replace("{active}", active);
    State before = state();
    TestServer.Res r = s.method(method, p, b);
    assertEquals(status, r.status(), () -> method + " " + p + ": " + r.body());
    assertErrorShape(r, at);
    assertEquals(before, state(), "nothing changed");
  }

  @Test
  void methodNotAllowedSaysWhatIs() {
    TestServer.Res r = s.method("PUT", "/v1/grants", "{}");
    assertEquals(405, r.status());
    assertEquals("POST, GET", r.raw().headers().firstValue("Allow").orElse(""));
  }

  @Test
  void bodyThatIsNotUtf8() {
    State before = state();
    TestServer.Res r = s.postBytes("/v1/grants", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
    assertEquals(400, r.status());
    assertErrorShape(r, "body");
    assertEquals(before, state());
  }

  @Test
  void oversizeBodyWithoutLength() {
    State before = state();
    byte[] big = with("context", "{\"pad\":\"" + "x".repeat(4 * LIMIT) + "\"}").getBytes();
    TestServer.Res r = s.send(HttpRequest.newBuilder(s.uri("/v1/grants")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());
    assertEquals(413, r.status());
    assertErrorShape(r, "body");
    assertEquals(before, state());
    // The service is fine afterwards.
    assertEquals(200, s.post("/v1/decisions", OK).status());
  }

  @Test
  void malformedPathEncodingAndRequestLine() throws Exception {
    // The JDK client refuses to send these, so they go over a plain socket.
    State before = state();
    for (String line : List.of("GET /v1/grants/%zz HTTP/1.1", "GET /v1/grants/%e2%82 HTTP/1.1", "BREW /health HTTP/1.1",
        "GET /health HTTP/9.9", "GET health")) {
      String answer = raw(line + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      String status = answer.lines().findFirst().orElse("");
      assertTrue(status.matches("HTTP/1\\.1 (400|404|405|505) .*"), line + " -> " + answer);
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      if (!body.isEmpty()) {
        JsonNode j = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(body);
        assertTrue(j.path("error").isTextual() && j.path("at").isTextual(), line + " -> " + answer);
      }
    }
    assertEquals(before, state());
  }

  private String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void theLimitAdmitsABodyJustUnderIt() {
    String body = with("context", "{\"mfa\":true,\"pad\":\"\"}");
    int pad = LIMIT - body.length();
    TestServer.Res r = s.post("/v1/decisions", with("context", "{\"mfa\":true,\"pad\":\"" + "x".repeat(pad) + "\"}"));
    assertEquals(200, r.status(), r.body());
  }

  private static void assertErrorShape(TestServer.Res r, String at) {
    assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElse(""), r.body());
    JsonNode j = r.json();
    List<String> fields = new ArrayList<>();
    Iterator<String> names = j.fieldNames();
    names.forEachRemaining(fields::add);
    assertEquals(List.of("error", "at"), fields, r.body());
    assertFalse(j.path("error").asText().isBlank());
    assertEquals(at, j.path("at").asText(), r.body());
  }

  /** What must not change: the trail (as served) and the grants. */
  record State(String audit, String grants) {}

  private State state() {
    return new State(s.get("/v1/audit").body(), s.get("/v1/grants").body());
  }
}

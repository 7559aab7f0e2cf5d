package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.json.DataDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * Strings that are not valid Unicode: a JSON escape of a lone surrogate ({@code "\\ud800"}) is
 * valid JSON, but no character; stored, it would replay from the trail as {@code ?}. Every such
 * string, in a value or a field name, anywhere in a body, is refused with 400 at its field, and
 * nothing is recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnicodeInputTest {
  /** A lone high and a lone low surrogate, as JSON escapes (the Java text holds the backslash). */
  static final String HIGH = "\\ud800";
  static final String LOW = "\\udc00";

  @TempDir
  static Path dir;
  TestServer s;
  String active;
  String pending;

  @BeforeAll
  void start() {
    s = new TestServer(dir);
    active = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("id").asText();
    pending = s.post("/v1/grants", TestServer.ALICE_ORDERS).json().path("id").asText();
  }

  @AfterAll
  void stop() {
    s.close();
  }

  /** Alice's request for prod metrics with this context and ticket. */
  private static String request(String context, String ticket) {
    return "{\"principal\":\"Employee::alice\",\"actions\":[\"db:select\"],\"resource\":\"Database::metrics\","
        + "\"intent\":{\"name\":\"investigate_incident\",\"ticket\":\"" + ticket + "\"},\"context\":" + context + "}";
  }

  private static String context(String note) {
    return request("{\"mfa\":true,\"note\":\"" + note + "\"}", "INC-4711");
  }

  Stream<Arguments> refused() {
    String ok = TestServer.ALICE_METRICS;
    return Stream.of(
        // values
        a("POST", "/v1/grants", context("looks " + HIGH + " fine"), "context.note"),
        a("POST", "/v1/grants", context(LOW), "context.note"),
        a("POST", "/v1/grants", context(LOW + HIGH), "context.note"), // the wrong order is no pair
        a("POST", "/v1/grants", context("\\ud83d\\ude00" + HIGH), "context.note"), // a pair, then a lone one
        a("POST", "/v1/grants", request("{\"mfa\":true,\"tags\":[\"a\",\"" + HIGH + "\"]}", "INC-4711"),
            "context.tags[1]"),
        a("POST", "/v1/grants", request("{\"mfa\":true,\"deep\":{\"er\":\"" + HIGH + "\"}}", "INC-4711"),
            "context.deep.er"),
        a("POST", "/v1/grants", request("{\"mfa\":true}", "INC-47" + HIGH), "intent.ticket"),
        a("POST", "/v1/decisions", context(HIGH), "context.note"),
        a("POST", "/v1/decisions", "{\"requests\":[" + ok + "," + context(HIGH) + "]}", "requests[1].context.note"),
        a("POST", "/v1/decisions", ok.substring(0, ok.length() - 1)
            + ",\"entities\":[{\"uid\":\"Employee::x\",\"attrs\":{\"department\":\"" + LOW + "\"}}]}",
            "entities[0].attrs.department"),
        a("DELETE", "/v1/grants/{active}", "{\"reason\":\"leaked " + HIGH + "\"}", "reason"),
        a("POST", "/v1/grants/{pending}/approvals", "{\"by\":\"Employee::carol" + HIGH + "\"}", "by"),
        a("POST", "/v1/grants/{active}/delegations", "{\"to\":\"Assistant::helper" + LOW + "\"}", "to"),
        a("POST", "/v1/actions", "{\"grant\":\"{active}\",\"action\":\"db:select\",\"resource\":\"Database::metrics"
            + HIGH + "\"}", "resource"),
        // field names: at the object that holds them
        a("POST", "/v1/grants", request("{\"mfa\":true,\"no" + HIGH + "te\":\"x\"}", "INC-4711"), "context"),
        a("POST", "/v1/grants", request("{\"" + LOW + "\":\"x\"}", "INC-4711"), "context"),
        a("POST", "/v1/grants", "{\"" + HIGH + "\":1," + ok.substring(1), "body"),
        a("POST", "/v1/decisions", "{\"requests\":[" + ok + "," + request("{\"" + HIGH + "\":1}", "INC-1") + "]}",
            "requests[1].context"),
        a("DELETE", "/v1/grants/{active}", "{\"re" + LOW + "ason\":\"x\"}", "body"));
  }

  private static Arguments a(String method, String path, String body, String at) {
    return Arguments.of(method, path, body, at);
  }

  @ParameterizedTest(name = "{0} {1} -> 400 at {3}")
  @MethodSource("refused")
  void refusedAtTheFieldAndNothingRecorded(String method, String path, String body, String at) {
    String p = path.replace("{active}", active).replace("{pending}", pending);
    String b = body.replace("{active}", active);
    State before = state();
    TestServer.Res r = s.method(method, p, b);
    assertEquals(400, r.status(), () -> method + " " + p + ": " + r.body());
    assertEquals(List.of("error", "at"), fieldNames(r.json()), r.body());
    assertEquals(at, r.at(), r.body());
    assertTrue(r.error().contains("not valid Unicode") && r.error().contains("lone surrogate"), r.body());
    assertEquals(r.body(), new String(r.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
        "the answer itself is valid text");
    assertEquals(before, state(), "nothing recorded");
  }

  @Test
  void theMessageNamesTheFieldAndWhere() {
    TestServer.Res r = s.post("/v1/grants", context("ab" + HIGH));
    assertEquals("context.note: is not valid Unicode: it holds a lone surrogate (\\ud800) at character 3; a character"
        + " beyond U+FFFF is written as a pair of escapes, such as \\ud83d\\ude00", r.error());
  }

  /** Surrogate pairs are characters like any other: accepted, stored, and replayed as they were sent. */
  @Test
  void charactersBeyondTheBasicPlaneAreKeptIntact() {
    String note = "on fire \uD83D\uDD25 see \uD834\uDD1E";
    TestServer.Res r = s.post("/v1/grants", context("on fire \\ud83d\\udd25 see \\uD834\\uDD1E"));
    assertEquals(200, r.status(), r.body());
    String id = r.json().path("id").asText();
    assertEquals(note, s.get("/v1/grants/" + id).json().path("context").path("note").asText());
    assertEquals(200, s.delete("/v1/grants/" + id, "{\"reason\":\"done \\ud83d\\ude00\"}").status());
    List<JsonNode> trail = s.get("/v1/audit?grant=" + id).body().lines().map(UnicodeInputTest::json).toList();
    assertEquals(4, trail.size(), trail.toString()); // requested, decided, granted, revoked
    assertTrue(trail.stream().anyMatch(e -> e.toString().contains(note)), trail.toString());
    assertTrue(trail.stream().anyMatch(e -> e.toString().contains("done \uD83D\uDE00")), trail.toString());
    // and as the service replays them from the trail on disk
    s.restart();
    JsonNode replayed = s.get("/v1/grants/" + id).json();
    assertEquals(note, replayed.path("context").path("note").asText());
    assertEquals("done \uD83D\uDE00", replayed.path("reason").asText());
  }

  private static List<String> fieldNames(JsonNode j) {
    return j.properties().stream().map(java.util.Map.Entry::getKey).toList();
  }

  private static JsonNode json(String line) {
    try {
      return DataDocument.JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What must not change: the trail (as served and on disk) and the grants. */
  record State(String audit, long onDisk, String grants) {}

  private State state() {
    return new State(s.get("/v1/audit").body(), s.auditLengthFromFile(), s.get("/v1/grants").body());
  }
}

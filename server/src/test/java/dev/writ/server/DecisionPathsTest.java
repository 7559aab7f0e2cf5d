package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * A single decision request of the usual shape is read from the token stream and answered
 * through a generator; the same request inside a batch goes through the tree reader and the tree
 * writer. Both must give the same decision, byte for byte, whatever the request, with and
 * without {@code explain}.
 */
class DecisionPathsTest {
  private static final List<String> PRINCIPALS = List.of("Employee::alice", "Employee::dave", "Employee::bob",
      "Employee::nobody", "Agent::\\\"x y\\\"");
  private static final List<String> ACTIONS = List.of("db:select", "db:insert", "db:delete", "logs:read",
      "metrics:read", "db:describe");
  private static final List<String> RESOURCES = List.of("Database::metrics", "Database::orders", "Database::none");
  private static final List<String> INTENTS = List.of("", "\"intent\":{\"name\":\"investigate_incident\","
      + "\"ticket\":\"INC-1\"},", "\"intent\":{\"name\":\"no_such_intent\"},",
      "\"intent\":{\"name\":\"investigate_incident\",\"ticket\":7},");

  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Gen<String> pick(List<String> from) {
    return integers().between(0, from.size() - 1).map(from::get);
  }

  private static Gen<String> requests() {
    Gen<String> actions = integers().between(1, 3).zip(pick(ACTIONS), pick(ACTIONS), (n, a, b) ->
        n == 1 ? "\"" + a + "\"" : "[\"" + a + "\"" + (n == 3 ? ",\"" + b + "\"" : "") + "]");
    return pick(PRINCIPALS).zip(actions, pick(RESOURCES), pick(INTENTS), (p, a, r, i) ->
        "{\"principal\":\"" + p + "\",\"actions\":" + a + ",\"resource\":\"" + r + "\"," + i).zip(booleans().all(),
        integers().between(0, 2), (head, mfa, time) -> head + "\"context\":{\"mfa\":" + mfa + "}"
            + (time == 0 ? "" : ",\"time\":\"2026-06-15T1" + time + ":00:00Z\"") + "}");
  }

  @Test
  void theStreamedAnswerIsTheBatchAnswer() {
    qt().withExamples(150).forAll(requests(), booleans().all()).checkAssert((request, explain) -> {
      String query = explain ? "?explain=true" : "";
      TestServer.Res single = server.post("/v1/decisions" + query, request);
      TestServer.Res batch = server.post("/v1/decisions" + query, "{\"requests\":[" + request + "]}");
      assertEquals(batch.status(), single.status(), request);
      if (batch.status() == 200) {
        assertTrue(batch.body().startsWith("{\"decisions\":[") && batch.body().endsWith("]}"), batch.body());
        assertEquals(batch.body().substring("{\"decisions\":[".length(), batch.body().length() - 2), single.body(),
            request);
      } else {
        // the same refusal, at the same field but for the batch's prefix
        assertEquals(batch.error().replace("requests[0].", ""), single.error(), request);
      }
    });
  }
}

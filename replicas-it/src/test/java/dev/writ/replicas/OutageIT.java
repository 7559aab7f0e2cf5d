package dev.writ.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops under two running replicas and comes back. Meanwhile stateless decisions
 * answer, every change and action check answers 503 at {@code store} and nothing is recorded,
 * and {@code /health} says so; afterwards both replicas work again without a restart.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OutageIT {
  @TempDir
  Path dir;

  static final String DECISION = "{\"principal\": \"Employee::alice\", \"actions\": [\"logs:read\"], "
      + "\"resource\": \"Dashboard::grafana\"}";

  @Test
  void failsClosedDuringAnOutageAndRecoversWithoutARestart() {
    try (Database db = new Database(dir.resolve("pg"))) {
      String url = db.newDatabase("writ_outage");
      try (Replica a = Replica.start("a", url, dir); Replica b = Replica.start("b", url, dir)) {
        String id = a.issue("Employee::alice", "Database::metrics", "INC-1");
        assertEquals("allow", b.act(id, "Database::metrics"));
        String trailBefore = a.get("/v1/audit").body();

        db.stop();
        Replica.Res decision = a.post("/v1/decisions", DECISION);
        assertEquals(200, decision.status(), decision.body());
        assertEquals("permit", decision.json().path("decision").asText(), decision.body());

        Replica.Res act = b.post("/v1/actions", Replica.select(id, "Database::metrics"));
        assertUnavailable(act);
        assertUnavailable(a.post("/v1/grants", Replica.incidentRead("Employee::bob", "Database::metrics", "INC-2")));
        assertUnavailable(a.delete("/v1/grants/" + id));
        assertUnavailable(b.get("/v1/grants/" + id));
        assertUnavailable(b.get("/v1/audit"));

        JsonNode health = a.get("/health").json();
        assertEquals("degraded", health.path("status").asText(), health.toString());
        assertFalse(health.path("store").path("reachable").asBoolean(), health.toString());
        assertTrue(health.path("grants_active").isNull(), health.toString());
        String metrics = a.get("/metrics").body();
        assertTrue(metrics.contains("writ_store_up{kind=\"postgresql\"} 0.0"), metrics);
        assertFalse(metrics.contains("writ_store_errors_total{operation=\"update\"} 0.0"), metrics);

        db.start();
        // Both recover by themselves (the pool reconnects); bounded wait, polled.
        assertEquals("allow", eventually(() -> b.act(id, "Database::metrics")), "the grant is as it was");
        assertEquals("ok", eventually(() -> a.get("/health").json().path("status").asText()));
        // Nothing of the outage was recorded: the trail is what it was, plus the check just made.
        String trailAfter = a.get("/v1/audit").body();
        assertTrue(trailAfter.startsWith(trailBefore));
        assertEquals(trailBefore.lines().count() + 1, trailAfter.lines().count(), trailAfter);
        // And changes flow again: revoked through one, denied through the other.
        assertEquals(200, a.delete("/v1/grants/" + id).status());
        assertEquals("deny", b.act(id, "Database::metrics"));
      }
    }
  }

  static void assertUnavailable(Replica.Res r) {
    assertEquals(503, r.status(), r.body());
    assertEquals("store", r.json().path("at").asText(), r.body());
    assertTrue(r.json().path("error").asText().startsWith("the grant store is unavailable"), r.body());
  }

  /** Polls until {@code value} answers something other than a 503 (60 s at most); that answer. */
  static String eventually(Supplier<String> value) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = null;
    while (System.nanoTime() < deadline) {
      last = value.get();
      if (!last.startsWith("status 503") && !last.equals("degraded")) {
        return last;
      }
      Replica.pause(200);
    }
    throw new AssertionError("still unavailable after 60 s: " + last);
  }
}

package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.audit.TrailVerifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent clients: 8 threads each request grants, check actions, delegate, revoke and ask for
 * stateless decisions at once. Every call succeeds, ids are unique, the counts add up and the
 * trail is one intact hash chain.
 */
class ConcurrencyTest {
  static final int THREADS = 8;
  static final int ROUNDS = 25;

  @TempDir
  Path dir;

  @Test
  void manyClientsOneIntactTrail() throws Exception {
    TestServer s = new TestServer(dir);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      results.add(pool.submit(() -> {
        List<String> ids = new ArrayList<>();
        String principal = thread % 2 == 0 ? "alice" : "bob";
        for (int i = 0; i < ROUNDS; i++) {
          TestServer.Res d = s.post("/v1/decisions", TestServer.ALICE_METRICS);
          assertEquals(200, d.status(), d.body());
          TestServer.Res g = s.post("/v1/grants", TestServer.ALICE_METRICS.replace("alice", principal)
              .replace("INC-4711", "INC-" + thread + i));
          assertEquals(200, g.status(), g.body());
          String id = g.json().path("id").asText();
          ids.add(id);
          TestServer.Res a = s.post("/v1/actions", "{\"grant\":\"" + id
              + "\",\"action\":\"db:select\",\"resource\":\"Database::metrics\"}");
          assertEquals("allow", a.json().path("answer").asText(), a.body());
          if (i % 5 == 0) {
            TestServer.Res c = s.post("/v1/grants/" + id + "/delegations", "{\"to\":\"Assistant::triage-bot\"}");
            assertEquals("permit", c.json().path("decision").path("decision").asText(), c.body());
            ids.add(c.json().path("id").asText());
          }
          if (i % 10 == 0) {
            TestServer.Res r = s.delete("/v1/grants/" + id, null);
            assertEquals(200, r.status(), r.body());
          }
        }
        return ids;
      }));
    }
    Set<String> all = new HashSet<>();
    int issued = 0;
    for (Future<List<String>> f : results) {
      List<String> ids = f.get();
      issued += ids.size();
      all.addAll(ids);
    }
    pool.shutdown();
    int delegations = THREADS * (ROUNDS / 5);
    int revocations = THREADS * ((ROUNDS + 9) / 10);
    assertEquals(THREADS * ROUNDS + delegations, issued);
    assertEquals(issued, all.size(), "ids are unique");

    JsonNode grants = s.get("/v1/grants").json().path("grants");
    assertEquals(issued, grants.size());
    String metrics = s.get("/metrics").body();
    assertTrue(metrics.contains("writ_decisions_total{kind=\"grant\",outcome=\"permit\"} " + (THREADS * ROUNDS) + ".0"),
        metrics);
    assertTrue(metrics.contains("writ_decisions_total{kind=\"stateless\",outcome=\"permit\"} " + (THREADS * ROUNDS)
        + ".0"), metrics);
    assertTrue(metrics.contains("writ_action_checks_total{answer=\"allow\"} " + (THREADS * ROUNDS) + ".0"), metrics);
    // Each grant: requested, decided, granted; each action: 1; each delegation: 4;
    // each revocation: the grant, and its child when it has one (rounds 0 and 10 and 20 delegate too).
    long expected = 3L * THREADS * ROUNDS + THREADS * ROUNDS + 4L * delegations + 2L * revocations;
    s.close();

    TrailVerifier.Result v = TrailVerifier.verify(s.trail());
    assertTrue(v.ok(), v.problem());
    assertEquals(expected, v.records());
  }
}

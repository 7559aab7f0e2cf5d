package dev.writ.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code writ serve} processes on one PostgreSQL behave as one service: a grant issued
 * through one is usable through the others at once, a revocation acknowledged by one makes the
 * next action check on another deny, two approvals of one request at once issue it once, and the
 * trail is one chain that {@code writ audit export} writes and {@code writ audit verify} accepts.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReplicasIT {
  @TempDir
  static Path dir;

  static Database db;
  static String url;
  static Replica a;
  static Replica b;
  static Replica c;

  @BeforeAll
  static void start() throws Exception {
    db = new Database(dir.resolve("pg"));
    url = db.newDatabase("writ_replicas");
    // Three replicas starting together on an empty database: the schema is made once.
    ExecutorService starting = Executors.newFixedThreadPool(3);
    try {
      Future<Replica> fa = starting.submit(() -> Replica.start("a", url, dir));
      Future<Replica> fb = starting.submit(() -> Replica.start("b", url, dir));
      Future<Replica> fc = starting.submit(() -> Replica.start("c", url, dir));
      a = fa.get(120, TimeUnit.SECONDS);
      b = fb.get(120, TimeUnit.SECONDS);
      c = fc.get(120, TimeUnit.SECONDS);
    } finally {
      starting.shutdownNow();
    }
  }

  @AfterAll
  static void stop() {
    for (Replica r : new Replica[] {a, b, c}) {
      if (r != null) {
        r.close();
      }
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aGrantIssuedOnOneIsUsableOnTheOthersAtOnce() {
    String id = a.issue("Employee::alice", "Database::metrics", "INC-100");
    assertTrue(id.matches("g-[a-z2-7]{20}"), id);
    assertEquals("allow", b.act(id, "Database::metrics"));
    assertEquals("allow", c.act(id, "Database::metrics"));
    JsonNode onC = c.get("/v1/grants/" + id).json();
    assertEquals("active", onC.path("state").asText(), onC.toString());
  }

  @Test
  void aRevocationAcknowledgedOnOneMakesTheNextActionCheckOnAnotherDeny() {
    String id = a.issue("Employee::bob", "Database::metrics", "INC-101");
    assertEquals("allow", b.act(id, "Database::metrics"));
    Replica.Res revoked = a.delete("/v1/grants/" + id);
    assertEquals(200, revoked.status(), revoked.body());
    assertEquals(id, revoked.json().path("revoked").get(0).asText());
    // The very next check, on another process, with no wait in between.
    Replica.Res onB = b.post("/v1/actions", Replica.select(id, "Database::metrics"));
    assertEquals("deny", onB.json().path("answer").asText(), onB.body());
    assertTrue(onB.json().path("reasons").get(0).asText().contains("revoked"), onB.body());
    assertEquals("deny", c.act(id, "Database::metrics"));
    // Revoking it again through another replica revokes nothing.
    assertEquals(0, c.delete("/v1/grants/" + id).json().path("revoked").size());
  }

  @Test
  void twoApprovalsOfOneRequestOnTwoReplicasAtOnceIssueItOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        Replica.Res pending = a.post("/v1/grants", Replica.incidentRead("Employee::bob", "Database::orders",
            "INC-20" + round));
        assertEquals("pending", pending.json().path("decision").path("decision").asText(), pending.body());
        String id = pending.json().path("id").asText();
        CyclicBarrier go = new CyclicBarrier(2);
        List<Future<Replica.Res>> both = new ArrayList<>();
        for (Replica r : new Replica[] {b, c}) {
          both.add(pool.submit(() -> {
            go.await(10, TimeUnit.SECONDS);
            return r.post("/v1/grants/" + id + "/approvals", "{\"by\": \"Employee::carol\"}");
          }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Replica.Res> f : both) {
          statuses.add(f.get(30, TimeUnit.SECONDS).status());
        }
        statuses.sort(null);
        assertEquals(List.of(200, 409), statuses, "round " + round + ": one approval issued it, the other found "
            + "it issued");
        assertEquals("allow", a.act(id, "Database::orders"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void idsFromConcurrentIssuesOnThreeReplicasNeverCollide() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<List<String>>> issued = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        Replica r = new Replica[] {a, b, c}[t % 3];
        int thread = t;
        issued.add(pool.submit(() -> {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            ids.add(r.issue("Employee::alice", "Database::metrics", "INC-3" + thread + i));
          }
          return ids;
        }));
      }
      Set<String> all = new HashSet<>();
      for (Future<List<String>> f : issued) {
        for (String id : f.get(60, TimeUnit.SECONDS)) {
          assertTrue(all.add(id), "id given twice: " + id);
        }
      }
      assertEquals(60, all.size());
      for (String id : all) {
        assertEquals("active", b.get("/v1/grants/" + id).json().path("state").asText());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theTrailIsOneChainThatExportsAndVerifies() throws Exception {
    String id = b.issue("Employee::alice", "Database::metrics", "INC-400");
    c.act(id, "Database::metrics");
    a.delete("/v1/grants/" + id);
    Path file = dir.resolve("exported.jsonl");
    Replica export = Replica.launch("export", dir, List.of("audit", "export", "--store", url, "-o", file.toString()));
    assertEquals(0, export.await(Duration.ofSeconds(60)), export.output());
    assertTrue(export.output().contains("exported from"), export.output());
    Replica verify = Replica.launch("verify", dir, List.of("audit", "verify", file.toString()));
    assertEquals(0, verify.await(Duration.ofSeconds(60)), verify.output());
    assertTrue(verify.output().contains("intact"), verify.output());
    // The same records every replica serves, in the same order, ending at the head they report.
    List<String> lines = Files.readAllLines(file);
    for (Replica r : new Replica[] {a, b, c}) {
      List<String> served = r.get("/v1/audit?limit=10000").body().lines().toList(); // one page holds them
      assertTrue(served.size() >= lines.size());
      assertEquals(lines, served.subList(0, lines.size()), r.name + " serves another trail");
    }
    String head = Replica.JSON.readTree(lines.get(lines.size() - 1)).path("hash").asText();
    assertTrue(verify.output().contains(head), verify.output());
    assertFalse(Replica.JSON.readTree(lines.get(lines.size() - 1)).path("more").asBoolean(false),
        "the trail ends on a complete change");
  }

  @Test
  void healthAndMetricsShowTheStore() {
    JsonNode h = a.get("/health").json();
    assertEquals("ok", h.path("status").asText(), h.toString());
    assertEquals("postgresql", h.path("store").path("kind").asText(), h.toString());
    assertTrue(h.path("store").path("reachable").asBoolean(), h.toString());
    assertFalse(h.toString().contains("127.0.0.1:"), "the database's address is not shown: " + h);
    b.issue("Employee::alice", "Database::metrics", "INC-500");
    a.get("/v1/grants");
    String metrics = a.get("/metrics").body();
    assertTrue(metrics.contains("writ_store_seconds_count{operation=\"update\",outcome=\"ok\"}"), metrics);
    assertTrue(metrics.contains("writ_store_up{kind=\"postgresql\"} 1.0"), metrics);
    assertTrue(metrics.contains("writ_store_errors_total{operation=\"update\"} 0.0"), metrics);
    assertTrue(metrics.contains("writ_store_records_from_replicas_total"), metrics);
  }
}

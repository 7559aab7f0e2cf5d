package dev.writ.replicas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas take concurrent issues, action checks and revocations; one of them is killed
 * with SIGKILL at a random moment, round after round (at least 20), and started again. After
 * every kill each grant and each revocation that either replica acknowledged is there, as
 * acknowledged, seen through the restarted one; at the end the exported trail verifies and ends
 * on a complete change.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CrashIT {
  static final int ROUNDS = Integer.getInteger("writ.crash.rounds", 20);

  @TempDir
  Path dir;

  final Set<String> issued = ConcurrentHashMap.newKeySet();
  final Set<String> revoked = ConcurrentHashMap.newKeySet();

  @Test
  void aReplicaKilledMidWriteLosesNothingAcknowledged() throws Exception {
    long seed = Long.getLong("writ.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    try (Database db = new Database(dir.resolve("pg"))) {
      String url = db.newDatabase("writ_crash");
      Replica b = Replica.start("b", url, dir);
      Replica a = Replica.start("a-1", url, dir);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int round = 1; round <= ROUNDS; round++) {
          String where = "round " + round + " (seed " + seed + ")";
          AtomicBoolean stop = new AtomicBoolean();
          List<Future<Integer>> workers = new ArrayList<>();
          for (int w = 0; w < 4; w++) {
            Replica target = w % 2 == 0 ? a : b;
            long workerSeed = random.nextLong();
            workers.add(pool.submit(() -> work(target, new Random(workerSeed), stop)));
          }
          Replica.pause(150 + random.nextInt(900));
          a.kill();
          Replica.pause(random.nextInt(200)); // b goes on alone for a moment
          stop.set(true);
          int calls = 0;
          for (Future<Integer> f : workers) {
            calls += f.get(60, TimeUnit.SECONDS);
          }
          assertTrue(calls > 0, where + ": no call was made");
          a = Replica.start("a-" + (round + 1), url, dir);
          check(a, where);
        }
      } finally {
        pool.shutdownNow();
        a.close();
        b.close();
      }
      Path file = dir.resolve("trail.jsonl");
      Replica export = Replica.launch("export", dir, List.of("audit", "export", "--store", url, "-o", file.toString()));
      assertEquals(0, export.await(Duration.ofSeconds(60)), export.output());
      Replica verify = Replica.launch("verify", dir, List.of("audit", "verify", file.toString()));
      assertEquals(0, verify.await(Duration.ofSeconds(60)), verify.output());
      List<String> lines = Files.readAllLines(file);
      assertFalse(Replica.JSON.readTree(lines.get(lines.size() - 1)).path("more").asBoolean(false),
          "the trail ends on a complete change");
      System.out.println("crash test: " + ROUNDS + " kills, " + issued.size() + " grants and " + revoked.size()
          + " revocations acknowledged, " + lines.size() + " records, seed " + seed);
      assertTrue(issued.size() > ROUNDS, "too little work to mean anything");
    }
  }

  /** Issues, checks and revokes until told to stop or its replica dies; counts its calls. */
  int work(Replica r, Random random, AtomicBoolean stop) {
    List<String> mine = new ArrayList<>();
    int calls = 0;
    try {
      while (!stop.get()) {
        calls++;
        int what = random.nextInt(10);
        if (what < 5 || mine.isEmpty()) {
          Replica.Res res = r.post("/v1/grants", Replica.incidentRead("Employee::alice", "Database::metrics",
              "INC-" + random.nextInt(1000)));
          if (res.status() == 200) {
            String id = res.json().path("id").asText();
            issued.add(id); // acknowledged
            mine.add(id);
          }
        } else if (what < 8) {
          r.post("/v1/actions", Replica.select(mine.get(random.nextInt(mine.size())), "Database::metrics"));
        } else {
          String id = mine.remove(random.nextInt(mine.size()));
          Replica.Res res = r.delete("/v1/grants/" + id);
          if (res.status() == 200) {
            res.json().path("revoked").forEach(g -> revoked.add(g.asText())); // acknowledged
          }
        }
      }
    } catch (UncheckedIOException e) {
      // its replica was killed in the middle of the call: that call was never acknowledged
    }
    return calls;
  }

  /** Every acknowledged grant and revocation is there, as the restarted replica sees it. */
  void check(Replica r, String where) {
    JsonNode grants = r.get("/v1/grants").json().path("grants");
    Map<String, String> state = new HashMap<>();
    grants.forEach(g -> state.put(g.path("id").asText(), g.path("state").asText()));
    for (String id : issued) {
      assertTrue(state.containsKey(id), where + ": acknowledged grant " + id + " is lost");
      if (!revoked.contains(id)) {
        // not revoked by anyone who was told so; a revocation that was cut off may have landed
        assertTrue(Set.of("active", "revoked").contains(state.get(id)), where + ": " + id + " is " + state.get(id));
      }
    }
    for (String id : revoked) {
      assertEquals("revoked", state.get(id), where + ": acknowledged revocation of " + id + " is lost");
    }
  }
}

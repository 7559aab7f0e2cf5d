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
 * The file store's group commit under a crash: eight clients issue grants, check actions and
 * revoke concurrently through one {@code writ serve --data}, which is killed with SIGKILL at a
 * random moment, round after round, and started again on the same directory. After every
 * restart each acknowledged grant and revocation is there, and each acknowledged action check's
 * {@code seq} names its own record in the trail; at the end the trail verifies ({@code writ
 * audit verify}) and {@code writ audit export --data --after} gives exactly its tail.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class FileStoreCrashIT {
  static final int ROUNDS = Integer.getInteger("writ.crash.rounds", 12);
  static final int CLIENTS = 8;

  @TempDir
  Path dir;

  final Set<String> issued = ConcurrentHashMap.newKeySet();
  final Set<String> revoked = ConcurrentHashMap.newKeySet();
  final Map<Long, String> checked = new ConcurrentHashMap<>(); // acknowledged action checks: seq -> grant

  @Test
  void aServiceKilledUnderConcurrentLoadLosesNothingAcknowledged() throws Exception {
    long seed = Long.getLong("writ.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    Replica r = Replica.startFile("file-1", data, dir);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        String where = "round " + round + " (seed " + seed + ")";
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Integer>> workers = new ArrayList<>();
        for (int w = 0; w < CLIENTS; w++) {
          Replica target = r;
          long workerSeed = random.nextLong();
          workers.add(pool.submit(() -> work(target, new Random(workerSeed), stop)));
        }
        Replica.pause(300 + random.nextInt(900));
        r.kill();
        stop.set(true);
        int calls = 0;
        for (Future<Integer> f : workers) {
          calls += f.get(60, TimeUnit.SECONDS);
        }
        assertTrue(calls > 0, where + ": no call was made");
        r = Replica.startFile("file-" + (round + 1), data, dir);
        check(r, where, random);
      }
    } finally {
      pool.shutdownNow();
      r.close();
    }
    Path trail = data.resolve("audit.jsonl");
    Replica verify = Replica.launch("verify", dir, List.of("audit", "verify", trail.toString()));
    assertEquals(0, verify.await(Duration.ofSeconds(60)), verify.output());
    List<String> lines = Files.readAllLines(trail);
    assertFalse(Replica.JSON.readTree(lines.get(lines.size() - 1)).path("more").asBoolean(false),
        "the trail ends on a complete change");
    long after = lines.size() / 2;
    Path tail = dir.resolve("tail.jsonl");
    Replica export = Replica.launch("export", dir, List.of("audit", "export", "--data", data.toString(), "--after",
        Long.toString(after), "-o", tail.toString()));
    assertEquals(0, export.await(Duration.ofSeconds(60)), export.output());
    assertEquals(lines.subList((int) after, lines.size()), Files.readAllLines(tail));
    System.out.println("file store crash test: " + ROUNDS + " kills, " + issued.size() + " grants, "
        + revoked.size() + " revocations and " + checked.size() + " action checks acknowledged, " + lines.size()
        + " records, seed " + seed);
    assertTrue(issued.size() > ROUNDS, "too little work to mean anything");
    assertTrue(checked.size() > ROUNDS, "too few action checks to mean anything");
  }

  /** Issues, checks and revokes until told to stop or the service dies; counts its calls. */
  int work(Replica r, Random random, AtomicBoolean stop) {
    List<String> mine = new ArrayList<>();
    int calls = 0;
    try {
      while (!stop.get()) {
        calls++;
        int what = random.nextInt(10);
        if (what < 3 || mine.isEmpty()) {
          Replica.Res res = r.post("/v1/grants", Replica.incidentRead("Employee::alice", "Database::metrics",
              "INC-" + random.nextInt(1000)));
          if (res.status() == 200 && res.json().path("decision").path("decision").asText().equals("permit")) {
            String id = res.json().path("id").asText();
            issued.add(id); // acknowledged
            mine.add(id);
          }
        } else if (what < 9) {
          String id = mine.get(random.nextInt(mine.size()));
          Replica.Res res = r.post("/v1/actions", Replica.select(id, "Database::metrics"));
          if (res.status() == 200) {
            checked.put(res.json().path("seq").asLong(), id); // acknowledged, with its record
          }
        } else {
          String id = mine.remove(random.nextInt(mine.size()));
          Replica.Res res = r.delete("/v1/grants/" + id);
          if (res.status() == 200) {
            res.json().path("revoked").forEach(g -> revoked.add(g.asText())); // acknowledged
          }
        }
      }
    } catch (UncheckedIOException e) {
      // the service was killed in the middle of the call: that call was never acknowledged
    }
    return calls;
  }

  /** Every acknowledged grant, revocation and action check is there, as the restarted service sees it. */
  void check(Replica r, String where, Random random) {
    JsonNode grants = r.get("/v1/grants").json().path("grants");
    Map<String, String> state = new HashMap<>();
    grants.forEach(g -> state.put(g.path("id").asText(), g.path("state").asText()));
    for (String id : issued) {
      assertTrue(state.containsKey(id), where + ": acknowledged grant " + id + " is lost");
      if (!revoked.contains(id)) {
        assertTrue(Set.of("active", "revoked").contains(state.get(id)), where + ": " + id + " is " + state.get(id));
      }
    }
    for (String id : revoked) {
      assertEquals("revoked", state.get(id), where + ": acknowledged revocation of " + id + " is lost");
    }
    List<Long> seqs = new ArrayList<>(checked.keySet());
    for (int i = 0; i < Math.min(40, seqs.size()); i++) {
      long seq = seqs.get(random.nextInt(seqs.size()));
      Replica.Res page = r.get("/v1/audit?after=" + (seq - 1) + "&limit=1");
      JsonNode rec = page.json();
      assertEquals(seq, rec.path("seq").asLong(), where + ": acknowledged action check " + seq + " is lost");
      assertEquals("action", rec.path("event").asText(), where + ": record " + seq);
      assertEquals(checked.get(seq), rec.path("grant").asText(), where + ": record " + seq);
    }
  }
}

package dev.writ.engine.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditException;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.audit.TrailVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM ({@link CrashWriter}) issues, delegates, acts and revokes against a durable store
 * and is killed with SIGKILL at random moments, several rounds in a row on the same directory.
 * After each kill the store is reopened: every grant, revocation and trail position the child
 * acknowledged is there, the trail verifies, and the invariants hold.
 */
class CrashTest {
  static final int ROUNDS = Integer.getInteger("writ.crash.rounds", 8);

  @TempDir
  Path dir;

  final Set<String> granted = new LinkedHashSet<>();
  final Set<String> revoked = new LinkedHashSet<>();
  final Map<Long, String> positions = new HashMap<>();
  long lastSeq;
  int tornTails;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void killedAtRandomMomentsLosesNothingAcknowledged() throws Exception {
    long seed = Long.getLong("writ.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path data = Files.createDirectories(dir.resolve("data"));
    for (int round = 1; round <= ROUNDS; round++) {
      String where = "round " + round + " (seed " + seed + ")";
      long replayed = runAndKill(data, random.nextLong(), 50 + random.nextInt(1500), round, where);
      assertTrue(replayed >= lastSeqBefore, where + ": the child replayed " + replayed + " records, "
          + lastSeqBefore + " were acknowledged before");
      check(data, where);
      lastSeqBefore = lastSeq;
    }
    System.out.println("crash test: " + ROUNDS + " kills, " + granted.size() + " grants and " + revoked.size()
        + " revocations acknowledged, " + lastSeq + " records, " + tornTails + " torn tails cut on open");
    assertTrue(granted.size() > ROUNDS, "the child did too little work to mean anything");
  }

  long lastSeqBefore;

  /** Runs the child until it has worked for {@code millis}, kills it; returns the records it replayed on start. */
  long runAndKill(Path data, long childSeed, int millis, int round, String where) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), data.toString(),
        Long.toString(childSeed));
    pb.redirectError(dir.resolve("child-" + round + ".err").toFile());
    Process child = pb.start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
          if (line.startsWith("READY")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the child is gone
      }
    });
    reader.start();
    if (!ready.await(60, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new AssertionError(where + ": the child did not start: "
          + Files.readString(dir.resolve("child-" + round + ".err")));
    }
    Thread.sleep(millis);
    assertTrue(child.isAlive(), () -> where + ": the child died by itself: " + readErr(round));
    if (round == 1) {
      // One writer at a time, across processes too.
      AuditException busy = assertThrows(AuditException.class, () -> EventSourcedGrantStore.open(data));
      assertTrue(busy.getMessage().contains("in use"), busy::getMessage);
    }
    child.destroyForcibly(); // SIGKILL
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    reader.join(30_000);
    assertEquals(137, child.exitValue(), where + ": killed by SIGKILL");
    long replayed = -1;
    for (String line : List.copyOf(lines)) {
      if (!line.endsWith(";")) {
        continue; // cut by the kill: never completely acknowledged
      }
      String[] f = line.substring(0, line.length() - 1).split(" ");
      switch (f[0]) {
        case "READY" -> replayed = Long.parseLong(f[1]);
        case "G" -> granted.add(f[1]);
        case "R" -> revoked.add(f[1]);
        case "S" -> {
          long seq = Long.parseLong(f[1]);
          positions.put(seq, f[2]);
          lastSeq = Math.max(lastSeq, seq);
        }
        default -> throw new AssertionError(where + ": unexpected line " + line);
      }
    }
    return replayed;
  }

  String readErr(int round) {
    try {
      return Files.readString(dir.resolve("child-" + round + ".err"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  void check(Path data, String where) throws IOException {
    try (EventSourcedGrantStore store = EventSourcedGrantStore.open(data)) {
      if (((FileAuditTrail) store.trail()).repairedTail()) {
        tornTails++;
      }
      List<AuditRecord> records = store.audit(r -> true);
      assertTrue(records.size() >= lastSeq, where + ": " + records.size() + " records, " + lastSeq + " acknowledged");
      positions.forEach((seq, hash) -> assertEquals(hash, records.get((int) (seq - 1)).hash(),
          where + ": record " + seq + " is not the one acknowledged"));
      Map<String, Grant> all = new HashMap<>();
      store.read(t -> {
        t.all().forEach(g -> all.put(g.id(), g));
        return null;
      });
      for (String id : granted) {
        Grant g = all.get(id);
        assertNotNull(g, where + ": acknowledged grant " + id + " is lost");
        assertNotNull(g.issuedAt(), where + ": acknowledged grant " + id + " is not issued");
      }
      for (String id : revoked) {
        assertEquals(GrantState.Kind.REVOKED, all.get(id).state().kind(), where + ": revocation of " + id + " is lost");
      }
      Instant now = Instant.now();
      for (Grant g : all.values()) {
        if (g.parent() == null) {
          continue;
        }
        Grant p = all.get(g.parent());
        assertTrue(p.actions().containsAll(g.actions()), where + ": " + g.id() + " exceeds its parent");
        assertFalse(p.expiresAt() != null && g.expiresAt().isAfter(p.expiresAt()), where + ": " + g.id()
            + " outlives its parent");
        for (Grant a = p; a != null; a = a.parent() == null ? null : all.get(a.parent())) {
          if (g.activeAt(now)) {
            assertTrue(a.activeAt(now), where + ": " + g.id() + " is active under inactive " + a.id());
          }
          if (a.state().kind() == GrantState.Kind.REVOKED) {
            assertTrue(g.state().isEnded(), where + ": " + g.id() + " is in force under revoked " + a.id());
          }
        }
      }
    }
    TrailVerifier.Result r = TrailVerifier.verify(data.resolve("audit.jsonl"));
    assertTrue(r.ok(), () -> where + ": " + r.problem());
  }
}

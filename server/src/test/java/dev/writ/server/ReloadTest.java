package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload: with watching on, a changed policy set (or entity file) is swapped in atomically;
 * one that does not compile (or does not load) is refused, logged, counted, and the previous one
 * keeps serving.
 */
class ReloadTest {
  @TempDir
  Path dir;

  private static TestServer watching(Path dir) {
    return new TestServer(dir, c -> c.withWatch(true, Duration.ofMillis(50)));
  }

  @Test
  void goodChangeIsSwappedInAndBadOneRefused() throws Exception {
    try (TestServer s = watching(dir)) {
      Path incident = s.policies.resolve("incident.policy");
      String original = Files.readString(incident);
      String rev1 = s.get("/health").json().path("revision").asText();
      assertEquals("2h", ttl(s));

      // A good change: the rule's ttl drops to 1h.
      replace(incident, original.replace("ttl 2h", "ttl 1h"));
      JsonNode h2 = await(s, h -> !h.path("revision").asText().equals(rev1));
      String rev2 = h2.path("revision").asText();
      assertEquals("1h", ttl(s));
      JsonNode grant = s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("grant");
      assertEquals(rev2, grant.path("revision").asText(), "grants carry the revision that issued them");

      // A corrupt change: a syntax error. Refused; 1h keeps being served.
      replace(incident, original.replace("ttl 2h", "ttl 1h") + "\ngrant broken {\n  principal ??\n");
      JsonNode h3 = await(s, h -> !h.path("last_reload_error").isNull());
      assertEquals(rev2, h3.path("revision").asText());
      assertTrue(h3.path("last_reload_error").path("message").asText().contains("error"), h3.toString());
      assertEquals("1h", ttl(s));
      String metrics = s.get("/metrics").body();
      assertTrue(metrics.contains("writ_bundle_load_failures_total 1.0"), metrics);
      assertTrue(metrics.contains("writ_bundle_loads_total 2.0"), metrics);
      assertTrue(metrics.contains("writ_bundle_info{revision=\"" + rev2 + "\"} 1"), metrics);
      // The refused version is not retried while it stays the same: the check the watcher runs
      // on every poll finds nothing new, and nothing is loaded or counted.
      assertEquals(WritService.Reload.UNCHANGED, s.server.service().reloadIfChanged());
      assertTrue(s.get("/metrics").body().contains("writ_bundle_load_failures_total 1.0"));

      // Fixed: loaded, and the error is cleared.
      replace(incident, original.replace("ttl 2h", "ttl 30m"));
      JsonNode h4 = await(s, h -> h.path("last_reload_error").isNull());
      assertNotEquals(rev2, h4.path("revision").asText());
      assertEquals("30m", ttl(s));
      // Going back to the original content gives back the original revision.
      replace(incident, original);
      assertEquals(rev1, await(s, h -> h.path("revision").asText().equals(rev1)).path("revision").asText());
    }
  }

  @Test
  void entityDataIsReloadedToo() throws Exception {
    try (TestServer s = watching(dir)) {
      assertEquals("deny", s.post("/v1/decisions", TestServer.DAVE_METRICS).json().path("decision").asText());
      String original = Files.readString(s.entities);
      replace(s.entities, original.replace("{ uid: Employee::dave, attrs: { department: sales, mfa_enrolled: false } }",
          "{ uid: Employee::dave, attrs: { department: sre, mfa_enrolled: true }, parents: [Team::sre] }"));
      awaitTrue(() -> s.post("/v1/decisions", TestServer.DAVE_METRICS).json().path("decision").asText().equals("permit"));

      // Entity data that does not fit the schema is refused like a bad bundle.
      replace(s.entities, original + "- { uid: Employee::zed, attrs: { department: 5 } }\n");
      JsonNode h = await(s, x -> !x.path("last_reload_error").isNull());
      assertTrue(h.path("last_reload_error").path("message").asText().startsWith("entity data"), h.toString());
      assertEquals("permit", s.post("/v1/decisions", TestServer.DAVE_METRICS).json().path("decision").asText());
    }
  }

  @Test
  void withoutWatchingNothingChanges() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      String rev = s.get("/health").json().path("revision").asText();
      Path incident = s.policies.resolve("incident.policy");
      // Without --watch there is no watcher thread to notice the change.
      assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("writ-bundle-watcher")),
          "no watcher runs without --watch");
      replace(incident, Files.readString(incident).replace("ttl 2h", "ttl 1h"));
      assertEquals(rev, s.get("/health").json().path("revision").asText());
      assertEquals("2h", ttl(s));
      // An explicit reload (what --watch does on a change) swaps it in.
      assertEquals(WritService.Reload.LOADED, s.server.service().reload());
      assertEquals("1h", ttl(s));
    }
  }

  @Test
  void swapsUnderLoadNeverMixOrFail() throws Exception {
    try (TestServer s = new TestServer(dir)) {
      Path incident = s.policies.resolve("incident.policy");
      String original = Files.readString(incident);
      AtomicBoolean done = new AtomicBoolean();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      java.util.concurrent.atomic.AtomicInteger decided = new java.util.concurrent.atomic.AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Integer>> clients = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        clients.add(pool.submit(() -> {
          int n = 0;
          while (!done.get()) {
            TestServer.Res r = s.post("/v1/decisions", TestServer.ALICE_METRICS);
            assertEquals(200, r.status(), r.body());
            seen.add(r.json().path("ttl").asText());
            decided.incrementAndGet();
            n++;
          }
          return n;
        }));
      }
      for (int i = 0; i < 10; i++) {
        replace(incident, original.replace("ttl 2h", i % 2 == 0 ? "ttl 1h" : "ttl 2h"));
        assertEquals(WritService.Reload.LOADED, s.server.service().reload());
        // Let the clients decide a few times under this version before the next swap.
        int before = decided.get();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (decided.get() < before + 4) {
          assertTrue(System.nanoTime() < deadline, "the clients stopped deciding");
          Thread.onSpinWait();
        }
      }
      done.set(true);
      int total = 0;
      for (Future<Integer> f : clients) {
        total += f.get();
      }
      pool.shutdown();
      assertTrue(total > 0);
      assertEquals(Set.of("1h", "2h"), seen);
    }
  }

  static String ttl(TestServer s) {
    return s.post("/v1/decisions", TestServer.ALICE_METRICS).json().path("ttl").asText();
  }

  /** Writes a file the way deployments do: a new file renamed over the old one. */
  static void replace(Path file, String text) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static JsonNode await(TestServer s, Predicate<JsonNode> health) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode h = s.get("/health").json();
    while (!health.test(h)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out; /health is " + h);
      }
      Thread.sleep(20);
      h = s.get("/health").json();
    }
    return h;
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}

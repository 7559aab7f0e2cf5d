package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.bundle.BundleKeys;
import dev.writ.engine.bundle.BundleWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replaying an old bundle: under {@code --bundle --trust --watch}, a bundle signed with the trusted
 * key but created before the one being served (an older, more permissive policy put back in
 * place) is refused like any other bad bundle, unless {@code --allow-rollback}. A bundle with the
 * same creation time (rebuilt or re-signed with a fixed build timestamp) is no rollback.
 */
class BundleRollbackTest {
  static final Instant T0 = Instant.parse("2026-06-15T08:00:00Z");

  @TempDir
  Path dir;
  KeyPair keys;
  Path publicKey;

  @BeforeEach
  void keys() {
    keys = BundleKeys.generate();
    publicKey = dir.resolve("writ.pub");
    BundleKeys.writePem(keys, dir.resolve("writ.key"), publicKey);
  }

  /** Serves revision 1.0.0 (ttl 2h), created at T0 and signed with the trusted key. */
  private TestServer serving(UnaryOperator<ServerConfig> tweak) {
    return new TestServer(dir.resolve("srv"), tweak, s -> {
      BundleWriter.writeFile(signed(s, "1.0.0", "2h", T0), file(s));
      return PolicySource.bundle(file(s), Optional.of(publicKey));
    });
  }

  private byte[] signed(TestServer s, String revision, String ttl, Instant created) {
    return BundleReloadTest.bundle(s, revision, ttl, Optional.of(keys.getPrivate()), Optional.of(created));
  }

  private static Path file(TestServer s) {
    return s.root.resolve("policy.wbundle");
  }

  @Test
  void anOlderBundleIsRefusedAndTheServedOneKeepsServing() throws Exception {
    try (TestServer s = serving(c -> c.withWatch(true, Duration.ofMillis(50)))) {
      assertEquals("2h", ReloadTest.ttl(s));

      // Last week's bundle, genuinely signed, with a longer ttl: put in place, refused.
      BundleWriter.writeFile(signed(s, "0.9.0", "3h", T0.minus(Duration.ofDays(7))), file(s));
      JsonNode h = awaitFailures(s, 1);
      assertEquals("1.0.0", h.path("revision").asText(), h.toString());
      String error = h.path("last_reload_error").path("message").asText();
      assertTrue(error.contains("policy.wbundle") && error.contains("revision 0.9.0, created at 2026-06-08T08:00:00Z,"
          + " before the bundle being served (revision 1.0.0, created at 2026-06-15T08:00:00Z): a rollback")
          && error.contains("--allow-rollback"), error);
      assertEquals("2h", ReloadTest.ttl(s));
      assertEquals("1.0.0", s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("grant").path("revision")
          .asText());
      String metrics = s.get("/metrics").body();
      assertTrue(metrics.contains("writ_bundle_rollbacks_refused_total 1.0"), metrics);
      assertTrue(metrics.contains("writ_bundle_loads_total 1.0"), metrics);

      // The same creation time, re-signed with other content: no rollback.
      BundleWriter.writeFile(signed(s, "1.0.0-resigned", "1h", T0), file(s));
      h = ReloadTest.await(s, x -> x.path("revision").asText().equals("1.0.0-resigned"));
      assertTrue(h.path("last_reload_error").isNull(), h.toString());
      assertEquals("1h", ReloadTest.ttl(s));

      // A newer one: loaded. The one served before it is now a rollback too.
      BundleWriter.writeFile(signed(s, "1.1.0", "30m", T0.plusSeconds(1)), file(s));
      ReloadTest.await(s, x -> x.path("revision").asText().equals("1.1.0"));
      BundleWriter.writeFile(signed(s, "1.0.0", "2h", T0), file(s));
      h = awaitFailures(s, 2);
      assertEquals("1.1.0", h.path("revision").asText(), h.toString());
      assertEquals("30m", ReloadTest.ttl(s));

      // Other refusals are not rollbacks.
      BundleWriter.writeFile("not a bundle".getBytes(), file(s));
      awaitFailures(s, 3);
      metrics = s.get("/metrics").body();
      assertTrue(metrics.contains("writ_bundle_rollbacks_refused_total 2.0"), metrics);
      assertTrue(metrics.contains("writ_bundle_loads_total 3.0"), metrics);
      assertTrue(metrics.contains("writ_bundle_info{revision=\"1.1.0\"} 1"), metrics);
    }
  }

  @Test
  void allowRollbackServesTheOlderBundle() {
    try (TestServer s = serving(c -> c.withAllowRollback(true))) {
      BundleWriter.writeFile(signed(s, "0.9.0", "3h", T0.minus(Duration.ofDays(7))), file(s));
      assertEquals(WritService.Reload.LOADED, s.server.service().reload());
      assertEquals("0.9.0", s.get("/health").json().path("revision").asText());
      assertEquals("3h", ReloadTest.ttl(s));
      assertTrue(s.get("/metrics").body().contains("writ_bundle_rollbacks_refused_total 0.0"));
    }
  }

  @Test
  void theCheckIsTheReloadsNotTheWatchers() {
    // A reload asked for directly (no watcher) refuses the rollback just the same.
    try (TestServer s = serving(c -> c)) {
      BundleWriter.writeFile(signed(s, "0.9.0", "3h", T0.minusSeconds(1)), file(s));
      assertEquals(WritService.Reload.REFUSED, s.server.service().reload());
      assertEquals("1.0.0", s.server.service().active().revision());
      assertTrue(s.server.service().lastError().orElseThrow().contains("a rollback"));
    }
  }

  /** Waits until this many reloads have been refused; answers /health then. */
  private static JsonNode awaitFailures(TestServer s, int failures) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!s.get("/metrics").body().contains("writ_bundle_load_failures_total " + failures + ".0")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("refusal " + failures + " not seen: " + s.get("/health").body());
      }
      Thread.sleep(20);
    }
    return s.get("/health").json();
  }
}

package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.bundle.BundleKeys;
import dev.writ.engine.bundle.BundleWriter;
import dev.writ.engine.compile.PlanCompiler;
import dev.writ.language.Frontend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving compiled bundles: signatures verified against the trusted key, and hot reload with
 * good, corrupt, truncated, unsigned and wrongly signed bundles. A refused bundle never replaces
 * the one being served.
 */
class BundleReloadTest {
  @TempDir
  Path dir;
  KeyPair keys;
  KeyPair otherKeys;
  Path publicKey;

  @BeforeEach
  void keys() {
    keys = BundleKeys.generate();
    otherKeys = BundleKeys.generate();
    publicKey = dir.resolve("writ.pub");
    BundleKeys.writePem(keys, dir.resolve("writ.key"), publicKey);
  }

  /** The test policies with the incident rule's ttl changed, compiled into a bundle. */
  private static byte[] bundle(TestServer s, String revision, String ttl, Optional<PrivateKey> key) {
    return bundle(s, revision, ttl, key, Optional.empty());
  }

  /** @param created the manifest's creation time; empty: now */
  static byte[] bundle(TestServer s, String revision, String ttl, Optional<PrivateKey> key,
                       Optional<Instant> created) {
    try {
      Path src = s.root.resolve("src-" + revision);
      Files.createDirectories(src);
      for (String f : new String[] {"schema.policy", "incident.policy"}) {
        Files.writeString(src.resolve(f), Files.readString(s.policies.resolve(f)).replace("ttl 2h", "ttl " + ttl));
      }
      Frontend.Result r = Frontend.checkDirectory(src);
      assertTrue(r.ok(), r.diagnostics().toString());
      BundleWriter writer = new BundleWriter(revision, key);
      return created.map(writer::createdAt).orElse(writer).write(PlanCompiler.lower(r.bundle().get()), r.sources(), src);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private TestServer serving(boolean watch) {
    return new TestServer(dir.resolve("srv"), c -> watch ? c.withWatch(true, Duration.ofMillis(50)) : c, s -> {
      BundleWriter.writeFile(bundle(s, "1.0.0", "2h", Optional.of(keys.getPrivate())), s.root.resolve("policy.wbundle"));
      return PolicySource.bundle(s.root.resolve("policy.wbundle"), Optional.of(publicKey));
    });
  }

  @Test
  void goodBundlesAreSwappedInAndBadOnesRefused() throws Exception {
    try (TestServer s = serving(true)) {
      Path file = s.root.resolve("policy.wbundle");
      JsonNode h = s.get("/health").json();
      assertEquals("1.0.0", h.path("revision").asText());
      assertTrue(h.path("source").asText().contains("signature verified"), h.toString());
      assertEquals("2h", ReloadTest.ttl(s));

      BundleWriter.writeFile(bundle(s, "1.0.1", "1h", Optional.of(keys.getPrivate())), file);
      ReloadTest.await(s, x -> x.path("revision").asText().equals("1.0.1"));
      assertEquals("1h", ReloadTest.ttl(s));
      assertEquals("1.0.1", s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("grant").path("revision")
          .asText());

      byte[] next = bundle(s, "1.0.2", "30m", Optional.of(keys.getPrivate()));
      byte[] corrupt = next.clone();
      corrupt[corrupt.length / 2] ^= 0x40;
      refused(s, file, corrupt, 1);
      refused(s, file, Arrays.copyOf(next, next.length / 2), 2);
      refused(s, file, bundle(s, "1.0.3", "30m", Optional.empty()), 3);
      refused(s, file, bundle(s, "1.0.4", "30m", Optional.of(otherKeys.getPrivate())), 4);
      refused(s, file, "not a bundle at all".getBytes(), 5);
      assertTrue(s.get("/health").json().path("last_reload_error").path("message").asText()
          .contains("policy.wbundle"));

      BundleWriter.writeFile(bundle(s, "1.0.5", "30m", Optional.of(keys.getPrivate())), file);
      JsonNode fixed = ReloadTest.await(s, x -> x.path("revision").asText().equals("1.0.5"));
      assertTrue(fixed.path("last_reload_error").isNull());
      assertEquals("30m", ReloadTest.ttl(s));
      String metrics = s.get("/metrics").body();
      assertTrue(metrics.contains("writ_bundle_loads_total 3.0"), metrics);
      assertTrue(metrics.contains("writ_bundle_info{revision=\"1.0.5\"} 1"), metrics);
      assertFalse(metrics.contains("writ_bundle_info{revision=\"1.0.1\"}"), metrics);
    }
  }

  /** Writes a bad bundle, waits for its refusal, checks 1.0.1 still serves. */
  private static void refused(TestServer s, Path file, byte[] bytes, int failures) throws Exception {
    BundleWriter.writeFile(bytes, file);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!s.get("/metrics").body().contains("writ_bundle_load_failures_total " + failures + ".0")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("refusal " + failures + " not seen: " + s.get("/health").body());
      }
      Thread.sleep(20);
    }
    JsonNode h = s.get("/health").json();
    assertEquals("1.0.1", h.path("revision").asText(), h.toString());
    assertFalse(h.path("last_reload_error").isNull());
    assertEquals("1h", ReloadTest.ttl(s));
  }

  @Test
  void aBundleThatDoesNotVerifyIsRefusedAtStart() throws Exception {
    Path data = dir.resolve("data");
    Path file = dir.resolve("p.wbundle");
    ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(data)
        .withEntityFiles(java.util.List.of(Path.of(getClass().getResource("/entities.yaml").toURI())));
    try (TestServer s = serving(false)) {
      BundleWriter.writeFile(bundle(s, "2.0.0", "2h", Optional.empty()), file);
    }
    PolicyLoadException unsigned = assertThrows(PolicyLoadException.class,
        () -> WritServer.start(config, PolicySource.bundle(file, Optional.of(publicKey))));
    assertTrue(unsigned.getMessage().contains("not signed"), unsigned.getMessage());
    assertFalse(Files.exists(data), "nothing opened for a refused bundle");

    PolicyLoadException noKey = assertThrows(PolicyLoadException.class,
        () -> PolicySource.bundle(file, Optional.of(dir.resolve("missing.pub"))));
    assertTrue(noKey.getMessage().startsWith("--trust:"), noKey.getMessage());

    // Without a trusted key, an unsigned bundle is served.
    try (WritServer server = WritServer.start(config, PolicySource.bundle(file, Optional.empty()))) {
      assertEquals("2.0.0", server.service().active().revision());
    }
  }
}

package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS from PEM files, with real handshakes against a real server: served to clients that trust
 * the CA, for RSA, EC and Ed25519 certificates; a rotated certificate is served to new
 * connections without a restart; a broken rotation is refused and the old certificate keeps
 * serving until the files are right; unusable files stop the start with a message naming them.
 */
class TlsTest {
  static final Duration POLL = Duration.ofMillis(100);
  static final Duration WITHIN = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  Path cert;
  Path key;

  private TestServer serve(TestPki.Issued server) throws IOException {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    cert = tls.resolve("tls.crt");
    key = tls.resolve("tls.key");
    Files.writeString(cert, server.certificatePem());
    Files.writeString(key, server.keyPem());
    return new TestServer(dir.resolve("server"), c -> c.withTls(Optional.of(new ServerConfig.Tls(cert, key,
        Optional.empty()))).withWatch(false, POLL));
  }

  @ParameterizedTest
  @EnumSource(TestPki.KeyType.class)
  void servesHttpsToAClientThatTrustsTheCa(TestPki.KeyType type) throws Exception {
    TestPki.Ca ca = TestPki.ca("Writ Test CA");
    TestPki.Issued server = ca.server(type);
    try (TestServer s = serve(server)) {
      assertEquals("https", s.server.uri().getScheme());
      HttpClient https = https(ca);
      HttpResponse<String> health = https.send(HttpRequest.newBuilder(s.uri("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      HttpResponse<String> decision = https.send(HttpRequest.newBuilder(s.uri("/v1/decisions")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(TestServer.ALICE_METRICS)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, decision.statusCode(), decision.body());
      assertTrue(decision.body().contains("\"decision\":\"permit\""), decision.body());
      // The AuthZEN metadata names the PDP as the caller reached it: over TLS, an https URL.
      HttpResponse<String> metadata = https.send(HttpRequest.newBuilder(s.uri("/.well-known/authzen-configuration"))
          .build(), HttpResponse.BodyHandlers.ofString());
      String base = "https://" + s.server.uri().getAuthority();
      assertTrue(metadata.body().contains("\"policy_decision_point\":\"" + base + "\"")
          && metadata.body().contains("\"access_evaluation_endpoint\":\"" + base + "/access/v1/evaluation\""),
          metadata.body());

      List<X509Certificate> chain = TestPki.handshake(s.server.uri(), TestPki.client(ca.certificate()));
      assertEquals(server.chain(), chain, "the chain from the file, the server's certificate first");
      // A client that does not trust the CA refuses the server.
      TestPki.Ca stranger = TestPki.ca("Stranger CA");
      assertThrows(javax.net.ssl.SSLHandshakeException.class,
          () -> TestPki.handshake(s.server.uri(), TestPki.client(stranger.certificate())));
      // Plain HTTP is not served on the TLS port.
      assertThrows(IOException.class, () -> s.http.send(HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + s.server.port() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void aRotatedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
    TestPki.Ca ca = TestPki.ca("Writ Test CA");
    TestPki.Issued first = ca.server(TestPki.KeyType.EC);
    TestPki.Issued second = ca.server(TestPki.KeyType.EC);
    try (TestServer s = serve(first)) {
      assertEquals(first.certificate(), served(s, ca));
      // A connection made before the rotation.
      try (SSLSocket before = TestPki.open(s.server.uri(), TestPki.client(ca.certificate()))) {
        before.startHandshake();

        // The key first, then the certificate: in between, the pair does not match and is refused.
        TestPki.replace(key, second.keyPem());
        TestPki.replace(cert, second.certificatePem());
        awaitTrue(() -> served(s, ca).equals(second.certificate()), "the new certificate is served");
        assertTrue(metric(s, ca, "writ_tls_reloads_total") >= 1);
        assertEquals(second.certificate().getNotAfter().toInstant().getEpochSecond(),
            (long) metric(s, ca, "writ_tls_certificate_expiry_timestamp_seconds"));
        HttpResponse<String> health = https(ca).send(HttpRequest.newBuilder(s.uri("/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());

        // The connection from before keeps its certificate, and still works.
        assertEquals(first.certificate(), before.getSession().getPeerCertificates()[0]);
        before.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(before.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      }
    }
  }

  @Test
  void aBrokenRotationIsRefusedAndTheOldCertificateKeepsServing() throws Exception {
    TestPki.Ca ca = TestPki.ca("Writ Test CA");
    TestPki.Issued first = ca.server(TestPki.KeyType.EC);
    TestPki.Issued second = ca.server(TestPki.KeyType.EC);
    try (TestServer s = serve(first)) {
      // A certificate file cut off half way (as a writer that died would leave it).
      String pem = second.certificatePem();
      TestPki.replace(cert, pem.substring(0, pem.length() / 2));
      awaitTrue(() -> metric(s, ca, "writ_tls_reload_failures_total") == 1, "the half-written file is refused");
      assertEquals(first.certificate(), served(s, ca));

      // The whole new certificate, but still the old key: not a pair.
      TestPki.replace(cert, pem);
      awaitTrue(() -> metric(s, ca, "writ_tls_reload_failures_total") == 2, "the mismatched pair is refused");
      assertEquals(first.certificate(), served(s, ca));
      assertEquals(0, metric(s, ca, "writ_tls_reloads_total"));

      // The new key arrives: the files are tried again, and now served.
      TestPki.replace(key, second.keyPem());
      awaitTrue(() -> served(s, ca).equals(second.certificate()), "the completed rotation is served");
      assertEquals(1, metric(s, ca, "writ_tls_reloads_total"));
      assertEquals(2, metric(s, ca, "writ_tls_reload_failures_total"));
    }
  }

  @Test
  void unusableFilesStopTheStartWithAMessageNamingThem() throws Exception {
    TestPki.Ca ca = TestPki.ca("Writ Test CA");
    TestPki.Issued server = ca.server(TestPki.KeyType.EC);
    TestPki.Issued other = ca.server(TestPki.KeyType.EC);
    Path tls = Files.createDirectories(dir.resolve("tls"));
    cert = Files.writeString(tls.resolve("tls.crt"), server.certificatePem());
    key = Files.writeString(tls.resolve("tls.key"), other.keyPem());
    ServerConfig.Tls files = new ServerConfig.Tls(cert, key, Optional.empty());
    ServerStartException e = assertThrows(ServerStartException.class,
        () -> new TestServer(dir.resolve("server"), c -> c.withTls(Optional.of(files))));
    assertTrue(e.getMessage().startsWith("cannot serve TLS: key file " + key), e.getMessage());
    assertTrue(e.getMessage().contains("not a pair"), e.getMessage());

    // Nothing was left open: with the right key, the same data directory serves.
    Files.writeString(key, server.keyPem());
    try (TestServer s = new TestServer(dir.resolve("server"), c -> c.withTls(Optional.of(files)))) {
      assertEquals(server.certificate(), served(s, ca));
    }
  }

  static HttpClient https(TestPki.Ca ca) {
    return HttpClient.newBuilder().sslContext(TestPki.client(ca.certificate())).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** The certificate a new connection is served (a new client context each time: no session is resumed). */
  static X509Certificate served(TestServer s, TestPki.Ca ca) {
    SSLContext ctx = TestPki.client(ca.certificate());
    try {
      return TestPki.handshake(s.server.uri(), ctx).get(0);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A metric's value from {@code /metrics} (over HTTPS); 0 when it is not there. */
  static double metric(TestServer s, TestPki.Ca ca, String name) {
    try {
      String text = https(ca).send(HttpRequest.newBuilder(s.uri("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
          .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    SlowClientsTest.awaitTrue(condition, WITHIN, () -> what);
  }
}

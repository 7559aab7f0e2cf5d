package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.server.auth.ClientCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS with {@code clientCa}: a client without a certificate, or with one from another CA,
 * fails the handshake; one with a certificate from the CA is served, and its chain is what
 * {@link ClientCertificates#of} returns to a handler.
 */
class MutualTlsTest {
  static TestPki.Ca ca;
  static TestPki.Ca other;
  static TestPki.Issued server;
  static TestPki.Issued alice;
  static TestPki.Issued mallory;

  @TempDir
  Path dir;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("Writ Test CA");
    other = TestPki.ca("Other CA");
    server = ca.server(TestPki.KeyType.EC);
    alice = ca.client("alice");
    mallory = other.client("mallory");
  }

  private ServerConfig.Tls files(boolean clientCa) throws IOException {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Path cert = Files.writeString(tls.resolve("tls.crt"), server.certificatePem());
    Path key = Files.writeString(tls.resolve("tls.key"), server.keyPem());
    Path cas = Files.writeString(tls.resolve("client-ca.pem"), TestPki.pem(List.of(ca.certificate())));
    return new ServerConfig.Tls(cert, key, clientCa ? Optional.of(cas) : Optional.empty());
  }

  @Test
  void onlyClientsWithACertificateFromTheClientCaAreServed() throws Exception {
    ServerConfig.Tls tls = files(true);
    try (TestServer s = new TestServer(dir.resolve("server"), c -> c.withTls(Optional.of(tls)))) {
      HttpClient withCertificate = HttpClient.newBuilder()
          .sslContext(TestPki.client(List.of(ca.certificate()), alice)).build();
      HttpResponse<String> health = withCertificate.send(HttpRequest.newBuilder(s.uri("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());

      refused(s.server.uri(), TestPki.client(List.of(ca.certificate()), null), "no client certificate");
      refused(s.server.uri(), TestPki.client(List.of(ca.certificate()), mallory), "a certificate from another CA");
      // The HTTP client fails the same way.
      assertThrows(IOException.class, () -> HttpClient.newBuilder().sslContext(TestPki.client(ca.certificate()))
          .build().send(HttpRequest.newBuilder(s.uri("/health")).build(), HttpResponse.BodyHandlers.ofString()));
    }
  }

  /**
   * The TLS handshake fails: in TLS 1.3 the client's side of the handshake completes before the
   * server has checked its certificate, so the server's alert arrives on the first read. (Nothing
   * is written first: data the server never reads would have the connection reset instead.)
   */
  private static void refused(URI uri, SSLContext client, String what) {
    SSLException e = assertThrows(SSLException.class, () -> {
      try (SSLSocket socket = TestPki.open(uri, client)) {
        socket.startHandshake();
        socket.getInputStream().read();
      }
    }, what);
    assertTrue(e.getMessage().contains("certificate") || e.getMessage().contains("unknown_ca"), what + ": " + e);
  }

  @Test
  void aHandlerReadsTheClientChain() throws Exception {
    try (Echo echo = new Echo(Optional.of(files(true)))) {
      HttpClient client = HttpClient.newBuilder().sslContext(TestPki.client(List.of(ca.certificate()), alice)).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(echo.uri).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals(encoded(alice.chain()), r.body(), "the chain the client sent, its own certificate first");
      // With a body too (the prefetch reads it first, asynchronously).
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(echo.uri)
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(encoded(alice.chain()), post.body());
    }
  }

  @Test
  void withoutMutualTlsTheChainIsEmpty() throws Exception {
    try (Echo echo = new Echo(Optional.of(files(false)))) {
      HttpResponse<String> r = HttpClient.newBuilder().sslContext(TestPki.client(List.of(ca.certificate()), alice))
          .build().send(HttpRequest.newBuilder(echo.uri).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("", r.body(), "no certificate was asked for, so none was sent");
    }
    try (Echo echo = new Echo(Optional.empty())) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(echo.uri).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("", r.body(), "plain HTTP");
    }
  }

  private static String encoded(List<X509Certificate> chain) {
    return chain.stream().map(c -> {
      try {
        return Base64.getEncoder().encodeToString(c.getEncoded());
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }).collect(Collectors.joining("\n"));
  }

  /** A Jetty server on the service's connector whose one handler answers the client chain it sees, one per line. */
  private static final class Echo implements AutoCloseable {
    final Server jetty = new Server();
    final URI uri;

    Echo(Optional<ServerConfig.Tls> tls) throws Exception {
      ServerConfig config = ServerConfig.defaults().withPort(0).withTls(tls).withWatch(false, Duration.ofSeconds(1));
      ServerConnector connector = Connectors.add(jetty, config, WritServer.httpConfiguration(), new ServerMetrics());
      // Behind the body prefetch, as the service's router is: the handler sees the prefetch's request.
      jetty.setHandler(new BodyPrefetch(new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          String body = encoded(ClientCertificates.of(request));
          response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.US_ASCII)), callback);
          return true;
        }
      }, 1024, 1024));
      jetty.start();
      uri = URI.create((Connectors.isTls(connector) ? "https" : "http") + "://127.0.0.1:" + connector.getLocalPort()
          + "/");
    }

    @Override
    public void close() {
      try {
        jetty.stop();
      } catch (Exception e) {
        throw new IllegalStateException("the echo server did not stop", e);
      }
    }
  }
}

package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.json.DataDocument;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callers authenticated by their client certificate over real mutual TLS: mapped by SPIFFE ID or by
 * subject, with their roles; a certificate of the CA that the --auth file does not map is 401; a
 * bearer token on the same connection decides, and a bad one is refused whatever the certificate.
 */
class CertificateAuthenticationTest {
  @TempDir
  Path dir;
  static TestPki.Ca ca;
  static TestPki.Issued server;
  static TestPki.Issued gateway;
  static TestPki.Issued batch;
  static TestPki.Issued stranger;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("Writ Test CA");
    server = ca.server(TestPki.KeyType.EC);
    gateway = ca.client("agent-gateway");
    batch = ca.client("batch-runner");
    stranger = ca.client("unlisted");
  }

  private TestServer start(Tokens tokens) throws IOException {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Path cert = Files.writeString(tls.resolve("tls.crt"), server.certificatePem());
    Path key = Files.writeString(tls.resolve("tls.key"), server.keyPem());
    Path cas = Files.writeString(tls.resolve("client-ca.pem"), TestPki.pem(List.of(ca.certificate())));
    TestServer s = new TestServer(dir.resolve("server"), c -> c.withAllowClientTime(false)
        .withTls(Optional.of(new ServerConfig.Tls(cert, key, Optional.of(cas))))
        .withAuthFile(Optional.of(tokens.auth)));
    tokens.clock = s.clock;
    return s;
  }

  private static Tokens tokens(Path dir) {
    return new Tokens(dir, null, """
        certificates:
          - uri: "spiffe://writ.test/agent-gateway"
            principal: "Workload::agent-gateway"
            roles: [enforcer]
          - subject: "CN=batch-runner"
            principal: "Workload::batch-runner"
            roles: [auditor]
        """);
  }

  private static TestServer.Res send(TestServer s, TestPki.Issued identity, String method, String path, String body,
                                     String token) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(TestPki.client(List.of(ca.certificate()), identity)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).method(method, body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new TestServer.Res(r.statusCode(), r.body(), r);
  }

  @Test
  void certificatesMapToPrincipalsAndRoles() throws Exception {
    Tokens tokens = tokens(dir.resolve("auth"));
    try (TestServer s = start(tokens)) {
      // the gateway (by SPIFFE ID) is an enforcer: it decides and requests on behalf of alice
      TestServer.Res decision = send(s, gateway, "POST", "/v1/decisions", TestServer.ALICE_METRICS, null);
      assertEquals(200, decision.status(), decision.body());
      TestServer.Res grant = send(s, gateway, "POST", "/v1/grants", TestServer.ALICE_METRICS, null);
      assertEquals("permit", grant.json().path("decision").path("decision").asText(), grant.body());
      JsonNode caller = grant.json().path("grant").path("context").path("caller");
      assertEquals("Workload::agent-gateway", caller.path("principal").path("entity").asText(), caller.toString());
      assertEquals("spiffe://writ.test/agent-gateway", caller.path("certificate").asText());
      // the batch runner (by subject) is an auditor, not an enforcer
      assertEquals(403, send(s, batch, "POST", "/v1/decisions", TestServer.ALICE_METRICS, null).status());
      TestServer.Res trail = send(s, batch, "GET", "/v1/audit", null, null);
      assertEquals(200, trail.status(), trail.body());
      JsonNode first = DataDocument.JSON.readTree(trail.body().lines().findFirst().orElseThrow());
      assertEquals(DataDocument.JSON.createObjectNode().put("principal", "Workload::agent-gateway")
          .put("certificate", "spiffe://writ.test/agent-gateway"), first.path("caller"), "the trail names the gateway");
    }
  }

  @Test
  void anUnmappedCertificateIs401AndATokenDecides() throws Exception {
    Tokens tokens = tokens(dir.resolve("auth"));
    try (TestServer s = start(tokens)) {
      TestServer.Res unlisted = send(s, stranger, "GET", "/v1/grants", null, null);
      assertEquals(401, unlisted.status(), unlisted.body());
      assertTrue(s.server.service().metrics().scrape().contains("writ_auth_failures_total{reason=\"certificate\"} 1.0"));
      // alice's token on the gateway's connection: alice is the caller, with her roles only
      TestServer.Res asAlice = send(s, gateway, "POST", "/v1/decisions", TestServer.ALICE_METRICS,
          tokens.as("alice").sign());
      assertEquals(403, asAlice.status(), "the token, not the certificate, says who calls");
      TestServer.Res own = send(s, gateway, "POST", "/v1/grants", TestServer.ALICE_METRICS, tokens.as("alice").sign());
      JsonNode caller = own.json().path("grant").path("context").path("caller");
      assertEquals("Employee::alice", caller.path("principal").path("entity").asText(), own.body());
      assertEquals("spiffe://writ.test/agent-gateway", caller.path("certificate").asText(),
          "the connection's certificate is still a fact policies can read");
      // a bad token is refused even on a connection whose certificate would do
      assertEquals(401, send(s, gateway, "POST", "/v1/decisions", TestServer.ALICE_METRICS,
          tokens.as("alice").audience("other").sign()).status());
    }
  }
}

package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens as an attacker would present them, against a real server with real keys: every
 * forgery is 401 with the same message, {@code WWW-Authenticate: Bearer}, nothing recorded, and
 * counted by reason.
 */
class TokenAuthenticationTest {
  @TempDir
  Path dir;
  SecureTestServer a;

  @BeforeEach
  void start() {
    a = new SecureTestServer(dir);
  }

  @AfterEach
  void stop() {
    a.close();
  }

  /** A call that changes state if it gets through: alice asks for a grant for herself. */
  private TestServer.Res attempt(String token) {
    return a.post("/v1/grants", TestServer.ALICE_METRICS, token);
  }

  private void refused(String token, String reason) {
    String before = a.trail();
    double counted = a.authFailures(reason);
    TestServer.Res r = attempt(token);
    assertEquals(401, r.status(), r.body());
    assertEquals("authorization", r.at());
    assertEquals("the credentials are not valid", r.error(), "the client is not told which check failed");
    assertEquals("Bearer realm=\"writ\", error=\"invalid_token\"",
        r.raw().headers().firstValue("WWW-Authenticate").orElse(""));
    assertEquals(before, a.trail(), "a refused call records nothing");
    assertEquals(counted + 1, a.authFailures(reason), "counted as " + reason);
  }

  @Test
  void eachAcceptedAlgorithmAuthenticates() {
    for (String token : List.of(a.tokens.as("alice").sign(), a.tokens.as("alice").es256().sign(),
        a.tokens.as("alice").rs256().sign())) {
      TestServer.Res r = attempt(token);
      assertEquals(200, r.status(), r.body());
      assertEquals("permit", r.json().path("decision").path("decision").asText());
    }
  }

  @Test
  void missingCredentials() {
    String before = a.trail();
    TestServer.Res r = attempt(null);
    assertEquals(401, r.status());
    assertEquals("Bearer realm=\"writ\"", r.raw().headers().firstValue("WWW-Authenticate").orElse(""));
    assertEquals("authorization", r.at());
    assertEquals(before, a.trail());
    assertEquals(1, a.authFailures("missing"));
  }

  @Test
  void expiredToken() {
    Instant now = a.s.clock.instant();
    refused(a.tokens.as("alice").expires(now.minus(Duration.ofMinutes(2))).sign(), "expired");
    // within the clock skew it still counts as valid
    assertEquals(200, attempt(a.tokens.as("alice").expires(now.minusSeconds(30)).sign()).status());
  }

  @Test
  void expiresAsTheServiceClockMoves() {
    String token = a.tokens.as("alice").sign(); // valid for 10 minutes
    assertEquals(200, attempt(token).status());
    a.s.clock.advance(12 * 60);
    refused(token, "expired");
  }

  @Test
  void notYetValid() {
    refused(a.tokens.as("alice").notBefore(a.s.clock.instant().plus(Duration.ofMinutes(5))).sign(), "not_yet_valid");
  }

  @Test
  void wrongIssuer() {
    refused(a.tokens.as("alice").issuer("https://evil.example").sign(), "issuer");
  }

  @Test
  void wrongAudience() {
    refused(a.tokens.as("alice").audience("another-service").sign(), "audience");
  }

  @Test
  void wrongKeyWithTheRightKid() {
    refused(a.tokens.as("alice").signedBy(a.tokens.stranger).sign(), "signature");
  }

  @Test
  void algNone() {
    refused(a.tokens.as("alice", "admin").unsigned(), "algorithm");
  }

  @Test
  void hmacWithThePublicKeyAsSecret() {
    refused(a.tokens.as("alice", "admin").hmacWithPublicKey(), "algorithm");
  }

  @Test
  void tamperedPayload() {
    refused(a.tokens.as("dave").tampered("alice", "admin"), "signature");
  }

  @Test
  void notABearerToken() {
    TestServer.Res r = a.s.send(java.net.http.HttpRequest.newBuilder(a.s.uri("/v1/grants"))
        .header("Content-Type", "application/json").header("Authorization", "Basic YWxpY2U6c2VjcmV0")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestServer.ALICE_METRICS)).build());
    assertEquals(401, r.status());
    assertEquals(1, a.authFailures("malformed"));
    refused("not.a.jwt", "malformed");
  }

  @Test
  void tokenWithoutSubject() {
    refused(a.tokens.as("").sign(), "claims");
  }

  @Test
  void jwksRotationIsPickedUpWithoutRestart() throws Exception {
    OctetKeyPair next = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-2").generate();
    String withNewKey = a.tokens.as("alice").signedBy(next).sign();
    refused(withNewKey, "signature");
    a.tokens.writeJwks(List.of(a.tokens.ed, next));
    // the JWKS file is looked at every 20 ms here; wait (bounded) until the new key verifies
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline && (status = attempt(withNewKey).status()) != 200) {
      Thread.sleep(20);
    }
    assertEquals(200, status, "a key added to the JWKS file is used without a restart");
  }

  @Test
  void aTokenVerifiedBeforeIsRefusedOnceItsKeyIsGone() throws Exception {
    String token = a.tokens.as("alice").sign();
    assertEquals(200, attempt(token).status());
    assertEquals(200, attempt(token).status(), "the same token again (now from the verified-token cache)");
    a.tokens.writeJwks(List.of(a.tokens.ec, a.tokens.rsa)); // the Ed25519 key is withdrawn
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = 200;
    while (System.nanoTime() < deadline && (status = attempt(token).status()) == 200) {
      Thread.sleep(20);
    }
    assertEquals(401, status, "a cached token is checked again against the new key set");
  }

  @Test
  void publicHealthNeedsNoToken() {
    TestServer.Res r = a.get("/health", null);
    assertEquals(200, r.status());
    assertFalse(r.json().has("grants"));
    assertTrue(r.json().has("revision"));
  }
}

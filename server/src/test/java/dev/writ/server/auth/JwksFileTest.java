package dev.writ.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwksFileTest {
  @TempDir
  Path dir;

  private static OctetKeyPair key(String kid) throws Exception {
    return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
  }

  @Test
  void keepsOnlyPublicKeysAndFollowsChanges() throws Exception {
    Path f = dir.resolve("jwks.json");
    Files.writeString(f, new JWKSet(List.<JWK>of(key("a"))).toString(false)); // with the private part
    JwksFile jwks = new JwksFile(f, 0);
    assertEquals(1, jwks.keys().size());
    assertTrue(jwks.keys().stream().noneMatch(JWK::isPrivate), "private parts are never kept");
    Files.writeString(f, new JWKSet(List.<JWK>of(key("a"), key("b"))).toPublicJWKSet().toString());
    assertEquals(List.of("a", "b"), jwks.keys().stream().map(JWK::getKeyID).toList());
  }

  @Test
  void aBrokenChangeKeepsTheKeysReadBefore() throws Exception {
    Path f = dir.resolve("jwks.json");
    Files.writeString(f, new JWKSet(List.<JWK>of(key("a"))).toPublicJWKSet().toString());
    JwksFile jwks = new JwksFile(f, 0);
    Files.writeString(f, "{\"keys\": [ half-written");
    assertEquals(List.of("a"), jwks.keys().stream().map(JWK::getKeyID).toList());
    Files.writeString(f, "{\"keys\": []}");
    assertEquals(List.of("a"), jwks.keys().stream().map(JWK::getKeyID).toList(), "an empty set is refused too");
  }

  @Test
  void unusableAtStartIsAClearError() throws Exception {
    Path f = dir.resolve("jwks.json");
    Files.writeString(f, "[]");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JwksFile(f, 0));
    assertTrue(e.getMessage().startsWith(f + ": not a JWK set"), e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new JwksFile(dir.resolve("nope.json"), 0));
    assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
  }
}

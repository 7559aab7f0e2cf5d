package dev.writ.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Real keys and real signed tokens for the tests: an issuer with an Ed25519, an EC P-256 and an
 * RSA key in a JWKS file, an {@code --auth} file naming it, and a builder of tokens signed with
 * any of them (or forged in the ways an attacker would).
 */
final class Tokens {
  static final String ISSUER = "https://idp.acme.test";
  static final String AUDIENCE = "writ";

  /** Keys are made once per test run: RSA key generation is slow, and each test gets its own files anyway. */
  private static final JWK[] KEYS = generate();

  final Path dir;
  final Path jwks;
  final Path auth;
  Clock clock;
  final OctetKeyPair ed = (OctetKeyPair) KEYS[0];
  final ECKey ec = (ECKey) KEYS[1];
  final RSAKey rsa = (RSAKey) KEYS[2];
  /** A key of the same kind, with the same kid, that the service does not know. */
  final OctetKeyPair stranger = (OctetKeyPair) KEYS[3];

  private static JWK[] generate() {
    try {
      return new JWK[] {new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate(),
          new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate(), new RSAKeyGenerator(2048).keyID("rsa-1").generate(),
          new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-1").generate()};
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  Tokens(Path dir, Clock clock) {
    this(dir, clock, "");
  }

  /** @param extraAuth YAML appended to the --auth file (e.g. a certificates section) */
  Tokens(Path dir, Clock clock, String extraAuth) {
    this.dir = dir;
    this.clock = clock;
    try {
      Files.createDirectories(dir);
      jwks = dir.resolve("idp-jwks.json");
      writeJwks(List.of(ed, ec, rsa));
      auth = dir.resolve("auth.yaml");
      Files.writeString(auth, """
          tokens:
            - issuer: "%s"
              audience: "%s"
              jwks: "idp-jwks.json"
              principal: "Employee::{sub}"
              roles_claim: "writ_roles"
          """.formatted(ISSUER, AUDIENCE) + extraAuth);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void writeJwks(List<JWK> keys) {
    try {
      Path tmp = dir.resolve("jwks.tmp");
      Files.writeString(tmp, new JWKSet(keys).toPublicJWKSet().toString(), StandardCharsets.UTF_8);
      Files.move(tmp, jwks, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Token as(String sub, String... roles) {
    return new Token(sub, List.of(roles));
  }

  /** A token being built: by default valid for 10 minutes from the service clock, signed with Ed25519. */
  final class Token {
    private final JWTClaimsSet.Builder claims;
    private JWSAlgorithm alg = JWSAlgorithm.EdDSA;
    private JWK key = ed;

    Token(String sub, List<String> roles) {
      Instant now = clock.instant();
      claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(sub)
          .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
          .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).claim("writ_roles", new ArrayList<>(roles));
    }

    Token claim(String name, Object value) {
      claims.claim(name, value);
      return this;
    }

    Token mfa() {
      return claim("amr", List.of("pwd", "otp"));
    }

    Token issuer(String iss) {
      claims.issuer(iss);
      return this;
    }

    Token audience(String aud) {
      claims.audience(aud);
      return this;
    }

    Token expires(Instant t) {
      claims.expirationTime(Date.from(t));
      return this;
    }

    Token notBefore(Instant t) {
      claims.notBeforeTime(Date.from(t));
      return this;
    }

    Token es256() {
      alg = JWSAlgorithm.ES256;
      key = ec;
      return this;
    }

    Token rs256() {
      alg = JWSAlgorithm.RS256;
      key = rsa;
      return this;
    }

    Token signedBy(JWK k) {
      key = k;
      return this;
    }

    String sign() {
      try {
        JWSSigner signer = key instanceof OctetKeyPair o ? new Ed25519Signer(o)
            : key instanceof ECKey e ? new ECDSASigner(e) : new RSASSASigner((RSAKey) key);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new AssertionError(e);
      }
    }

    /** {@code alg: none}: no signature at all. */
    String unsigned() {
      return new PlainJWT(claims.build()).serialize();
    }

    /** HS256 keyed with the issuer's public RSA key: the classic algorithm-confusion forgery. */
    String hmacWithPublicKey() {
      try {
        byte[] secret = rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
            claims.build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new AssertionError(e);
      }
    }

    /** A real signature over other claims: the payload is swapped for one naming another subject and roles. */
    String tampered(String sub, String... roles) {
      String[] parts = sign().split("\\.");
      JWTClaimsSet forged = new JWTClaimsSet.Builder(claims.build()).subject(sub)
          .claim("writ_roles", List.of(roles)).build();
      String payload = com.nimbusds.jose.util.Base64URL.encode(forged.toString()).toString();
      return parts[0] + "." + payload + "." + parts[2];
    }
  }
}

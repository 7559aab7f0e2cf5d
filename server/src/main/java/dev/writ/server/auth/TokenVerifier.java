package dev.writ.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.writ.engine.value.EntityUid;
import dev.writ.server.auth.AuthFailure.Reason;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies OAuth 2.0 bearer tokens (JWTs) with Nimbus JOSE+JWT: the signature against the
 * issuer's JWKS (EdDSA, ES256, RS256; never {@code none}, never HMAC, whose "secret" an attacker
 * would take from the public JWKS), then {@code exp}, {@code nbf}, {@code aud} and {@code sub}
 * against the service clock with a small skew. The issuer is picked by the token's {@code iss},
 * but nothing else in the token is believed before its signature verifies.
 *
 * <p>Keys are chosen here rather than by Nimbus's key selectors, which do not hand out OKP
 * (Ed25519) keys: by {@code kid} when the token names one, and by key type, use and algorithm.
 */
final class TokenVerifier {
  /** How far {@code exp} and {@code nbf} may be off: clocks of the IdP and the service differ a little. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  private static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519,
      JWSAlgorithm.ES256, JWSAlgorithm.RS256);
  /** {@code amr} values (RFC 8176) that are a second factor in themselves. */
  private static final Set<String> MFA = Set.of("mfa");

  /** What a verified token says. */
  record Verified(AuthConfig.TokenIssuer issuer, String subject, EntityUid principal, Set<Role> roles, boolean mfa) {}

  /** A token whose signature and claims verified, with its validity, and the key set that verified it. */
  private record Cached(Verified verified, Instant expires, Instant notBefore, long keys) {}

  /**
   * Verified tokens by their exact text. A signature check costs 0.15 to 2 ms (RS256, EdDSA,
   * ES256) against a few microseconds for the decision it guards, and an enforcement point sends
   * the same token on call after call; so a token seen before is not checked again, while its
   * times are checked on every call and a change of the issuer's keys verifies it anew. Only a
   * byte-for-byte equal token hits; the map is emptied when it is full.
   */
  private static final int CACHE_SIZE = 10_000;
  private final Map<String, Cached> verified = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, AuthConfig.TokenIssuer> issuers = new LinkedHashMap<>();
  private final Map<String, JwksFile> keys = new LinkedHashMap<>();
  private final Clock clock;

  /** @throws IllegalArgumentException when a JWKS file cannot be read (at start) */
  TokenVerifier(List<AuthConfig.TokenIssuer> list, Clock clock, Duration checkEvery) {
    this.clock = clock;
    for (AuthConfig.TokenIssuer i : list) {
      issuers.put(i.issuer(), i);
      keys.put(i.issuer(), new JwksFile(i.jwks(), checkEvery.toNanos()));
    }
  }

  Verified verify(String token) {
    Cached hit = verified.get(token);
    if (hit != null && hit.keys() == keys.get(hit.verified().issuer().issuer()).version()) {
      checkTimes(hit.expires(), hit.notBefore());
      return hit.verified();
    }
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException e) {
      throw AuthFailure.unauthenticated(Reason.MALFORMED, "the bearer token is not a JWT: " + e.getMessage());
    }
    if (!(parsed instanceof SignedJWT jwt)) {
      throw AuthFailure.unauthenticated(Reason.ALGORITHM, "the token is not signed (alg "
          + parsed.getHeader().getAlgorithm() + ")");
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!ACCEPTED.contains(alg)) {
      throw AuthFailure.unauthenticated(Reason.ALGORITHM, "algorithm " + alg + " is not accepted");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw AuthFailure.unauthenticated(Reason.MALFORMED, "the token's claims are not a JSON object");
    }
    String iss = claims.getIssuer();
    AuthConfig.TokenIssuer issuer = iss == null ? null : issuers.get(iss);
    if (issuer == null) {
      throw AuthFailure.unauthenticated(Reason.ISSUER, "issuer " + (iss == null ? "(none)" : "`" + iss + "`")
          + " is not listed in the --auth file");
    }
    // The key set's version is read before its keys: if they change in between, the token is
    // recorded with the older version and simply verified again next time.
    long keySet = keys.get(iss).version();
    if (!signatureVerifies(jwt, alg, keys.get(iss).keys())) {
      throw AuthFailure.unauthenticated(Reason.SIGNATURE, "no key of " + issuer.jwks().getFileName()
          + " verifies the signature (alg " + alg + ", kid " + jwt.getHeader().getKeyID() + ")");
    }
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw AuthFailure.unauthenticated(Reason.CLAIMS, "the token has no `exp`");
    }
    Date nbf = claims.getNotBeforeTime();
    checkTimes(exp.toInstant(), nbf == null ? null : nbf.toInstant());
    List<String> aud = claims.getAudience();
    if (aud == null || aud.stream().noneMatch(issuer.audiences()::contains)) {
      throw AuthFailure.unauthenticated(Reason.AUDIENCE, "the token's audience " + aud + " is not "
          + issuer.audiences());
    }
    String sub = claims.getSubject();
    if (sub == null || sub.isEmpty()) {
      throw AuthFailure.unauthenticated(Reason.CLAIMS, "the token has no `sub`");
    }
    EntityUid principal = issuer.principal().resolve(name -> stringClaim(claims, name)).orElseThrow(() ->
        AuthFailure.unauthenticated(Reason.CLAIMS, "the token lacks a string claim the principal template `"
            + issuer.principal().type() + "::" + issuer.principal().id() + "` names"));
    Set<Role> roles = EnumSet.of(Role.REQUESTER);
    roles.addAll(issuer.roles());
    issuer.rolesClaim().ifPresent(c -> roles.addAll(rolesIn(claims.getClaim(c))));
    // immutable, so that every call's Identity keeps it as it is rather than copying it
    Verified v = new Verified(issuer, sub, principal, Set.copyOf(roles), mfa(claims));
    if (verified.size() >= CACHE_SIZE) {
      verified.clear();
    }
    verified.put(token, new Cached(v, exp.toInstant(), nbf == null ? null : nbf.toInstant(), keySet));
    return v;
  }

  /** {@code exp} and {@code nbf} against the service clock, with the skew. */
  private void checkTimes(Instant expires, Instant notBefore) {
    Instant now = clock.instant();
    if (now.isAfter(expires.plus(CLOCK_SKEW))) {
      throw AuthFailure.unauthenticated(Reason.EXPIRED, "the token expired at " + expires);
    }
    if (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore)) {
      throw AuthFailure.unauthenticated(Reason.NOT_YET_VALID, "the token is not valid before " + notBefore);
    }
  }

  private static boolean signatureVerifies(SignedJWT jwt, JWSAlgorithm alg, List<JWK> candidates) {
    String kid = jwt.getHeader().getKeyID();
    for (JWK key : candidates) {
      if (kid != null && !kid.equals(key.getKeyID())) {
        continue;
      }
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
        continue;
      }
      if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
        continue;
      }
      JWSVerifier verifier = verifier(alg, key);
      if (verifier == null) {
        continue;
      }
      try {
        if (jwt.verify(verifier)) {
          return true;
        }
      } catch (JOSEException | IllegalStateException e) {
        // a key that cannot check this signature (wrong size or curve): try the next one
      }
    }
    return false;
  }

  /** A verifier of {@code alg} with {@code key}, or null when the key is not of that algorithm's kind. */
  private static JWSVerifier verifier(JWSAlgorithm alg, JWK key) {
    try {
      if ((alg.equals(JWSAlgorithm.EdDSA) || alg.equals(JWSAlgorithm.Ed25519)) && key instanceof OctetKeyPair okp
          && Curve.Ed25519.equals(okp.getCurve())) {
        return new Ed25519Verifier(okp);
      }
      if (alg.equals(JWSAlgorithm.ES256) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        return new ECDSAVerifier(ec);
      }
      if (alg.equals(JWSAlgorithm.RS256) && key instanceof RSAKey rsa) {
        return new RSASSAVerifier(rsa);
      }
    } catch (JOSEException e) {
      return null;
    }
    return null;
  }

  private static Optional<String> stringClaim(JWTClaimsSet claims, String name) {
    Object v = claims.getClaim(name);
    return v instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** Role names from a claim: a list of strings, or one space-separated string (as OAuth's {@code scope}). */
  private static Set<Role> rolesIn(Object claim) {
    Set<Role> out = EnumSet.noneOf(Role.class);
    List<?> names = claim instanceof List<?> l ? l : claim instanceof String s ? List.of(s.trim().split("\\s+"))
        : List.of();
    for (Object n : names) {
      if (n instanceof String s) {
        Role.parse(s).ifPresent(out::add); // other names are the IdP's, for other services
      }
    }
    return out;
  }

  /**
   * Whether the token's {@code amr} shows a second factor: it says {@code mfa}, or lists two or
   * more distinct methods (e.g. {@code ["pwd", "otp"]}).
   */
  private static boolean mfa(JWTClaimsSet claims) {
    if (!(claims.getClaim("amr") instanceof List<?> amr)) {
      return false;
    }
    Set<String> methods = new LinkedHashSet<>();
    for (Object m : amr) {
      if (m instanceof String s) {
        methods.add(s);
      }
    }
    return methods.stream().anyMatch(MFA::contains) || methods.size() >= 2;
  }
}

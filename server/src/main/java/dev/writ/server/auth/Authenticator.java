package dev.writ.server.auth;

import dev.writ.engine.audit.Caller;
import dev.writ.server.auth.AuthFailure.Reason;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Establishes who is calling: a bearer token (when the call carries one, it decides, and a bad
 * one is refused even if a client certificate would do), else the client certificate that the
 * TLS layer verified against {@code --client-ca}, mapped by the {@code --auth} file. Without
 * an {@code --auth} file every caller is the open service's anonymous caller.
 */
public final class Authenticator {
  private static final int SAN_URI = 6;

  private final Optional<AuthConfig> config;
  private final TokenVerifier tokens;

  private Authenticator(Optional<AuthConfig> config, TokenVerifier tokens) {
    this.config = config;
    this.tokens = tokens;
  }

  /** An open service: no credentials asked, every caller may do anything. */
  public static Authenticator open() {
    return new Authenticator(Optional.empty(), null);
  }

  /**
   * @param checkEvery how often the JWKS files are looked at for changes
   * @throws IllegalArgumentException when a JWKS file cannot be used (at start)
   */
  public static Authenticator of(AuthConfig config, Clock clock, Duration checkEvery) {
    return new Authenticator(Optional.of(config), new TokenVerifier(config.tokens(), clock, checkEvery));
  }

  public boolean isOpen() {
    return config.isEmpty();
  }

  public Optional<AuthConfig> config() {
    return config;
  }

  /**
   * The caller of {@code request}.
   *
   * @throws AuthFailure 401 when credentials are missing or not valid
   */
  public Identity authenticate(Request request) {
    String ip = Request.getRemoteAddr(request);
    List<X509Certificate> chain = ClientCertificates.of(request);
    Optional<String> certIdentity = chain.isEmpty() ? Optional.empty() : Optional.of(identity(chain.get(0)));
    if (config.isEmpty()) {
      return Identity.open(ip, certIdentity);
    }
    List<String> authorization = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
    if (!authorization.isEmpty()) {
      if (authorization.size() > 1) {
        throw AuthFailure.unauthenticated(Reason.MALFORMED, "more than one Authorization header");
      }
      String value = authorization.get(0).trim();
      int space = value.indexOf(' ');
      if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
        throw AuthFailure.unauthenticated(Reason.MALFORMED, "the Authorization header is not `Bearer <token>`");
      }
      TokenVerifier.Verified v = tokens.verify(value.substring(space + 1).trim());
      return Identity.authenticated(v.principal(), v.roles(), v.mfa(), ip, certIdentity,
          new Caller.Token(v.principal(), v.issuer().issuer(), v.subject()));
    }
    if (!chain.isEmpty()) {
      X509Certificate leaf = chain.get(0);
      for (AuthConfig.CertificateRule rule : config.get().certificates()) {
        if (matches(rule, leaf)) {
          Set<Role> roles = EnumSet.of(Role.REQUESTER);
          roles.addAll(rule.roles());
          return Identity.authenticated(rule.principal(), roles, false, ip, certIdentity,
              new Caller.Certificate(rule.principal(), rule.describe()));
        }
      }
      throw AuthFailure.unauthenticated(Reason.CERTIFICATE, "no entry of the --auth file maps the client certificate "
          + certIdentity.orElse("?"));
    }
    throw AuthFailure.unauthenticated(Reason.MISSING, "no Authorization header and no client certificate");
  }

  /** A certificate's identity for logs and {@code context.caller.certificate}: its first URI SAN, else its subject. */
  static String identity(X509Certificate cert) {
    List<String> uris = uris(cert);
    return uris.isEmpty() ? cert.getSubjectX500Principal().getName() : uris.get(0);
  }

  private static boolean matches(AuthConfig.CertificateRule rule, X509Certificate leaf) {
    if (rule.uri().isPresent()) {
      return uris(leaf).contains(rule.uri().get());
    }
    return rule.subject().isPresent() && rule.subject().get().equals(leaf.getSubjectX500Principal());
  }

  private static List<String> uris(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_URI && san.get(1) instanceof String s) {
            out.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      // a certificate whose SANs do not parse has no URI identity; its subject still may match
    }
    return out;
  }
}

package dev.writ.server.auth;

import java.util.Locale;

/**
 * A call refused for who its caller is: 401 (no valid credentials) or 403 (not allowed). The
 * client learns only {@link #getMessage()}, a fixed text per kind of refusal; the reason and
 * the detail (never a token) go to the metrics and the service log.
 */
public final class AuthFailure extends RuntimeException {
  /** Why, as counted in {@code writ_auth_failures_total{reason}}. */
  public enum Reason {
    /** No credentials at all. */
    MISSING(401),
    /** An Authorization header that is not {@code Bearer <JWT>}, or a token that does not parse. */
    MALFORMED(401),
    /** A token signed with an algorithm other than EdDSA, ES256 or RS256 ({@code none}, HMAC, ...). */
    ALGORITHM(401),
    /** No key of the issuer's JWKS verifies the signature. */
    SIGNATURE(401),
    /** An issuer the --auth file does not list. */
    ISSUER(401),
    /** The token is not meant for this service. */
    AUDIENCE(401),
    /** Past its {@code exp} (beyond the clock skew). */
    EXPIRED(401),
    /** Before its {@code nbf} (beyond the clock skew). */
    NOT_YET_VALID(401),
    /** A required claim (sub, exp, or one the principal template names) is missing or not a string. */
    CLAIMS(401),
    /** A client certificate the --auth file does not map to a principal. */
    CERTIFICATE(401),
    /** The caller's roles do not include one this endpoint needs. */
    ROLE(403),
    /** The grant, principal or approver named is not the caller's own. */
    NOT_OWN(403),
    /** A browser origin not in --allowed-origins. */
    ORIGIN(403);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String at;
  private final String detail;

  /**
   * @param message what the client is told (says nothing of keys, claims or other callers)
   * @param at      the {@code at} of the error body: {@code authorization}, {@code role}, a field name
   * @param detail  for the service log only
   */
  public AuthFailure(Reason reason, String message, String at, String detail) {
    super(message, null, false, false);
    this.reason = reason;
    this.at = at;
    this.detail = detail;
  }

  /** A 401 whose client message is the same for every reason: which check failed is not the caller's business. */
  public static AuthFailure unauthenticated(Reason reason, String detail) {
    return new AuthFailure(reason, reason == Reason.MISSING ? "authentication required: send a bearer token"
        + " or a client certificate" : "the credentials are not valid", "authorization", detail);
  }

  public static AuthFailure forbidden(Reason reason, String message, String at) {
    return new AuthFailure(reason, message, at, message);
  }

  public Reason reason() {
    return reason;
  }

  public int status() {
    return reason.status();
  }

  public String at() {
    return at;
  }

  public String detail() {
    return detail;
  }
}

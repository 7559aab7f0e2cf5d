package dev.writ.server.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do (docs/server.md, "Roles"). Every authenticated caller is also a
 * {@link #REQUESTER} of itself: it may request grants for itself and manage those it holds.
 */
public enum Role {
  /** Stateless decisions and action checks; requests grants on behalf of others (a gateway fronting agents). */
  ENFORCER,
  /** Requests grants for itself, delegates and revokes the grants it holds or delegated, reads its own grants. */
  REQUESTER,
  /** Approves pending requests, as itself; lists pending requests. */
  APPROVER,
  /** Reads every grant, the audit trail and the metrics. */
  AUDITOR,
  /** All of the above, revokes any grant, offboards principals. */
  ADMIN;

  /** The name in JSON and in policies, made once (it is read on every call). */
  private final String json = name().toLowerCase(Locale.ROOT);

  public String json() {
    return json;
  }

  public static Optional<Role> parse(String s) {
    for (Role r : values()) {
      if (r.json().equals(s)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}

package dev.writ.server.auth;

import dev.writ.engine.audit.Caller;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The caller of one HTTP call, as the service established it: its principal and roles from the
 * credential, whether the token shows a second factor, the connection's address and the client
 * certificate's identity. Without {@code --auth} the service is open: the caller has every role
 * and no principal ({@link #open}). A public route ({@code /health}) of a service with {@code --auth}
 * is called by an {@link #anonymous} caller: no principal and no roles.
 *
 * @param recorded what the audit trail records of the caller (empty when the service is open)
 * @param open     whether the service runs without authentication
 */
public record Identity(Optional<EntityUid> principal, Set<Role> roles, boolean mfa, String ip,
                       Optional<String> certificate, Optional<Caller> recorded, boolean open) {
  /** Every role (the open service's caller has them all): one immutable set, not one per call. */
  private static final Set<Role> ALL_ROLES = Set.copyOf(EnumSet.allOf(Role.class));

  public Identity {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(roles); // an immutable set is kept as it is
  }

  /** The caller of a service without {@code --auth}: may do anything, and is nobody in particular. */
  public static Identity open(String ip, Optional<String> certificate) {
    return new Identity(Optional.empty(), ALL_ROLES, false, ip, certificate, Optional.empty(), true);
  }

  /** The unauthenticated caller of a public route of a service with {@code --auth}: may do nothing else. */
  public static Identity anonymous(String ip) {
    return new Identity(Optional.empty(), Set.of(), false, ip, Optional.empty(), Optional.empty(), false);
  }

  /** An authenticated caller. */
  public static Identity authenticated(EntityUid principal, Set<Role> roles, boolean mfa, String ip,
                                       Optional<String> certificate, Caller recorded) {
    return new Identity(Optional.of(principal), roles, mfa, ip, certificate, Optional.of(recorded), false);
  }

  /** Whether the service runs without authentication (every caller may do anything). */
  public boolean isOpen() {
    return open;
  }

  public boolean has(Role role) {
    return roles.contains(role) || roles.contains(Role.ADMIN);
  }

  /** Whether the caller is {@code uid} itself (always false for an open service's anonymous caller). */
  public boolean is(EntityUid uid) {
    return principal.isPresent() && principal.get().equals(uid);
  }

  /** The audit trail's record of the caller, or null when the service is open. */
  public Caller recordedOrNull() {
    return recorded.orElse(null);
  }

  /**
   * {@code context.caller} as policies read it: {@code principal} (an entity; absent when open), {@code roles}
   * (a set of role names), {@code mfa}, {@code ip}, {@code certificate} (absent without one).
   */
  public Value.RecordV context() {
    Map<String, Value> f = new LinkedHashMap<>();
    principal.ifPresent(p -> f.put("principal", new Value.EntityV(p)));
    f.put("roles", roleNames(roles));
    f.put("mfa", Value.Bool.of(mfa));
    f.put("ip", new Value.Str(ip));
    certificate.ifPresent(c -> f.put("certificate", new Value.Str(c)));
    return new Value.RecordV(f);
  }

  /**
   * {@code context.caller.roles} for each set of roles (a bit per role), built on first use: every
   * call has an identity of its own, but its roles are one of a few sets, and building the set of
   * names was a fifth of what a decision call allocated. Values are immutable, so a race only
   * builds one twice.
   */
  private static final Value.SetV[] ROLE_NAMES = new Value.SetV[1 << Role.values().length];

  /** The role names of {@code roles}, in the order of {@link Role}'s constants. */
  static Value.SetV roleNames(Set<Role> roles) {
    int mask = 0;
    for (Role r : roles) {
      mask |= 1 << r.ordinal();
    }
    Value.SetV names = ROLE_NAMES[mask];
    if (names == null) {
      Set<Value> built = new LinkedHashSet<>();
      for (Role r : Role.values()) {
        if (roles.contains(r)) {
          built.add(new Value.Str(r.json()));
        }
      }
      names = new Value.SetV(built);
      ROLE_NAMES[mask] = names;
    }
    return names;
  }

}

package dev.writ.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.writ.engine.audit.Caller;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code context.caller} is built with the role names kept per set of roles; it must be the
 * record built from scratch (the same fields, in the same order, the names in {@link Role}'s
 * order), whatever the roles, the principal, the factor, the address and the certificate.
 */
class IdentityContextTest {
  /** context.caller as it was built before the role names were kept: everything made anew. */
  private static Value.RecordV reference(Identity id) {
    Map<String, Value> f = new LinkedHashMap<>();
    id.principal().ifPresent(p -> f.put("principal", new Value.EntityV(p)));
    Set<Value> names = new LinkedHashSet<>();
    for (Role r : Role.values()) {
      if (id.roles().contains(r)) {
        names.add(new Value.Str(r.name().toLowerCase(java.util.Locale.ROOT)));
      }
    }
    f.put("roles", new Value.SetV(names));
    f.put("mfa", Value.Bool.of(id.mfa()));
    f.put("ip", new Value.Str(id.ip()));
    id.certificate().ifPresent(c -> f.put("certificate", new Value.Str(c)));
    return new Value.RecordV(f);
  }

  private static Set<Role> roles(int mask) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Role r : Role.values()) {
      if ((mask & (1 << r.ordinal())) != 0) {
        roles.add(r);
      }
    }
    return roles;
  }

  @Test
  void theCallerContextIsTheOneBuiltFromScratch() {
    int sets = 1 << Role.values().length;
    qt().withExamples(400).forAll(integers().between(0, sets - 1), booleans().all(), integers().between(0, 2),
        integers().between(0, 255)).checkAssert((mask, mfa, kind, octet) -> {
          String ip = "10.0.0." + octet;
          Optional<String> cert = octet % 3 == 0 ? Optional.of("CN=client-" + octet) : Optional.empty();
          EntityUid who = EntityUid.parse("Workload::\"w" + octet + "\"");
          Identity id = switch (kind) {
            case 0 -> Identity.authenticated(who, roles(mask), mfa, ip, cert, new Caller.Token(who, "https://idp",
                "sub"));
            case 1 -> Identity.open(ip, cert);
            default -> Identity.anonymous(ip);
          };
          Value.RecordV context = id.context();
          assertEquals(reference(id), context);
          assertEquals(new ArrayList<>(reference(id).fields().keySet()), new ArrayList<>(context.fields().keySet()));
          List<Value> names = new ArrayList<>(((Value.SetV) context.fields().get("roles")).elements());
          assertEquals(new ArrayList<>(((Value.SetV) reference(id).fields().get("roles")).elements()), names);
        });
  }

  @Test
  void theRoleNamesOfASetAreBuiltOnce() {
    Set<Role> roles = EnumSet.of(Role.ENFORCER, Role.AUDITOR);
    assertSame(Identity.roleNames(roles), Identity.roleNames(Set.of(Role.AUDITOR, Role.ENFORCER)));
  }
}

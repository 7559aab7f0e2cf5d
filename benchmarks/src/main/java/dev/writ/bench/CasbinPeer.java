package dev.writ.bench;

import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;

/**
 * The jCasbin peer: the same principals, groups, resources, actions and conditions as a Writ
 * {@link Workload} of the {@code PEER} or {@code ROLE_FOLDER} mix, as a Casbin model with RBAC
 * role links and attribute columns.
 *
 * <p>How Writ maps to Casbin:
 *
 * <ul>
 *   <li>Entity hierarchy ({@code User in Team in Team ...}, {@code Doc in Folder in Folder ...}):
 *       one {@code g} role hierarchy holding every parent link; {@code g(r.sub, p.sub)} and
 *       {@code g(r.obj, p.obj)} are transitive, like Writ's {@code in}. An entity selector
 *       ({@code principal User::"u1"}) is {@code p.sub = "User::u1"}: {@code g(x, x)} holds.</li>
 *   <li>Type and kind selectors: columns {@code p.ptype} (a type such as {@code User}, or a kind
 *       such as {@code agent}) and {@code p.rtype}, compared with the request's type and kind.</li>
 *   <li>Actions: concrete names and {@code "doc:*"} wildcards via {@code keyMatch}; action groups
 *       via a second role hierarchy {@code g2} (action to group), as Casbin's RBAC for actions.</li>
 *   <li>Conditions: the attribute tests the PEER mix uses are columns:
 *       {@code p.cls} ({@code *}, a value, or {@code !secret}), {@code p.env} and {@code p.mfa}
 *       ({@code when context.mfa == true} is {@code true}; {@code unless context.mfa == true} in a
 *       forbid is {@code false}). The request carries the resource's attributes and the context's
 *       {@code mfa}, looked up once when the request is prepared (outside the timed loop).</li>
 *   <li>{@code forbid} is a policy with {@code eft = deny}, and the effect is
 *       {@code some(allow) && !some(deny)}: deny by default, any forbid overrides every grant.</li>
 * </ul>
 *
 * <p>What has no Casbin equivalent, and so is not in the PEER mix: intents (envelope check with
 * parameter validation, {@code max}), approvals ({@code pending} decisions, N of a group, no
 * self-approval), delegation chains (forbids over every chain member, the rule applied to each
 * sponsor), {@code ttl} and the issued duration, obligations, and per-rule error reporting.
 * The cost of those is measured by the REALISTIC mix, on Writ alone.
 */
public final class CasbinPeer {
  private CasbinPeer() {}

  public static final String MODEL = """
      [request_definition]
      r = ptype, pkind, sub, act, rtype, obj, cls, env, mfa

      [policy_definition]
      p = ptype, sub, act, rtype, obj, cls, env, mfa, eft

      [role_definition]
      g = _, _
      g2 = _, _

      [policy_effect]
      e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

      [matchers]
      m = (p.ptype == r.ptype || p.ptype == r.pkind) && p.rtype == r.rtype \
      && (p.cls == "*" || p.cls == r.cls || (p.cls == "!secret" && r.cls != "secret")) \
      && (p.env == "*" || p.env == r.env) && (p.mfa == "*" || p.mfa == r.mfa) \
      && (keyMatch(r.act, p.act) || g2(r.act, p.act)) \
      && (p.sub == "*" || g(r.sub, p.sub)) && (p.obj == "*" || g(r.obj, p.obj))
      """;

  /** One Casbin policy line; {@code *} means "any" in every column but the types. */
  public record Rule(String ptype, String sub, String act, String rtype, String obj, String cls, String env, String mfa,
                     String eft) {
    public static Rule allow(String ptype, String sub, String act, String rtype, String obj, String cls, String env,
                             String mfa) {
      return new Rule(ptype, sub, act, rtype, obj, cls, env, mfa, "allow");
    }

    public static Rule deny(String ptype, String sub, String act, String rtype, String obj, String cls, String env,
                            String mfa) {
      return new Rule(ptype, sub, act, rtype, obj, cls, env, mfa, "deny");
    }

    List<String> line() {
      return List.of(ptype, sub, act, rtype, obj, cls, env, mfa, eft);
    }
  }

  /** Builds an enforcer with the workload's rules, entity hierarchy and action groups. */
  public static Enforcer enforcer(Workload w) {
    if (w.peerRules == null) {
      throw new IllegalArgumentException("the " + w.mix + " mix has no Casbin equivalent; use PEER or ROLE_FOLDER");
    }
    Enforcer e = new Enforcer(Model.newModelFromString(MODEL));
    e.enableLog(false);
    List<List<String>> links = new ArrayList<>();
    for (Entity entity : w.entities) {
      for (EntityUid p : entity.parents()) {
        links.add(List.of(entity.uid().toString(), p.toString()));
      }
    }
    if (!links.isEmpty()) {
      e.addNamedGroupingPolicies("g", links);
    }
    List<List<String>> groups = new ArrayList<>();
    for (Map.Entry<String, List<String>> g : Workload.ACTION_GROUPS.entrySet()) {
      for (String member : g.getValue()) {
        groups.add(List.of(member, g.getKey()));
      }
    }
    e.addNamedGroupingPolicies("g2", groups);
    List<List<String>> lines = new ArrayList<>(w.peerRules.size());
    for (Rule r : w.peerRules) {
      lines.add(r.line());
    }
    e.addPolicies(lines);
    if (e.getPolicy().size() != w.ruleCount) {
      throw new IllegalStateException("the Casbin policy has " + e.getPolicy().size() + " lines for " + w.ruleCount
          + " Writ rules (duplicates?)");
    }
    return e;
  }

  /** The Casbin request for a Writ request: looked up once, outside any timed loop. */
  public static Object[] request(AccessRequest r, EntityStore store) {
    if (r.actions().size() != 1 || r.intent().isPresent() || !r.delegation().isEmpty() || !r.approvals().isEmpty()) {
      throw new IllegalArgumentException("not a PEER request: " + r);
    }
    Entity p = store.get(r.principal());
    Entity res = store.get(r.resource());
    Value mfa = r.context().fields().get("mfa");
    return new Object[] {
        r.principal().type(), p.kind().keyword(), r.principal().toString(), r.actions().get(0), r.resource().type(),
        r.resource().toString(), attr(res, "classification"), attr(res, "env"),
        mfa instanceof Value.Bool b ? Boolean.toString(b.value()) : "absent"};
  }

  private static String attr(Entity e, String name) {
    Value v = e.attributes().get(name);
    return v instanceof Value.Str s ? s.value() : "";
  }

  public static Object[][] requests(Workload w, EntityStore store) {
    Object[][] out = new Object[w.requests.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = request(w.requests[i], store);
    }
    return out;
  }

  /** The result of a cross-check. */
  public record Agreement(int checked, int permits, int mismatches, String firstMismatch) {
    public void orThrow() {
      if (mismatches > 0) {
        throw new IllegalStateException("Writ and jCasbin disagree on " + mismatches + " of " + checked
            + " requests; first: " + firstMismatch);
      }
    }
  }

  /**
   * Decides the first {@code count} requests with both engines and counts the disagreements. A
   * Writ decision with evaluation errors also counts as a mismatch: the PEER mix must not error.
   */
  public static Agreement crossCheck(Workload w, Authorizer writ, EntityStore store, Enforcer casbin,
                                     Object[][] casbinRequests, int count) {
    int n = Math.min(count, w.requests.length);
    int permits = 0;
    int mismatches = 0;
    String first = null;
    DecideOptions options = DecideOptions.at(Workload.TIME);
    for (int i = 0; i < n; i++) {
      Decision d = writ.decide(w.requests[i], store, options);
      boolean writPermit = d.decision() == Outcome.PERMIT;
      boolean casbinPermit = casbin.enforce(casbinRequests[i]);
      if (writPermit) {
        permits++;
      }
      if (writPermit != casbinPermit || !d.errors().isEmpty() || d.decision() == Outcome.PENDING) {
        mismatches++;
        if (first == null) {
          first = "request " + i + " " + List.of(casbinRequests[i]) + ": Writ " + d.decision() + " " + d.policies()
              + d.forbids() + d.errors() + ", jCasbin " + (casbinPermit ? "permit" : "deny");
        }
      }
    }
    return new Agreement(n, permits, mismatches, first);
  }
}

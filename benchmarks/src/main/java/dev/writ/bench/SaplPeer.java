package dev.writ.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.entity.Entity;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.eval.Authorizer;
import dev.writ.engine.eval.DecideOptions;
import dev.writ.engine.request.AccessRequest;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import io.sapl.api.pdp.AuthorizationDecision;
import io.sapl.api.pdp.AuthorizationSubscription;
import io.sapl.api.pdp.PolicyDecisionPoint;
import io.sapl.interpreter.InitializationException;
import io.sapl.interpreter.combinators.PolicyDocumentCombiningAlgorithm;
import io.sapl.pdp.PolicyDecisionPointFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The second peer: SAPL's embedded policy decision point ({@code io.sapl:sapl-pdp-embedded}),
 * on the same PEER workload as jCasbin, one SAPL policy document per Writ rule.
 *
 * <p>SAPL has no entity store: attributes and hierarchy come in the subscription (or from policy
 * information points, which would be slower). So the subscription carries, for the principal and
 * the resource, the type, kind, uid, the transitive set of ancestors and the attributes the rules
 * read; the action is the concrete name; the environment has {@code mfa}. This is prepared once per
 * request, outside the timed loop, just as the Casbin request is. Each rule becomes:
 *
 * <pre>
 * policy "r12_t1_doc_write"
 * permit subject.ptype == "User" &amp; resource.rtype == "Doc"
 * where
 *   "Team::t1" in subject.ancestors;
 *   "Folder::f1" in resource.ancestors;
 *   action in ["doc:edit", "doc:comment"];
 *   resource.cls != "secret";
 * </pre>
 *
 * with the type tests in the target expression (which SAPL's policy retrieval checks first) and
 * the rest in the body. Forbids are {@code deny} policies; the combining algorithm is
 * {@code DENY_OVERRIDES}, and NOT_APPLICABLE counts as deny (Writ denies by default).
 * {@code decideOnce(...).block()} gives one decision per call, as Writ's {@code decide} does.
 */
public final class SaplPeer {
  private SaplPeer() {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> KINDS = Set.of("human", "machine", "agent");

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The SAPL policy document of one peer rule. */
  static String document(int i, CasbinPeer.Rule r) {
    StringBuilder sb = new StringBuilder();
    sb.append("policy \"r").append(i).append("\"\n");
    sb.append(r.eft().equals("allow") ? "permit " : "deny ");
    sb.append(KINDS.contains(r.ptype()) ? "subject.kind == " : "subject.ptype == ").append(quote(r.ptype()));
    sb.append(" & resource.rtype == ").append(quote(r.rtype())).append('\n');
    List<String> body = new ArrayList<>();
    if (!r.sub().equals("*")) {
      body.add(quote(r.sub()) + " in subject.ancestors");
    }
    if (!r.obj().equals("*")) {
      body.add(quote(r.obj()) + " in resource.ancestors");
    }
    String act = r.act();
    if (act.equals("*")) {
      // any action
    } else if (act.endsWith("*")) {
      body.add("action =~ " + quote("^" + java.util.regex.Pattern.quote(act.substring(0, act.length() - 1)) + ".*$"));
    } else if (Workload.ACTION_GROUPS.containsKey(act)) {
      List<String> members = new ArrayList<>();
      Workload.ACTION_GROUPS.get(act).forEach(m -> members.add(quote(m)));
      body.add("action in [" + String.join(", ", members) + "]");
    } else {
      body.add("action == " + quote(act));
    }
    if (!r.cls().equals("*")) {
      body.add(r.cls().startsWith("!") ? "resource.cls != " + quote(r.cls().substring(1))
          : "resource.cls == " + quote(r.cls()));
    }
    if (!r.env().equals("*")) {
      body.add("resource.env == " + quote(r.env()));
    }
    if (!r.mfa().equals("*")) {
      body.add("environment.mfa == " + r.mfa());
    }
    if (!body.isEmpty()) {
      sb.append("where\n");
      body.forEach(b -> sb.append("  ").append(b).append(";\n"));
    }
    return sb.toString();
  }

  public static PolicyDecisionPoint pdp(Workload w) {
    if (w.peerRules == null) {
      throw new IllegalArgumentException("the " + w.mix + " mix has no SAPL equivalent; use PEER or ROLE_FOLDER");
    }
    List<String> documents = new ArrayList<>(w.peerRules.size());
    for (int i = 0; i < w.peerRules.size(); i++) {
      documents.add(document(i, w.peerRules.get(i)));
    }
    try {
      return PolicyDecisionPointFactory.fixedInRamPolicyDecisionPoint(documents,
          PolicyDocumentCombiningAlgorithm.DENY_OVERRIDES, Map.of());
    } catch (InitializationException e) {
      throw new IllegalStateException("SAPL refused the generated policies: " + e.getMessage(), e);
    }
  }

  private static ObjectNode entity(EntityUid uid, EntityStore store, String typeField) {
    Entity e = store.get(uid);
    ObjectNode o = NODES.objectNode();
    o.put(typeField, uid.type());
    o.put("kind", e.kind().keyword());
    o.put("id", uid.toString());
    ArrayNode anc = o.putArray("ancestors");
    new TreeSet<>(store.ancestorsOrSelf(uid)).forEach(a -> anc.add(a.toString()));
    Value cls = e.attributes().get("classification");
    Value env = e.attributes().get("env");
    o.put("cls", cls instanceof Value.Str s ? s.value() : "");
    o.put("env", env instanceof Value.Str s ? s.value() : "");
    return o;
  }

  /** The SAPL subscription for a Writ request: built once, outside any timed loop. */
  public static AuthorizationSubscription subscription(AccessRequest r, EntityStore store) {
    CasbinPeer.request(r, store); // the same restrictions: a PEER request
    ObjectNode environment = NODES.objectNode();
    Value mfa = r.context().fields().get("mfa");
    if (mfa instanceof Value.Bool b) {
      environment.put("mfa", b.value());
    }
    return new AuthorizationSubscription(entity(r.principal(), store, "ptype"), NODES.textNode(r.actions().get(0)),
        entity(r.resource(), store, "rtype"), environment);
  }

  public static AuthorizationSubscription[] subscriptions(Workload w, EntityStore store) {
    AuthorizationSubscription[] out = new AuthorizationSubscription[w.requests.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = subscription(w.requests[i], store);
    }
    return out;
  }

  public static boolean permits(PolicyDecisionPoint pdp, AuthorizationSubscription s) {
    AuthorizationDecision d = pdp.decideOnce(s).block();
    return d != null && d.getDecision() == io.sapl.api.pdp.Decision.PERMIT;
  }

  /** Like {@link CasbinPeer#crossCheck}: decides a prefix of the stream with both engines. */
  public static CasbinPeer.Agreement crossCheck(Workload w, Authorizer writ, EntityStore store, PolicyDecisionPoint pdp,
                                                AuthorizationSubscription[] subs, int count) {
    int n = Math.min(count, w.requests.length);
    int permits = 0;
    int mismatches = 0;
    String first = null;
    DecideOptions options = DecideOptions.at(Workload.TIME);
    for (int i = 0; i < n; i++) {
      Decision d = writ.decide(w.requests[i], store, options);
      boolean writPermit = d.decision() == Outcome.PERMIT;
      AuthorizationDecision sd = pdp.decideOnce(subs[i]).block();
      boolean saplPermit = sd != null && sd.getDecision() == io.sapl.api.pdp.Decision.PERMIT;
      if (writPermit) {
        permits++;
      }
      boolean indeterminate = sd == null || sd.getDecision() == io.sapl.api.pdp.Decision.INDETERMINATE;
      if (writPermit != saplPermit || indeterminate || !d.errors().isEmpty()) {
        mismatches++;
        if (first == null) {
          first = "request " + i + " " + new ObjectMapper().valueToTree(subs[i]) + ": Writ " + d.decision() + " "
              + d.policies() + d.forbids() + ", SAPL " + (sd == null ? "null" : sd.getDecision());
        }
      }
    }
    return new CasbinPeer.Agreement(n, permits, mismatches, first);
  }
}

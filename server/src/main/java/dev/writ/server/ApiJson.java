package dev.writ.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.audit.AuditRecord;
import dev.writ.engine.grant.ActionAnswer;
import dev.writ.engine.grant.Grant;
import dev.writ.engine.grant.GrantState;
import dev.writ.engine.grant.NarrowingResult;
import dev.writ.engine.grant.RequestResult;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.json.Values;
import dev.writ.engine.value.EntityUid;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON the API answers with, beyond decisions (which {@link DecisionJson} writes). */
public final class ApiJson {
  private ApiJson() {}

  /**
   * A grant or pending request. {@code state} is {@code pending}, {@code active}, {@code expired},
   * {@code revoked} or {@code denied}, as of {@code now}: an active grant past its expiry reads
   * {@code expired} even before the sweep records it.
   */
  public static ObjectNode grant(Grant g, Instant now) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("id", g.id());
    putNullable(o, "parent", g.parent());
    o.put("principal", g.principal().toString());
    o.set("chain", uids(g.chain()));
    if (g.task() == null) {
      o.putNull("task");
    } else {
      ObjectNode task = o.putObject("task");
      task.put("intent", g.task().intent());
      ObjectNode params = task.putObject("params");
      g.task().params().forEach((k, v) -> params.set(k, Values.toJson(v)));
    }
    ArrayNode actions = o.putArray("actions");
    g.actions().forEach(actions::add);
    o.put("resource", g.resource().toString());
    o.set("context", Values.toJson(g.context()));
    putTime(o, "requested_at", g.requestedAt());
    putTime(o, "issued_at", g.issuedAt());
    putTime(o, "expires_at", g.expiresAt());
    GrantState s = g.state();
    String state = s.kind() == GrantState.Kind.ACTIVE && !g.activeAt(now) ? "expired"
        : s.kind().name().toLowerCase(Locale.ROOT);
    o.put("state", state);
    if (s instanceof GrantState.Revoked r) {
      o.put("reason", r.reason());
      putTime(o, "ended_at", r.at());
    } else if (s instanceof GrantState.Expired e) {
      putTime(o, "ended_at", e.at());
    } else if (s instanceof GrantState.Denied d) {
      putTime(o, "ended_at", d.at());
    }
    o.set("approvers", uids(g.approvers()));
    ArrayNode policies = o.putArray("policies");
    g.policies().forEach(policies::add);
    putNullable(o, "revision", g.revision());
    return o;
  }

  /**
   * The answer to a request, approval or delegation: {@code {id, decision, grant, seq}}, {@code
   * seq} being the audit record that committed it (its last: {@code granted} or {@code decided}).
   */
  public static ObjectNode result(RequestResult r, Instant now) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("id", r.id());
    o.set("decision", DecisionJson.write(r.decision()));
    if (r.grant().isPresent()) {
      o.set("grant", grant(r.grant().get(), now));
    } else {
      o.putNull("grant");
    }
    putSeq(o, r.seq());
    return o;
  }

  /** {@code seq}: the audit record an answer produced; null when it recorded nothing. */
  private static void putSeq(ObjectNode o, long seq) {
    if (seq > 0) {
      o.put("seq", seq);
    } else {
      o.putNull("seq");
    }
  }

  public static ObjectNode answer(ActionAnswer a) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.put("answer", a.answer().json());
    o.put("drift", a.drift());
    ArrayNode reasons = o.putArray("reasons");
    a.reasons().forEach(reasons::add);
    ArrayNode revoked = o.putArray("revoked");
    a.revoked().forEach(revoked::add);
    putSeq(o, a.seq());
    return o;
  }

  /** The answer to a narrowing: {@code {grant, narrowed: [...], revoked: [...]}} (the descendants narrowed or ended with it). */
  public static ObjectNode narrowed(NarrowingResult r, Instant now) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    o.set("grant", grant(r.grant(), now));
    ArrayNode narrowed = o.putArray("narrowed");
    r.narrowed().forEach(narrowed::add);
    ArrayNode revoked = o.putArray("revoked");
    r.revoked().forEach(revoked::add);
    return o;
  }

  public static ObjectNode revoked(List<String> ids) {
    ObjectNode o = DataDocument.JSON.createObjectNode();
    ArrayNode revoked = o.putArray("revoked");
    ids.forEach(revoked::add);
    return o;
  }

  private static ArrayNode uids(List<EntityUid> list) {
    ArrayNode a = DataDocument.JSON.createArrayNode();
    list.forEach(u -> a.add(u.toString()));
    return a;
  }

  private static void putNullable(ObjectNode o, String name, String value) {
    if (value == null) {
      o.putNull(name);
    } else {
      o.put(name, value);
    }
  }

  private static void putTime(ObjectNode o, String name, Instant t) {
    if (t == null) {
      o.putNull(name);
    } else {
      o.put(name, t.toString());
    }
  }
}

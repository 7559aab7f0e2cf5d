package dev.writ.engine.impact;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.json.DecisionJson;
import dev.writ.engine.json.Values;
import dev.writ.engine.request.AccessRequest;
import dev.writ.language.vocab.Durations;

/** The report for tools ({@code writ impact --format json}, {@code impact.json}). */
public final class ImpactJson {
  private ImpactJson() {}

  public static ObjectNode write(ImpactReport r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("replayed", r.replayed());
    o.put("changed", r.changes().size());
    o.put("widens", r.widens());
    ObjectNode summary = o.putObject("summary");
    for (Direction d : Direction.values()) {
      summary.put(d.json(), r.byDirection().get(d));
    }
    ArrayNode changes = o.putArray("changes");
    for (RequestChange c : r.changes()) {
      ObjectNode e = changes.addObject();
      e.put("where", c.where());
      e.set("request", request(c.request()));
      ArrayNode dirs = e.putArray("directions");
      c.directions().forEach(d -> dirs.add(d.json()));
      ArrayNode diffs = e.putArray("differences");
      for (Difference d : c.differences()) {
        ObjectNode x = diffs.addObject();
        x.put("aspect", d.aspect().json());
        x.put("direction", d.direction().json());
        x.put("subject", d.subject());
        x.put("before", d.before());
        x.put("after", d.after());
      }
      ObjectNode rules = e.putObject("rules");
      ArrayNode stopped = rules.putArray("stopped");
      c.rulesStopped().forEach(stopped::add);
      ArrayNode started = rules.putArray("started");
      c.rulesStarted().forEach(started::add);
      ArrayNode kept = rules.putArray("kept");
      c.rulesKept().forEach(kept::add);
      e.set("before", DecisionJson.write(c.before()));
      e.set("after", DecisionJson.write(c.after()));
    }
    ArrayNode byRule = o.putArray("byRule");
    for (ImpactReport.RuleImpact x : r.byRule()) {
      ObjectNode e = byRule.addObject();
      e.put("rule", x.rule());
      e.put("widened", x.widened());
      e.put("narrowed", x.narrowed());
      e.put("other", x.other());
    }
    ArrayNode revoked = o.putArray("revoked");
    for (ImpactReport.RevokedGrant g : r.revoked()) {
      ObjectNode e = revoked.addObject();
      e.put("grant", g.grant());
      e.put("principal", g.principal().toString());
      ArrayNode actions = e.putArray("actions");
      g.actions().forEach(actions::add);
      e.put("resource", g.resource().toString());
      if (g.now().isPresent()) {
        e.put("now", g.now().get().json());
      } else {
        e.putNull("now");
      }
      if (g.delegatedFrom().isPresent()) {
        e.put("delegatedFrom", g.delegatedFrom().get());
      } else {
        e.putNull("delegatedFrom");
      }
    }
    ArrayNode undecided = o.putArray("undecided");
    for (ImpactReport.Undecided u : r.undecided()) {
      ObjectNode e = undecided.addObject();
      e.put("where", u.where());
      e.put("problem", u.problem());
    }
    return o;
  }

  /** A request in the access-request format (principal, actions, resource, intent, ...). */
  static ObjectNode request(AccessRequest q) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("principal", q.principal().toString());
    ArrayNode actions = o.putArray("actions");
    q.actions().forEach(actions::add);
    o.put("resource", q.resource().toString());
    q.intent().ifPresent(i -> {
      ObjectNode in = o.putObject("intent");
      in.put("name", i.name());
      i.params().forEach((k, v) -> in.set(k, Values.toJson(v)));
    });
    q.durationSeconds().ifPresent(d -> o.put("duration", Durations.format(d)));
    if (!q.delegation().isEmpty()) {
      ArrayNode chain = o.putArray("delegation");
      q.delegation().forEach(u -> chain.add(u.toString()));
    }
    if (!q.approvals().isEmpty()) {
      ArrayNode approvals = o.putArray("approvals");
      for (AccessRequest.Approval a : q.approvals()) {
        ObjectNode x = approvals.addObject();
        x.put("by", a.by().toString());
        a.at().ifPresent(t -> x.put("at", t.toString()));
      }
    }
    if (!q.context().fields().isEmpty()) {
      o.set("context", Values.toJson(q.context()));
    }
    q.time().ifPresent(t -> o.put("time", t.toString()));
    return o;
  }
}

package dev.writ.engine.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.language.vocab.Durations;

/** The JSON form of a decision (docs/decisions.md), shared by the CLI, the server and reports. */
public final class DecisionJson {
  private DecisionJson() {}

  public static ObjectNode write(Decision d) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("decision", d.decision().json());
    if (d.ttlSeconds().isPresent()) {
      o.put("ttl", Durations.format(d.ttlSeconds().get()));
    } else {
      o.putNull("ttl");
    }
    o.put("standing", d.standing());
    ArrayNode policies = o.putArray("policies");
    d.policies().forEach(policies::add);
    ArrayNode forbids = o.putArray("forbids");
    d.forbids().forEach(forbids::add);
    ArrayNode pending = o.putArray("pending");
    for (PendingApproval p : d.pending()) {
      ObjectNode e = pending.addObject();
      e.put("policy", p.policy());
      e.put("from", p.from().toString());
      e.put("required", p.required());
      e.put("missing", p.missing());
    }
    ArrayNode obligations = o.putArray("obligations");
    for (Obligation ob : d.obligations()) {
      ObjectNode e = obligations.addObject();
      e.put("name", ob.name());
      if (ob.value() == null) {
        e.putNull("value");
      } else {
        e.put("value", ob.value());
      }
      e.put("policy", ob.policy());
    }
    ObjectNode actions = o.putObject("actions");
    d.actions().forEach((k, v) -> actions.put(k, v.json()));
    ArrayNode reasons = o.putArray("reasons");
    d.reasons().forEach(reasons::add);
    ArrayNode errors = o.putArray("errors");
    for (EvalErrorInfo err : d.errors()) {
      ObjectNode e = errors.addObject();
      e.put("policy", err.policy());
      e.put("message", err.message());
      e.put("at", err.at());
    }
    d.explanation().ifPresent(traces -> {
      ArrayNode ex = o.putArray("explanation");
      for (RuleTrace t : traces) {
        ObjectNode e = ex.addObject();
        e.put("policy", t.policy());
        e.put("effect", t.effect());
        e.put("action", t.action());
        e.put("principal", t.principal());
        e.put("result", t.result().json());
        e.put("detail", t.detail());
      }
    });
    return o;
  }
}

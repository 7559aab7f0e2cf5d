package dev.writ.engine.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.decision.Decision;
import dev.writ.engine.decision.EvalErrorInfo;
import dev.writ.engine.decision.Obligation;
import dev.writ.engine.decision.Outcome;
import dev.writ.engine.decision.PendingApproval;
import dev.writ.engine.decision.RuleTrace;
import dev.writ.language.vocab.Durations;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a decision (docs/decisions.md), shared by the CLI, the server and reports:
 * as a tree ({@link #write(Decision)}) where it is embedded in a larger answer, or straight to a
 * token stream ({@link #write(Decision, JsonGenerator)}) where decisions are written one after the
 * other ({@code writ eval --requests}). Both give the same text, field for field (DecisionJsonTest).
 */
public final class DecisionJson {
  private DecisionJson() {}

  /** Writes the decision as one JSON object, the fields in the order of {@link #write(Decision)}. */
  public static void write(Decision d, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("decision", d.decision().json());
    if (d.ttlSeconds().isPresent()) {
      g.writeStringField("ttl", Durations.format(d.ttlSeconds().get()));
    } else {
      g.writeNullField("ttl");
    }
    g.writeBooleanField("standing", d.standing());
    strings(g, "policies", d.policies());
    strings(g, "forbids", d.forbids());
    g.writeArrayFieldStart("pending");
    for (PendingApproval p : d.pending()) {
      g.writeStartObject();
      g.writeStringField("policy", p.policy());
      g.writeStringField("from", p.from().toString());
      g.writeNumberField("required", p.required());
      g.writeNumberField("missing", p.missing());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("obligations");
    for (Obligation ob : d.obligations()) {
      g.writeStartObject();
      g.writeStringField("name", ob.name());
      if (ob.value() == null) {
        g.writeNullField("value");
      } else {
        g.writeStringField("value", ob.value());
      }
      g.writeStringField("policy", ob.policy());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("actions");
    for (Map.Entry<String, Outcome> e : d.actions().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue().json());
    }
    g.writeEndObject();
    strings(g, "reasons", d.reasons());
    g.writeArrayFieldStart("errors");
    for (EvalErrorInfo err : d.errors()) {
      g.writeStartObject();
      g.writeStringField("policy", err.policy());
      g.writeStringField("message", err.message());
      g.writeStringField("at", err.at());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (d.explanation().isPresent()) {
      g.writeArrayFieldStart("explanation");
      for (RuleTrace t : d.explanation().get()) {
        g.writeStartObject();
        g.writeStringField("policy", t.policy());
        g.writeStringField("effect", t.effect());
        g.writeStringField("action", t.action());
        g.writeStringField("principal", t.principal());
        g.writeStringField("result", t.result().json());
        g.writeStringField("detail", t.detail());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

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

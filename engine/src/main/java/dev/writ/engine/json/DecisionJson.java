package dev.writ.engine.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
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

  // Field names quoted once: the generator copies them instead of checking each character.
  private static final SerializableString ACTION = new SerializedString("action");
  private static final SerializableString ACTIONS = new SerializedString("actions");
  private static final SerializableString AT = new SerializedString("at");
  private static final SerializableString DECISION = new SerializedString("decision");
  private static final SerializableString DETAIL = new SerializedString("detail");
  private static final SerializableString EFFECT = new SerializedString("effect");
  private static final SerializableString ERRORS = new SerializedString("errors");
  private static final SerializableString EXPLANATION = new SerializedString("explanation");
  private static final SerializableString FORBIDS = new SerializedString("forbids");
  private static final SerializableString FROM = new SerializedString("from");
  private static final SerializableString MESSAGE = new SerializedString("message");
  private static final SerializableString MISSING = new SerializedString("missing");
  private static final SerializableString NAME = new SerializedString("name");
  private static final SerializableString OBLIGATIONS = new SerializedString("obligations");
  private static final SerializableString PENDING = new SerializedString("pending");
  private static final SerializableString POLICIES = new SerializedString("policies");
  private static final SerializableString POLICY = new SerializedString("policy");
  private static final SerializableString PRINCIPAL = new SerializedString("principal");
  private static final SerializableString REASONS = new SerializedString("reasons");
  private static final SerializableString REQUIRED = new SerializedString("required");
  private static final SerializableString RESULT = new SerializedString("result");
  private static final SerializableString STANDING = new SerializedString("standing");
  private static final SerializableString TTL = new SerializedString("ttl");
  private static final SerializableString VALUE = new SerializedString("value");

  /** Each outcome's JSON text, quoted once ({@link Outcome#json()} lowercases its name on every call). */
  private static final SerializableString[] OUTCOMES = new SerializableString[Outcome.values().length];

  static {
    for (Outcome o : Outcome.values()) {
      OUTCOMES[o.ordinal()] = new SerializedString(o.json());
    }
  }

  /** Writes the decision as one JSON object, the fields in the order of {@link #write(Decision)}. */
  public static void write(Decision d, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeFieldName(DECISION);
    g.writeString(OUTCOMES[d.decision().ordinal()]);
    g.writeFieldName(TTL);
    if (d.ttlSeconds().isPresent()) {
      g.writeString(Durations.format(d.ttlSeconds().get()));
    } else {
      g.writeNull();
    }
    g.writeFieldName(STANDING);
    g.writeBoolean(d.standing());
    strings(g, POLICIES, d.policies());
    strings(g, FORBIDS, d.forbids());
    g.writeFieldName(PENDING);
    g.writeStartArray();
    for (PendingApproval p : d.pending()) {
      g.writeStartObject();
      g.writeFieldName(POLICY);
      g.writeString(p.policy());
      g.writeFieldName(FROM);
      g.writeString(p.from().toString());
      g.writeFieldName(REQUIRED);
      g.writeNumber(p.required());
      g.writeFieldName(MISSING);
      g.writeNumber(p.missing());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeFieldName(OBLIGATIONS);
    g.writeStartArray();
    for (Obligation ob : d.obligations()) {
      g.writeStartObject();
      g.writeFieldName(NAME);
      g.writeString(ob.name());
      g.writeFieldName(VALUE);
      if (ob.value() == null) {
        g.writeNull();
      } else {
        g.writeString(ob.value());
      }
      g.writeFieldName(POLICY);
      g.writeString(ob.policy());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeFieldName(ACTIONS);
    g.writeStartObject();
    for (Map.Entry<String, Outcome> e : d.actions().entrySet()) {
      g.writeFieldName(e.getKey());
      g.writeString(OUTCOMES[e.getValue().ordinal()]);
    }
    g.writeEndObject();
    strings(g, REASONS, d.reasons());
    g.writeFieldName(ERRORS);
    g.writeStartArray();
    for (EvalErrorInfo err : d.errors()) {
      g.writeStartObject();
      g.writeFieldName(POLICY);
      g.writeString(err.policy());
      g.writeFieldName(MESSAGE);
      g.writeString(err.message());
      g.writeFieldName(AT);
      g.writeString(err.at());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (d.explanation().isPresent()) {
      g.writeFieldName(EXPLANATION);
      g.writeStartArray();
      for (RuleTrace t : d.explanation().get()) {
        g.writeStartObject();
        g.writeFieldName(POLICY);
        g.writeString(t.policy());
        g.writeFieldName(EFFECT);
        g.writeString(t.effect());
        g.writeFieldName(ACTION);
        g.writeString(t.action());
        g.writeFieldName(PRINCIPAL);
        g.writeString(t.principal());
        g.writeFieldName(RESULT);
        g.writeString(t.result().json());
        g.writeFieldName(DETAIL);
        g.writeString(t.detail());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, SerializableString field, List<String> values) throws IOException {
    g.writeFieldName(field);
    g.writeStartArray();
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

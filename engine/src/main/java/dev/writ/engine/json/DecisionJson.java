package dev.writ.engine.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
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
 * as a tree ({@link #write(Decision)}, derived from the token stream) where it is embedded in a larger answer, or straight to a
 * token stream ({@link #write(Decision, JsonGenerator)}) where decisions are written one after the
 * other (the server's answers), or as text from pre-written fragments ({@link #write(Decision, JsonText)})
 * for {@code writ eval --requests}. All give the same text, field for field (DecisionJsonProperties).
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

  // The fixed text between a decision's values, written once: a batch line copies these instead of
  // going token by token through a generator. DecisionJsonProperties compares the text with the
  // generator's on generated decisions.
  private static final char[][] OPEN = new char[Outcome.values().length][]; // {"decision":"permit","ttl":
  private static final char[] NULL = JsonText.fragment("null");
  private static final char[] STANDING_TRUE = JsonText.fragment(",\"standing\":true,\"policies\":[");
  private static final char[] STANDING_FALSE = JsonText.fragment(",\"standing\":false,\"policies\":[");
  private static final char[] THEN_FORBIDS = JsonText.fragment("],\"forbids\":[");
  private static final char[] THEN_PENDING = JsonText.fragment("],\"pending\":[");
  private static final char[] PENDING_POLICY = JsonText.fragment("{\"policy\":"); // also errors', traces'
  private static final char[] COMMA_PENDING_POLICY = JsonText.fragment(",{\"policy\":");
  private static final char[] PENDING_FROM = JsonText.fragment(",\"from\":");
  private static final char[] PENDING_REQUIRED = JsonText.fragment(",\"required\":");
  private static final char[] PENDING_MISSING = JsonText.fragment(",\"missing\":");
  private static final char[] THEN_OBLIGATIONS = JsonText.fragment("],\"obligations\":[");
  private static final char[] OBLIGATION_NAME = JsonText.fragment("{\"name\":");
  private static final char[] COMMA_OBLIGATION_NAME = JsonText.fragment(",{\"name\":");
  private static final char[] OBLIGATION_VALUE = JsonText.fragment(",\"value\":");
  private static final char[] THEN_POLICY = JsonText.fragment(",\"policy\":");
  private static final char[] THEN_ACTIONS = JsonText.fragment("],\"actions\":{");
  private static final char[][] ACTION_OUTCOME = new char[Outcome.values().length][]; // :"permit"
  private static final char[] THEN_REASONS = JsonText.fragment("},\"reasons\":[");
  private static final char[] THEN_ERRORS = JsonText.fragment("],\"errors\":[");
  private static final char[] ERROR_MESSAGE = JsonText.fragment(",\"message\":");
  private static final char[] ERROR_AT = JsonText.fragment(",\"at\":");
  private static final char[] THEN_EXPLANATION = JsonText.fragment("],\"explanation\":[");
  private static final char[] TRACE_EFFECT = JsonText.fragment(",\"effect\":");
  private static final char[] TRACE_ACTION = JsonText.fragment(",\"action\":");
  private static final char[] TRACE_PRINCIPAL = JsonText.fragment(",\"principal\":");
  private static final char[] TRACE_RESULT = JsonText.fragment(",\"result\":");
  private static final char[] TRACE_DETAIL = JsonText.fragment(",\"detail\":");
  private static final char[] CLOSE_ARRAY = JsonText.fragment("]}");
  private static final char[][] RESULTS = new char[RuleTrace.Result.values().length][]; // "applies"

  static {
    for (Outcome o : Outcome.values()) {
      OPEN[o.ordinal()] = JsonText.fragment("{\"decision\":\"" + o.json() + "\",\"ttl\":");
      ACTION_OUTCOME[o.ordinal()] = JsonText.fragment(":\"" + o.json() + "\"");
    }
    for (RuleTrace.Result r : RuleTrace.Result.values()) {
      RESULTS[r.ordinal()] = JsonText.fragment("\"" + r.json() + "\"");
    }
  }

  /** A duration's text, kept per seconds value: a batch's decisions carry few distinct ttls. */
  private record TtlText(long seconds, String text) {}

  private static final TtlText[] TTLS = new TtlText[64]; // racy but idempotent: entries are immutable

  private static String ttl(long seconds) {
    int slot = (int) ((seconds ^ (seconds >>> 32)) * 0x9E3779B9L >>> 26) & 63;
    TtlText t = TTLS[slot];
    if (t == null || t.seconds() != seconds) {
      t = new TtlText(seconds, Durations.format(seconds));
      TTLS[slot] = t;
    }
    return t.text();
  }

  /** Writes the decision as {@link #write(Decision, JsonGenerator)} does, as text from pre-written fragments. */
  public static void write(Decision d, JsonText out) throws IOException {
    out.raw(OPEN[d.decision().ordinal()]);
    if (d.ttlSeconds().isPresent()) {
      out.string(ttl(d.ttlSeconds().get()));
    } else {
      out.raw(NULL);
    }
    out.raw(d.standing() ? STANDING_TRUE : STANDING_FALSE);
    strings(out, d.policies());
    out.raw(THEN_FORBIDS);
    strings(out, d.forbids());
    out.raw(THEN_PENDING);
    List<PendingApproval> pending = d.pending();
    for (int i = 0; i < pending.size(); i++) {
      PendingApproval p = pending.get(i);
      out.raw(i == 0 ? PENDING_POLICY : COMMA_PENDING_POLICY);
      out.string(p.policy());
      out.raw(PENDING_FROM);
      out.string(p.from().toString());
      out.raw(PENDING_REQUIRED);
      out.number(p.required());
      out.raw(PENDING_MISSING);
      out.number(p.missing());
      out.raw('}');
    }
    out.raw(THEN_OBLIGATIONS);
    List<Obligation> obligations = d.obligations();
    for (int i = 0; i < obligations.size(); i++) {
      Obligation ob = obligations.get(i);
      out.raw(i == 0 ? OBLIGATION_NAME : COMMA_OBLIGATION_NAME);
      out.string(ob.name());
      out.raw(OBLIGATION_VALUE);
      out.string(ob.value()); // null as null
      out.raw(THEN_POLICY);
      out.string(ob.policy());
      out.raw('}');
    }
    out.raw(THEN_ACTIONS);
    boolean first = true;
    for (Map.Entry<String, Outcome> e : d.actions().entrySet()) {
      if (!first) {
        out.raw(',');
      }
      first = false;
      out.string(e.getKey());
      out.raw(ACTION_OUTCOME[e.getValue().ordinal()]);
    }
    out.raw(THEN_REASONS);
    strings(out, d.reasons());
    out.raw(THEN_ERRORS);
    List<EvalErrorInfo> errors = d.errors();
    for (int i = 0; i < errors.size(); i++) {
      EvalErrorInfo err = errors.get(i);
      out.raw(i == 0 ? PENDING_POLICY : COMMA_PENDING_POLICY);
      out.string(err.policy());
      out.raw(ERROR_MESSAGE);
      out.string(err.message());
      out.raw(ERROR_AT);
      out.string(err.at());
      out.raw('}');
    }
    if (d.explanation().isEmpty()) {
      out.raw(CLOSE_ARRAY);
      return;
    }
    out.raw(THEN_EXPLANATION);
    List<RuleTrace> traces = d.explanation().get();
    for (int i = 0; i < traces.size(); i++) {
      RuleTrace t = traces.get(i);
      out.raw(i == 0 ? PENDING_POLICY : COMMA_PENDING_POLICY);
      out.string(t.policy());
      out.raw(TRACE_EFFECT);
      out.string(t.effect());
      out.raw(TRACE_ACTION);
      out.string(t.action());
      out.raw(TRACE_PRINCIPAL);
      out.string(t.principal());
      out.raw(TRACE_RESULT);
      out.raw(RESULTS[t.result().ordinal()]);
      out.raw(TRACE_DETAIL);
      out.string(t.detail());
      out.raw('}');
    }
    out.raw(CLOSE_ARRAY);
  }

  private static void strings(JsonText out, List<String> values) throws IOException {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.raw(',');
      }
      out.string(values.get(i));
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

  /**
   * The decision as a JSON tree, where it is embedded in a larger answer: exactly what {@link
   * #write(Decision, JsonGenerator)} writes (one definition of the shape for trees and token
   * streams), buffered as tokens and read back as a tree.
   */
  public static ObjectNode write(Decision d) {
    try (TokenBuffer buffer = new TokenBuffer(DataDocument.JSON, false)) {
      write(d, buffer);
      try (JsonParser p = buffer.asParser()) {
        return (ObjectNode) DataDocument.JSON.readTree(p);
      }
    } catch (IOException x) {
      throw new java.io.UncheckedIOException(x); // a buffer in memory: only a bug gets here
    }
  }
}

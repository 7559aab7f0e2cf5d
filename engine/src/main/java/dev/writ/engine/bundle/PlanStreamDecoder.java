package dev.writ.engine.bundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanIntent;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.language.vocab.Schema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the rules of a plan straight from the parser's tokens into the plan records, without
 * data binding (which was most of the cost of loading a large bundle). It accepts only the exact
 * shapes data binding accepts without coercion (every field once, the JSON types the writer
 * writes) and gives way with {@link GiveWay} on anything else; {@link PlanCodec#decodePlan} then
 * decodes the plan again by data binding, so a malformed plan is refused with the same message
 * as before. The schema and the intents (few) are read by data binding here too. Repeated strings
 * (actions, types, kinds, intent names) are kept once.
 */
final class PlanStreamDecoder {
  /** The input is not in the exact form this decoder reads: decode it by data binding instead. */
  static final class GiveWay extends IOException {
    private static final long serialVersionUID = 1L;

    GiveWay() {
      super("the plan is not in the form the streaming decoder reads");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // control flow, not a fault: no trace to record
    }
  }

  private static final PlanCodec.Refusal REFUSAL = new PlanCodec.Refusal() {
    @Override
    public <T> T refuse(String format, Object... args) throws GiveWay {
      throw new GiveWay();
    }
  };

  // Each reads one value in the middle of the plan: what follows it is the rest of the plan.
  private static final ObjectReader SCHEMA_READER = PlanCodec.MAPPER.readerFor(Schema.class)
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectReader INTENT_READER = PlanCodec.MAPPER.readerFor(PlanIntent.class)
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final JsonParser p;
  private final Map<String, String> strings = new HashMap<>(4096);

  private PlanStreamDecoder(JsonParser p) {
    this.p = p;
  }

  /** The plan the parser holds, the parser left after its last token; {@link GiveWay} if not in the exact form. */
  static PlanData read(JsonParser p) throws IOException {
    return new PlanStreamDecoder(p).plan();
  }

  private static GiveWay giveWay() {
    return new GiveWay();
  }

  private void expect(JsonToken t) throws IOException {
    if (p.nextToken() != t) {
      throw giveWay();
    }
  }

  /** The next field's name, or null at the end of the object; {@code seen} bits catch a field given twice. */
  private String field() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_OBJECT) {
      return null;
    }
    if (t != JsonToken.FIELD_NAME) {
      throw giveWay();
    }
    return p.currentName();
  }

  private static int once(int seen, int bit) throws GiveWay {
    if ((seen & bit) != 0) {
      throw giveWay();
    }
    return seen | bit;
  }

  private static void all(int seen, int fields) throws GiveWay {
    if (seen != (1 << fields) - 1) {
      throw giveWay();
    }
  }

  private PlanData plan() throws IOException {
    expect(JsonToken.START_OBJECT);
    Schema schema = null;
    List<PlanIntent> intents = null;
    List<PlanRule> rules = null;
    int seen = 0;
    for (String f; (f = field()) != null; ) {
      switch (f) {
        case "schema" -> {
          seen = once(seen, 1);
          expect(JsonToken.START_OBJECT);
          schema = SCHEMA_READER.readValue(p);
        }
        case "intents" -> {
          seen = once(seen, 2);
          expect(JsonToken.START_ARRAY);
          intents = new ArrayList<>();
          while (p.nextToken() == JsonToken.START_OBJECT) {
            intents.add(INTENT_READER.readValue(p));
          }
          end();
        }
        case "rules" -> {
          seen = once(seen, 4);
          expect(JsonToken.START_ARRAY);
          rules = new ArrayList<>();
          while (p.nextToken() == JsonToken.START_OBJECT) {
            rules.add(rule());
          }
          end();
        }
        default -> throw giveWay();
      }
    }
    all(seen, 3);
    if (schema == null || intents == null || rules == null) {
      throw giveWay();
    }
    return new PlanData(schema, intents, rules);
  }

  private void end() throws GiveWay {
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw giveWay();
    }
  }

  private PlanRule rule() throws IOException {
    int id = 0;
    String name = null;
    boolean forbid = false;
    List<PlanSelector> principal = null;
    List<String> actions = null;
    List<PlanSelector> resource = null;
    List<String> intents = null;
    List<PlanRule.Condition> conditions = null;
    Long ttlSeconds = null;
    String standing = null;
    List<PlanRule.Approval> approvals = null;
    PlanRule.Delegation delegation = null;
    List<PlanRule.ObligationDef> obligations = null;
    PlanRule.Meta meta = null;
    String at = null;
    int seen = 0;
    for (String f; (f = field()) != null; ) {
      switch (f) {
        case "id" -> { seen = once(seen, 1); id = intValue(); }
        case "name" -> { seen = once(seen, 1 << 1); name = string(); }
        case "forbid" -> { seen = once(seen, 1 << 2); forbid = bool(); }
        case "principal" -> { seen = once(seen, 1 << 3); principal = selectors(); }
        case "actions" -> { seen = once(seen, 1 << 4); actions = strings(); }
        case "resource" -> { seen = once(seen, 1 << 5); resource = selectors(); }
        case "intents" -> { seen = once(seen, 1 << 6); intents = strings(); }
        case "conditions" -> { seen = once(seen, 1 << 7); conditions = conditions(); }
        case "ttlSeconds" -> { seen = once(seen, 1 << 8); ttlSeconds = nullableLong(); }
        case "standing" -> { seen = once(seen, 1 << 9); standing = string(); }
        case "approvals" -> { seen = once(seen, 1 << 10); approvals = approvals(); }
        case "delegation" -> { seen = once(seen, 1 << 11); delegation = delegation(); }
        case "obligations" -> { seen = once(seen, 1 << 12); obligations = obligations(); }
        case "meta" -> { seen = once(seen, 1 << 13); meta = meta(); }
        case "at" -> { seen = once(seen, 1 << 14); at = string(); }
        default -> throw giveWay();
      }
    }
    all(seen, 15);
    return new PlanRule(id, name, forbid, principal, actions, resource, intents, conditions, ttlSeconds, standing,
        approvals, delegation, obligations, meta, at);
  }

  private List<PlanSelector> selectors() throws IOException {
    if (!listStart()) {
      return null;
    }
    List<PlanSelector> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      PlanSelector.Target target = null;
      String value = null;
      String in = null;
      boolean delegated = false;
      int seen = 0;
      for (String f; (f = field()) != null; ) {
        switch (f) {
          case "target" -> { seen = once(seen, 1); target = target(); }
          case "value" -> { seen = once(seen, 2); value = sharedString(); }
          case "in" -> { seen = once(seen, 4); in = sharedString(); }
          case "delegated" -> { seen = once(seen, 8); delegated = bool(); }
          default -> throw giveWay();
        }
      }
      all(seen, 4);
      if (target == null || (target == PlanSelector.Target.ANY) != (value == null)) {
        throw giveWay(); // data binding reports the constructor's refusal
      }
      out.add(new PlanSelector(target, value, in, delegated));
    }
    end();
    return out;
  }

  private PlanSelector.Target target() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw giveWay();
    }
    switch (p.getText()) {
      case "ANY": return PlanSelector.Target.ANY;
      case "KIND": return PlanSelector.Target.KIND;
      case "TYPE": return PlanSelector.Target.TYPE;
      case "ENTITY": return PlanSelector.Target.ENTITY;
      default: throw giveWay();
    }
  }

  private List<PlanRule.Condition> conditions() throws IOException {
    if (!listStart()) {
      return null;
    }
    List<PlanRule.Condition> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      boolean unless = false;
      PlanExpr expr = null;
      String text = null;
      String at = null;
      int seen = 0;
      for (String f; (f = field()) != null; ) {
        switch (f) {
          case "unless" -> { seen = once(seen, 1); unless = bool(); }
          case "expr" -> { seen = once(seen, 2); expr = expr(); }
          case "text" -> { seen = once(seen, 4); text = string(); }
          case "at" -> { seen = once(seen, 8); at = string(); }
          default -> throw giveWay();
        }
      }
      all(seen, 4);
      out.add(new PlanRule.Condition(unless, expr, text, at));
    }
    end();
    return out;
  }

  private List<PlanRule.Approval> approvals() throws IOException {
    if (!listStart()) {
      return null;
    }
    List<PlanRule.Approval> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      long count = 0;
      String from = null;
      PlanExpr where = null;
      String whereText = null;
      int seen = 0;
      for (String f; (f = field()) != null; ) {
        switch (f) {
          case "count" -> { seen = once(seen, 1); count = longValue(); }
          case "from" -> { seen = once(seen, 2); from = string(); }
          case "where" -> { seen = once(seen, 4); where = expr(); }
          case "whereText" -> { seen = once(seen, 8); whereText = string(); }
          default -> throw giveWay();
        }
      }
      all(seen, 4);
      out.add(new PlanRule.Approval(count, from, where, whereText));
    }
    end();
    return out;
  }

  private PlanRule.Delegation delegation() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw giveWay();
    }
    boolean anyKind = false;
    List<String> kinds = null;
    long depth = 0;
    int seen = 0;
    for (String f; (f = field()) != null; ) {
      switch (f) {
        case "anyKind" -> { seen = once(seen, 1); anyKind = bool(); }
        case "kinds" -> { seen = once(seen, 2); kinds = strings(); }
        case "depth" -> { seen = once(seen, 4); depth = longValue(); }
        default -> throw giveWay();
      }
    }
    all(seen, 3);
    if (kinds == null) {
      throw giveWay();
    }
    return new PlanRule.Delegation(anyKind, kinds, depth);
  }

  private List<PlanRule.ObligationDef> obligations() throws IOException {
    if (!listStart()) {
      return null;
    }
    List<PlanRule.ObligationDef> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String name = null;
      String value = null;
      int seen = 0;
      for (String f; (f = field()) != null; ) {
        switch (f) {
          case "name" -> { seen = once(seen, 1); name = string(); }
          case "value" -> { seen = once(seen, 2); value = string(); }
          default -> throw giveWay();
        }
      }
      all(seen, 2);
      out.add(new PlanRule.ObligationDef(name, value));
    }
    end();
    return out;
  }

  private PlanRule.Meta meta() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw giveWay();
    }
    String description = null;
    String owner = null;
    List<String> controls = null;
    String reason = null;
    int seen = 0;
    for (String f; (f = field()) != null; ) {
      switch (f) {
        case "description" -> { seen = once(seen, 1); description = string(); }
        case "owner" -> { seen = once(seen, 2); owner = string(); }
        case "controls" -> { seen = once(seen, 4); controls = strings(); }
        case "reason" -> { seen = once(seen, 8); reason = string(); }
        default -> throw giveWay();
      }
    }
    all(seen, 4);
    return new PlanRule.Meta(description, owner, controls, reason);
  }

  private PlanExpr expr() throws IOException {
    if (p.nextToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    return PlanCodec.readExpr(p, REFUSAL);
  }

  /** True at the start of a list, false for null; gives way on anything else. */
  private boolean listStart() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    if (t != JsonToken.START_ARRAY) {
      throw giveWay();
    }
    return true;
  }

  private List<String> strings() throws IOException {
    if (!listStart()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      out.add(shared(p.getText()));
    }
    end();
    return out;
  }

  private String shared(String s) {
    String known = strings.putIfAbsent(s, s);
    return known == null ? s : known;
  }

  private String sharedString() throws IOException {
    String s = string();
    return s == null ? null : shared(s);
  }

  private String string() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw giveWay();
    }
    return p.getText();
  }

  private boolean bool() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw giveWay();
  }

  private int intValue() throws IOException {
    if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw giveWay();
    }
    return p.getIntValue();
  }

  private long longValue() throws IOException {
    if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw giveWay();
    }
    return p.getLongValue();
  }

  private Long nullableLong() throws IOException {
    if (p.nextToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw giveWay();
    }
    return p.getLongValue();
  }
}

package dev.writ.engine.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Type;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Conversions between data (JSON/YAML trees) and language values. */
public final class Values {
  private Values() {}

  /**
   * A value as data gives it, without a declared type: strings, integers, booleans, lists as
   * sets, {@code {entity: "T::id"}} as entities, other mappings as records. Nulls are absent.
   */
  public static Value untyped(DataNode n) {
    JsonNode node = n.node();
    if (node.isTextual()) {
      return new Value.Str(node.asText());
    }
    if (node.isBoolean()) {
      return Value.Bool.of(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw n.error("integer `" + node.asText() + "` does not fit in 64 bits");
      }
      return new Value.Int(node.longValue());
    }
    if (node.isNumber()) {
      throw n.error("decimal number `" + node.asText() + "` is not a value of the language; use an integer or a string");
    }
    if (node.isArray()) {
      Set<Value> out = new LinkedHashSet<>();
      for (DataNode e : n.elements()) {
        if (!e.isMissing()) {
          out.add(untyped(e));
        }
      }
      return new Value.SetV(out);
    }
    if (node.isObject()) {
      if (node.size() == 1 && node.has("entity")) {
        return new Value.EntityV(n.field("entity").entity());
      }
      return record(n);
    }
    throw n.error("unsupported value " + n.describe());
  }

  public static Value.RecordV record(DataNode n) {
    if (n.isMissing()) {
      return Value.RecordV.EMPTY;
    }
    Map<String, Value> fields = new LinkedHashMap<>();
    for (Map.Entry<String, DataNode> e : n.entries()) {
      if (!e.getValue().isMissing()) {
        fields.put(e.getKey(), untyped(e.getValue()));
      }
    }
    return new Value.RecordV(fields);
  }

  /** A value of a declared type; null with {@code problem} set when it does not fit. */
  public static Value typed(DataNode n, Type type) {
    JsonNode node = n.node();
    switch (type.tag()) {
      case STRING:
        if (node.isTextual()) {
          return new Value.Str(node.asText());
        }
        break;
      case INT:
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          return new Value.Int(node.longValue());
        }
        break;
      case BOOL:
        if (node.isBoolean()) {
          return Value.Bool.of(node.booleanValue());
        }
        break;
      case DURATION:
        if (node.isTextual()) {
          return new Value.Dur(n.duration());
        }
        break;
      case TIME:
        if (node.isTextual()) {
          return new Value.Time(n.instant());
        }
        break;
      case SET:
        if (node.isArray()) {
          Set<Value> out = new LinkedHashSet<>();
          for (DataNode e : n.elements()) {
            out.add(typed(e, type.element()));
          }
          return new Value.SetV(out);
        }
        break;
      case ENTITY: {
        EntityUid uid = null;
        if (node.isObject() && node.size() == 1 && node.has("entity")) {
          uid = n.field("entity").entity();
        } else if (node.isTextual()) {
          uid = n.entity();
        }
        if (uid != null) {
          if (type.entityTypes() != null && !type.entityTypes().isEmpty() && !type.entityTypes().contains(uid.type())) {
            throw n.error("expected " + type + ", got entity `" + uid + "`");
          }
          return new Value.EntityV(uid);
        }
        break;
      }
      case RECORD: {
        if (!node.isObject()) {
          break;
        }
        if (type.fields() == null) {
          return record(n);
        }
        Map<String, Value> fields = new LinkedHashMap<>();
        for (Map.Entry<String, DataNode> e : n.entries()) {
          dev.writ.language.vocab.Schema.AttributeDef def = type.fields().get(e.getKey());
          if (def == null) {
            throw e.getValue().error("no field `" + e.getKey() + "` in " + type);
          }
          fields.put(e.getKey(), typed(e.getValue(), def.type()));
        }
        for (Map.Entry<String, dev.writ.language.vocab.Schema.AttributeDef> f : type.fields().entrySet()) {
          if (!f.getValue().optional() && !fields.containsKey(f.getKey())) {
            throw n.field(f.getKey()).error("missing field `" + f.getKey() + "` of " + type);
          }
        }
        return new Value.RecordV(fields);
      }
      case DYNAMIC:
        return untyped(n);
      default:
        break;
    }
    throw n.error("expected " + article(type) + ", got " + n.describe());
  }

  private static String article(Type t) {
    return switch (t.tag()) {
      case INT -> "an Int";
      case ENTITY -> "an entity of type " + t + " (`{entity: \"" + t + "::id\"}`)";
      case DURATION -> "a Duration such as `\"1h30m\"`";
      case TIME -> "a Time such as `\"2026-06-15T10:00:00Z\"`";
      default -> "a " + t;
    };
  }

  /** The data form of a value (the inverse of {@link #untyped}, durations and times as strings). */
  public static JsonNode toJson(Value v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (v.kind()) {
      case BOOL -> f.booleanNode(((Value.Bool) v).value());
      case INT -> f.numberNode(((Value.Int) v).value());
      case STRING -> f.textNode(((Value.Str) v).value());
      case DURATION, TIME -> f.textNode(v.toString());
      case SET -> {
        ArrayNode a = f.arrayNode();
        ((Value.SetV) v).elements().forEach(e -> a.add(toJson(e)));
        yield a;
      }
      case ENTITY -> {
        ObjectNode o = f.objectNode();
        o.put("entity", ((Value.EntityV) v).uid().toString());
        yield o;
      }
      case RECORD -> {
        ObjectNode o = f.objectNode();
        ((Value.RecordV) v).fields().forEach((k, x) -> o.set(k, toJson(x)));
        yield o;
      }
      case DECIMAL, IPADDR -> f.textNode(v.toString());
    };
  }

  /**
   * Writes the data form of a value to a generator: the same tokens as {@link #toJson}, in the
   * same order, for writers that stream (the audit trail) rather than build a tree.
   */
  public static void write(Value v, JsonGenerator g) throws IOException {
    switch (v.kind()) {
      case BOOL -> g.writeBoolean(((Value.Bool) v).value());
      case INT -> g.writeNumber(((Value.Int) v).value());
      case STRING -> g.writeString(((Value.Str) v).value());
      case DURATION, TIME, DECIMAL, IPADDR -> g.writeString(v.toString());
      case SET -> {
        g.writeStartArray();
        for (Value e : ((Value.SetV) v).elements()) {
          write(e, g);
        }
        g.writeEndArray();
      }
      case ENTITY -> {
        g.writeStartObject();
        g.writeStringField("entity", ((Value.EntityV) v).uid().toString());
        g.writeEndObject();
      }
      case RECORD -> {
        g.writeStartObject();
        for (Map.Entry<String, Value> f : ((Value.RecordV) v).fields().entrySet()) {
          g.writeFieldName(f.getKey());
          write(f.getValue(), g);
        }
        g.writeEndObject();
      }
    }
  }
}

package dev.writ.engine.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.vocab.Durations;
import dev.writ.language.vocab.Suggestions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A position in a {@link DataDocument}: the node and its JSON pointer. Readers walk the tree
 * with it, and every error says where it is and which field it is about.
 */
public record DataNode(DataDocument doc, JsonNode node, String pointer) {

  public static DataNode root(DataDocument doc) {
    return new DataNode(doc, doc.root(), "");
  }

  public boolean isMissing() {
    return node == null || node.isMissingNode() || node.isNull();
  }

  public String path() {
    String p = DataDocument.fieldPath(pointer);
    return p.isEmpty() ? "document" : p;
  }

  public DataException error(String message) {
    return doc.error(pointer, path() + ": " + message);
  }

  public DataNode field(String name) {
    JsonNode child = node == null ? null : node.get(name);
    return new DataNode(doc, child == null ? MissingNode.getInstance() : child, pointer + "/" + escape(name));
  }

  public DataNode element(int i) {
    return new DataNode(doc, node.get(i), pointer + "/" + i);
  }

  public DataNode required(String name) {
    DataNode f = field(name);
    if (f.isMissing()) {
      throw doc.error(pointer, pointer.isEmpty() ? name : path() + "." + name,
          (pointer.isEmpty() ? "" : path() + ": ") + "missing field `" + name + "`");
    }
    return f;
  }

  /** Refuses fields other than these, suggesting the closest known one. */
  public DataNode onlyFields(Set<String> allowed) {
    requireObject();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        DataNode f = field(n);
        throw f.error("unknown field `" + n + "`" + Suggestions.hint(n, allowed).map(h -> "; " + h).orElse(""));
      }
    }
    return this;
  }

  public DataNode requireObject() {
    if (node == null || !node.isObject()) {
      throw error("expected a mapping (`key: value`), got " + describe());
    }
    return this;
  }

  public List<DataNode> elements() {
    if (node == null || !node.isArray()) {
      throw error("expected a list, got " + describe());
    }
    List<DataNode> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(element(i));
    }
    return out;
  }

  /** A list, or a single value taken as a list of one. */
  public List<DataNode> elementsOrOne() {
    return node != null && node.isArray() ? elements() : List.of(this);
  }

  public List<Map.Entry<String, DataNode>> entries() {
    requireObject();
    List<Map.Entry<String, DataNode>> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(n -> out.add(Map.entry(n, field(n))));
    return out;
  }

  public String string() {
    if (node == null || !node.isTextual()) {
      throw error("expected a string, got " + describe());
    }
    return node.asText();
  }

  /** A scalar as text (YAML may read `1h` as a string but `30` as a number). */
  public String scalarText() {
    if (node == null || !node.isValueNode() || node.isNull()) {
      throw error("expected a value, got " + describe());
    }
    return node.asText();
  }

  public Optional<String> optString() {
    return isMissing() ? Optional.empty() : Optional.of(string());
  }

  public boolean bool() {
    if (node == null || !node.isBoolean()) {
      throw error("expected true or false, got " + describe());
    }
    return node.booleanValue();
  }

  public long integer() {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw error("expected an integer, got " + describe());
    }
    return node.longValue();
  }

  public EntityUid entity() {
    String text = string();
    try {
      return EntityUid.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  /** A duration in the language's form, in seconds. */
  public long duration() {
    String text = scalarText();
    try {
      return Durations.parse(text);
    } catch (Durations.InvalidDuration e) {
      // Most messages of Durations already show the form; the others get an example.
      throw error(e.getMessage() + (e.getMessage().contains("`1h30m`") ? "" : " (durations look like `30m`, `2h` or `1h30m`)"));
    }
  }

  public Instant instant() {
    String text = scalarText();
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw error("`" + text + "` is not an ISO-8601 time such as `2026-06-15T10:00:00Z`");
    }
  }

  public String describe() {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "string `" + node.asText() + "`";
    }
    if (node.isBoolean()) {
      return "boolean `" + node.asText() + "`";
    }
    if (node.isNumber()) {
      return "number `" + node.asText() + "`";
    }
    if (node.isArray()) {
      return "a list";
    }
    return "a mapping";
  }

  /** A field name as a JSON pointer segment. */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}

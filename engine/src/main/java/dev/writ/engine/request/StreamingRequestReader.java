package dev.writ.engine.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.writ.engine.entity.EntityStore;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.json.UnicodeText;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Durations;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one JSON request (a line of a JSON-lines batch) straight from Jackson's token stream,
 * without building a tree, for the shape almost every request has. It gives up, returning null,
 * on anything else: malformed JSON, a missing or unknown field, a value of the wrong type, a
 * duplicate key, invalid Unicode, per-request {@code entities}, a value the full reader would
 * refuse. The caller then reads the line with {@link RequestReader}, which binds it or reports
 * the problem with its line and field; so for every line the result is the one
 * {@link RequestReader#request} gives, only faster for valid ones.
 */
public final class StreamingRequestReader {
  private static final JsonFactory FACTORY = DataDocument.JSON.getFactory();

  private final EntityStore known;

  /** A reader that parses every uid. */
  public StreamingRequestReader() {
    this(EntityStore.empty());
  }

  /**
   * A reader that takes the uids {@code known} holds from it, found from the parser's characters
   * ({@link EntityStore#uid}), instead of parsing each into a new {@link EntityUid}: the same
   * values, without the strings. Immutable: one reader may serve several threads.
   */
  public StreamingRequestReader(EntityStore known) {
    this.known = known;
  }

  /** Why the fast path gave up; never seen by users (they get the full reader's message). */
  private static final class GiveUp extends Exception {
    private static final long serialVersionUID = 1L;
    static final GiveUp INSTANCE = new GiveUp();

    private GiveUp() {
      super(null, null, false, false);
    }
  }

  /** The request on this line, or null when it must be read by {@link RequestReader}. */
  public AccessRequest tryRead(String line) {
    try (JsonParser p = FACTORY.createParser(line)) {
      AccessRequest r = request(p);
      return p.nextToken() == null ? r : null; // content after the object: leave it to the full reader
    } catch (GiveUp | IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The request that is the next value of {@code p} (one parser over a whole JSON-lines batch, so
   * that a line costs no parser of its own), or null when it must be read by {@link RequestReader}.
   * The caller checks that the value ended on its line; after null, the parser's position is
   * undefined and it must not be used again.
   */
  public AccessRequest read(JsonParser p) {
    try {
      return request(p);
    } catch (GiveUp | IOException | RuntimeException e) {
      return null;
    }
  }

  private AccessRequest request(JsonParser p) throws IOException, GiveUp {
    expect(p.nextToken() == JsonToken.START_OBJECT);
    EntityUid principal = null;
    List<String> actions = null;
    EntityUid resource = null;
    Optional<AccessRequest.IntentRef> intent = Optional.empty();
    Optional<Long> duration = Optional.empty();
    List<EntityUid> delegation = List.of();
    List<AccessRequest.Approval> approvals = List.of();
    Value.RecordV context = Value.RecordV.EMPTY;
    Optional<Instant> time = Optional.empty();
    int seen = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      int bit = switch (name) {
        case "principal" -> 1;
        case "actions" -> 2;
        case "resource" -> 4;
        case "intent" -> 8;
        case "duration" -> 16;
        case "delegation" -> 32;
        case "approvals" -> 64;
        case "context" -> 128;
        case "time" -> 256;
        default -> throw GiveUp.INSTANCE; // unknown fields and `entities`
      };
      expect((seen & bit) == 0);
      seen |= bit;
      JsonToken v = p.nextToken();
      expect(v != JsonToken.VALUE_NULL); // null is "absent" to the full reader: let it decide
      switch (bit) {
        case 1 -> principal = entity(p, v);
        case 2 -> actions = actions(p, v);
        case 4 -> resource = entity(p, v);
        case 8 -> intent = Optional.of(intent(p, v));
        case 16 -> duration = Optional.of(duration(p, v));
        case 32 -> delegation = entities(p, v);
        case 64 -> approvals = approvals(p, v);
        case 128 -> {
          expect(v == JsonToken.START_OBJECT);
          context = record(p);
        }
        default -> time = Optional.of(instant(p, v));
      }
    }
    expect(t == JsonToken.END_OBJECT && principal != null && actions != null && resource != null);
    return new AccessRequest(principal, actions, resource, intent, duration, delegation, approvals, context, time,
        List.of());
  }

  private static void expect(boolean condition) throws GiveUp {
    if (!condition) {
      throw GiveUp.INSTANCE;
    }
  }

  private static String string(JsonParser p, JsonToken t) throws IOException, GiveUp {
    expect(t == JsonToken.VALUE_STRING);
    String s = p.getText();
    expect(UnicodeText.loneSurrogate(s) < 0);
    return s;
  }

  private EntityUid entity(JsonParser p, JsonToken t) throws IOException, GiveUp {
    expect(t == JsonToken.VALUE_STRING);
    EntityUid uid = known.uid(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (uid != null) {
      return uid; // Latin-1 only, so no lone surrogate
    }
    try {
      return EntityUid.parse(string(p, t));
    } catch (IllegalArgumentException e) {
      throw GiveUp.INSTANCE;
    }
  }

  private static List<String> actions(JsonParser p, JsonToken t) throws IOException, GiveUp {
    if (t != JsonToken.START_ARRAY) {
      String a = string(p, t);
      expect(!a.isEmpty());
      return List.of(a);
    }
    expect((t = p.nextToken()) != JsonToken.END_ARRAY);
    String first = string(p, t);
    expect(!first.isEmpty());
    if ((t = p.nextToken()) == JsonToken.END_ARRAY) {
      return List.of(first); // one action, the usual case: the request keeps this list (List.copyOf)
    }
    List<String> out = new ArrayList<>(4);
    out.add(first);
    do {
      String a = string(p, t);
      expect(!a.isEmpty());
      out.add(a);
    } while ((t = p.nextToken()) != JsonToken.END_ARRAY);
    return out;
  }

  private List<EntityUid> entities(JsonParser p, JsonToken t) throws IOException, GiveUp {
    if (t != JsonToken.START_ARRAY) {
      return List.of(entity(p, t));
    }
    List<EntityUid> out = new ArrayList<>(2);
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      out.add(entity(p, t));
    }
    return out;
  }

  private List<AccessRequest.Approval> approvals(JsonParser p, JsonToken t) throws IOException, GiveUp {
    expect(t == JsonToken.START_ARRAY);
    List<AccessRequest.Approval> out = new ArrayList<>(2);
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.VALUE_STRING) {
        out.add(new AccessRequest.Approval(entity(p, t), Optional.empty()));
        continue;
      }
      expect(t == JsonToken.START_OBJECT);
      EntityUid by = null;
      Optional<Instant> at = Optional.empty();
      boolean seenAt = false;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("by") && by == null) {
          by = entity(p, v);
        } else if (name.equals("at") && !seenAt) {
          seenAt = true;
          at = Optional.of(instant(p, v));
        } else {
          throw GiveUp.INSTANCE;
        }
      }
      expect(by != null);
      out.add(new AccessRequest.Approval(by, at));
    }
    return out;
  }

  private AccessRequest.IntentRef intent(JsonParser p, JsonToken t) throws IOException, GiveUp {
    expect(t == JsonToken.START_OBJECT);
    String name = null;
    Map<String, Value> params = new LinkedHashMap<>();
    Set<String> keys = new HashSet<>();
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      expect(keys.add(key) && UnicodeText.loneSurrogate(key) < 0);
      JsonToken v = p.nextToken();
      if (key.equals("name")) {
        name = string(p, v);
      } else if (v != JsonToken.VALUE_NULL) {
        params.put(key, untyped(p, v));
      }
    }
    expect(name != null);
    return new AccessRequest.IntentRef(name, params);
  }

  private static long duration(JsonParser p, JsonToken t) throws IOException, GiveUp {
    try {
      long seconds = Durations.parse(string(p, t));
      expect(seconds != 0);
      return seconds;
    } catch (Durations.InvalidDuration e) {
      throw GiveUp.INSTANCE;
    }
  }

  private static Instant instant(JsonParser p, JsonToken t) throws IOException, GiveUp {
    expect(t == JsonToken.VALUE_STRING);
    Instant fast = utcSeconds(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (fast != null) {
      return fast;
    }
    String text = string(p, t);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw GiveUp.INSTANCE;
    }
  }

  /**
   * {@code YYYY-MM-DDTHH:MM:SSZ}, the form requests almost always carry, without the formatter
   * machinery of {@link Instant#parse} (which costs more than a decision); null for any other
   * form, or a field out of range, so that {@code Instant.parse} decides (leap seconds included).
   */
  static Instant utcSeconds(String s) {
    return utcSeconds(s.toCharArray(), 0, s.length());
  }

  /** {@link #utcSeconds(String)} of {@code s[off, off + len)}, read from the parser's buffer without a string. */
  private static Instant utcSeconds(char[] s, int off, int len) {
    if (len != 20 || s[off + 4] != '-' || s[off + 7] != '-' || s[off + 10] != 'T' || s[off + 13] != ':'
        || s[off + 16] != ':' || s[off + 19] != 'Z') {
      return null;
    }
    int year = digits(s, off, 4);
    int month = digits(s, off + 5, 2);
    int day = digits(s, off + 8, 2);
    int hour = digits(s, off + 11, 2);
    int minute = digits(s, off + 14, 2);
    int second = digits(s, off + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    try {
      long days = java.time.LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second);
    } catch (java.time.DateTimeException e) {
      return null; // February 30 and the like: the full parser says what is wrong
    }
  }

  /** The decimal number in {@code s[from, from + count)}, or -1 when a character is not a digit. */
  private static int digits(char[] s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** As {@code Values.untyped}: strings, booleans, 64-bit integers, lists as sets, entities, records; nulls absent. */
  private Value untyped(JsonParser p, JsonToken t) throws IOException, GiveUp {
    switch (t) {
      case VALUE_STRING:
        return new Value.Str(string(p, t));
      case VALUE_TRUE:
        return Value.Bool.TRUE;
      case VALUE_FALSE:
        return Value.Bool.FALSE;
      case VALUE_NUMBER_INT: {
        JsonParser.NumberType type = p.getNumberType();
        expect(type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG);
        return new Value.Int(p.getLongValue());
      }
      case START_ARRAY: {
        Set<Value> out = new LinkedHashSet<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.VALUE_NULL) {
            out.add(untyped(p, t));
          }
        }
        return new Value.SetV(out);
      }
      case START_OBJECT:
        return recordOrEntity(p, true);
      default:
        throw GiveUp.INSTANCE;
    }
  }

  /** @param entityForm whether {@code {entity: "T::id"}} alone is an entity (a value) or a record (the context) */
  private Value recordOrEntity(JsonParser p, boolean entityForm) throws IOException, GiveUp {
    // A context usually has one field: it is held in locals, the map and the key set come with a second.
    String firstKey = null;
    Value firstValue = null;
    Map<String, Value> fields = null;
    Set<String> keys = null;
    JsonToken t;
    int count = 0;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      expect(UnicodeText.loneSurrogate(key) < 0);
      if (count == 0) {
        firstKey = key;
      } else {
        if (keys == null) {
          keys = new HashSet<>();
          keys.add(firstKey);
        }
        expect(keys.add(key));
      }
      JsonToken v = p.nextToken();
      count++;
      if (entityForm && key.equals("entity")) {
        // {entity: "T::id"} alone is an entity; anything else naming `entity` is left to the full reader.
        EntityUid uid = entity(p, v);
        expect(p.nextToken() == JsonToken.END_OBJECT && count == 1);
        return new Value.EntityV(uid);
      }
      if (v != JsonToken.VALUE_NULL) { // null is absent, as for the full reader
        Value value = untyped(p, v);
        if (count == 1) {
          firstValue = value;
        } else {
          if (fields == null) {
            fields = new LinkedHashMap<>();
            if (firstValue != null) {
              fields.put(firstKey, firstValue);
            }
          }
          fields.put(key, value);
        }
      }
    }
    if (fields != null) {
      return new Value.RecordV(fields);
    }
    return new Value.RecordV(firstValue != null ? Map.of(firstKey, firstValue) : Map.of());
  }

  private Value.RecordV record(JsonParser p) throws IOException, GiveUp {
    return (Value.RecordV) recordOrEntity(p, false);
  }
}

package dev.writ.engine.eval;

import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Durations;
import dev.writ.language.vocab.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a request's intent parameters against the intent's declaration and converts them to
 * the declared types (a Duration parameter arrives as the string {@code "1h"}).
 */
final class IntentParams {
  private IntentParams() {}

  /** Typed parameters; problems are added to {@code reasons} (any problem denies the request). */
  static Map<String, Value> check(CompiledIntent intent, Map<String, Value> given, List<String> reasons) {
    Map<String, Value> typed = new LinkedHashMap<>();
    String name = intent.name();
    for (CompiledIntent.Param p : intent.params()) {
      Value v = given.get(p.name());
      if (v == null) {
        if (!p.optional()) {
          reasons.add("intent `" + name + "` needs parameter `" + p.name() + "`");
        }
        continue;
      }
      Value c = coerce(v, p.type());
      if (c == null) {
        reasons.add("parameter `" + p.name() + "` of intent `" + name + "` must be " + p.type() + ", got `" + v + "`");
        continue;
      }
      if (p.pattern() != null && !(c instanceof Value.Str s && p.pattern().matcher(s.value()).matches())) {
        reasons.add("parameter `" + p.name() + "` of intent `" + name + "` is `" + v + "`, which does not match `"
            + p.pattern().pattern() + "`");
        continue;
      }
      typed.put(p.name(), c);
    }
    if (typed.size() < given.size()) { // else every given name was declared (each typed one was given)
      for (String g : given.keySet()) {
        if (!declares(intent, g)) {
          reasons.add("intent `" + name + "` has no parameter `" + g + "`");
        }
      }
    }
    return typed;
  }

  private static boolean declares(CompiledIntent intent, String param) {
    for (CompiledIntent.Param p : intent.params()) {
      if (p.name().equals(param)) {
        return true;
      }
    }
    return false;
  }

  /** The value as the declared type, or null when it cannot be one. */
  static Value coerce(Value v, Type type) {
    switch (type.tag()) {
      case STRING:
        return v instanceof Value.Str ? v : null;
      case INT:
        return v instanceof Value.Int ? v : null;
      case BOOL:
        return v instanceof Value.Bool ? v : null;
      case DURATION:
        if (v instanceof Value.Dur) {
          return v;
        }
        if (v instanceof Value.Str s) {
          try {
            return new Value.Dur(Durations.parse(s.value()));
          } catch (Durations.InvalidDuration e) {
            return null;
          }
        }
        return null;
      case TIME:
        if (v instanceof Value.Time) {
          return v;
        }
        if (v instanceof Value.Str s) {
          try {
            return new Value.Time(Instant.parse(s.value()));
          } catch (DateTimeParseException e) {
            return null;
          }
        }
        return null;
      case SET:
        if (!(v instanceof Value.SetV set)) {
          return null;
        }
        Set<Value> out = new LinkedHashSet<>();
        for (Value e : set.elements()) {
          Value c = coerce(e, type.element());
          if (c == null) {
            return null;
          }
          out.add(c);
        }
        return new Value.SetV(out);
      case ENTITY: {
        EntityUid uid = null;
        if (v instanceof Value.EntityV e) {
          uid = e.uid();
        } else if (v instanceof Value.Str s) {
          try {
            uid = EntityUid.parse(s.value());
          } catch (IllegalArgumentException e) {
            return null;
          }
        }
        if (uid == null || (type.entityTypes() != null && !type.entityTypes().isEmpty()
            && !type.entityTypes().contains(uid.type()))) {
          return null;
        }
        return new Value.EntityV(uid);
      }
      default:
        return v;
    }
  }
}

package dev.writ.engine.eval;

import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Builtins;
import dev.writ.language.vocab.Datetimes;
import dev.writ.language.vocab.Decimals;
import dev.writ.language.vocab.Durations;
import dev.writ.language.vocab.IpRange;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The evaluator's side of {@link Builtins}: the implementation of every built-in, chosen once
 * when an expression is compiled, not looked up by name on every evaluation. The switches are
 * exhaustive over the enums: a built-in declared without an implementation does not compile.
 */
final class BuiltinImpls {
  private BuiltinImpls() {}

  /** A function's body; it evaluates its own arguments, in order, as it needs them. */
  @FunctionalInterface
  interface Function {
    Value apply(ExprNode.Call call, EvalState s) throws EvalError;
  }

  /** An extension method's body, given the value it is called on and its evaluated arguments. */
  @FunctionalInterface
  interface Extension {
    Value apply(ExprNode.ExtensionMethod call, EvalState s, Value target, Value[] args) throws EvalError;
  }

  /** A set method's body, given the set it is called on and its evaluated argument. */
  @FunctionalInterface
  interface Method {
    Value apply(ExprNode.Method call, Value.SetV set, Value arg) throws EvalError;
  }

  /**
   * The implementation of the function called {@code name}. The checker refuses unknown names;
   * a hand-made bundle may still carry one, and it fails when evaluated, as it always did.
   */
  static Function function(String name) {
    return Builtins.function(name).map(BuiltinImpls::function).orElse((c, s) -> {
      c.args[0].eval(s);
      throw new EvalError("unknown function `" + name + "`", c.at);
    });
  }

  static Function function(Builtins.Function f) {
    return switch (f) {
      case HOUR -> (c, s) -> new Value.Int(c.time(c.args[0].eval(s)).atOffset(ZoneOffset.UTC).getHour());
      case WEEKDAY -> (c, s) -> new Value.Int(c.time(c.args[0].eval(s)).atOffset(ZoneOffset.UTC).getDayOfWeek().getValue());
      case TIME -> (c, s) -> {
        String text = c.str(c.args[0].eval(s));
        try {
          return new Value.Time(Instant.parse(text));
        } catch (DateTimeParseException e) {
          throw new EvalError("`" + text + "` is not an ISO-8601 time such as `2026-06-15T10:00:00Z`", c.at);
        }
      };
      case DURATION -> (c, s) -> {
        String text = c.str(c.args[0].eval(s));
        try {
          return new Value.Dur(Durations.parse(text));
        } catch (Durations.InvalidDuration e) {
          throw new EvalError(e.getMessage(), c.at);
        }
      };
      case SIZE -> (c, s) -> {
        Value a = c.args[0].eval(s);
        if (a instanceof Value.Str str) {
          return new Value.Int(str.value().codePointCount(0, str.value().length())); // characters, not UTF-16 units
        }
        if (a instanceof Value.SetV set) {
          return new Value.Int(set.elements().size());
        }
        throw new EvalError("`size` takes a String or a set, not a " + a.typeName(), c.at);
      };
      case LOWER -> (c, s) -> new Value.Str(c.str(c.args[0].eval(s)).toLowerCase(Locale.ROOT));
      case CIDR -> (c, s) -> {
        String ip = c.str(c.args[0].eval(s));
        String range = c.str(c.args[1].eval(s));
        byte[] addr = IpRange.address(ip);
        if (addr == null) {
          throw new EvalError("`" + ip + "` is not an IP address", c.at);
        }
        IpRange.Range r = IpRange.range(range);
        if (r == null) {
          throw new EvalError("`" + range + "` is not a CIDR range such as `10.0.0.0/8`", c.at);
        }
        return Value.Bool.of(r.contains(addr));
      };
      case DECIMAL -> (c, s) -> {
        String text = c.str(c.args[0].eval(s));
        try {
          return new Value.Decimal(Decimals.parse(text));
        } catch (Decimals.InvalidDecimal e) {
          throw new EvalError(e.getMessage(), c.at);
        }
      };
      case IP -> (c, s) -> {
        String text = c.str(c.args[0].eval(s));
        if (text.indexOf('/') >= 0) {
          IpRange.Range r = IpRange.range(text);
          if (r == null) {
            throw new EvalError("`" + text + "` is not an IP address or range such as `10.0.0.0/8`", c.at);
          }
          return new Value.IpAddr(r.network(), r.bits());
        }
        byte[] addr = IpRange.address(text);
        if (addr == null) {
          throw new EvalError("`" + text + "` is not an IP address", c.at);
        }
        return new Value.IpAddr(addr, addr.length * 8);
      };
      case DATETIME -> (c, s) -> {
        String text = c.str(c.args[0].eval(s));
        Instant t = Datetimes.parse(text);
        if (t == null) {
          throw new EvalError(Datetimes.problem(text), c.at);
        }
        return new Value.Time(t);
      };
    };
  }

  private static final IpRange.Range LOOPBACK_V4 = IpRange.range("127.0.0.0/8");
  private static final IpRange.Range LOOPBACK_V6 = IpRange.range("::1/128");
  private static final IpRange.Range MULTICAST_V4 = IpRange.range("224.0.0.0/4");
  private static final IpRange.Range MULTICAST_V6 = IpRange.range("ff00::/8");

  static Extension extension(Builtins.ExtensionMethod m) {
    return switch (m) {
      case LESS_THAN -> (c, s, t, a) -> Value.Bool.of(decimal(c, t) < decimal(c, a[0]));
      case LESS_THAN_OR_EQUAL -> (c, s, t, a) -> Value.Bool.of(decimal(c, t) <= decimal(c, a[0]));
      case GREATER_THAN -> (c, s, t, a) -> Value.Bool.of(decimal(c, t) > decimal(c, a[0]));
      case GREATER_THAN_OR_EQUAL -> (c, s, t, a) -> Value.Bool.of(decimal(c, t) >= decimal(c, a[0]));
      case IS_IPV4 -> (c, s, t, a) -> Value.Bool.of(ip(c, t).isV4());
      case IS_IPV6 -> (c, s, t, a) -> Value.Bool.of(!ip(c, t).isV4());
      case IS_LOOPBACK -> (c, s, t, a) -> {
        Value.IpAddr ip = ip(c, t);
        return Value.Bool.of((ip.isV4() ? LOOPBACK_V4 : LOOPBACK_V6).contains(ip.address()));
      };
      case IS_MULTICAST -> (c, s, t, a) -> {
        Value.IpAddr ip = ip(c, t);
        return Value.Bool.of((ip.isV4() ? MULTICAST_V4 : MULTICAST_V6).contains(ip.address()));
      };
      case IS_IN_RANGE -> (c, s, t, a) -> {
        Value.IpAddr ip = ip(c, t);
        Value.IpAddr range = ip(c, a[0]);
        return Value.Bool.of(ip.prefix() >= range.prefix()
            && new IpRange.Range(range.address(), range.prefix()).contains(ip.address()));
      };
      case OFFSET -> (c, s, t, a) -> {
        try {
          return new Value.Time(time(c, t).plusSeconds(seconds(c, a[0])));
        } catch (java.time.DateTimeException | ArithmeticException e) {
          throw new EvalError("overflow in `offset`", c.at);
        }
      };
      case DURATION_SINCE -> (c, s, t, a) -> {
        try {
          return new Value.Dur(java.time.Duration.between(time(c, a[0]), time(c, t)).getSeconds());
        } catch (ArithmeticException e) {
          throw new EvalError("overflow in `durationSince`", c.at);
        }
      };
      case TO_DATE -> (c, s, t, a) -> {
        long day = Math.floorDiv(time(c, t).getEpochSecond(), 86_400L);
        return new Value.Time(Instant.ofEpochSecond(day * 86_400L));
      };
      case TO_TIME -> (c, s, t, a) -> new Value.Dur(Math.floorMod(time(c, t).getEpochSecond(), 86_400L));
      case TO_DAYS -> (c, s, t, a) -> new Value.Int(seconds(c, t) / 86_400L);
      case TO_HOURS -> (c, s, t, a) -> new Value.Int(seconds(c, t) / 3_600L);
      case TO_MINUTES -> (c, s, t, a) -> new Value.Int(seconds(c, t) / 60L);
      case TO_SECONDS -> (c, s, t, a) -> new Value.Int(seconds(c, t));
      case TO_MILLISECONDS -> (c, s, t, a) -> {
        try {
          return new Value.Int(Math.multiplyExact(seconds(c, t), 1000L));
        } catch (ArithmeticException e) {
          throw new EvalError("overflow in `toMilliseconds`", c.at);
        }
      };
      case HAS_TAG -> (c, s, t, a) -> {
        dev.writ.engine.entity.Entity e = entity(c, s, t);
        return Value.Bool.of(e != null && e.tags().containsKey(tagName(c, a[0])));
      };
      case GET_TAG -> (c, s, t, a) -> {
        dev.writ.engine.entity.Entity e = entity(c, s, t);
        String key = tagName(c, a[0]);
        Value v = e == null ? null : e.tags().get(key);
        if (v == null) {
          throw new EvalError("`" + ((Value.EntityV) t).uid() + "` has no tag `" + key + "`", c.at);
        }
        return v;
      };
    };
  }

  /** The data of the entity a tag method is called on; null when the store does not have it. */
  private static dev.writ.engine.entity.Entity entity(ExprNode.ExtensionMethod c, EvalState s, Value v) throws EvalError {
    if (v instanceof Value.EntityV ev) {
      return s.store().get(ev.uid());
    }
    throw c.wrong("an entity", v);
  }

  private static String tagName(ExprNode.ExtensionMethod c, Value v) throws EvalError {
    if (v instanceof Value.Str str) {
      return str.value();
    }
    throw c.wrong("a String tag name", v);
  }

  private static long decimal(ExprNode.ExtensionMethod c, Value v) throws EvalError {
    if (v instanceof Value.Decimal d) {
      return d.scaled();
    }
    throw c.wrong("a Decimal", v);
  }

  private static Value.IpAddr ip(ExprNode.ExtensionMethod c, Value v) throws EvalError {
    if (v instanceof Value.IpAddr ip) {
      return ip;
    }
    throw c.wrong("an IpAddr", v);
  }

  private static Instant time(ExprNode.ExtensionMethod c, Value v) throws EvalError {
    if (v instanceof Value.Time t) {
      return t.instant();
    }
    throw c.wrong("a Time", v);
  }

  private static long seconds(ExprNode.ExtensionMethod c, Value v) throws EvalError {
    if (v instanceof Value.Dur d) {
      return d.seconds();
    }
    throw c.wrong("a Duration", v);
  }

  /**
   * The implementation of the method called {@code name}. An unknown name (only a hand-made
   * bundle has one) behaves as it always did: like {@code containsAny}.
   */
  static Method method(String name) {
    return method(Builtins.method(name).orElse(Builtins.Method.CONTAINS_ANY));
  }

  static Method method(Builtins.Method m) {
    return switch (m) {
      case CONTAINS -> (c, set, a) -> Value.Bool.of(set.elements().contains(a));
      case CONTAINS_ALL -> (c, set, a) -> Value.Bool.of(set.elements().containsAll(c.setArg(a).elements()));
      case CONTAINS_ANY -> (c, set, a) -> {
        for (Value v : c.setArg(a).elements()) {
          if (set.elements().contains(v)) {
            return Value.Bool.TRUE;
          }
        }
        return Value.Bool.FALSE;
      };
    };
  }
}

package dev.writ.engine.eval;

import dev.writ.engine.value.Value;
import dev.writ.language.vocab.Builtins;
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
    };
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

package dev.writ.language.vocab;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The built-in functions and methods, defined once. The checker reads their names, arity,
 * argument and result types and what their literal arguments must look like; the plan compiler
 * binds each call to its implementation ({@code engine.eval.BuiltinImpls}, an exhaustive switch
 * over these enums, so a built-in added here without an implementation does not compile).
 */
public final class Builtins {
  private Builtins() {}

  /** What one argument may be: one type tag, or any of a few ({@code size} takes a String or a set). */
  public record Param(Set<Type.Tag> accepts) {
    public Param {
      accepts = Collections.unmodifiableSet(EnumSet.copyOf(accepts)); // in the tags' order, for messages
    }

    static Param of(Type.Tag first, Type.Tag... rest) {
      return new Param(EnumSet.of(first, rest));
    }
  }

  /** The functions, {@code name(args)}. */
  public enum Function {
    HOUR("hour", Type.INT, Param.of(Type.Tag.TIME)),
    WEEKDAY("weekday", Type.INT, Param.of(Type.Tag.TIME)),
    TIME("time", Type.TIME, Param.of(Type.Tag.STRING)),
    DURATION("duration", Type.DURATION, Param.of(Type.Tag.STRING)),
    SIZE("size", Type.INT, Param.of(Type.Tag.STRING, Type.Tag.SET)),
    LOWER("lower", Type.STRING, Param.of(Type.Tag.STRING)),
    CIDR("cidr", Type.BOOL, Param.of(Type.Tag.STRING), Param.of(Type.Tag.STRING)),
    // Cedar's extension constructors.
    DECIMAL("decimal", Type.DECIMAL, Param.of(Type.Tag.STRING)),
    IP("ip", Type.IPADDR, Param.of(Type.Tag.STRING)),
    DATETIME("datetime", Type.TIME, Param.of(Type.Tag.STRING));

    private final String id;
    private final Type result;
    private final List<Param> params;

    Function(String id, Type result, Param... params) {
      this.id = id;
      this.result = result;
      this.params = List.of(params);
    }

    /** The name policies call it by. */
    public String id() {
      return id;
    }

    public Type result() {
      return result;
    }

    public List<Param> params() {
      return params;
    }

    public int arity() {
      return params.size();
    }

    /**
     * What is wrong with a string literal given as argument {@code index}, or null: literal
     * arguments of conversions are checked when the policy is checked rather than fail every
     * evaluation. The checks use the evaluator's own parsers, so both agree.
     */
    public String literalProblem(int index, String literal) {
      return switch (this) {
        case TIME -> {
          try {
            Instant.parse(literal);
            yield null;
          } catch (DateTimeParseException e) {
            yield "`" + literal + "` is not an ISO-8601 instant such as `2026-06-15T10:00:00Z`";
          }
        }
        case DURATION -> {
          try {
            Durations.parse(literal);
            yield null;
          } catch (Durations.InvalidDuration e) {
            yield e.getMessage();
          }
        }
        case CIDR -> index == 1 ? rangeProblem(literal) : addressProblem(literal);
        case DECIMAL -> {
          try {
            Decimals.parse(literal);
            yield null;
          } catch (Decimals.InvalidDecimal e) {
            yield e.getMessage();
          }
        }
        case IP -> literal.indexOf('/') >= 0 ? rangeProblem(literal) : addressProblem(literal);
        case DATETIME -> Datetimes.problem(literal);
        default -> null;
      };
    }
  }

  /** The set methods, {@code target.name(arg)}; each takes one argument and returns a Bool. */
  public enum Method {
    CONTAINS("contains", false),
    CONTAINS_ALL("containsAll", true),
    CONTAINS_ANY("containsAny", true);

    private final String id;
    private final boolean takesSet;

    Method(String id, boolean takesSet) {
      this.id = id;
      this.takesSet = takesSet;
    }

    public String id() {
      return id;
    }

    public int arity() {
      return 1;
    }

    /** Whether the argument is a set ({@code containsAll}, {@code containsAny}) rather than an element. */
    public boolean takesSet() {
      return takesSet;
    }
  }

  /**
   * The methods of Cedar's extension types and of {@code Time} and {@code Duration}:
   * {@code target.name(args)} on a value of type {@code target}.
   */
  public enum ExtensionMethod {
    LESS_THAN("lessThan", Type.Tag.DECIMAL, Type.BOOL, Param.of(Type.Tag.DECIMAL)),
    LESS_THAN_OR_EQUAL("lessThanOrEqual", Type.Tag.DECIMAL, Type.BOOL, Param.of(Type.Tag.DECIMAL)),
    GREATER_THAN("greaterThan", Type.Tag.DECIMAL, Type.BOOL, Param.of(Type.Tag.DECIMAL)),
    GREATER_THAN_OR_EQUAL("greaterThanOrEqual", Type.Tag.DECIMAL, Type.BOOL, Param.of(Type.Tag.DECIMAL)),
    IS_IPV4("isIpv4", Type.Tag.IPADDR, Type.BOOL),
    IS_IPV6("isIpv6", Type.Tag.IPADDR, Type.BOOL),
    IS_LOOPBACK("isLoopback", Type.Tag.IPADDR, Type.BOOL),
    IS_MULTICAST("isMulticast", Type.Tag.IPADDR, Type.BOOL),
    IS_IN_RANGE("isInRange", Type.Tag.IPADDR, Type.BOOL, Param.of(Type.Tag.IPADDR)),
    OFFSET("offset", Type.Tag.TIME, Type.TIME, Param.of(Type.Tag.DURATION)),
    DURATION_SINCE("durationSince", Type.Tag.TIME, Type.DURATION, Param.of(Type.Tag.TIME)),
    TO_DATE("toDate", Type.Tag.TIME, Type.TIME),
    TO_TIME("toTime", Type.Tag.TIME, Type.DURATION),
    TO_DAYS("toDays", Type.Tag.DURATION, Type.INT),
    TO_HOURS("toHours", Type.Tag.DURATION, Type.INT),
    TO_MINUTES("toMinutes", Type.Tag.DURATION, Type.INT),
    TO_SECONDS("toSeconds", Type.Tag.DURATION, Type.INT),
    TO_MILLISECONDS("toMilliseconds", Type.Tag.DURATION, Type.INT),
    // Entity tags.
    HAS_TAG("hasTag", Type.Tag.ENTITY, Type.BOOL, Param.of(Type.Tag.STRING)),
    GET_TAG("getTag", Type.Tag.ENTITY, Type.DYNAMIC, Param.of(Type.Tag.STRING));

    private final String id;
    private final Type.Tag target;
    private final Type result;
    private final List<Param> params;

    ExtensionMethod(String id, Type.Tag target, Type result, Param... params) {
      this.id = id;
      this.target = target;
      this.result = result;
      this.params = List.of(params);
    }

    public String id() {
      return id;
    }

    /** The type of value it is called on. */
    public Type.Tag target() {
      return target;
    }

    public Type result() {
      return result;
    }

    public List<Param> params() {
      return params;
    }

    public int arity() {
      return params.size();
    }
  }

  public static Optional<ExtensionMethod> extensionMethod(String name) {
    return Arrays.stream(ExtensionMethod.values()).filter(m -> m.id.equals(name)).findFirst();
  }

  public static Optional<Function> function(String name) {
    return Arrays.stream(Function.values()).filter(f -> f.id.equals(name)).findFirst();
  }

  public static Optional<Method> method(String name) {
    return Arrays.stream(Method.values()).filter(m -> m.id.equals(name)).findFirst();
  }

  /** The function names, sorted. */
  public static SortedSet<String> functionNames() {
    SortedSet<String> out = new TreeSet<>();
    for (Function f : Function.values()) {
      out.add(f.id);
    }
    return out;
  }

  /** The method names, in declaration order: the set methods, then the extension methods. */
  public static List<String> methodNames() {
    List<String> out = new java.util.ArrayList<>(Arrays.stream(Method.values()).map(Method::id).toList());
    Arrays.stream(ExtensionMethod.values()).map(ExtensionMethod::id).forEach(out::add);
    return out;
  }

  private static String rangeProblem(String range) {
    if (range.indexOf('/') < 0) {
      return "`" + range + "` is not a CIDR range such as `10.0.0.0/8`";
    }
    String addr = addressProblem(range.substring(0, range.indexOf('/')));
    if (addr != null) {
      return addr;
    }
    if (IpRange.range(range) != null) {
      return null;
    }
    String bits = range.substring(range.indexOf('/') + 1);
    int max = range.indexOf(':') >= 0 ? 128 : 32;
    return bits.matches("[0-9]{1,9}") ? "prefix length `" + bits + "` is outside 0.." + max
        : "`" + range + "` has no valid prefix length";
  }

  private static String addressProblem(String address) {
    return IpRange.address(address) == null ? "`" + address + "` is not an IP address" : null;
  }
}

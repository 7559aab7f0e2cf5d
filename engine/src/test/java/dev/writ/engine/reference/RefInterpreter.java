package dev.writ.engine.reference;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import dev.writ.language.ast.EntityLiteral;
import dev.writ.language.ast.Expr;
import dev.writ.language.source.Span;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately plain interpreter of the expression syntax tree (docs/language.md §6): one
 * method per form, no caching, no folding. Every failure is an {@link EvalError} naming the
 * expression that failed; the caller turns it into the decision's error entry.
 */
final class RefInterpreter {
  private RefInterpreter() {}

  /**
   * An evaluation error: the message and where it happened, the expression whose evaluation
   * failed. Gap: for an attribute read that is the attribute's name (`principal.manager`
   * points at `manager`); for an operator applied to a wrong value, the operator's expression;
   * for an operand of `&&`/`||` or a condition that is not a Bool, that operand or condition.
   */
  static final class EvalError extends RuntimeException {
    final transient Span where;

    EvalError(Expr where, String message) {
      this(where instanceof Expr.Attr a ? a.attr().span() : where.span(), message);
    }

    EvalError(Span where, String message) {
      super(message, null, false, false);
      this.where = where;
    }

    String at() {
      return where.position();
    }
  }

  /** A condition: the expression must evaluate to a Bool. */
  static boolean condition(Expr e, RefEnv env) {
    Value v = eval(e, env);
    if (v instanceof Value.Bool b) {
      return b.value();
    }
    throw new EvalError(e, "a condition must be a Bool, but this is a " + v.typeName());
  }

  static Value eval(Expr e, RefEnv env) {
    if (e instanceof Expr.BoolLit b) {
      return Value.Bool.of(b.value());
    }
    if (e instanceof Expr.IntLit i) {
      return new Value.Int(i.value());
    }
    if (e instanceof Expr.StrLit s) {
      return new Value.Str(s.value());
    }
    if (e instanceof Expr.DurationLit d) {
      return new Value.Dur(d.seconds());
    }
    if (e instanceof Expr.EntityLit el) {
      return new Value.EntityV(uid(el.entity()));
    }
    if (e instanceof Expr.Var v) {
      return variable(v, env);
    }
    if (e instanceof Expr.Attr a) {
      return attribute(a.attr().span(), a.target(), a.attr().value(), env);
    }
    if (e instanceof Expr.Index ix) {
      return attribute(ix.span(), ix.target(), ix.key(), env);
    }
    if (e instanceof Expr.Has h) {
      return has(h, env);
    }
    if (e instanceof Expr.Binary b) {
      return binary(b, env);
    }
    if (e instanceof Expr.And and) {
      for (Expr op : and.operands()) {
        if (!bool(op, eval(op, env), "`&&`")) {
          return Value.Bool.FALSE;
        }
      }
      return Value.Bool.TRUE;
    }
    if (e instanceof Expr.Or or) {
      for (Expr op : or.operands()) {
        if (bool(op, eval(op, env), "`||`")) {
          return Value.Bool.TRUE;
        }
      }
      return Value.Bool.FALSE;
    }
    if (e instanceof Expr.Not n) {
      return Value.Bool.of(!bool(n, eval(n.operand(), env), "`!`"));
    }
    if (e instanceof Expr.Neg n) {
      Value v = eval(n.operand(), env);
      if (!(v instanceof Value.Int i)) {
        throw new EvalError(e, "unary `-` needs an Int, not a " + v.typeName());
      }
      if (i.value() == Long.MIN_VALUE) {
        throw new EvalError(e, "integer overflow in `-" + i.value() + "`");
      }
      return new Value.Int(-i.value());
    }
    if (e instanceof Expr.Like l) {
      String s = string(l, eval(l.operand(), env), "`like`");
      return Value.Bool.of(globToRegex(l.pattern()).matcher(s).matches());
    }
    if (e instanceof Expr.Matches m) {
      String s = string(m, eval(m.operand(), env), "`matches`");
      return Value.Bool.of(Pattern.compile(m.regex()).matcher(s).matches());
    }
    if (e instanceof Expr.MethodCall m) {
      return method(m, env);
    }
    if (e instanceof Expr.Call c) {
      return call(c, env);
    }
    if (e instanceof Expr.SetLit s) {
      Set<Value> out = new LinkedHashSet<>();
      for (Expr el : s.elements()) {
        out.add(eval(el, env));
      }
      return new Value.SetV(out);
    }
    if (e instanceof Expr.Is is) {
      Value v = eval(is.operand(), env);
      if (!(v instanceof Value.EntityV ev)) {
        throw new EvalError(e, "`is` tests the type of an entity, not a " + v.typeName());
      }
      if (!ev.uid().type().equals(is.type().value())) {
        return Value.Bool.FALSE;
      }
      if (is.in().isEmpty()) {
        return Value.Bool.TRUE;
      }
      return Value.Bool.of(in(e, v, eval(is.in().get(), env), env));
    }
    if (e instanceof Expr.RecordLit rec) {
      java.util.Map<String, Value> fields = new java.util.LinkedHashMap<>();
      for (Expr.Field f : rec.fields()) {
        fields.put(f.name(), eval(f.value(), env));
      }
      return new Value.RecordV(fields);
    }
    if (e instanceof Expr.If i) {
      return bool(i.condition(), eval(i.condition(), env), "`if`") ? eval(i.then(), env) : eval(i.otherwise(), env);
    }
    throw new IllegalStateException("unknown expression " + e);
  }

  static EntityUid uid(EntityLiteral lit) {
    return new EntityUid(lit.type().value(), lit.id());
  }

  // ---- variables and attributes --------------------------------------------------------

  private static Value variable(Expr.Var v, RefEnv env) {
    return switch (v.variable()) {
      case PRINCIPAL -> new Value.EntityV(env.principal());
      case RESOURCE -> new Value.EntityV(env.resource());
      case ACTION -> new Value.Str(env.action());
      case CONTEXT -> env.context();
      case INTENT -> {
        requireIntent(v, env);
        throw new EvalError(v, "`intent` is not a value; read `intent.name` or a parameter");
      }
      case DELEGATION -> throw new EvalError(v, "`delegation` is not a value; read `.depth`, `.root` or `.chain`");
      case REQUEST -> throw new EvalError(v, "`request` is not a value; read `.duration` or `.time`");
    };
  }

  private static RefEnv.IntentView requireIntent(Expr at, RefEnv env) {
    return env.intent().orElseThrow(() -> new EvalError(at, "`intent` is read, but the request declares no intent"));
  }

  /** {@code target.name} or {@code target["name"]}. */
  private static Value attribute(Span e, Expr target, String name, RefEnv env) {
    if (target instanceof Expr.Var v) {
      switch (v.variable()) {
        case INTENT -> {
          RefEnv.IntentView intent = requireIntent(v, env);
          if (name.equals("name")) {
            return new Value.Str(intent.name());
          }
          Value p = intent.params().get(name);
          if (p == null) {
            throw new EvalError(e, "the request's intent `" + intent.name() + "` has no parameter `" + name + "`");
          }
          return p;
        }
        case DELEGATION -> {
          return switch (name) {
            case "depth" -> new Value.Int(env.delegation().depth());
            case "root" -> new Value.EntityV(env.delegation().root());
            case "chain" -> {
              Set<Value> members = new LinkedHashSet<>();
              env.delegation().chain().forEach(u -> members.add(new Value.EntityV(u)));
              yield new Value.SetV(members);
            }
            default -> throw new EvalError(e, "`delegation` has no field `" + name + "`");
          };
        }
        case REQUEST -> {
          return switch (name) {
            case "duration" -> new Value.Dur(env.requestDuration()
                .orElseThrow(() -> new EvalError(e, "`request.duration` is read, but the request gives no duration")));
            case "time" -> new Value.Time(env.requestTime());
            default -> throw new EvalError(e, "`request` has no field `" + name + "`");
          };
        }
        default -> { }
      }
    }
    Value t = eval(target, env);
    if (t instanceof Value.EntityV ev) {
      Entity entity = env.store().get(ev.uid());
      if (entity == null) {
        throw new EvalError(e, "attribute `" + name + "` of unknown entity `" + ev.uid() + "`");
      }
      Value a = entity.attributes().get(name);
      if (a == null) {
        throw new EvalError(e, "`" + ev.uid() + "` has no attribute `" + name + "`");
      }
      return a;
    }
    if (t instanceof Value.RecordV r) {
      Value f = r.fields().get(name);
      if (f == null) {
        throw new EvalError(e, "the record has no field `" + name + "`");
      }
      return f;
    }
    throw new EvalError(e, "`" + name + "` is read from a " + t.typeName() + ", which has no attributes");
  }

  private static Value has(Expr.Has h, RefEnv env) {
    if (h.target() instanceof Expr.Var v && v.variable() == Expr.Variable.INTENT) {
      return Value.Bool.of(requireIntent(v, env).params().containsKey(h.attr()));
    }
    Value t = eval(h.target(), env);
    if (t instanceof Value.EntityV ev) {
      Entity entity = env.store().get(ev.uid());
      return Value.Bool.of(entity != null && entity.attributes().containsKey(h.attr()));
    }
    if (t instanceof Value.RecordV r) {
      return Value.Bool.of(r.fields().containsKey(h.attr()));
    }
    throw new EvalError(h, "`has` tests an entity, a record or `intent`, not a " + t.typeName());
  }

  // ---- operators -----------------------------------------------------------------------

  private static Value binary(Expr.Binary b, RefEnv env) {
    Value l = eval(b.left(), env);
    Value r = eval(b.right(), env);
    switch (b.op()) {
      case EQ:
        return Value.Bool.of(l.equals(r));
      case NE:
        return Value.Bool.of(!l.equals(r));
      case LT:
      case LE:
      case GT:
      case GE: {
        int c = compare(b, l, r);
        return Value.Bool.of(switch (b.op()) {
          case LT -> c < 0;
          case LE -> c <= 0;
          case GT -> c > 0;
          default -> c >= 0;
        });
      }
      case ADD:
      case SUB:
        return arithmetic(b, l, r);
      case MUL:
        if (!(l instanceof Value.Int x) || !(r instanceof Value.Int y)) {
          throw new EvalError(b, "`*` multiplies two Ints, not a " + l.typeName() + " and a " + r.typeName());
        }
        try {
          return new Value.Int(Math.multiplyExact(x.value(), y.value()));
        } catch (ArithmeticException ex) {
          throw new EvalError(b, "overflow in `*` of " + l + " and " + r);
        }
      case IN:
        return Value.Bool.of(in(b, l, r, env));
      default:
        throw new IllegalStateException("unknown operator " + b.op());
    }
  }

  private static int compare(Expr.Binary b, Value l, Value r) {
    if (l instanceof Value.Int x && r instanceof Value.Int y) {
      return Long.compare(x.value(), y.value());
    }
    if (l instanceof Value.Dur x && r instanceof Value.Dur y) {
      return Long.compare(x.seconds(), y.seconds());
    }
    if (l instanceof Value.Time x && r instanceof Value.Time y) {
      return x.instant().compareTo(y.instant());
    }
    throw new EvalError(b, "`" + b.op().symbol() + "` orders two Ints, two Durations or two Times, not a "
        + l.typeName() + " and a " + r.typeName());
  }

  private static Value arithmetic(Expr.Binary b, Value l, Value r) {
    boolean add = b.op() == Expr.BinaryOp.ADD;
    try {
      if (l instanceof Value.Int x && r instanceof Value.Int y) {
        return new Value.Int(add ? Math.addExact(x.value(), y.value()) : Math.subtractExact(x.value(), y.value()));
      }
      if (l instanceof Value.Time t && r instanceof Value.Dur d) {
        return new Value.Time(add ? t.instant().plusSeconds(d.seconds()) : t.instant().minusSeconds(d.seconds()));
      }
      if (l instanceof Value.Dur x && r instanceof Value.Dur y) {
        return new Value.Dur(add ? Math.addExact(x.seconds(), y.seconds()) : Math.subtractExact(x.seconds(), y.seconds()));
      }
    } catch (ArithmeticException | DateTimeException ex) {
      throw new EvalError(b, "overflow in `" + b.op().symbol() + "` of " + l + " and " + r);
    }
    throw new EvalError(b, "`" + b.op().symbol() + "` works on Int and Int, Time and Duration, or Duration and "
        + "Duration; not a " + l.typeName() + " and a " + r.typeName());
  }

  /** {@code a in b}: hierarchy membership, or membership of (or in) some element of a set. */
  private static boolean in(Expr b, Value l, Value r, RefEnv env) {
    if (r instanceof Value.EntityV group) {
      if (!(l instanceof Value.EntityV member)) {
        throw new EvalError(b, "`in` with an entity on the right needs an entity on the left, not a " + l.typeName());
      }
      return env.store().ancestorsOrSelf(member.uid()).contains(group.uid());
    }
    if (r instanceof Value.SetV set) {
      for (Value element : set.elements()) {
        if (element.equals(l)) {
          return true;
        }
        if (l instanceof Value.EntityV member && element instanceof Value.EntityV group
            && env.store().ancestorsOrSelf(member.uid()).contains(group.uid())) {
          return true;
        }
      }
      return false;
    }
    throw new EvalError(b, "`in` needs an entity or a set on the right, not a " + r.typeName());
  }

  private static Value method(Expr.MethodCall m, RefEnv env) {
    Value target = eval(m.target(), env);
    String name = m.method().value();
    if (!name.equals("contains") && !name.equals("containsAll") && !name.equals("containsAny")) {
      Value[] args = new Value[m.args().size()];
      for (int i = 0; i < args.length; i++) {
        args[i] = eval(m.args().get(i), env);
      }
      return extensionMethod(m, name, target, args, env);
    }
    if (m.args().size() != 1) {
      throw new EvalError(m, "`" + m.method().value() + "` takes one argument");
    }
    // As in Cedar, both operands are evaluated before their types are looked at: an error in the
    // argument comes before the error of a target that is not a set.
    Value arg = eval(m.args().get(0), env);
    if (!(target instanceof Value.SetV set)) {
      throw new EvalError(m, "`" + m.method().value() + "` is a set method, but this is a " + target.typeName());
    }
    switch (m.method().value()) {
      case "contains":
        return Value.Bool.of(set.elements().contains(arg));
      case "containsAll":
      case "containsAny": {
        if (!(arg instanceof Value.SetV other)) {
          throw new EvalError(m, "`" + m.method().value() + "` takes a set, not a " + arg.typeName());
        }
        boolean all = m.method().value().equals("containsAll");
        for (Value v : other.elements()) {
          boolean found = set.elements().contains(v);
          if (all && !found) {
            return Value.Bool.FALSE;
          }
          if (!all && found) {
            return Value.Bool.TRUE;
          }
        }
        return Value.Bool.of(all);
      }
      default:
        throw new EvalError(m, "unknown method `" + m.method().value() + "`");
    }
  }

  /** Cedar's decimal, ipaddr and datetime methods, on Writ's Decimal, IpAddr, Time and Duration. */
  private static Value extensionMethod(Expr.MethodCall m, String name, Value target, Value[] args, RefEnv env) {
    int arity = switch (name) {
      case "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual", "isInRange", "offset",
           "durationSince", "hasTag", "getTag" -> 1;
      case "isIpv4", "isIpv6", "isLoopback", "isMulticast", "toDate", "toTime", "toDays", "toHours", "toMinutes",
           "toSeconds", "toMilliseconds" -> 0;
      default -> throw new EvalError(m, "unknown method `" + name + "`");
    };
    if (args.length != arity) {
      throw new EvalError(m, "`" + name + "` takes " + arity + " argument(s)");
    }
    switch (name) {
      case "hasTag":
      case "getTag": {
        if (!(target instanceof Value.EntityV ev)) {
          throw new EvalError(m, "`" + name + "` is called on an entity, not a " + target.typeName());
        }
        if (!(args[0] instanceof Value.Str key)) {
          throw new EvalError(m, "a tag name is a String, not a " + args[0].typeName());
        }
        Entity entity = env.store().get(ev.uid());
        Value tag = entity == null ? null : entity.tags().get(key.value());
        if (name.equals("hasTag")) {
          return Value.Bool.of(tag != null);
        }
        if (tag == null) {
          throw new EvalError(m, "`" + ev.uid() + "` has no tag `" + key.value() + "`");
        }
        return tag;
      }
      case "lessThan":
        return Value.Bool.of(decimal(m, target).compareTo(decimal(m, args[0])) < 0);
      case "lessThanOrEqual":
        return Value.Bool.of(decimal(m, target).compareTo(decimal(m, args[0])) <= 0);
      case "greaterThan":
        return Value.Bool.of(decimal(m, target).compareTo(decimal(m, args[0])) > 0);
      case "greaterThanOrEqual":
        return Value.Bool.of(decimal(m, target).compareTo(decimal(m, args[0])) >= 0);
      case "isIpv4":
        return Value.Bool.of(ipv(m, target).address().length == 4);
      case "isIpv6":
        return Value.Bool.of(ipv(m, target).address().length == 16);
      case "isLoopback": {
        Value.IpAddr ip = ipv(m, target);
        return Value.Bool.of(ip.address().length == 4 ? (ip.address()[0] & 0xff) == 127
            : new BigInteger(1, ip.address()).equals(BigInteger.ONE));
      }
      case "isMulticast": {
        Value.IpAddr ip = ipv(m, target);
        int first = ip.address()[0] & 0xff;
        return Value.Bool.of(ip.address().length == 4 ? first >= 224 && first <= 239 : first == 0xff);
      }
      case "isInRange": {
        Value.IpAddr ip = ipv(m, target);
        Value.IpAddr range = ipv(m, args[0]);
        if (ip.address().length != range.address().length || ip.prefix() < range.prefix()) {
          return Value.Bool.FALSE;
        }
        int shift = range.address().length * 8 - range.prefix();
        return Value.Bool.of(new BigInteger(1, ip.address()).shiftRight(shift)
            .equals(new BigInteger(1, range.address()).shiftRight(shift)));
      }
      case "offset":
        try {
          return new Value.Time(instant(m, target).plus(java.time.Duration.ofSeconds(seconds(m, args[0]))));
        } catch (DateTimeException | ArithmeticException ex) {
          throw new EvalError(m, "overflow in `offset`");
        }
      case "durationSince": {
        BigInteger millis = BigInteger.valueOf(instant(m, target).toEpochMilli())
            .subtract(BigInteger.valueOf(instant(m, args[0]).toEpochMilli()));
        // Durations are whole seconds: round down, as a Time minus a Time would.
        BigInteger secs = millis.divide(BigInteger.valueOf(1000));
        if (millis.signum() < 0 && !millis.mod(BigInteger.valueOf(1000)).equals(BigInteger.ZERO)) {
          secs = secs.subtract(BigInteger.ONE);
        }
        return new Value.Dur(secs.longValueExact());
      }
      case "toDate":
        return new Value.Time(instant(m, target).atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC)
            .toInstant());
      case "toTime":
        return new Value.Dur(instant(m, target).atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay());
      case "toDays":
        return new Value.Int(seconds(m, target) / 86_400);
      case "toHours":
        return new Value.Int(seconds(m, target) / 3_600);
      case "toMinutes":
        return new Value.Int(seconds(m, target) / 60);
      case "toSeconds":
        return new Value.Int(seconds(m, target));
      default:
        try {
          return new Value.Int(BigInteger.valueOf(seconds(m, target)).multiply(BigInteger.valueOf(1000)).longValueExact());
        } catch (ArithmeticException ex) {
          throw new EvalError(m, "overflow in `toMilliseconds`");
        }
    }
  }

  private static java.math.BigDecimal decimal(Expr at, Value v) {
    if (v instanceof Value.Decimal d) {
      return java.math.BigDecimal.valueOf(d.scaled(), 4);
    }
    throw new EvalError(at, "a Decimal is needed, not a " + v.typeName());
  }

  private static Value.IpAddr ipv(Expr at, Value v) {
    if (v instanceof Value.IpAddr ip) {
      return ip;
    }
    throw new EvalError(at, "an IpAddr is needed, not a " + v.typeName());
  }

  private static Instant instant(Expr at, Value v) {
    if (v instanceof Value.Time t) {
      return t.instant();
    }
    throw new EvalError(at, "a Time is needed, not a " + v.typeName());
  }

  private static long seconds(Expr at, Value v) {
    if (v instanceof Value.Dur d) {
      return d.seconds();
    }
    throw new EvalError(at, "a Duration is needed, not a " + v.typeName());
  }

  private static final Pattern DECIMAL = Pattern.compile("-?([0-9]+)\\.([0-9]{1,4})");
  private static final Pattern DATETIME = Pattern.compile(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{3})?(Z|[+-][0-9]{4}))?");

  private static Value call(Expr.Call c, RefEnv env) {
    String fn = c.function().value();
    Value[] args = new Value[c.args().size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = eval(c.args().get(i), env);
    }
    switch (fn) {
      case "hour":
        return new Value.Int(utc(c, arg(c, args, 0)).getHour());
      case "weekday":
        return new Value.Int(utc(c, arg(c, args, 0)).getDayOfWeek().getValue());
      case "time": {
        String s = string(c, arg(c, args, 0), "`time`");
        try {
          return new Value.Time(Instant.parse(s));
        } catch (DateTimeParseException ex) {
          throw new EvalError(c, "`" + s + "` is not an ISO-8601 instant such as `2026-06-15T10:00:00Z`");
        }
      }
      case "duration": {
        String s = string(c, arg(c, args, 0), "`duration`");
        Long seconds = parseDuration(s);
        if (seconds == null) {
          throw new EvalError(c, "`" + s + "` is not a duration such as `1h30m`");
        }
        return new Value.Dur(seconds);
      }
      case "size": {
        Value v = arg(c, args, 0);
        if (v instanceof Value.Str s) {
          return new Value.Int(s.value().codePointCount(0, s.value().length()));
        }
        if (v instanceof Value.SetV s) {
          return new Value.Int(s.elements().size());
        }
        throw new EvalError(c, "`size` takes a String or a set, not a " + v.typeName());
      }
      case "lower":
        return new Value.Str(string(c, arg(c, args, 0), "`lower`").toLowerCase(Locale.ROOT));
      case "cidr":
        return Value.Bool.of(cidr(c, string(c, arg(c, args, 0), "`cidr`"), string(c, arg(c, args, 1), "`cidr`")));
      case "decimal": {
        String s = string(c, arg(c, args, 0), "`decimal`");
        if (!DECIMAL.matcher(s).matches()) {
          throw new EvalError(c, "`" + s + "` is not a decimal");
        }
        try {
          return new Value.Decimal(new java.math.BigDecimal(s).movePointRight(4).longValueExact());
        } catch (ArithmeticException ex) {
          throw new EvalError(c, "`" + s + "` is outside the decimal range");
        }
      }
      case "ip": {
        String s = string(c, arg(c, args, 0), "`ip`");
        int slash = s.indexOf('/');
        byte[] address = parseAddress(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
          throw new EvalError(c, "`" + s + "` is not an IP address");
        }
        if (slash < 0) {
          return new Value.IpAddr(address, address.length * 8);
        }
        String bits = s.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > address.length * 8) {
          throw new EvalError(c, "`" + s + "` has no valid prefix length");
        }
        return new Value.IpAddr(address, Integer.parseInt(bits));
      }
      case "datetime": {
        String s = string(c, arg(c, args, 0), "`datetime`");
        if (!DATETIME.matcher(s).matches()) {
          throw new EvalError(c, "`" + s + "` is not a datetime");
        }
        try {
          if (s.length() == 10) {
            return new Value.Time(java.time.LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
          }
          String iso = s.endsWith("Z") ? s : s.substring(0, s.length() - 2) + ":" + s.substring(s.length() - 2);
          return new Value.Time(java.time.OffsetDateTime.parse(iso).toInstant());
        } catch (DateTimeException ex) {
          throw new EvalError(c, "`" + s + "` is not a datetime");
        }
      }
      default:
        throw new EvalError(c, "unknown function `" + fn + "`");
    }
  }

  private static Value arg(Expr.Call c, Value[] args, int i) {
    if (i >= args.length) {
      throw new EvalError(c, "`" + c.function().value() + "` is missing an argument");
    }
    return args[i];
  }

  private static ZonedDateTime utc(Expr at, Value v) {
    if (!(v instanceof Value.Time t)) {
      throw new EvalError(at, "a Time is needed, not a " + v.typeName());
    }
    return t.instant().atZone(ZoneOffset.UTC);
  }

  private static boolean bool(Expr at, Value v, String what) {
    if (v instanceof Value.Bool b) {
      return b.value();
    }
    throw new EvalError(at, what + " needs a Bool, but this is a " + v.typeName());
  }

  private static String string(Expr at, Value v, String what) {
    if (v instanceof Value.Str s) {
      return s.value();
    }
    throw new EvalError(at, what + " needs a String, but this is a " + v.typeName());
  }

  // ---- helpers written out from the spec text -------------------------------------------

  /**
   * A {@code like} pattern in the syntax tree's glob form: {@code *} any run of characters,
   * {@code \*} a literal star, {@code \\} a literal backslash; everything else literal.
   */
  static Pattern globToRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char ch = glob.charAt(i);
      if (ch == '\\' && i + 1 < glob.length() && (glob.charAt(i + 1) == '*' || glob.charAt(i + 1) == '\\')) {
        literal.append(glob.charAt(++i));
      } else if (ch == '*') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(".*");
      } else {
        literal.append(ch);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  private static final Pattern DURATION =
      Pattern.compile("(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?");
  private static final long[] UNIT_SECONDS = {86_400, 3_600, 60, 1};

  /**
   * The language's duration form (§2): one or more {@code <int><unit>}, units d h m s at most
   * once and in that order, no leading zeros. Null when the text is not one.
   */
  static Long parseDuration(String text) {
    Matcher m = DURATION.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      return null;
    }
    long total = 0;
    for (int u = 0; u < 4; u++) {
      String digits = m.group(u + 1);
      if (digits == null) {
        continue;
      }
      if (digits.length() > 1 && digits.charAt(0) == '0') {
        return null;
      }
      try {
        total = Math.addExact(total, Math.multiplyExact(Long.parseLong(digits), UNIT_SECONDS[u]));
      } catch (ArithmeticException | NumberFormatException ex) {
        return null;
      }
    }
    return total;
  }

  /** {@code cidr(ip, range)}: malformed input is an error; addresses of different families never match. */
  private static boolean cidr(Expr at, String ip, String range) {
    byte[] address = parseAddress(ip);
    if (address == null) {
      throw new EvalError(at, "`" + ip + "` is not an IP address");
    }
    int slash = range.indexOf('/');
    byte[] network = slash < 0 ? null : parseAddress(range.substring(0, slash));
    if (network == null) {
      throw new EvalError(at, "`" + range + "` is not a CIDR range such as `10.0.0.0/8`");
    }
    int bits;
    try {
      bits = Integer.parseInt(range.substring(slash + 1));
    } catch (NumberFormatException ex) {
      throw new EvalError(at, "`" + range + "` has no valid prefix length");
    }
    if (bits < 0 || bits > network.length * 8 || !range.substring(slash + 1).matches("[0-9]+")) {
      throw new EvalError(at, "`" + range + "` has no valid prefix length");
    }
    if (address.length != network.length) {
      return false;
    }
    BigInteger a = new BigInteger(1, address);
    BigInteger n = new BigInteger(1, network);
    int shift = network.length * 8 - bits;
    return a.shiftRight(shift).equals(n.shiftRight(shift));
  }

  /** A literal IPv4 or IPv6 address (never a host name), or null. */
  private static byte[] parseAddress(String s) {
    if (s.isEmpty()) {
      return null;
    }
    if (s.contains(":")) {
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (Character.digit(ch, 16) < 0 && ch != ':' && ch != '.') {
          return null;
        }
      }
      try {
        byte[] b = InetAddress.getByName(s).getAddress();
        if (b.length == 4) {
          // Java turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into IPv4; it is written as IPv6.
          byte[] mapped = new byte[16];
          mapped[10] = (byte) 0xff;
          mapped[11] = (byte) 0xff;
          System.arraycopy(b, 0, mapped, 12, 4);
          return mapped;
        }
        return b;
      } catch (Exception ex) {
        return null;
      }
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        return null;
      }
      int n = Integer.parseInt(p);
      if (n > 255) {
        return null;
      }
      out[i] = (byte) n;
    }
    return out;
  }
}

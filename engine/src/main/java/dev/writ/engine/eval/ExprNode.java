package dev.writ.engine.eval;

import dev.writ.engine.plan.PlanExpr;

import dev.writ.engine.entity.Entity;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compiled expression: a tree of small evaluators built once per plan. Attribute reads on
 * {@code principal} and {@code resource} are array reads through the plan's attribute slots;
 * constants are shared values; nothing is allocated on the common paths.
 */
public abstract class ExprNode {
  final String at;

  ExprNode(String at) {
    this.at = at;
  }

  public abstract Value eval(EvalState s) throws EvalError;

  /** Evaluates a condition: a Bool, or an error. */
  public final boolean test(EvalState s) throws EvalError {
    Value v = eval(s);
    if (v instanceof Value.Bool b) {
      return b.value();
    }
    throw new EvalError("a condition must be Bool, but this is " + v.typeName(), at);
  }

  // ---- leaves --------------------------------------------------------------------------

  static final class Const extends ExprNode {
    final Value value;

    Const(Value value, String at) {
      super(at);
      this.value = value;
    }

    @Override
    public Value eval(EvalState s) {
      return value;
    }
  }

  static final class Var extends ExprNode {
    // The variable, decided when compiled: a switch on its name ran on every read.
    private static final int PRINCIPAL = 0;
    private static final int RESOURCE = 1;
    private static final int ACTION = 2;
    private static final int CONTEXT = 3;
    private static final int INTENT = 4;
    private static final int DELEGATION = 5;
    private static final int REQUEST = 6;
    private static final int UNKNOWN = 7;

    final String name;
    private final int which;

    Var(String name, String at) {
      super(at);
      this.name = name;
      this.which = switch (name) {
        case "principal" -> PRINCIPAL;
        case "resource" -> RESOURCE;
        case "action" -> ACTION;
        case "context" -> CONTEXT;
        case "intent" -> INTENT;
        case "delegation" -> DELEGATION;
        case "request" -> REQUEST;
        default -> UNKNOWN;
      };
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      return switch (which) {
        case PRINCIPAL -> s.principalValue;
        case RESOURCE -> s.resourceValue;
        case ACTION -> s.action;
        case CONTEXT -> s.context;
        case INTENT -> s.intentRecord(at);
        case DELEGATION -> s.delegationRecord();
        case REQUEST -> s.requestRecord();
        default -> throw new EvalError("unknown variable `" + name + "`", at);
      };
    }
  }

  // ---- attributes ----------------------------------------------------------------------

  /** {@code principal.attr} or {@code resource.attr}: a slot read on an entity already at hand. */
  static final class SlotAttr extends ExprNode {
    final boolean principal;
    final int slot;
    final String name;

    SlotAttr(boolean principal, int slot, String name, String at) {
      super(at);
      this.principal = principal;
      this.slot = slot;
      this.name = name;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Entity e = principal ? s.principal : s.resource;
      if (e == null) {
        EntityUid uid = principal ? s.principalUid : s.resourceUid;
        throw new EvalError("`" + uid + "` has no attribute `" + name + "`: the entity has no data", at);
      }
      Value v = e.slots(s.table)[slot];
      if (v == null) {
        throw new EvalError("`" + e.uid() + "` has no attribute `" + name + "`", at);
      }
      return v;
    }
  }

  static final class Attr extends ExprNode {
    final ExprNode target;
    final int slot;
    final String name;

    Attr(ExprNode target, int slot, String name, String at) {
      super(at);
      this.target = target;
      this.slot = slot;
      this.name = name;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value t = target.eval(s);
      if (t instanceof Value.EntityV ev) {
        Entity e = s.store.get(ev.uid());
        if (e == null) {
          throw new EvalError("`" + ev.uid() + "` has no attribute `" + name + "`: the entity has no data", at);
        }
        Value v = slot >= 0 ? e.slots(s.table)[slot] : e.attributes().get(name);
        if (v == null) {
          throw new EvalError("`" + ev.uid() + "` has no attribute `" + name + "`", at);
        }
        return v;
      }
      if (t instanceof Value.RecordV r) {
        Value v = r.fields().get(name);
        if (v == null) {
          throw new EvalError("no field `" + name + "` in " + describe(target), at);
        }
        return v;
      }
      throw new EvalError("cannot read `" + name + "` from a " + t.typeName(), at);
    }
  }

  /**
   * {@code context.name}: the field read straight from the request's context record, with
   * {@link Attr}'s error when it is missing.
   */
  static final class ContextAttr extends ExprNode {
    final String name;

    ContextAttr(String name, String at) {
      super(at);
      this.name = name;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value v = s.context.fields().get(name);
      if (v == null) {
        throw new EvalError("no field `" + name + "` in `context`", at);
      }
      return v;
    }
  }

  static final class Has extends ExprNode {
    final ExprNode target;
    final String name;

    Has(ExprNode target, String name, String at) {
      super(at);
      this.target = target;
      this.name = name;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value t = target.eval(s);
      if (t instanceof Value.EntityV ev) {
        Entity e = s.store.get(ev.uid());
        return Value.Bool.of(e != null && e.attributes().containsKey(name));
      }
      if (t instanceof Value.RecordV r) {
        return Value.Bool.of(r.fields().containsKey(name));
      }
      throw new EvalError("`has` tests an entity or a record, not a " + t.typeName(), at);
    }
  }

  static String describe(ExprNode target) {
    if (target instanceof Var v) {
      return "`" + v.name + "`";
    }
    if (target instanceof Attr a) {
      return "`" + a.name + "`";
    }
    if (target instanceof ContextAttr a) {
      return "`" + a.name + "`";
    }
    return "the record";
  }

  // ---- operators -----------------------------------------------------------------------

  static final class Equals extends ExprNode {
    final ExprNode left;
    final ExprNode right;
    final boolean negate;

    Equals(ExprNode left, ExprNode right, boolean negate, String at) {
      super(at);
      this.left = left;
      this.right = right;
      this.negate = negate;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      boolean eq = left.eval(s).equals(right.eval(s));
      return Value.Bool.of(eq != negate);
    }
  }

  /**
   * {@code e == c} and {@code e != c} with a constant {@code c} (on either side: value equality
   * is symmetric, and a constant has nothing to evaluate): one evaluation and a comparison of
   * the constant's own kind, where {@link Equals} made two calls and a virtual {@code equals}. A
   * slot read ({@code resource.env == "prod"}) is called directly.
   */
  static final class EqualsConst extends ExprNode {
    final ExprNode operand;
    final Value constant;
    final boolean negate;
    private final SlotAttr slot; // operand, when it is a slot read
    private final String str; // the constant's string, when it is one
    private final Value.Bool bool; // the constant, when it is a Bool

    EqualsConst(ExprNode operand, Value constant, boolean negate, String at) {
      super(at);
      this.operand = operand;
      this.constant = constant;
      this.negate = negate;
      this.slot = operand instanceof SlotAttr a ? a : null;
      this.str = constant instanceof Value.Str c ? c.value() : null;
      this.bool = constant instanceof Value.Bool b ? b : null;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value v = slot != null ? slot.eval(s) : operand.eval(s);
      boolean eq;
      if (str != null) {
        eq = v instanceof Value.Str x && str.equals(x.value());
      } else if (bool != null) {
        eq = v instanceof Value.Bool x && x.value() == bool.value();
      } else {
        eq = v.equals(constant);
      }
      return Value.Bool.of(eq != negate);
    }
  }

  static final class Compare extends ExprNode {
    final ExprNode left;
    final ExprNode right;
    final PlanExpr.Op op;

    Compare(PlanExpr.Op op, ExprNode left, ExprNode right, String at) {
      super(at);
      this.op = op;
      this.left = left;
      this.right = right;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value l = left.eval(s);
      Value r = right.eval(s);
      int c;
      if (l instanceof Value.Int a && r instanceof Value.Int b) {
        c = Long.compare(a.value(), b.value());
      } else if (l instanceof Value.Dur a && r instanceof Value.Dur b) {
        c = Long.compare(a.seconds(), b.seconds());
      } else if (l instanceof Value.Time a && r instanceof Value.Time b) {
        c = a.instant().compareTo(b.instant());
      } else {
        throw new EvalError("cannot order " + l.typeName() + " and " + r.typeName()
            + "; `<` and friends compare two Ints, two Durations or two Times", at);
      }
      boolean result = switch (op) {
        case LT -> c < 0;
        case LE -> c <= 0;
        case GT -> c > 0;
        default -> c >= 0;
      };
      return Value.Bool.of(result);
    }
  }

  static final class In extends ExprNode {
    final ExprNode left;
    final ExprNode right;

    In(ExprNode left, ExprNode right, String at) {
      super(at);
      this.left = left;
      this.right = right;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value l = left.eval(s);
      Value r = right.eval(s);
      if (r instanceof Value.EntityV re) {
        if (!(l instanceof Value.EntityV le)) {
          throw new EvalError("`in` with an entity on the right needs an entity on the left, not a " + l.typeName(), at);
        }
        return Value.Bool.of(ancestors(s, le.uid()).contains(re.uid()));
      }
      if (r instanceof Value.SetV set) {
        if (set.elements().contains(l)) {
          return Value.Bool.TRUE;
        }
        if (l instanceof Value.EntityV le) {
          Set<EntityUid> anc = ancestors(s, le.uid());
          for (Value e : set.elements()) {
            if (e instanceof Value.EntityV ee && anc.contains(ee.uid())) {
              return Value.Bool.TRUE;
            }
          }
        }
        return Value.Bool.FALSE;
      }
      throw new EvalError("`in` needs an entity or a set on the right, not a " + r.typeName(), at);
    }

    private static Set<EntityUid> ancestors(EvalState s, EntityUid uid) {
      return uid.equals(s.principalUid) ? s.principalAncestors : s.store.ancestorsOrSelf(uid);
    }
  }

  static final class Arith extends ExprNode {
    final ExprNode left;
    final ExprNode right;
    final boolean add;

    Arith(boolean add, ExprNode left, ExprNode right, String at) {
      super(at);
      this.add = add;
      this.left = left;
      this.right = right;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value l = left.eval(s);
      Value r = right.eval(s);
      try {
        if (l instanceof Value.Int a && r instanceof Value.Int b) {
          return new Value.Int(add ? Math.addExact(a.value(), b.value()) : Math.subtractExact(a.value(), b.value()));
        }
        if (l instanceof Value.Dur a && r instanceof Value.Dur b) {
          return new Value.Dur(add ? Math.addExact(a.seconds(), b.seconds()) : Math.subtractExact(a.seconds(), b.seconds()));
        }
        if (l instanceof Value.Time a && r instanceof Value.Dur b) {
          return new Value.Time(add ? a.instant().plusSeconds(b.seconds()) : a.instant().minusSeconds(b.seconds()));
        }
      } catch (ArithmeticException | DateTimeException e) {
        throw new EvalError("overflow in `" + (add ? "+" : "-") + "`", at);
      }
      throw new EvalError("`" + (add ? "+" : "-") + "` works on Int and Int, Time and Duration, or Duration and "
          + "Duration; not " + l.typeName() + " and " + r.typeName(), at);
    }
  }

  /**
   * {@code &&} and {@code ||}: operands must be Bool, evaluated left to right, stopping at the first
   * that decides ({@code false} for {@code &&}, {@code true} for {@code ||}).
   */
  static final class BoolChain extends ExprNode {
    final ExprNode[] operands;
    final boolean decidingValue;
    final String operator;

    private BoolChain(ExprNode[] operands, boolean decidingValue, String operator, String at) {
      super(at);
      this.operands = operands;
      this.decidingValue = decidingValue;
      this.operator = operator;
    }

    static BoolChain and(ExprNode[] operands, String at) {
      return new BoolChain(operands, false, "&&", at);
    }

    static BoolChain or(ExprNode[] operands, String at) {
      return new BoolChain(operands, true, "||", at);
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      for (ExprNode op : operands) {
        Value v = op.eval(s);
        if (!(v instanceof Value.Bool b)) {
          throw new EvalError("`" + operator + "` needs Bool operands, not " + v.typeName(), op.at);
        }
        if (b.value() == decidingValue) {
          return b;
        }
      }
      return Value.Bool.of(!decidingValue);
    }
  }

  static final class Not extends ExprNode {
    final ExprNode operand;

    Not(ExprNode operand, String at) {
      super(at);
      this.operand = operand;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value v = operand.eval(s);
      if (v instanceof Value.Bool b) {
        return Value.Bool.of(!b.value());
      }
      throw new EvalError("`!` needs a Bool, not " + v.typeName(), at);
    }
  }

  static final class Neg extends ExprNode {
    final ExprNode operand;

    Neg(ExprNode operand, String at) {
      super(at);
      this.operand = operand;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value v = operand.eval(s);
      if (v instanceof Value.Int i) {
        if (i.value() == Long.MIN_VALUE) {
          throw new EvalError("overflow in unary `-`", at);
        }
        return new Value.Int(-i.value());
      }
      throw new EvalError("unary `-` needs an Int, not " + v.typeName(), at);
    }
  }

  /** {@code like} and {@code matches}: a test of a String operand, compiled once. */
  static final class StringTest extends ExprNode {
    final ExprNode operand;
    final java.util.function.Predicate<String> test;
    final String operator;

    StringTest(ExprNode operand, java.util.function.Predicate<String> test, String operator, String at) {
      super(at);
      this.operand = operand;
      this.test = test;
      this.operator = operator;
    }

    static StringTest like(ExprNode operand, LikePattern glob, String at) {
      return new StringTest(operand, glob::matches, "like", at);
    }

    static StringTest matches(ExprNode operand, Pattern pattern, String at) {
      return new StringTest(operand, v -> pattern.matcher(v).matches(), "matches", at);
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value v = operand.eval(s);
      if (v instanceof Value.Str str) {
        return Value.Bool.of(test.test(str.value()));
      }
      throw new EvalError("`" + operator + "` needs a String, not " + v.typeName(), at);
    }
  }

  static final class SetLit extends ExprNode {
    final ExprNode[] elements;

    SetLit(ExprNode[] elements, String at) {
      super(at);
      this.elements = elements;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      java.util.LinkedHashSet<Value> out = new java.util.LinkedHashSet<>();
      for (ExprNode e : elements) {
        out.add(e.eval(s));
      }
      return new Value.SetV(out);
    }
  }

  /** A set method, its implementation bound when the plan was compiled ({@link BuiltinImpls}). */
  static final class Method extends ExprNode {
    final String name;
    final ExprNode target;
    final ExprNode arg;
    private final BuiltinImpls.Method impl;

    Method(String name, ExprNode target, ExprNode arg, String at) {
      super(at);
      this.name = name;
      this.target = target;
      this.arg = arg;
      this.impl = BuiltinImpls.method(name);
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value t = target.eval(s);
      Value a = arg.eval(s);
      if (!(t instanceof Value.SetV set)) {
        throw new EvalError("`" + name + "` is a set method, but this is a " + t.typeName(), at);
      }
      return impl.apply(this, set, a);
    }

    Value.SetV setArg(Value a) throws EvalError {
      if (a instanceof Value.SetV other) {
        return other;
      }
      throw new EvalError("`" + name + "` takes a set, not a " + a.typeName(), at);
    }
  }

  /** A function call, its implementation bound when the plan was compiled ({@link BuiltinImpls}). */
  static final class Call extends ExprNode {
    final String name;
    final ExprNode[] args;
    private final BuiltinImpls.Function impl;

    Call(String name, ExprNode[] args, String at) {
      super(at);
      this.name = name;
      this.args = args;
      this.impl = BuiltinImpls.function(name);
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      return impl.apply(this, s);
    }

    Instant time(Value v) throws EvalError {
      if (v instanceof Value.Time t) {
        return t.instant();
      }
      throw new EvalError("`" + name + "` needs a Time, not a " + v.typeName(), at);
    }

    String str(Value v) throws EvalError {
      if (v instanceof Value.Str t) {
        return t.value();
      }
      throw new EvalError("`" + name + "` needs a String, not a " + v.typeName(), at);
    }
  }

  // ---- type test, conditional and multiplication -----------------------------------------

  /** {@code e is T} and {@code e is T in E}: the {@code in} operand is evaluated only when the type matches. */
  static final class Is extends ExprNode {
    final ExprNode operand;
    final String type;
    final ExprNode in; // null: no `in`

    Is(ExprNode operand, String type, ExprNode in, String at) {
      super(at);
      this.operand = operand;
      this.type = type;
      this.in = in;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value v = operand.eval(s);
      if (!(v instanceof Value.EntityV ev)) {
        throw new EvalError("`is` tests the type of an entity, not a " + v.typeName(), at);
      }
      if (!ev.uid().type().equals(type)) {
        return Value.Bool.FALSE;
      }
      if (in == null) {
        return Value.Bool.TRUE;
      }
      Value group = in.eval(s);
      if (group instanceof Value.EntityV ge) {
        return Value.Bool.of(In.ancestors(s, ev.uid()).contains(ge.uid()));
      }
      if (group instanceof Value.SetV set) {
        Set<EntityUid> anc = In.ancestors(s, ev.uid());
        for (Value g : set.elements()) {
          if (g instanceof Value.EntityV ge && anc.contains(ge.uid())) {
            return Value.Bool.TRUE;
          }
        }
        return Value.Bool.FALSE;
      }
      throw new EvalError("`is ... in` needs an entity or a set on the right, not a " + group.typeName(), at);
    }
  }

  /** {@code if C then A else B}: only the selected branch is evaluated. */
  static final class If extends ExprNode {
    final ExprNode condition;
    final ExprNode then;
    final ExprNode otherwise;

    If(ExprNode condition, ExprNode then, ExprNode otherwise, String at) {
      super(at);
      this.condition = condition;
      this.then = then;
      this.otherwise = otherwise;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value c = condition.eval(s);
      if (!(c instanceof Value.Bool b)) {
        throw new EvalError("`if` needs a Bool condition, but this is a " + c.typeName(), condition.at);
      }
      return b.value() ? then.eval(s) : otherwise.eval(s);
    }
  }

  /** A record literal whose fields are not all constants. */
  static final class RecordLit extends ExprNode {
    final String[] names;
    final ExprNode[] values;

    RecordLit(String[] names, ExprNode[] values, String at) {
      super(at);
      this.names = names;
      this.values = values;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      java.util.Map<String, Value> fields = new java.util.LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        fields.put(names[i], values[i].eval(s));
      }
      return new Value.RecordV(fields);
    }
  }

  /** Int multiplication; overflow is an error, as for {@code +}. */
  static final class Mul extends ExprNode {
    final ExprNode left;
    final ExprNode right;

    Mul(ExprNode left, ExprNode right, String at) {
      super(at);
      this.left = left;
      this.right = right;
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value l = left.eval(s);
      Value r = right.eval(s);
      if (l instanceof Value.Int a && r instanceof Value.Int b) {
        try {
          return new Value.Int(Math.multiplyExact(a.value(), b.value()));
        } catch (ArithmeticException e) {
          throw new EvalError("overflow in `*`", at);
        }
      }
      throw new EvalError("`*` multiplies two Ints, not " + l.typeName() + " and " + r.typeName(), at);
    }
  }

  /** A method of Decimal, IpAddr, Time or Duration, its implementation bound when compiled ({@link BuiltinImpls}). */
  static final class ExtensionMethod extends ExprNode {
    final dev.writ.language.vocab.Builtins.ExtensionMethod method;
    final ExprNode target;
    final ExprNode[] args;
    private final BuiltinImpls.Extension impl;

    ExtensionMethod(dev.writ.language.vocab.Builtins.ExtensionMethod method, ExprNode target, ExprNode[] args,
                    String at) {
      super(at);
      this.method = method;
      this.target = target;
      this.args = args;
      this.impl = BuiltinImpls.extension(method);
    }

    @Override
    public Value eval(EvalState s) throws EvalError {
      Value t = target.eval(s);
      Value[] values = new Value[args.length];
      for (int i = 0; i < args.length; i++) {
        values[i] = args[i].eval(s);
      }
      if (values.length != method.arity()) {
        throw new EvalError("`" + method.id() + "` takes " + method.arity() + " argument(s), not " + values.length, at);
      }
      return impl.apply(this, s, t, values);
    }

    EvalError wrong(String what, Value v) {
      return new EvalError("`" + method.id() + "` needs " + what + ", not a " + v.typeName(), at);
    }
  }
}

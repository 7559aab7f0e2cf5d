package dev.writ.engine.eval;

import dev.writ.engine.plan.PlanExpr;

import dev.writ.engine.entity.AttributeTable;
import dev.writ.engine.entity.UidTable;
import dev.writ.engine.value.EntityUid;
import dev.writ.engine.value.Value;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Builds {@link ExprNode} trees from lowered expressions: patterns compiled, attribute reads bound to slots. */
public final class ExprCompiler {
  private final AttributeTable table;
  private final java.util.Map<String, EntityUid> uids = new java.util.HashMap<>();
  private final UidTable.Builder numbers = new UidTable.Builder();
  private final boolean fused;

  public ExprCompiler(AttributeTable table) {
    this(table, true);
  }

  /**
   * @param fused whether to use the fused forms ({@code context.x} read directly, comparisons
   *              with a constant in one node); false builds the plain tree, one node per
   *              operator, against which the tests check the fused forms
   */
  ExprCompiler(AttributeTable table, boolean fused) {
    this.table = table;
    this.fused = fused;
  }

  /**
   * One {@link EntityUid} per distinct entity of the plan: selectors, index keys, approvals and
   * literals share instances instead of each parsing its own copy (memory per rule, and equality
   * that ends at identity).
   */
  public EntityUid uid(String text) {
    return uids.computeIfAbsent(text, t -> {
      EntityUid u = EntityUid.parse(t);
      numbers.add(u);
      return u;
    });
  }

  /** The number of a uid this compiler has handed out ({@link #uid}), in the plan's {@link UidTable}. */
  int number(EntityUid uid) {
    return numbers.add(uid);
  }

  /** The numbers of every uid handed out; call once, when the plan is compiled. */
  UidTable uidTable() {
    return numbers.build();
  }

  public ExprNode compile(PlanExpr e) {
    String at = e.at();
    switch (e.op()) {
      case BOOL:
      case INT:
      case STR:
      case DUR:
      case TIME:
      case ENTITY:
        return new ExprNode.Const(e.op() == PlanExpr.Op.ENTITY ? new Value.EntityV(uid(e.str())) : literal(e), at);
      case SET: {
        if (e.isLiteral()) {
          return new ExprNode.Const(literal(e), at);
        }
        return new ExprNode.SetLit(all(e), at);
      }
      case RECORD: {
        if (e.isLiteral()) {
          return new ExprNode.Const(literal(e), at);
        }
        String[] names = new String[e.args().size() / 2];
        ExprNode[] values = new ExprNode[names.length];
        for (int i = 0; i < names.length; i++) {
          names[i] = e.arg(2 * i).str();
          values[i] = compile(e.arg(2 * i + 1));
        }
        return new ExprNode.RecordLit(names, values, at);
      }
      case VAR:
        return new ExprNode.Var(e.str(), at);
      case ATTR: {
        PlanExpr target = e.arg(0);
        int slot = table.slot(e.str());
        if (target.op() == PlanExpr.Op.VAR && slot >= 0
            && (target.str().equals("principal") || target.str().equals("resource"))) {
          return new ExprNode.SlotAttr(target.str().equals("principal"), slot, e.str(), at);
        }
        if (fused && target.op() == PlanExpr.Op.VAR && target.str().equals("context")) {
          return new ExprNode.ContextAttr(e.str(), at);
        }
        return new ExprNode.Attr(compile(target), slot, e.str(), at);
      }
      case HAS:
        return new ExprNode.Has(compile(e.arg(0)), e.str(), at);
      case EQ:
      case NE: {
        ExprNode left = compile(e.arg(0));
        ExprNode right = compile(e.arg(1));
        boolean negate = e.op() == PlanExpr.Op.NE;
        if (fused && right instanceof ExprNode.Const c) {
          return new ExprNode.EqualsConst(left, c.value, negate, at);
        }
        if (fused && left instanceof ExprNode.Const c) {
          return new ExprNode.EqualsConst(right, c.value, negate, at);
        }
        return new ExprNode.Equals(left, right, negate, at);
      }
      case LT:
      case LE:
      case GT:
      case GE:
        return new ExprNode.Compare(e.op(), compile(e.arg(0)), compile(e.arg(1)), at);
      case IN:
        return new ExprNode.In(compile(e.arg(0)), compile(e.arg(1)), at);
      case ADD:
      case SUB:
        return new ExprNode.Arith(e.op() == PlanExpr.Op.ADD, compile(e.arg(0)), compile(e.arg(1)), at);
      case MUL:
        return new ExprNode.Mul(compile(e.arg(0)), compile(e.arg(1)), at);
      case IS:
        return new ExprNode.Is(compile(e.arg(0)), e.str(), e.args().size() > 1 ? compile(e.arg(1)) : null, at);
      case IF:
        return new ExprNode.If(compile(e.arg(0)), compile(e.arg(1)), compile(e.arg(2)), at);
      case AND:
        return ExprNode.BoolChain.and(all(e), at);
      case OR:
        return ExprNode.BoolChain.or(all(e), at);
      case NOT:
        return new ExprNode.Not(compile(e.arg(0)), at);
      case NEG:
        return new ExprNode.Neg(compile(e.arg(0)), at);
      case LIKE:
        return ExprNode.StringTest.like(compile(e.arg(0)), new LikePattern(e.str()), at);
      case MATCHES:
        return ExprNode.StringTest.matches(compile(e.arg(0)), Pattern.compile(e.str()), at);
      case METHOD: {
        java.util.Optional<dev.writ.language.vocab.Builtins.ExtensionMethod> extension =
            dev.writ.language.vocab.Builtins.extensionMethod(e.str());
        if (extension.isPresent()) {
          ExprNode[] args = new ExprNode[e.args().size() - 1];
          for (int i = 0; i < args.length; i++) {
            args[i] = compile(e.arg(i + 1));
          }
          return new ExprNode.ExtensionMethod(extension.get(), compile(e.arg(0)), args, at);
        }
        return new ExprNode.Method(e.str(), compile(e.arg(0)), compile(e.arg(1)), at);
      }
      case CALL:
        return new ExprNode.Call(e.str(), all(e), at);
      default:
        throw new IllegalStateException("internal invariant violated: unknown plan op " + e.op());
    }
  }

  private ExprNode[] all(PlanExpr e) {
    ExprNode[] out = new ExprNode[e.args().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(e.arg(i));
    }
    return out;
  }

  /** The value of a literal node. */
  public static Value literal(PlanExpr e) {
    return switch (e.op()) {
      case BOOL -> Value.Bool.of(e.num() != 0);
      case INT -> new Value.Int(e.num());
      case STR -> new Value.Str(e.str());
      case DUR -> new Value.Dur(e.num());
      case TIME -> new Value.Time(Instant.parse(e.str()));
      case ENTITY -> new Value.EntityV(EntityUid.parse(e.str()));
      case SET -> {
        Set<Value> out = new LinkedHashSet<>();
        e.args().forEach(a -> out.add(literal(a)));
        yield new Value.SetV(out);
      }
      case RECORD -> {
        java.util.Map<String, Value> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < e.args().size(); i += 2) {
          fields.put(e.arg(i).str(), literal(e.arg(i + 1)));
        }
        yield new Value.RecordV(fields);
      }
      default -> throw new IllegalStateException("internal invariant violated: not a literal: " + e.op());
    };
  }

  /** A literal node for a value, or null when the value has no literal form (records). */
  public static PlanExpr toLiteral(Value v, String at) {
    return switch (v.kind()) {
      case BOOL -> PlanExpr.bool(((Value.Bool) v).value(), at);
      case INT -> new PlanExpr(PlanExpr.Op.INT, null, ((Value.Int) v).value(), null, at);
      case STRING -> new PlanExpr(PlanExpr.Op.STR, ((Value.Str) v).value(), 0, null, at);
      case DURATION -> new PlanExpr(PlanExpr.Op.DUR, null, ((Value.Dur) v).seconds(), null, at);
      case TIME -> new PlanExpr(PlanExpr.Op.TIME, v.toString(), 0, null, at);
      case ENTITY -> new PlanExpr(PlanExpr.Op.ENTITY, ((Value.EntityV) v).uid().toString(), 0, null, at);
      case SET -> {
        java.util.List<PlanExpr> elems = new java.util.ArrayList<>();
        for (Value x : ((Value.SetV) v).elements()) {
          PlanExpr l = toLiteral(x, at);
          if (l == null) {
            yield null;
          }
          elems.add(l);
        }
        yield new PlanExpr(PlanExpr.Op.SET, null, 0, elems, at);
      }
      case DECIMAL, IPADDR -> null; // no literal form: the call that made it stays
      case RECORD -> {
        java.util.List<PlanExpr> args = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, Value> f : ((Value.RecordV) v).fields().entrySet()) {
          PlanExpr l = toLiteral(f.getValue(), at);
          if (l == null) {
            yield null;
          }
          args.add(new PlanExpr(PlanExpr.Op.STR, f.getKey(), 0, null, at));
          args.add(l);
        }
        yield new PlanExpr(PlanExpr.Op.RECORD, null, 0, args, at);
      }
    };
  }
}

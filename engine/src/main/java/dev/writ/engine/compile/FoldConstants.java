package dev.writ.engine.compile;

import dev.writ.engine.entity.AttributeTable;
import dev.writ.engine.eval.EvalError;
import dev.writ.engine.eval.ExprCompiler;
import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanIntent;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.value.Value;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Stage 2: evaluates subexpressions whose operands are all literals ({@code duration("1h")},
 * {@code 2 * 60}-style arithmetic, {@code lower("ABC")}) once, at compile time, and cuts
 * {@code &&}/{@code ||} chains at a leading literal that decides them.
 *
 * <p>NOTE: folding must never change a decision or its error list: a subexpression whose
 * evaluation fails is left as it is (the error then happens at run time, as the reference
 * evaluator has it), and only leading operands of {@code &&}/{@code ||} are considered, since
 * short-circuiting means what follows them is never evaluated.
 */
final class FoldConstants implements PlanCompiler.Pass {
  private static final Set<PlanExpr.Op> PURE = EnumSet.of(PlanExpr.Op.EQ, PlanExpr.Op.NE, PlanExpr.Op.LT,
      PlanExpr.Op.LE, PlanExpr.Op.GT, PlanExpr.Op.GE, PlanExpr.Op.ADD, PlanExpr.Op.SUB, PlanExpr.Op.MUL, PlanExpr.Op.IF, PlanExpr.Op.NOT,
      PlanExpr.Op.NEG, PlanExpr.Op.LIKE, PlanExpr.Op.MATCHES, PlanExpr.Op.METHOD, PlanExpr.Op.CALL, PlanExpr.Op.SET, PlanExpr.Op.RECORD);

  private final ExprCompiler compiler = new ExprCompiler(new AttributeTable(List.of()));

  @Override
  public String id() {
    return "fold-constants";
  }

  @Override
  public PlanData run(PlanData data) {
    List<PlanRule> rules = new ArrayList<>();
    for (PlanRule r : data.rules()) {
      List<PlanRule.Condition> conditions = r.conditions().stream()
          .map(c -> new PlanRule.Condition(c.unless(), fold(c.expr()), c.text(), c.at())).toList();
      List<PlanRule.Approval> approvals = r.approvals().stream()
          .map(a -> new PlanRule.Approval(a.count(), a.from(), a.where() == null ? null : fold(a.where()), a.whereText()))
          .toList();
      rules.add(new PlanRule(r.id(), r.name(), r.forbid(), r.principal(), r.actions(), r.resource(), r.intents(),
          conditions, r.ttlSeconds(), r.standing(), approvals, r.delegation(), r.obligations(), r.meta(), r.at()));
    }
    List<PlanIntent> intents = data.intents().stream().map(i -> new PlanIntent(i.name(), i.description(), i.params(),
        i.allows().stream().map(a -> new PlanIntent.Allow(a.actions(), a.on(), a.when() == null ? null : fold(a.when()),
            a.whenText())).toList(), i.maxSeconds(), i.revokeOnDrift())).toList();
    return new PlanData(data.schema(), intents, rules);
  }

  PlanExpr fold(PlanExpr e) {
    if (e.args().isEmpty()) {
      return e;
    }
    List<PlanExpr> args = e.args().stream().map(this::fold).toList();
    PlanExpr folded = new PlanExpr(e.op(), e.str(), e.num(), args, e.at());
    if (e.op() == PlanExpr.Op.AND || e.op() == PlanExpr.Op.OR) {
      return foldChain(folded);
    }
    if (PURE.contains(e.op()) && args.stream().allMatch(PlanExpr::isLiteral)) {
      try {
        Value v = compiler.compile(folded).eval(null);
        PlanExpr literal = ExprCompiler.toLiteral(v, e.at());
        return literal == null ? folded : literal;
      } catch (EvalError | RuntimeException notConstant) {
        return folded; // fails at run time too, with the same error
      }
    }
    return folded;
  }

  /** {@code false && x} is false and {@code true || x} is true; leading {@code true &&} drops out. */
  private static PlanExpr foldChain(PlanExpr e) {
    boolean and = e.op() == PlanExpr.Op.AND;
    List<PlanExpr> rest = new ArrayList<>(e.args());
    while (!rest.isEmpty() && rest.get(0).op() == PlanExpr.Op.BOOL) {
      boolean value = rest.get(0).num() != 0;
      if (value != and) {
        return PlanExpr.bool(value, e.at()); // decides the chain
      }
      if (rest.size() == 1) {
        return rest.get(0);
      }
      rest.remove(0);
    }
    return new PlanExpr(e.op(), e.str(), e.num(), rest, e.at());
  }
}

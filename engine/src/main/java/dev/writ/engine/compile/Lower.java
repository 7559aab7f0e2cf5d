package dev.writ.engine.compile;

import dev.writ.engine.plan.PlanData;
import dev.writ.engine.plan.PlanExpr;
import dev.writ.engine.plan.PlanIntent;
import dev.writ.engine.plan.PlanRule;
import dev.writ.engine.plan.PlanSelector;
import dev.writ.engine.value.EntityUid;
import dev.writ.language.ast.EntityLiteral;
import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.KindName;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.Printer;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Selector;
import dev.writ.language.ast.Str;
import dev.writ.language.check.CheckedBundle;
import dev.writ.language.check.CheckedRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Stage 1: the checked syntax tree to plan data. Action groups are expanded to their concrete
 * actions, selectors and expressions become plain data, source positions become strings.
 */
final class Lower {
  private final Map<String, SortedSet<String>> groups;

  Lower(CheckedBundle bundle) {
    this.groups = bundle.expandedGroups();
  }

  PlanData run(CheckedBundle bundle) {
    List<PlanIntent> intents = new ArrayList<>();
    for (IntentDecl i : bundle.intents().values()) {
      intents.add(intent(i));
    }
    List<PlanRule> rules = new ArrayList<>();
    for (CheckedRule r : bundle.rules()) {
      rules.add(rule(r, rules.size()));
    }
    return new PlanData(bundle.schema(), intents, rules);
  }

  private PlanIntent intent(IntentDecl i) {
    List<PlanIntent.Param> params = i.params().stream()
        .map(p -> new PlanIntent.Param(p.name().value(), p.optional(), Printer.print(p.type()),
            p.pattern().map(Str::value).orElse(null)))
        .toList();
    List<PlanIntent.Allow> allows = i.allows().stream()
        .map(a -> new PlanIntent.Allow(actions(a.actions()), a.on().map(Lower::selector).orElse(null),
            a.when().map(Lower::expr).orElse(null), a.when().map(Printer::print).orElse(null)))
        .toList();
    return new PlanIntent(i.name().value(), i.description().orElse(null), params, allows,
        i.maxSeconds().orElse(null), i.driftMode() == IntentDecl.DriftMode.REVOKE);
  }

  private PlanRule rule(CheckedRule cr, int id) {
    RuleDecl r = cr.decl();
    List<PlanSelector> principal = r.clause(RuleDecl.PrincipalClause.class).map(c -> selector(c.selector())).orElse(null);
    List<String> actions = r.clause(RuleDecl.ActionClause.class).map(c -> actions(c.actions())).orElse(null);
    List<PlanSelector> resource = r.clause(RuleDecl.ResourceClause.class).map(c -> selector(c.selector())).orElse(null);
    List<String> intents = r.clause(RuleDecl.IntentClause.class)
        .map(c -> c.intents().stream().map(Name::value).toList()).orElse(null);
    List<PlanRule.Condition> conditions = new ArrayList<>();
    for (RuleDecl.Clause c : r.clauses()) {
      if (c instanceof RuleDecl.ResourceClause rc && rc.when().isPresent()) {
        Expr w = rc.when().get();
        conditions.add(new PlanRule.Condition(false, expr(w), "resource when " + Printer.print(w), w.span().position()));
      } else if (c instanceof RuleDecl.Condition cond) {
        conditions.add(new PlanRule.Condition(cond.unless(), expr(cond.expr()),
            (cond.unless() ? "unless " : "when ") + Printer.print(cond.expr()), cond.expr().span().position()));
      }
    }
    Long ttl = r.clause(RuleDecl.TtlClause.class).map(RuleDecl.TtlClause::seconds).orElse(null);
    List<PlanRule.Approval> approvals = r.clauses(RuleDecl.ApprovalClause.class).stream()
        .map(a -> new PlanRule.Approval(a.count(), uid(a.from()), a.where().map(Lower::expr).orElse(null),
            a.where().map(Printer::print).orElse(null)))
        .toList();
    PlanRule.Delegation delegation = r.clause(RuleDecl.DelegateClause.class)
        .map(d -> new PlanRule.Delegation(d.kinds().contains(KindName.ANY),
            d.kinds().stream().filter(k -> k != KindName.ANY).map(KindName::keyword).toList(), d.depth()))
        .orElse(null);
    List<PlanRule.ObligationDef> obligations = r.clauses(RuleDecl.ObligationClause.class).stream()
        .map(o -> new PlanRule.ObligationDef(o.name().value(), o.value().map(Str::value).orElse(null)))
        .toList();
    PlanRule.Meta meta = new PlanRule.Meta(r.meta(RuleDecl.ClauseKind.DESCRIPTION).orElse(null),
        r.meta(RuleDecl.ClauseKind.OWNER).orElse(null), r.controls(), r.meta(RuleDecl.ClauseKind.REASON).orElse(null));
    String standing = r.meta(RuleDecl.ClauseKind.STANDING).orElse(null);
    return new PlanRule(id, cr.fullName(), !cr.isGrant(), principal, actions, resource, intents, conditions, ttl,
        standing, approvals, delegation, obligations, meta, r.name().span().position());
  }

  /** Action items with groups replaced by their members; wildcards and names kept. */
  private List<String> actions(List<Str> items) {
    SortedSet<String> out = new TreeSet<>();
    for (Str s : items) {
      SortedSet<String> members = groups.get(s.value());
      if (members != null) {
        out.addAll(members);
      } else {
        out.add(s.value());
      }
    }
    return List.copyOf(out);
  }

  static List<PlanSelector> selector(Selector s) {
    List<PlanSelector> out = new ArrayList<>();
    for (Selector.Alt alt : s.alternatives()) {
      String in = alt.in().map(Lower::uid).orElse(null);
      if (alt.target() instanceof Selector.KindTarget k) {
        out.add(k.kind() == KindName.ANY ? new PlanSelector(PlanSelector.Target.ANY, null, in, alt.delegated())
            : new PlanSelector(PlanSelector.Target.KIND, k.kind().keyword(), in, alt.delegated()));
      } else if (alt.target() instanceof Selector.TypeTarget t) {
        out.add(new PlanSelector(PlanSelector.Target.TYPE, t.type().value(), in, alt.delegated()));
      } else {
        out.add(new PlanSelector(PlanSelector.Target.ENTITY, uid(((Selector.EntityTarget) alt.target()).entity()), in,
            alt.delegated()));
      }
    }
    return out;
  }

  static String uid(EntityLiteral e) {
    return new EntityUid(e.type().value(), e.id()).toString();
  }

  static PlanExpr expr(Expr e) {
    String at = e.span().position();
    return switch (e.kind()) {
      case BOOL -> PlanExpr.bool(((Expr.BoolLit) e).value(), at);
      case INT -> node(PlanExpr.Op.INT, null, ((Expr.IntLit) e).value(), List.of(), at);
      case STRING -> node(PlanExpr.Op.STR, ((Expr.StrLit) e).value(), 0, List.of(), at);
      case DURATION -> node(PlanExpr.Op.DUR, null, ((Expr.DurationLit) e).seconds(), List.of(), at);
      case ENTITY -> node(PlanExpr.Op.ENTITY, uid(((Expr.EntityLit) e).entity()), 0, List.of(), at);
      case VAR -> node(PlanExpr.Op.VAR, ((Expr.Var) e).variable().keyword(), 0, List.of(), at);
      case ATTR -> {
        Expr.Attr a = (Expr.Attr) e;
        yield node(PlanExpr.Op.ATTR, a.attr().value(), 0, List.of(expr(a.target())), a.attr().span().position());
      }
      case INDEX -> {
        Expr.Index ix = (Expr.Index) e;
        yield node(PlanExpr.Op.ATTR, ix.key(), 0, List.of(expr(ix.target())), at);
      }
      case HAS -> {
        Expr.Has h = (Expr.Has) e;
        yield node(PlanExpr.Op.HAS, h.attr(), 0, List.of(expr(h.target())), at);
      }
      case BINARY -> {
        Expr.Binary b = (Expr.Binary) e;
        PlanExpr.Op op = switch (b.op()) {
          case EQ -> PlanExpr.Op.EQ;
          case NE -> PlanExpr.Op.NE;
          case LT -> PlanExpr.Op.LT;
          case LE -> PlanExpr.Op.LE;
          case GT -> PlanExpr.Op.GT;
          case GE -> PlanExpr.Op.GE;
          case IN -> PlanExpr.Op.IN;
          case ADD -> PlanExpr.Op.ADD;
          case SUB -> PlanExpr.Op.SUB;
          case MUL -> PlanExpr.Op.MUL;
        };
        yield node(op, null, 0, List.of(expr(b.left()), expr(b.right())), at);
      }
      case AND -> node(PlanExpr.Op.AND, null, 0, ((Expr.And) e).operands().stream().map(Lower::expr).toList(), at);
      case OR -> node(PlanExpr.Op.OR, null, 0, ((Expr.Or) e).operands().stream().map(Lower::expr).toList(), at);
      case NOT -> node(PlanExpr.Op.NOT, null, 0, List.of(expr(((Expr.Not) e).operand())), at);
      case NEG -> node(PlanExpr.Op.NEG, null, 0, List.of(expr(((Expr.Neg) e).operand())), at);
      case LIKE -> node(PlanExpr.Op.LIKE, ((Expr.Like) e).pattern(), 0, List.of(expr(((Expr.Like) e).operand())), at);
      case MATCHES -> node(PlanExpr.Op.MATCHES, ((Expr.Matches) e).regex(), 0,
          List.of(expr(((Expr.Matches) e).operand())), at);
      case METHOD -> {
        Expr.MethodCall m = (Expr.MethodCall) e;
        List<PlanExpr> args = new ArrayList<>();
        args.add(expr(m.target()));
        m.args().forEach(a -> args.add(expr(a)));
        yield node(PlanExpr.Op.METHOD, m.method().value(), 0, args, at);
      }
      case CALL -> {
        Expr.Call c = (Expr.Call) e;
        yield node(PlanExpr.Op.CALL, c.function().value(), 0, c.args().stream().map(Lower::expr).toList(), at);
      }
      case SET -> node(PlanExpr.Op.SET, null, 0, ((Expr.SetLit) e).elements().stream().map(Lower::expr).toList(), at);
      case IS -> {
        Expr.Is is = (Expr.Is) e;
        List<PlanExpr> args = new ArrayList<>();
        args.add(expr(is.operand()));
        is.in().ifPresent(in -> args.add(expr(in)));
        yield node(PlanExpr.Op.IS, is.type().value(), 0, args, at);
      }
      case RECORD -> {
        List<PlanExpr> args = new ArrayList<>();
        for (Expr.Field f : ((Expr.RecordLit) e).fields()) {
          args.add(node(PlanExpr.Op.STR, f.name(), 0, List.of(), f.nameSpan().position()));
          args.add(expr(f.value()));
        }
        yield node(PlanExpr.Op.RECORD, null, 0, args, at);
      }
      case IF -> {
        Expr.If i = (Expr.If) e;
        yield node(PlanExpr.Op.IF, null, 0, List.of(expr(i.condition()), expr(i.then()), expr(i.otherwise())), at);
      }
    };
  }

  private static PlanExpr node(PlanExpr.Op op, String str, long num, List<PlanExpr> args, String at) {
    return new PlanExpr(op, str, num, args, at);
  }
}

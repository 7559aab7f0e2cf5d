package dev.writ.language.parse;

import dev.writ.language.ast.Comment;
import dev.writ.language.ast.Declaration;
import dev.writ.language.vocab.Durations;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.ast.EntityLiteral;
import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.KindName;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.QualifiedName;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Selector;
import dev.writ.language.ast.Str;
import dev.writ.language.ast.TypeExpr;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.vocab.Suggestions;
import dev.writ.language.parse.antlr.WritParser;
import dev.writ.language.parse.antlr.WritParser.*;
import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns an error-free ANTLR parse tree into the syntax tree, checking what the lexer cannot:
 * string escapes, integer range, duration form, bare names in expressions and expression depth.
 */
final class AstBuilder {
  private static final List<String> VARIABLES =
      List.of("principal", "resource", "action", "context", "intent", "delegation", "request");

  private final SourceFile source;
  private final OffsetMap offsets;
  private final int maxDepth;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Map<Expr, Integer> depths = new IdentityHashMap<>();
  private boolean depthReported;

  AstBuilder(SourceFile source, OffsetMap offsets, int maxDepth) {
    this.source = source;
    this.offsets = offsets;
    this.maxDepth = maxDepth;
  }

  List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  PolicyFile file(PolicyFileContext ctx, List<Comment> comments) {
    List<DeclarationContext> all = ctx.declaration();
    Optional<QualifiedName> pkg = all.isEmpty() || all.get(0).packageDecl() == null ? Optional.empty()
        : Optional.of(qualifiedName(all.get(0).packageDecl().qualifiedName()));
    List<Declaration> decls = new ArrayList<>();
    for (DeclarationContext d : pkg.isPresent() ? all.subList(1, all.size()) : all) {
      if (d.packageDecl() != null) {
        report(DiagnosticCode.NAME_PACKAGE_POSITION, span(d), "`package` must be the first declaration of its file",
            pkg.isPresent() ? "a file has at most one package" : "move it to the top of the file");
        continue;
      }
      decls.add(declaration(d));
    }
    return new PolicyFile(pkg, decls, comments, new Span(source, 0, source.text().length()));
  }

  private QualifiedName qualifiedName(QualifiedNameContext ctx) {
    return new QualifiedName(ctx.name().stream().map(this::name).toList(), span(ctx));
  }

  private Declaration declaration(DeclarationContext d) {
    if (d.entityDecl() != null) {
      return entityDecl(d.entityDecl());
    }
    if (d.actionGroupDecl() != null) {
      ActionGroupDeclContext g = d.actionGroupDecl();
      List<Str> members = g.stringList() == null ? List.of() : strings(g.stringList());
      return new Declaration.ActionGroup(str(g.STRING()), members, span(g));
    }
    if (d.actionDecl() != null) {
      ActionDeclContext a = d.actionDecl();
      List<Name> on = a.typeNameList() == null ? List.of() : a.typeNameList().IDENT().stream().map(this::name).toList();
      return new Declaration.Actions(strings(a.stringList()), on, span(a));
    }
    if (d.intentDecl() != null) {
      return intentDecl(d.intentDecl());
    }
    return ruleDecl(d.ruleDecl());
  }

  private Declaration entityDecl(EntityDeclContext ctx) {
    EntityKind kind = EntityKind.fromKeyword(ctx.entityKind().getText());
    List<Name> memberOf = ctx.typeNameList() == null ? List.of()
        : ctx.typeNameList().IDENT().stream().map(this::name).toList();
    Optional<TypeExpr> tags = ctx.TAGS() == null ? Optional.empty() : Optional.of(type(ctx.typeExpr()));
    return new Declaration.EntityType(kind, name(ctx.IDENT()), memberOf, attributes(ctx.attrDecls()), tags, span(ctx));
  }

  private List<Declaration.AttributeDecl> attributes(AttrDeclsContext ctx) {
    List<Declaration.AttributeDecl> attrs = new ArrayList<>();
    if (ctx != null) {
      for (AttrDeclContext a : ctx.attrDecl()) {
        attrs.add(new Declaration.AttributeDecl(name(a.name()), a.QUESTION() != null, type(a.typeExpr()), span(a)));
      }
    }
    return attrs;
  }

  private TypeExpr type(TypeExprContext ctx) {
    Span span = span(ctx);
    if (ctx.STRING_TYPE() != null) {
      return new TypeExpr.Primitive(TypeExpr.PrimitiveKind.STRING, span);
    }
    if (ctx.INT_TYPE() != null) {
      return new TypeExpr.Primitive(TypeExpr.PrimitiveKind.INT, span);
    }
    if (ctx.BOOL_TYPE() != null) {
      return new TypeExpr.Primitive(TypeExpr.PrimitiveKind.BOOL, span);
    }
    if (ctx.DURATION_TYPE() != null) {
      return new TypeExpr.Primitive(TypeExpr.PrimitiveKind.DURATION, span);
    }
    if (ctx.TIME_TYPE() != null) {
      return new TypeExpr.Primitive(TypeExpr.PrimitiveKind.TIME, span);
    }
    if (ctx.SET_TYPE() != null) {
      return new TypeExpr.SetOf(type(ctx.typeExpr()), span);
    }
    if (ctx.LBRACE() != null) {
      return new TypeExpr.RecordOf(attributes(ctx.attrDecls()), span);
    }
    return new TypeExpr.Named(name(ctx.IDENT()), span);
  }

  private IntentDecl intentDecl(IntentDeclContext ctx) {
    List<IntentDecl.Clause> clauses = new ArrayList<>();
    for (IntentClauseContext c : ctx.intentClause()) {
      Span span = span(c);
      if (c instanceof IntentDescriptionContext d) {
        clauses.add(new IntentDecl.Description(str(d.STRING()), span));
      } else if (c instanceof IntentParamContext p) {
        Optional<Str> pattern = p.STRING() == null ? Optional.empty() : Optional.of(str(p.STRING()));
        clauses.add(new IntentDecl.Param(name(p.name()), p.QUESTION() != null, type(p.typeExpr()), pattern, span));
      } else if (c instanceof IntentAllowContext a) {
        Optional<Selector> on = a.selector() == null ? Optional.empty() : Optional.of(selector(a.selector()));
        Optional<Expr> when = a.expr() == null ? Optional.empty() : Optional.of(expr(a.expr()));
        clauses.add(new IntentDecl.Allow(strings(a.stringList()), on, when, span));
      } else if (c instanceof IntentMaxContext m) {
        clauses.add(new IntentDecl.Max(duration(m.DURATION()), span));
      } else if (c instanceof IntentDriftContext dr) {
        IntentDecl.DriftMode mode = dr.driftMode.getType() == WritParser.REVOKE
            ? IntentDecl.DriftMode.REVOKE : IntentDecl.DriftMode.DENY;
        clauses.add(new IntentDecl.OnDrift(mode, span));
      }
    }
    return new IntentDecl(name(ctx.IDENT()), clauses, span(ctx));
  }

  private RuleDecl ruleDecl(RuleDeclContext ctx) {
    RuleDecl.Effect effect = ctx.effect.getType() == WritParser.GRANT ? RuleDecl.Effect.GRANT : RuleDecl.Effect.FORBID;
    List<RuleDecl.Clause> clauses = new ArrayList<>();
    for (RuleClauseContext c : ctx.ruleClause()) {
      clauses.add(ruleClause(c));
    }
    return new RuleDecl(effect, name(ctx.IDENT()), clauses, span(ctx));
  }

  private RuleDecl.Clause ruleClause(RuleClauseContext c) {
    Span span = span(c);
    if (c instanceof PrincipalClauseContext p) {
      return new RuleDecl.PrincipalClause(selector(p.selector()), span);
    }
    if (c instanceof ActionClauseContext a) {
      return new RuleDecl.ActionClause(strings(a.stringList()), span);
    }
    if (c instanceof ResourceClauseContext r) {
      Optional<Expr> when = r.expr() == null ? Optional.empty() : Optional.of(expr(r.expr()));
      return new RuleDecl.ResourceClause(selector(r.selector()), when, span);
    }
    if (c instanceof IntentRefClauseContext i) {
      return new RuleDecl.IntentClause(i.IDENT().stream().map(this::name).toList(), span);
    }
    if (c instanceof WhenClauseContext w) {
      return new RuleDecl.Condition(false, expr(w.expr()), span);
    }
    if (c instanceof UnlessClauseContext u) {
      return new RuleDecl.Condition(true, expr(u.expr()), span);
    }
    if (c instanceof TtlClauseContext t) {
      return new RuleDecl.TtlClause(duration(t.DURATION()), span);
    }
    if (c instanceof ApprovalClauseContext a) {
      long count = a.INT() == null ? 1 : integer(a.INT().getSymbol());
      Optional<Expr> where = a.expr() == null ? Optional.empty() : Optional.of(expr(a.expr()));
      return new RuleDecl.ApprovalClause(count, entity(a.entityRef()), where, span);
    }
    if (c instanceof DelegateClauseContext d) {
      List<KindName> kinds = d.kind().stream().map(this::kind).toList();
      return new RuleDecl.DelegateClause(kinds, integer(d.INT().getSymbol()), span);
    }
    if (c instanceof ObligationClauseContext o) {
      Optional<Str> value = o.STRING() == null ? Optional.empty() : Optional.of(str(o.STRING()));
      return new RuleDecl.ObligationClause(name(o.name()), value, span);
    }
    if (c instanceof DescriptionClauseContext d) {
      return new RuleDecl.MetaClause(RuleDecl.ClauseKind.DESCRIPTION, List.of(str(d.STRING())), span);
    }
    if (c instanceof OwnerClauseContext o) {
      return new RuleDecl.MetaClause(RuleDecl.ClauseKind.OWNER, List.of(str(o.STRING())), span);
    }
    if (c instanceof ControlsClauseContext co) {
      return new RuleDecl.MetaClause(RuleDecl.ClauseKind.CONTROLS, strings(co.stringList()), span);
    }
    if (c instanceof StandingClauseContext st) {
      return new RuleDecl.MetaClause(RuleDecl.ClauseKind.STANDING, List.of(str(st.STRING())), span);
    }
    ReasonClauseContext r = (ReasonClauseContext) c;
    return new RuleDecl.MetaClause(RuleDecl.ClauseKind.REASON, List.of(str(r.STRING())), span);
  }

  private KindName kind(KindContext k) {
    return switch (k.getStart().getType()) {
      case WritParser.HUMAN -> KindName.HUMAN;
      case WritParser.MACHINE -> KindName.MACHINE;
      case WritParser.AGENT -> KindName.AGENT;
      default -> KindName.ANY;
    };
  }

  private Selector selector(SelectorContext ctx) {
    List<Selector.Alt> alts = new ArrayList<>();
    for (SelectorAltContext a : ctx.selectorAlt()) {
      SelectorTargetContext t = a.selectorTarget();
      Selector.Target target;
      if (t.kind() != null) {
        target = new Selector.KindTarget(kind(t.kind()), span(t));
      } else if (t.entityRef() != null) {
        target = new Selector.EntityTarget(entity(t.entityRef()));
      } else {
        target = new Selector.TypeTarget(name(t.IDENT()));
      }
      Optional<EntityLiteral> in = a.entityRef() == null ? Optional.empty() : Optional.of(entity(a.entityRef()));
      alts.add(new Selector.Alt(a.DELEGATED() != null, target, in, span(a)));
    }
    return new Selector(alts, span(ctx));
  }

  private EntityLiteral entity(EntityRefContext ctx) {
    return new EntityLiteral(name(ctx.IDENT()), unescape(ctx.STRING().getSymbol(), false), span(ctx));
  }

  // ---- expressions -------------------------------------------------------------------

  private Expr expr(ExprContext ctx) {
    if (ctx.IF() != null) {
      Expr c = expr(ctx.expr(0));
      Expr a = expr(ctx.expr(1));
      Expr b = expr(ctx.expr(2));
      return mk(new Expr.If(c, a, b, span(ctx)), List.of(c, a, b));
    }
    return or(ctx.orExpr());
  }

  private Expr or(OrExprContext ctx) {
    if (ctx.andExpr().size() == 1) {
      return and(ctx.andExpr(0));
    }
    List<Expr> ops = ctx.andExpr().stream().map(this::and).toList();
    return mk(new Expr.Or(ops, span(ctx)), ops);
  }

  private Expr and(AndExprContext ctx) {
    if (ctx.notExpr().size() == 1) {
      return not(ctx.notExpr(0));
    }
    List<Expr> ops = ctx.notExpr().stream().map(this::not).toList();
    return mk(new Expr.And(ops, span(ctx)), ops);
  }

  private Expr not(NotExprContext ctx) {
    if (ctx.NOT() != null) {
      Expr operand = not(ctx.notExpr());
      return mk(new Expr.Not(operand, span(ctx)), List.of(operand));
    }
    return rel(ctx.relExpr());
  }

  private Expr rel(RelExprContext ctx) {
    Expr left = add(ctx.addExpr(0));
    Span span = span(ctx);
    if (ctx.op != null) {
      Expr right = add(ctx.addExpr(1));
      Expr.BinaryOp op = switch (ctx.op.getType()) {
        case WritParser.EQ -> Expr.BinaryOp.EQ;
        case WritParser.NE -> Expr.BinaryOp.NE;
        case WritParser.LT -> Expr.BinaryOp.LT;
        case WritParser.LE -> Expr.BinaryOp.LE;
        case WritParser.GT -> Expr.BinaryOp.GT;
        default -> Expr.BinaryOp.GE;
      };
      return mk(new Expr.Binary(op, left, right, span), List.of(left, right));
    }
    if (ctx.IS() != null) {
      Optional<Expr> in = ctx.IN() == null ? Optional.empty() : Optional.of(add(ctx.addExpr(1)));
      List<Expr> children = in.isPresent() ? List.of(left, in.get()) : List.of(left);
      return mk(new Expr.Is(left, name(ctx.IDENT()), in, span), children);
    }
    if (ctx.IN() != null) {
      Expr right = add(ctx.addExpr(1));
      return mk(new Expr.Binary(Expr.BinaryOp.IN, left, right, span), List.of(left, right));
    }
    if (ctx.LIKE() != null) {
      return mk(new Expr.Like(left, unescape(ctx.STRING().getSymbol(), true), span), List.of(left));
    }
    if (ctx.MATCHES() != null) {
      return mk(new Expr.Matches(left, unescape(ctx.STRING().getSymbol(), false), span), List.of(left));
    }
    if (ctx.HAS() != null) {
      if (ctx.STRING() != null) {
        return mk(new Expr.Has(left, unescape(ctx.STRING().getSymbol(), false), span), List.of(left));
      }
      // `e has a.b.c` is Cedar's shorthand for `e has a && e.a has b && e.a.b has c`.
      List<NameContext> path = ctx.name();
      Expr has = mk(new Expr.Has(left, path.get(0).getText(), span), List.of(left));
      if (path.size() == 1) {
        return has;
      }
      List<Expr> tests = new ArrayList<>(List.of(has));
      Expr target = left;
      for (int i = 1; i < path.size(); i++) {
        target = mk(new Expr.Attr(target, name(path.get(i - 1)), span), List.of(target));
        tests.add(mk(new Expr.Has(target, path.get(i).getText(), span), List.of(target)));
      }
      return mk(new Expr.And(tests, span), tests);
    }
    return left;
  }

  private Expr add(AddExprContext ctx) {
    // The operands list is fetched once: ctx.unaryExpr(i) scans all children, which made long
    // chains (`1 + 1 + ...`) quadratic.
    List<MulExprContext> operands = ctx.mulExpr();
    Expr result = mul(operands.get(0));
    Span first = span(operands.get(0));
    int operand = 1;
    // The operators are the terminal children between the operands; build a left-nested chain.
    for (ParseTree child : ctx.children) {
      if (child instanceof TerminalNode t) {
        MulExprContext next = operands.get(operand++);
        Expr right = mul(next);
        Expr.BinaryOp op = t.getSymbol().getType() == WritParser.PLUS ? Expr.BinaryOp.ADD : Expr.BinaryOp.SUB;
        Span span = first.to(span(next));
        result = mk(new Expr.Binary(op, result, right, span), List.of(result, right));
      }
    }
    return result;
  }

  private Expr mul(MulExprContext ctx) {
    List<UnaryExprContext> operands = ctx.unaryExpr();
    Expr result = unary(operands.get(0));
    Span first = span(operands.get(0));
    for (int i = 1; i < operands.size(); i++) {
      Expr right = unary(operands.get(i));
      result = mk(new Expr.Binary(Expr.BinaryOp.MUL, result, right, first.to(span(operands.get(i)))),
          List.of(result, right));
    }
    return result;
  }

  private Expr unary(UnaryExprContext ctx) {
    if (ctx.MINUS() != null) {
      // -9223372036854775808 is a literal of its own: its magnitude does not fit in a long.
      UnaryExprContext inner = ctx.unaryExpr();
      if (inner.postfixExpr() != null && inner.postfixExpr().postfixOp().isEmpty()
          && inner.postfixExpr().primary() instanceof IntLitContext lit
          && lit.INT().getText().equals("9223372036854775808")) {
        return mk(new Expr.IntLit(Long.MIN_VALUE, span(ctx)), List.of());
      }
      Expr operand = unary(inner);
      return mk(new Expr.Neg(operand, span(ctx)), List.of(operand));
    }
    return postfix(ctx.postfixExpr());
  }

  private Expr postfix(PostfixExprContext ctx) {
    Expr result = primary(ctx.primary());
    for (PostfixOpContext op : ctx.postfixOp()) {
      Span span = span(ctx.primary()).to(span(op));
      if (op instanceof MethodCallContext m) {
        List<Expr> args = exprList(m.exprList());
        List<Expr> children = new ArrayList<>(args);
        children.add(result);
        result = mk(new Expr.MethodCall(result, name(m.name()), args, span), children);
      } else if (op instanceof AttrAccessContext a) {
        result = mk(new Expr.Attr(result, name(a.name()), span), List.of(result));
      } else {
        IndexAccessContext ix = (IndexAccessContext) op;
        result = mk(new Expr.Index(result, unescape(ix.STRING().getSymbol(), false), span), List.of(result));
      }
    }
    return result;
  }

  private Expr primary(PrimaryContext ctx) {
    Span span = span(ctx);
    if (ctx instanceof TrueLitContext) {
      return mk(new Expr.BoolLit(true, span), List.of());
    }
    if (ctx instanceof FalseLitContext) {
      return mk(new Expr.BoolLit(false, span), List.of());
    }
    if (ctx instanceof IntLitContext i) {
      return mk(new Expr.IntLit(integer(i.INT().getSymbol()), span), List.of());
    }
    if (ctx instanceof StringLitContext s) {
      return mk(new Expr.StrLit(unescape(s.STRING().getSymbol(), false), span), List.of());
    }
    if (ctx instanceof DurationLitContext d) {
      return mk(new Expr.DurationLit(duration(d.DURATION()), span), List.of());
    }
    if (ctx instanceof EntityLitContext e) {
      return mk(new Expr.EntityLit(entity(e.entityRef()), span), List.of());
    }
    if (ctx instanceof VariableContext v) {
      Expr.Variable var = switch (v.var.getType()) {
        case WritParser.PRINCIPAL -> Expr.Variable.PRINCIPAL;
        case WritParser.RESOURCE -> Expr.Variable.RESOURCE;
        case WritParser.ACTION -> Expr.Variable.ACTION;
        case WritParser.CONTEXT -> Expr.Variable.CONTEXT;
        case WritParser.INTENT -> Expr.Variable.INTENT;
        case WritParser.DELEGATION -> Expr.Variable.DELEGATION;
        default -> Expr.Variable.REQUEST;
      };
      return mk(new Expr.Var(var, span), List.of());
    }
    if (ctx instanceof FunctionCallContext f) {
      List<Expr> args = exprList(f.exprList());
      return mk(new Expr.Call(name(f.IDENT()), args, span), args);
    }
    if (ctx instanceof BareIdentContext b) {
      String text = b.IDENT().getText();
      // `user.department` is meant as a variable; `== sre` is more likely a string without quotes.
      boolean readFrom = b.getParent() instanceof PostfixExprContext p && !p.postfixOp().isEmpty();
      String hint = Suggestions.closest(text, VARIABLES)
          .map(s -> "did you mean `" + s + "`?")
          .orElse(readFrom ? "expressions start from `principal`, `resource`, `action`, `context`, `intent`, "
              + "`delegation` or `request`" : "strings need quotes: `\"" + text + "\"`");
      report(DiagnosticCode.NAME_UNKNOWN_VARIABLE, span, "unknown name `" + text + "` in expression", hint);
      return mk(new Expr.BoolLit(false, span), List.of());
    }
    if (ctx instanceof SetLitContext s) {
      List<Expr> elems = exprList(s.exprList());
      return mk(new Expr.SetLit(elems, span), elems);
    }
    if (ctx instanceof RecordLitContext r) {
      List<Expr.Field> fields = new ArrayList<>();
      List<Expr> values = new ArrayList<>();
      if (r.recordEntries() != null) {
        for (RecordEntryContext f : r.recordEntries().recordEntry()) {
          String key = f.name() != null ? f.name().getText() : unescape(f.STRING().getSymbol(), false);
          Expr value = expr(f.expr());
          fields.add(new Expr.Field(key, value, f.name() != null ? span(f.name()) : span(f.STRING().getSymbol())));
          values.add(value);
        }
      }
      return mk(new Expr.RecordLit(fields, span), values);
    }
    return expr(((ParensContext) ctx).expr());
  }

  private List<Expr> exprList(ExprListContext ctx) {
    return ctx == null ? List.of() : ctx.expr().stream().map(this::expr).toList();
  }

  /** Records the depth of a new node and reports (once) when it is over the limit. */
  private Expr mk(Expr e, List<Expr> children) {
    int depth = 1;
    for (Expr c : children) {
      depth = Math.max(depth, depths.getOrDefault(c, 1) + 1);
    }
    depths.put(e, depth);
    if (depth > maxDepth && !depthReported) {
      depthReported = true;
      report(DiagnosticCode.LIMIT_NESTING, e.span(),
          "expression is nested more than " + maxDepth + " levels deep", "split it into several `when` clauses");
    }
    return e;
  }

  // ---- literals ----------------------------------------------------------------------

  private Name name(NameContext ctx) {
    return new Name(ctx.getText(), span(ctx));
  }

  private Name name(TerminalNode t) {
    return new Name(t.getText(), span(t.getSymbol()));
  }

  private Str str(TerminalNode t) {
    return new Str(unescape(t.getSymbol(), false), span(t.getSymbol()));
  }

  private List<Str> strings(StringListContext ctx) {
    return ctx.STRING().stream().map(this::str).toList();
  }

  private long integer(Token t) {
    String text = t.getText();
    if (text.length() > 1 && text.charAt(0) == '0') {
      report(DiagnosticCode.SYNTAX_INVALID_INTEGER, span(t), "integer `" + text + "` has a leading zero", null);
      return 0;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      report(DiagnosticCode.SYNTAX_INVALID_INTEGER, span(t), "integer `" + text + "` does not fit in 64 bits", null);
      return 0;
    }
  }

  private long duration(TerminalNode node) {
    Token t = node.getSymbol();
    try {
      return Durations.parse(t.getText());
    } catch (Durations.InvalidDuration e) {
      String hint = Durations.lenient(t.getText()).map(s -> "did you mean `" + Durations.format(s) + "`?")
          .orElse("write units largest first, each once: `1h30m`, `7d`, `45s`");
      report(DiagnosticCode.SYNTAX_INVALID_DURATION, span(t), e.getMessage(), hint);
      return 1;
    }
  }

  /**
   * The value of a string token. With {@code glob}, the result is a {@code like} pattern in glob
   * form: {@code \*} is kept as a literal star and a backslash is doubled.
   */
  private String unescape(Token t, boolean glob) {
    String text = t.getText();
    int base = offsets.toChar(t.getStartIndex());
    int end = text.length() > 1 && text.endsWith("\"") ? text.length() - 1 : text.length();
    StringBuilder out = new StringBuilder(end);
    for (int i = 1; i < end; i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (i + 1 >= end) {
        break;
      }
      char e = text.charAt(++i);
      switch (e) {
        case '"' -> out.append('"');
        case '\\' -> out.append(glob ? "\\\\" : "\\");
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case '*' -> {
          if (glob) {
            out.append("\\*");
          } else {
            badEscape(base, i, "`\\*` is only an escape in `like` patterns; write `\\\\*` for a backslash and a star");
          }
        }
        case 'u' -> {
          String hex = text.substring(i + 1, Math.min(i + 5, end));
          if (hex.length() == 4 && hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            char decoded = (char) Integer.parseInt(hex, 16);
            if (glob && decoded == '\\') {
              out.append("\\\\");
            } else {
              out.append(decoded);
            }
            i += 4;
          } else {
            badEscape(base, i, "`\\u` must be followed by four hex digits");
          }
        }
        default -> badEscape(base, i, "unknown escape `\\" + e + "`; use `\\\" \\\\ \\n \\t` or `\\uXXXX`",
            "a backslash is written `\\\\`");
      }
    }
    return out.toString();
  }

  private void badEscape(int base, int i, String message) {
    badEscape(base, i, message, null);
  }

  private void badEscape(int base, int i, String message, String hint) {
    report(DiagnosticCode.SYNTAX_INVALID_ESCAPE, new Span(source, base + i - 1, base + i + 1), message, hint);
  }

  private void report(DiagnosticCode code, Span span, String message, String hint) {
    diagnostics.add(Diagnostic.of(code, span, message, hint));
  }

  private Span span(Token t) {
    return new Span(source, offsets.toChar(t.getStartIndex()), offsets.toChar(t.getStopIndex() + 1));
  }

  private Span span(ParserRuleContext ctx) {
    Token stop = ctx.getStop() == null ? ctx.getStart() : ctx.getStop();
    int start = offsets.toChar(ctx.getStart().getStartIndex());
    int end = offsets.toChar(Math.max(ctx.getStart().getStartIndex(), stop.getStopIndex() + 1));
    return new Span(source, start, Math.max(start, end));
  }
}

package dev.writ.language.testing;

import static dev.writ.language.testing.Draw.w;

import dev.writ.language.ast.Declaration;
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
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.quicktheories.core.Gen;

/**
 * Generators of random syntax trees of the policy language, built from the records in
 * {@code dev.writ.language.ast} with {@link Span#NONE} spans (spans never take part in equality).
 *
 * <p>The trees are the ones the parser can produce, so that {@code parse(format(t))} equals
 * {@code t}: names are identifiers (not keywords where the grammar wants an {@code IDENT}, any
 * identifier where it wants a {@code name}), integer literals are non-negative or
 * {@link Long#MIN_VALUE} (a negative literal is a {@code Neg}), durations are non-negative,
 * {@code like} patterns are in glob form, {@code &&}/{@code ||} have at least two operands, and
 * a {@code resource} clause is never followed by a separate {@code when} clause (the grammar
 * attaches that {@code when} to the resource clause; see {@link #normalise(RuleDecl)}).
 * The trees are syntactically valid only: names and types are not resolved, so the checker will
 * usually report errors on them.
 *
 * <p>Reusable from other modules through the language test-jar.
 */
public final class AstGenerators {
  private AstGenerators() {}

  /** The reserved words (docs/language.md §2), type names included. */
  public static final Set<String> KEYWORDS = Set.of(
      "package", "action", "group", "intent", "grant", "forbid", "principal", "resource", "context", "delegation",
      "request", "when", "unless", "where", "ttl", "approval", "of", "delegate", "depth", "obligation",
      "description", "owner", "controls", "reason", "standing", "delegated", "param", "allow", "max", "on", "drift", "deny", "revoke",
      "human", "machine", "agent", "any", "in", "has", "like", "matches", "true", "false", "is", "if", "then", "else", "tags",
      "String", "Int", "Bool", "Duration", "Time", "Set");

  /** Expression depth used by {@link #policyFiles()} and {@link #expressions()}. */
  public static final int DEFAULT_DEPTH = 4;

  private static final List<String> KEYWORD_LIST = KEYWORDS.stream().sorted().toList();
  private static final List<String> COMMON_IDENTIFIERS = List.of(
      "x", "Employee", "Team", "Database", "Dashboard", "Workload", "Cluster", "Assistant", "env", "tags", "mfa",
      "notify", "hour", "weekday", "size", "lower", "cidr", "time", "duration", "contains", "containsAll",
      "containsAny", "_", "_1", "a1_b2", "whenever", "in_", "Sets", "Strings", "grants", "ANY", "When", "id",
      "investigate_incident", "break_glass", "d", "h", "m", "s", "abc");
  private static final String IDENT_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
  private static final String IDENT_PART = IDENT_START + "0123456789";
  /** Characters for string literals: ASCII, every escape, control characters, non-ASCII, an emoji. */
  private static final List<String> STRING_CHARS = List.of(
      "a", "b", "z", "A", "0", "9", " ", ":", "*", "-", "_", ".", "/", "#", "@", "\"", "\\", "\n", "\t", "\r",
      "\u0000", "\u0001", "\u001f", "\u007f", "é", "ß", "中", "\u00a0", "\u2028", "\ud83d\ude00", "'", "{", "}",
      "[", "]", "(", ")", "$", "^", "+", "?", "u", "\\u", "/*", "*/", "//");
  private static final List<String> COMMON_STRINGS = List.of(
      "", "db:read", "db:*", "*", "prod", "INC-4711", "^INC-[0-9]+$", "legal-hold", "10.0.0.0/8",
      "2026-06-15T10:00:00Z", "1h", "#db-access", "team:data-platform", "OWASP-NHI-03", "s3:GetObject");

  // ---- public generators ------------------------------------------------------------------

  /** Whole files: an optional package and 0 to 6 declarations of every kind. */
  public static Gen<PolicyFile> policyFiles() {
    return Draw.gen(AstGenerators::policyFile);
  }

  /** A single declaration of any kind. */
  public static Gen<Declaration> declarations() {
    return Draw.gen(d -> declaration(d, DEFAULT_DEPTH));
  }

  public static Gen<RuleDecl> rules() {
    return Draw.gen(d -> rule(d, DEFAULT_DEPTH));
  }

  public static Gen<IntentDecl> intents() {
    return Draw.gen(d -> intent(d, DEFAULT_DEPTH));
  }

  public static Gen<Expr> expressions() {
    return expressions(DEFAULT_DEPTH);
  }

  /** Expressions nested at most {@code depth} levels (below the parser's nesting limit for small depths). */
  public static Gen<Expr> expressions(int depth) {
    return Draw.gen(d -> expr(d, depth));
  }

  public static Gen<Selector> selectors() {
    return Draw.gen(AstGenerators::selector);
  }

  /** Identifiers that are not keywords (rule, intent, type and function names). */
  public static Gen<String> identifiers() {
    return Draw.gen(AstGenerators::identifier);
  }

  /** Identifiers including keywords (attribute, parameter and obligation names, package parts). */
  public static Gen<String> names() {
    return Draw.gen(AstGenerators::anyName);
  }

  /** Contents of string literals: any text, including quotes, backslashes and control characters. */
  public static Gen<String> stringValues() {
    return Draw.gen(AstGenerators::string);
  }

  /** {@code like} patterns in glob form ({@code *}, {@code \*}, {@code \\} and other characters). */
  public static Gen<String> globs() {
    return Draw.gen(AstGenerators::glob);
  }

  /** Durations in seconds: small, whole units, and up to {@link Long#MAX_VALUE}. */
  public static Gen<Long> durations() {
    return Draw.gen(AstGenerators::durationSeconds);
  }

  // ---- normalisation ----------------------------------------------------------------------

  /**
   * The tree the parser builds for the text of {@code rule}: a {@code when} clause that directly
   * follows a {@code resource} clause without {@code when} becomes that clause's {@code when}.
   */
  public static RuleDecl normalise(RuleDecl rule) {
    List<RuleDecl.Clause> out = new ArrayList<>();
    List<RuleDecl.Clause> in = rule.clauses();
    for (int i = 0; i < in.size(); i++) {
      RuleDecl.Clause c = in.get(i);
      if (c instanceof RuleDecl.ResourceClause r && r.when().isEmpty() && i + 1 < in.size()
          && in.get(i + 1) instanceof RuleDecl.Condition cond && !cond.unless()) {
        out.add(new RuleDecl.ResourceClause(r.selector(), Optional.of(cond.expr()), r.span()));
        i++;
      } else {
        out.add(c);
      }
    }
    return new RuleDecl(rule.effect(), rule.name(), out, rule.span());
  }

  // ---- files and declarations ---------------------------------------------------------------

  static PolicyFile policyFile(Draw d) {
    Optional<QualifiedName> pkg = d.chance(30)
        ? Optional.of(new QualifiedName(d.list(1, 3, () -> name(anyName(d))), Span.NONE))
        : Optional.empty();
    List<Declaration> decls = d.list(0, 6, () -> declaration(d, DEFAULT_DEPTH));
    return new PolicyFile(pkg, decls, List.of(), Span.NONE);
  }

  static Declaration declaration(Draw d, int depth) {
    return d.weighted(
        w(2, () -> entityType(d)),
        w(1, () -> actions(d)),
        w(1, () -> actionGroup(d)),
        w(2, () -> intent(d, depth)),
        w(4, () -> rule(d, depth)));
  }

  static Declaration.EntityType entityType(Draw d) {
    EntityKind kind = d.pick(EntityKind.values());
    List<Name> memberOf = d.list(0, 3, () -> name(identifier(d)));
    List<Declaration.AttributeDecl> attrs = d.list(0, 4,
        () -> new Declaration.AttributeDecl(name(anyName(d)), d.bool(), type(d, 3), Span.NONE));
    return new Declaration.EntityType(kind, name(identifier(d)), memberOf, attrs,
        d.chance(20) ? Optional.of(type(d, 2)) : Optional.empty(), Span.NONE);
  }

  static TypeExpr type(Draw d, int depth) {
    return d.weighted(
        w(5, () -> new TypeExpr.Primitive(d.pick(TypeExpr.PrimitiveKind.values()), Span.NONE)),
        w(2, () -> new TypeExpr.Named(name(identifier(d)), Span.NONE)),
        w(depth > 0 ? 2 : 0, () -> new TypeExpr.SetOf(type(d, depth - 1), Span.NONE)),
        w(depth > 0 ? 1 : 0, () -> new TypeExpr.RecordOf(d.list(0, 3, () -> new Declaration.AttributeDecl(
            name(anyName(d)), d.bool(), type(d, depth - 1), Span.NONE)), Span.NONE)));
  }

  static Declaration.Actions actions(Draw d) {
    return new Declaration.Actions(d.list(1, 4, () -> str(actionName(d))), d.list(0, 3, () -> name(identifier(d))),
        Span.NONE);
  }

  static Declaration.ActionGroup actionGroup(Draw d) {
    return new Declaration.ActionGroup(str(actionName(d)), d.list(0, 4, () -> str(actionName(d))), Span.NONE);
  }

  static IntentDecl intent(Draw d, int depth) {
    List<IntentDecl.Clause> clauses = d.list(0, 6, () -> intentClause(d, depth));
    return new IntentDecl(name(identifier(d)), clauses, Span.NONE);
  }

  static IntentDecl.Clause intentClause(Draw d, int depth) {
    return d.weighted(
        w(1, () -> new IntentDecl.Description(str(string(d)), Span.NONE)),
        w(2, () -> new IntentDecl.Param(name(anyName(d)), d.bool(), type(d, 2),
            d.bool() ? Optional.of(str(string(d))) : Optional.empty(), Span.NONE)),
        w(3, () -> new IntentDecl.Allow(d.list(1, 3, () -> str(actionName(d))),
            d.bool() ? Optional.of(selector(d)) : Optional.empty(),
            d.bool() ? Optional.of(expr(d, depth)) : Optional.empty(), Span.NONE)),
        w(1, () -> new IntentDecl.Max(durationSeconds(d), Span.NONE)),
        w(1, () -> new IntentDecl.OnDrift(d.pick(IntentDecl.DriftMode.values()), Span.NONE)));
  }

  static RuleDecl rule(Draw d, int depth) {
    RuleDecl.Effect effect = d.pick(RuleDecl.Effect.values());
    List<RuleDecl.Clause> clauses = d.list(0, 8, () -> ruleClause(d, depth));
    return normalise(new RuleDecl(effect, name(identifier(d)), clauses, Span.NONE));
  }

  static RuleDecl.Clause ruleClause(Draw d, int depth) {
    return d.weighted(
        w(2, () -> new RuleDecl.PrincipalClause(selector(d), Span.NONE)),
        w(2, () -> new RuleDecl.ActionClause(d.list(1, 3, () -> str(actionName(d))), Span.NONE)),
        w(2, () -> new RuleDecl.ResourceClause(selector(d),
            d.bool() ? Optional.of(expr(d, depth)) : Optional.empty(), Span.NONE)),
        w(1, () -> new RuleDecl.IntentClause(d.list(1, 3, () -> name(identifier(d))), Span.NONE)),
        w(3, () -> new RuleDecl.Condition(d.bool(), expr(d, depth), Span.NONE)),
        w(1, () -> new RuleDecl.TtlClause(durationSeconds(d), Span.NONE)),
        w(1, () -> new RuleDecl.ApprovalClause(count(d), entity(d),
            d.bool() ? Optional.of(expr(d, depth)) : Optional.empty(), Span.NONE)),
        w(1, () -> new RuleDecl.DelegateClause(d.list(1, 3, () -> d.pick(KindName.values())), count(d), Span.NONE)),
        w(1, () -> new RuleDecl.ObligationClause(name(anyName(d)),
            d.bool() ? Optional.of(str(string(d))) : Optional.empty(), Span.NONE)),
        w(1, () -> {
          RuleDecl.ClauseKind kind = d.pick(RuleDecl.ClauseKind.DESCRIPTION, RuleDecl.ClauseKind.OWNER,
              RuleDecl.ClauseKind.CONTROLS, RuleDecl.ClauseKind.REASON, RuleDecl.ClauseKind.STANDING);
          List<Str> values = kind == RuleDecl.ClauseKind.CONTROLS ? d.list(1, 3, () -> str(string(d)))
              : List.of(str(string(d)));
          return new RuleDecl.MetaClause(kind, values, Span.NONE);
        }));
  }

  static long count(Draw d) {
    return d.weighted(w(6, () -> (long) d.between(0, 5)), w(1, () -> d.longBetween(0, Long.MAX_VALUE)));
  }

  static Selector selector(Draw d) {
    return new Selector(d.list(1, 3, () -> {
      Selector.Target target = d.weighted(
          w(2, () -> new Selector.KindTarget(d.pick(KindName.values()), Span.NONE)),
          w(2, () -> new Selector.TypeTarget(name(identifier(d)))),
          w(1, () -> new Selector.EntityTarget(entity(d))));
      Optional<EntityLiteral> in = d.chance(30) ? Optional.of(entity(d)) : Optional.empty();
      return new Selector.Alt(d.chance(15), target, in, Span.NONE);
    }), Span.NONE);
  }

  static EntityLiteral entity(Draw d) {
    return new EntityLiteral(name(identifier(d)), string(d), Span.NONE);
  }

  // ---- expressions --------------------------------------------------------------------------

  static Expr expr(Draw d, int depth) {
    if (depth <= 0) {
      return leaf(d);
    }
    int n = depth - 1;
    return d.weighted(
        w(6, () -> leaf(d)),
        w(3, () -> new Expr.Attr(expr(d, n), name(anyName(d)), Span.NONE)),
        w(1, () -> new Expr.Index(expr(d, n), string(d), Span.NONE)),
        w(2, () -> new Expr.Has(expr(d, n), d.bool() ? anyName(d) : string(d), Span.NONE)),
        w(4, () -> new Expr.Binary(d.pick(Expr.BinaryOp.values()), expr(d, n), expr(d, n), Span.NONE)),
        w(2, () -> new Expr.And(d.list(2, 4, () -> expr(d, n)), Span.NONE)),
        w(2, () -> new Expr.Or(d.list(2, 4, () -> expr(d, n)), Span.NONE)),
        w(2, () -> new Expr.Not(expr(d, n), Span.NONE)),
        w(2, () -> new Expr.Neg(expr(d, n), Span.NONE)),
        w(1, () -> new Expr.Like(expr(d, n), glob(d), Span.NONE)),
        w(1, () -> new Expr.Matches(expr(d, n), string(d), Span.NONE)),
        w(2, () -> new Expr.MethodCall(expr(d, n), name(anyName(d)), d.list(0, 3, () -> expr(d, n)), Span.NONE)),
        w(1, () -> new Expr.Call(name(identifier(d)), d.list(0, 3, () -> expr(d, n)), Span.NONE)),
        w(1, () -> new Expr.SetLit(d.list(0, 3, () -> expr(d, n)), Span.NONE)),
        w(1, () -> new Expr.Is(expr(d, n), name(identifier(d)),
            d.bool() ? Optional.of(expr(d, n)) : Optional.empty(), Span.NONE)),
        w(1, () -> new Expr.If(expr(d, n), expr(d, n), expr(d, n), Span.NONE)),
        w(1, () -> new Expr.RecordLit(d.list(0, 3, () -> new Expr.Field(d.bool() ? anyName(d) : string(d), expr(d, n),
            Span.NONE)), Span.NONE)));
  }

  static Expr leaf(Draw d) {
    return d.weighted(
        w(3, () -> new Expr.Var(d.pick(Expr.Variable.values()), Span.NONE)),
        w(1, () -> new Expr.BoolLit(d.bool(), Span.NONE)),
        w(2, () -> new Expr.IntLit(intValue(d), Span.NONE)),
        w(2, () -> new Expr.StrLit(string(d), Span.NONE)),
        w(1, () -> new Expr.DurationLit(durationSeconds(d), Span.NONE)),
        w(1, () -> new Expr.EntityLit(entity(d), Span.NONE)),
        w(1, () -> new Expr.SetLit(List.of(), Span.NONE)));
  }

  /** Non-negative, or {@link Long#MIN_VALUE}: the integer literals the parser produces. */
  static long intValue(Draw d) {
    return d.weighted(
        w(6, () -> (long) d.between(0, 100)),
        w(2, () -> d.longBetween(0, Long.MAX_VALUE)),
        w(1, () -> Long.MAX_VALUE),
        w(1, () -> Long.MIN_VALUE));
  }

  static long durationSeconds(Draw d) {
    long[] units = {86_400, 3_600, 60, 1};
    return d.weighted(
        w(4, () -> (long) d.between(0, 200_000)),
        w(2, () -> d.between(0, 1000) * units[d.between(0, 3)]),
        w(1, () -> d.longBetween(0, Long.MAX_VALUE)));
  }

  // ---- names and strings --------------------------------------------------------------------

  static Name name(String value) {
    return new Name(value, Span.NONE);
  }

  static Str str(String value) {
    return new Str(value, Span.NONE);
  }

  static String identifier(Draw d) {
    String s = d.weighted(
        w(3, () -> d.pick(COMMON_IDENTIFIERS)),
        w(2, () -> {
          StringBuilder b = new StringBuilder().append(d.pick(IDENT_START));
          int n = d.between(0, 10);
          for (int i = 0; i < n; i++) {
            b.append(d.pick(IDENT_PART));
          }
          return b.toString();
        }),
        w(1, () -> d.pick(KEYWORD_LIST) + d.pick("_0aZ")));
    return KEYWORDS.contains(s) ? s + "_" : s;
  }

  static String anyName(Draw d) {
    return d.chance(30) ? d.pick(KEYWORD_LIST) : identifier(d);
  }

  static String string(Draw d) {
    return d.weighted(
        w(2, () -> d.pick(COMMON_STRINGS)),
        w(2, () -> identifier(d)),
        w(3, () -> {
          StringBuilder b = new StringBuilder();
          int n = d.between(0, 12);
          for (int i = 0; i < n; i++) {
            b.append(d.pick(STRING_CHARS));
          }
          return b.toString();
        }));
  }

  static String actionName(Draw d) {
    return d.weighted(
        w(3, () -> d.pick("db", "logs", "k8s", "s3") + ":" + d.pick("read", "select", "exec", "GetObject", "*")),
        w(1, () -> d.pick(COMMON_STRINGS)),
        w(1, () -> string(d)));
  }

  /** Glob form: {@code \*} a literal star, {@code \\} a literal backslash, no other backslash. */
  static String glob(Draw d) {
    StringBuilder b = new StringBuilder();
    int n = d.between(0, 8);
    for (int i = 0; i < n; i++) {
      b.append(d.weighted(
          w(4, () -> {
            String c = d.pick(STRING_CHARS);
            return c.contains("\\") ? "a" : c;
          }),
          w(2, () -> "*"),
          w(1, () -> "\\*"),
          w(1, () -> "\\\\")));
    }
    return b.toString();
  }
}

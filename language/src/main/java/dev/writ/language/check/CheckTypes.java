package dev.writ.language.check;
import dev.writ.language.vocab.Builtins;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;

import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.Printer;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.vocab.Suggestions;
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Types every expression (strict mode) and checks what both modes can check: functions and
 * their arity, regular expressions and literal arguments. Also reports optional attributes and
 * parameters read without a {@code has} guard, following the guards that {@code &&}, earlier
 * {@code when} clauses and {@code unless !(...)} establish.
 */
final class CheckTypes implements CheckStage {
  @Override
  public String id() {
    return "check-types";
  }

  @Override
  public void run(CheckContext ctx) {
    for (IntentDecl intent : ctx.intents.values()) {
      for (IntentDecl.Allow allow : intent.allows()) {
        allow.when().ifPresent(w -> {
          Env env = new Env(ctx.principalTypes.getOrDefault(allow, new TreeSet<>()),
              ctx.resourceTypes.getOrDefault(allow, new TreeSet<>()), List.of(intent));
          new ExprChecker(ctx, env).condition(w, Set.of());
        });
      }
    }
    for (CheckedRule rule : ctx.rules) {
      RuleDecl r = rule.decl();
      List<IntentDecl> intents = r.clause(RuleDecl.IntentClause.class)
          .map(c -> c.intents().stream().map(n -> ctx.intents.get(n.value())).filter(i -> i != null).toList())
          .orElse(null);
      Env env = new Env(ctx.principalTypes.getOrDefault(r, new TreeSet<>()),
          ctx.resourceTypes.getOrDefault(r, new TreeSet<>()), intents);
      ExprChecker checker = new ExprChecker(ctx, env);
      // Conditions run in source order and stop at the first that fails, so what an earlier
      // `when` establishes (or an earlier `unless` rules out) guards the later ones.
      Set<String> guards = new HashSet<>();
      for (RuleDecl.Clause c : r.clauses()) {
        if (c instanceof RuleDecl.ResourceClause rc && rc.when().isPresent()) {
          checker.condition(rc.when().get(), guards);
          guards.addAll(Guards.whenTrue(rc.when().get()));
        } else if (c instanceof RuleDecl.Condition cond) {
          checker.condition(cond.expr(), guards);
          guards.addAll(cond.unless() ? Guards.whenFalse(cond.expr()) : Guards.whenTrue(cond.expr()));
        }
      }
      for (RuleDecl.ApprovalClause a : r.clauses(RuleDecl.ApprovalClause.class)) {
        a.where().ifPresent(w -> checker.condition(w, guards));
      }
    }
  }

  /** What expressions may refer to. {@code intents} is null when the rule has no intent clause. */
  record Env(SortedSet<String> principalTypes, SortedSet<String> resourceTypes, List<IntentDecl> intents) {}

  /** Facts of the form {@code path.attr} that hold when an expression is true (or false). */
  static final class Guards {
    private Guards() {}

    static Set<String> whenTrue(Expr e) {
      Set<String> out = new HashSet<>();
      switch (e.kind()) {
        case HAS -> out.add(key((Expr.Has) e));
        case AND -> ((Expr.And) e).operands().forEach(o -> out.addAll(whenTrue(o)));
        case NOT -> out.addAll(whenFalse(((Expr.Not) e).operand()));
        default -> { }
      }
      return out;
    }

    static Set<String> whenFalse(Expr e) {
      Set<String> out = new HashSet<>();
      switch (e.kind()) {
        case NOT -> out.addAll(whenTrue(((Expr.Not) e).operand()));
        case OR -> ((Expr.Or) e).operands().forEach(o -> out.addAll(whenFalse(o)));
        default -> { }
      }
      return out;
    }

    static String key(Expr.Has h) {
      return Printer.print(h.target()) + "." + h.attr();
    }

    static String key(Expr target, String attr) {
      return Printer.print(target) + "." + attr;
    }
  }

  /** Checks the expressions of one rule or intent. */
  static final class ExprChecker {
    private final CheckContext ctx;
    private final Env env;
    private final boolean strict;

    ExprChecker(CheckContext ctx, Env env) {
      this.ctx = ctx;
      this.env = env;
      this.strict = ctx.strict;
    }

    void condition(Expr e, Set<String> guards) {
      Type t = check(e, guards);
      if (strict && !t.is(Type.Tag.BOOL)) {
        mismatch(e.span(), "a condition must be Bool, but this is " + t, null);
      }
    }

    private Type check(Expr e, Set<String> guards) {
      Type t = typeOf(e, guards);
      ctx.types.put(e, t);
      return t;
    }

    private Type typeOf(Expr e, Set<String> guards) {
      switch (e.kind()) {
        case BOOL:
          return Type.BOOL;
        case INT:
          return Type.INT;
        case STRING:
          return Type.STRING;
        case DURATION:
          return Type.DURATION;
        case ENTITY: {
          Name type = ((Expr.EntityLit) e).entity().type();
          if (strict && ResolveSchema.requireType(ctx, type)) {
            return Type.entity(type.value());
          }
          return strict ? Type.DYNAMIC : Type.ANY_ENTITY;
        }
        case VAR:
          return variable(((Expr.Var) e).variable());
        case ATTR: {
          Expr.Attr a = (Expr.Attr) e;
          Type target = check(a.target(), guards);
          return attribute(a.target(), target, a.attr().value(), a.attr().span(), guards);
        }
        case INDEX: {
          Expr.Index ix = (Expr.Index) e;
          Type target = check(ix.target(), guards);
          return attribute(ix.target(), target, ix.key(), ix.span(), guards);
        }
        case HAS: {
          Expr.Has h = (Expr.Has) e;
          Type target = check(h.target(), guards);
          has(target, h);
          return Type.BOOL;
        }
        case BINARY:
          return binary((Expr.Binary) e, guards);
        case AND: {
          Set<String> g = new HashSet<>(guards);
          for (Expr op : ((Expr.And) e).operands()) {
            expect(op, check(op, g), Type.Tag.BOOL, "`&&`");
            g.addAll(Guards.whenTrue(op));
          }
          return Type.BOOL;
        }
        case OR: {
          Set<String> g = new HashSet<>(guards);
          for (Expr op : ((Expr.Or) e).operands()) {
            expect(op, check(op, g), Type.Tag.BOOL, "`||`");
            g.addAll(Guards.whenFalse(op));
          }
          return Type.BOOL;
        }
        case NOT: {
          Expr op = ((Expr.Not) e).operand();
          expect(op, check(op, guards), Type.Tag.BOOL, "`!`");
          return Type.BOOL;
        }
        case NEG: {
          Expr op = ((Expr.Neg) e).operand();
          expect(op, check(op, guards), Type.Tag.INT, "unary `-`");
          return Type.INT;
        }
        case LIKE: {
          Expr op = ((Expr.Like) e).operand();
          expect(op, check(op, guards), Type.Tag.STRING, "`like`");
          return Type.BOOL;
        }
        case MATCHES: {
          Expr.Matches m = (Expr.Matches) e;
          expect(m.operand(), check(m.operand(), guards), Type.Tag.STRING, "`matches`");
          CheckIntents.compile(ctx, m.regex(), patternSpan(m));
          return Type.BOOL;
        }
        case METHOD:
          return method((Expr.MethodCall) e, guards);
        case CALL:
          return call((Expr.Call) e, guards);
        case SET: {
          Type element = null;
          for (Expr el : ((Expr.SetLit) e).elements()) {
            Type t = check(el, guards);
            if (element == null || element.isDynamic()) {
              element = t;
            } else if (strict && !t.isDynamic() && !t.comparableWith(element)) {
              mismatch(el.span(), "set elements must have one type, but this is " + t + " after " + element, null);
            } else if (element.tag() == Type.Tag.ENTITY && t.tag() == Type.Tag.ENTITY) {
              element = union(element, t);
            }
          }
          return Type.setOf(element == null ? Type.DYNAMIC : element);
        }
        case IS: {
          Expr.Is is = (Expr.Is) e;
          Type operand = check(is.operand(), guards);
          if (strict) {
            ResolveSchema.requireType(ctx, is.type());
            if (!operand.isDynamic() && operand.tag() != Type.Tag.ENTITY) {
              mismatch(is.operand().span(), "`is` tests the type of an entity, not " + a(operand), null);
            }
          }
          is.in().ifPresent(in -> {
            Type group = check(in, guards);
            if (strict && !group.is(Type.Tag.ENTITY) && !(group.tag() == Type.Tag.SET
                && (group.element().isDynamic() || group.element().tag() == Type.Tag.ENTITY))) {
              mismatch(in.span(), "`is ... in` needs an entity or a set of entities on the right, not " + a(group), null);
            }
          });
          return Type.BOOL;
        }
        case RECORD: {
          java.util.Map<String, Schema.AttributeDef> fields = new java.util.LinkedHashMap<>();
          for (Expr.Field f : ((Expr.RecordLit) e).fields()) {
            Type t = check(f.value(), guards);
            if (fields.putIfAbsent(f.name(), new Schema.AttributeDef(t, false)) != null) {
              ctx.report(DiagnosticCode.NAME_DUPLICATE, f.nameSpan(), "field `" + f.name()
                  + "` appears twice in this record", "a record has each field once");
            }
          }
          return Type.record(fields);
        }
        case IF: {
          Expr.If i = (Expr.If) e;
          expect(i.condition(), check(i.condition(), guards), Type.Tag.BOOL, "`if`");
          // What the condition establishes guards the branch it selects.
          Set<String> whenTrue = new HashSet<>(guards);
          whenTrue.addAll(Guards.whenTrue(i.condition()));
          Set<String> whenFalse = new HashSet<>(guards);
          whenFalse.addAll(Guards.whenFalse(i.condition()));
          Type a = check(i.then(), whenTrue);
          Type b = check(i.otherwise(), whenFalse);
          if (a.isDynamic() || b.isDynamic()) {
            return a.isDynamic() ? b : a;
          }
          if (strict && !a.comparableWith(b)) {
            mismatch(i.span(), "the branches of `if` must have one type, but `then` is " + a + " and `else` is " + b,
                null);
            return Type.DYNAMIC;
          }
          return a.tag() == Type.Tag.ENTITY && b.tag() == Type.Tag.ENTITY ? union(a, b) : a;
        }
        default:
          throw new IllegalStateException("internal invariant violated: unknown expression kind " + e.kind());
      }
    }

    /** A hint for {@code x == "true"} where {@code x} is a Bool. */
    private static String quotedBool(Expr.Binary b) {
      for (Expr side : List.of(b.left(), b.right())) {
        if (side instanceof Expr.StrLit s && (s.value().equals("true") || s.value().equals("false"))) {
          return "`true` and `false` are written without quotes";
        }
      }
      return null;
    }

    /** The pattern literal of a {@code matches}: the first quote after the operand to the end. */
    private static Span patternSpan(Expr.Matches m) {
      Span s = m.span();
      if (!s.isKnown()) {
        return s;
      }
      int quote = s.source().text().indexOf('"', m.operand().span().end());
      return quote >= 0 && quote < s.end() ? new Span(s.source(), quote, s.end()) : s;
    }

    private static Type union(Type a, Type b) {
      if (a.entityTypes() == null || b.entityTypes() == null) {
        return Type.ANY_ENTITY;
      }
      SortedSet<String> all = new TreeSet<>(a.entityTypes());
      all.addAll(b.entityTypes());
      return Type.entity(all);
    }

    private Type variable(Expr.Variable v) {
      if (!strict) {
        return switch (v) {
          case CONTEXT -> Type.RECORD;
          case INTENT -> Type.INTENT;
          case DELEGATION -> Type.DELEGATION;
          case REQUEST -> Type.REQUEST;
          case ACTION -> Type.STRING;
          default -> Type.ANY_ENTITY;
        };
      }
      return switch (v) {
        case PRINCIPAL -> env.principalTypes().isEmpty() ? Type.ANY_ENTITY : Type.entity(env.principalTypes());
        case RESOURCE -> env.resourceTypes().isEmpty() ? Type.ANY_ENTITY : Type.entity(env.resourceTypes());
        case ACTION -> Type.STRING;
        case CONTEXT -> Type.RECORD;
        case INTENT -> Type.INTENT;
        case DELEGATION -> Type.DELEGATION;
        case REQUEST -> Type.REQUEST;
      };
    }

    private Type attribute(Expr targetExpr, Type target, String attr, Span span, Set<String> guards) {
      switch (target.tag()) {
        case RECORD:
          return target.fields() == null ? Type.DYNAMIC : recordField(targetExpr, target, attr, span, guards);
        case DYNAMIC:
          return Type.DYNAMIC;
        case INTENT:
          return intentParam(targetExpr, attr, span, guards);
        case DELEGATION:
          return switch (attr) {
            case "depth" -> Type.INT;
            // Chain members are sponsors and delegators of any principal type, not the rule's
            // principal: reads on them are checked when evaluated.
            case "root" -> Type.ANY_ENTITY;
            case "chain" -> Type.setOf(Type.ANY_ENTITY);
            default -> unknownField(span, "delegation", attr, List.of("depth", "root", "chain"));
          };
        case REQUEST:
          return switch (attr) {
            case "duration" -> Type.DURATION;
            case "time" -> Type.TIME;
            default -> unknownField(span, "request", attr, List.of("duration", "time"));
          };
        case ENTITY:
          return entityAttribute(targetExpr, target, attr, span, guards);
        default:
          if (strict) {
            mismatch(span, "`" + attr + "` is read from " + a(target) + ", which has no attributes", null);
          }
          return Type.DYNAMIC;
      }
    }

    /** A field of a record whose fields are known (declared in the schema, or a literal's). */
    private Type recordField(Expr targetExpr, Type target, String attr, Span span, Set<String> guards) {
      Schema.AttributeDef f = target.fields().get(attr);
      if (f == null) {
        if (strict) {
          ctx.report(DiagnosticCode.NAME_UNKNOWN_ATTRIBUTE, span, "the record " + target + " has no field `" + attr + "`",
              Suggestions.hint(attr, target.fields().keySet()).orElse(null));
        }
        return Type.DYNAMIC;
      }
      if (f.optional() && !guards.contains(Guards.key(targetExpr, attr))) {
        ctx.report(DiagnosticCode.LINT_UNGUARDED_OPTIONAL, span, "optional field `" + attr
            + "` is read without checking that it is present",
            "guard it: `" + Printer.print(targetExpr) + " has " + attr + " && ...`");
      }
      return f.type();
    }

    private Type unknownField(Span span, String what, String attr, List<String> known) {
      ctx.report(DiagnosticCode.NAME_UNKNOWN_ATTRIBUTE, span, "`" + what + "` has no field `" + attr + "`",
          Suggestions.hint(attr, known).orElse("its fields are " + String.join(", ", known)));
      return Type.DYNAMIC;
    }

    private Type intentParam(Expr targetExpr, String attr, Span span, Set<String> guards) {
      if (attr.equals("name")) {
        return Type.STRING;
      }
      if (env.intents() == null) {
        if (strict) {
          List<String> declaring = ctx.intents.values().stream()
              .filter(i -> i.params().stream().anyMatch(p -> p.name().value().equals(attr)))
              .map(i -> "`intent " + i.name().value() + "`").toList();
          ctx.report(DiagnosticCode.INTENT_PARAM_WITHOUT_INTENT, span, "`intent." + attr
              + "` is read, but the rule has no `intent` clause to declare it", declaring.isEmpty()
                  ? "add `intent <name>` to the rule so the parameter can be checked"
                  : "add " + String.join(" or ", declaring) + " to the rule; it declares `" + attr + "`");
        }
        return Type.DYNAMIC;
      }
      Type type = null;
      IntentDecl first = null;
      boolean optional = false;
      for (IntentDecl intent : env.intents()) {
        Optional<IntentDecl.Param> p = intent.params().stream().filter(x -> x.name().value().equals(attr)).findFirst();
        if (p.isEmpty()) {
          ctx.report(DiagnosticCode.NAME_UNKNOWN_PARAM, span, "intent `" + intent.name().value()
              + "` has no parameter `" + attr + "`", Suggestions.hint(attr,
                  intent.params().stream().map(x -> x.name().value()).toList()).orElse(null));
          return Type.DYNAMIC;
        }
        Type t = ResolveSchema.resolveType(ctx, p.get().type());
        if (type != null && !type.equals(t)) {
          ctx.report(DiagnosticCode.TYPE_AMBIGUOUS_ATTRIBUTE, span, "parameter `" + attr + "` is " + type
              + " in intent `" + first.name().value() + "` and " + t + " in `" + intent.name().value() + "`",
              "declare it with one type in every intent the rule names");
          return Type.DYNAMIC;
        }
        if (type == null) {
          first = intent;
        }
        type = t;
        optional |= p.get().optional();
      }
      if (optional && !guards.contains(Guards.key(targetExpr, attr))) {
        ctx.report(DiagnosticCode.LINT_UNGUARDED_OPTIONAL, span, "optional parameter `" + attr
            + "` is read without checking that it is present", "guard it: `intent has " + attr + " && ...`");
      }
      return type == null ? Type.DYNAMIC : type;
    }

    private Type entityAttribute(Expr targetExpr, Type target, String attr, Span span, Set<String> guards) {
      if (!strict || target.entityTypes() == null || target.entityTypes().isEmpty()) {
        return Type.DYNAMIC;
      }
      Type type = null;
      String firstTypeName = null;
      boolean optional = false;
      // `x has a` narrows, as Cedar's validator does: where it holds, `x` is of a type declaring `a`,
      // so the types that do not declare it are left out of the read instead of refusing it.
      boolean guarded = guards.contains(Guards.key(targetExpr, attr));
      for (String typeName : target.entityTypes()) {
        Schema.EntityTypeDef def = ctx.schema.entityTypes().get(typeName);
        if (def == null) {
          return Type.DYNAMIC;
        }
        Schema.AttributeDef a = def.attributes().get(attr);
        if (a == null && guarded) {
          continue;
        }
        if (a == null) {
          ctx.report(DiagnosticCode.NAME_UNKNOWN_ATTRIBUTE, span, "`" + typeName + "` has no attribute `" + attr + "`",
              Suggestions.hint(attr, def.attributes().keySet()).orElse(target.entityTypes().size() > 1
                  ? "the selector admits " + String.join(", ", target.entityTypes())
                  + "; every one of them must declare it" + (someDeclare(target, attr) ? ", or guard the read: `"
                  + Printer.print(targetExpr) + " has " + attr + " && ...`" : "")
                  : def.attributes().isEmpty() ? "`" + typeName + "` declares no attributes"
                  : "`" + typeName + "` declares " + String.join(", ", def.attributes().keySet())));
          return Type.DYNAMIC;
        }
        if (type != null && !type.equals(a.type())) {
          ctx.report(DiagnosticCode.TYPE_AMBIGUOUS_ATTRIBUTE, span, "attribute `" + attr + "` is " + type
              + " on `" + firstTypeName + "` and " + a.type() + " on `" + typeName + "`",
              "narrow the selector to one type, or declare the attribute with one type everywhere");
          return Type.DYNAMIC;
        }
        if (type == null) {
          firstTypeName = typeName;
        }
        type = a.type();
        optional |= a.optional();
      }
      if (type == null) {
        return Type.DYNAMIC; // no admitted type declares it: the `has` guard is reported as always false
      }
      if (optional && !guarded) {
        ctx.report(DiagnosticCode.LINT_UNGUARDED_OPTIONAL, span, "optional attribute `" + attr
            + "` is read without checking that it is present",
            "guard it: `" + Printer.print(targetExpr) + " has " + attr + " && ...`");
      }
      return type;
    }

    private void has(Type target, Expr.Has h) {
      if (!strict) {
        return;
      }
      switch (target.tag()) {
        case ENTITY -> {
          if (target.entityTypes() == null) {
            return;
          }
          boolean declared = target.entityTypes().stream().anyMatch(t -> {
            Schema.EntityTypeDef def = ctx.schema.entityTypes().get(t);
            return def == null || def.attributes().containsKey(h.attr());
          });
          if (!declared) {
            Set<String> known = new TreeSet<>();
            target.entityTypes().forEach(t -> known.addAll(ctx.schema.entityTypes().get(t).attributes().keySet()));
            ctx.report(DiagnosticCode.NAME_UNKNOWN_ATTRIBUTE, h.span(), "no " + target + " declares attribute `"
                + h.attr() + "`, so this is always false", Suggestions.hint(h.attr(), known).orElse(null));
          }
        }
        case INTENT -> {
          if (env.intents() != null && env.intents().stream().noneMatch(i -> i.params().stream()
              .anyMatch(p -> p.name().value().equals(h.attr())))) {
            ctx.report(DiagnosticCode.NAME_UNKNOWN_PARAM, h.span(), "no intent of this rule has a parameter `"
                + h.attr() + "`, so this is always false");
          }
        }
        case RECORD -> {
          if (target.fields() != null && !target.fields().containsKey(h.attr())) {
            ctx.report(DiagnosticCode.NAME_UNKNOWN_ATTRIBUTE, h.span(), "the record " + target + " has no field `"
                + h.attr() + "`, so this is always false", Suggestions.hint(h.attr(), target.fields().keySet()).orElse(null));
          }
        }
        case DYNAMIC -> { }
        default -> mismatch(h.span(), "`has` tests an entity, a record, `context` or `intent`, not " + a(target), null);
      }
    }

    private Type binary(Expr.Binary b, Set<String> guards) {
      Type l = check(b.left(), guards);
      Type r = check(b.right(), guards);
      String op = "`" + b.op().symbol() + "`";
      switch (b.op()) {
        case EQ, NE -> {
          if (strict && !l.comparableWith(r)) {
            mismatch(b.span(), op + " compares " + l + " with " + r + ", which is never equal", quotedBool(b));
          }
          return Type.BOOL;
        }
        case LT, LE, GT, GE -> {
          boolean ordered = l.isDynamic() || l.tag() == Type.Tag.INT || l.tag() == Type.Tag.DURATION
              || l.tag() == Type.Tag.TIME;
          if (strict && (!ordered || !l.comparableWith(r))) {
            mismatch(b.span(), op + " orders Int, Duration or Time values of one type, not " + l + " and " + r, null);
          }
          return Type.BOOL;
        }
        case IN -> {
          if (!strict || l.isDynamic() || r.isDynamic()) {
            return Type.BOOL;
          }
          boolean ok = (l.tag() == Type.Tag.ENTITY && r.tag() == Type.Tag.ENTITY)
              || (r.tag() == Type.Tag.SET && (r.element().isDynamic() || l.comparableWith(r.element())));
          if (!ok) {
            mismatch(b.span(), "`in` needs an entity on the right, or a set of the left side's type; got " + l
                + " in " + r, null);
          }
          return Type.BOOL;
        }
        case ADD, SUB -> {
          if (l.isDynamic() || r.isDynamic()) {
            return l.isDynamic() ? (r.tag() == Type.Tag.DURATION ? Type.DYNAMIC : r) : l;
          }
          if (l.tag() == Type.Tag.INT && r.tag() == Type.Tag.INT) {
            return Type.INT;
          }
          if (l.tag() == Type.Tag.TIME && r.tag() == Type.Tag.DURATION) {
            return Type.TIME;
          }
          if (l.tag() == Type.Tag.DURATION && r.tag() == Type.Tag.DURATION) {
            return Type.DURATION;
          }
          if (strict) {
            mismatch(b.span(), op + " works on Int and Int, Time and Duration, or Duration and Duration; not " + l
                + " and " + r, null);
          }
          return Type.DYNAMIC;
        }
        case MUL -> {
          if (strict && !(l.is(Type.Tag.INT) && r.is(Type.Tag.INT))) {
            mismatch(b.span(), "`*` multiplies two Ints, not " + l + " and " + r, null);
          }
          return Type.INT;
        }
        default -> throw new IllegalStateException("internal invariant violated: " + b.op());
      }
    }

    private Type method(Expr.MethodCall m, Set<String> guards) {
      Type target = check(m.target(), guards);
      List<Type> args = new ArrayList<>();
      m.args().forEach(a -> args.add(check(a, guards)));
      String name = m.method().value();
      Optional<Builtins.Method> method = Builtins.method(name);
      Optional<Builtins.ExtensionMethod> extension = Builtins.extensionMethod(name);
      if (extension.isPresent()) {
        return extensionMethod(m, extension.get(), target, args);
      }
      if (method.isEmpty()) {
        List<String> names = Builtins.methodNames();
        ctx.report(DiagnosticCode.NAME_UNKNOWN_FUNCTION, m.method().span(), "unknown method `" + name + "`",
            Suggestions.hint(name, names).orElse(name.equals("startsWith") || name.equals("endsWith")
                ? "test prefixes and suffixes with `like`: `email like \"*@acme.com\"`"
                : "methods are " + String.join(", ", names.subList(0, names.size() - 1)) + " and "
                    + names.get(names.size() - 1)));
        return Type.DYNAMIC;
      }
      int arity = method.get().arity();
      if (args.size() != arity) {
        ctx.report(DiagnosticCode.TYPE_ARITY, m.span(), "`" + name + "` takes " + arity + " argument, not "
            + args.size());
        return Type.BOOL;
      }
      if (strict && !target.isDynamic()) {
        if (target.tag() != Type.Tag.SET) {
          mismatch(m.target().span(), "`" + name + "` is a set method, but this is " + target,
              target.is(Type.Tag.STRING) && name.equals("contains") ? "to test for a substring, use `like \"*text*\"`"
                  : null);
        } else if (!method.get().takesSet()) {
          if (!args.get(0).comparableWith(target.element())) {
            mismatch(m.args().get(0).span(), "a set of " + target.element() + " never contains " + a(args.get(0)), null);
          }
        } else if (!args.get(0).is(Type.Tag.SET)) {
          mismatch(m.args().get(0).span(), "`" + name + "` takes a set, not " + a(args.get(0)), null);
        }
      }
      return Type.BOOL;
    }

    /** A method of Decimal, IpAddr, Time or Duration (Cedar's extension methods). */
    private Type extensionMethod(Expr.MethodCall m, Builtins.ExtensionMethod method, Type target, List<Type> args) {
      String name = method.id();
      if (args.size() != method.arity()) {
        ctx.report(DiagnosticCode.TYPE_ARITY, m.span(), "`" + name + "` takes " + method.arity() + " argument"
            + (method.arity() == 1 ? "" : "s") + ", not " + args.size());
        return method.result();
      }
      expect(m.target(), target, method.target(), "`" + name + "`");
      for (int i = 0; i < args.size(); i++) {
        expect(m.args().get(i), args.get(i), method.params().get(i).accepts().iterator().next(), "`" + name + "`");
      }
      if (method == Builtins.ExtensionMethod.HAS_TAG || method == Builtins.ExtensionMethod.GET_TAG) {
        Type tags = tagType(m, target);
        return method == Builtins.ExtensionMethod.GET_TAG ? tags : Type.BOOL;
      }
      return method.result();
    }

    private boolean someDeclare(Type target, String attr) {
      return target.entityTypes().stream().anyMatch(t -> ctx.schema.entityTypes().containsKey(t)
          && ctx.schema.entityTypes().get(t).attributes().containsKey(attr));
    }

    /** The type of the tags of the entity types {@code target} may be; dynamic when not known. */
    private Type tagType(Expr.MethodCall m, Type target) {
      if (!strict || target.tag() != Type.Tag.ENTITY || target.entityTypes() == null || target.entityTypes().isEmpty()) {
        return Type.DYNAMIC;
      }
      Type type = null;
      for (String t : target.entityTypes()) {
        Schema.EntityTypeDef def = ctx.schema.entityTypes().get(t);
        if (def == null) {
          return Type.DYNAMIC;
        }
        if (def.tagType() == null) {
          mismatch(m.target().span(), "`" + t + "` declares no tags", "declare them: `... " + t + " { ... } tags String`");
          return Type.DYNAMIC;
        }
        if (type != null && !type.equals(def.tagType())) {
          return Type.DYNAMIC;
        }
        type = def.tagType();
      }
      return type;
    }

    private Type call(Expr.Call c, Set<String> guards) {
      List<Type> args = new ArrayList<>();
      c.args().forEach(a -> args.add(check(a, guards)));
      String name = c.function().value();
      Optional<Builtins.Function> function = Builtins.function(name);
      if (function.isEmpty()) {
        ctx.report(DiagnosticCode.NAME_UNKNOWN_FUNCTION, c.function().span(), "unknown function `" + name + "`",
            Suggestions.hint(name, Builtins.functionNames()).orElse("functions are " + String.join(", ",
                Builtins.functionNames())));
        return Type.DYNAMIC;
      }
      Builtins.Function f = function.get();
      int arity = f.arity();
      if (args.size() != arity) {
        ctx.report(DiagnosticCode.TYPE_ARITY, c.span(), "`" + name + "` takes " + arity + " argument"
            + (arity == 1 ? "" : "s") + ", not " + args.size());
        return Type.DYNAMIC;
      }
      literalArguments(c, f);
      for (int i = 0; i < arity; i++) {
        List<Type.Tag> accepts = List.copyOf(f.params().get(i).accepts());
        Type actual = args.get(i);
        if (accepts.size() == 1) {
          expect(c.args().get(i), actual, accepts.get(0), "`" + name + "`");
        } else if (strict && accepts.stream().noneMatch(actual::is)) {
          mismatch(c.args().get(i).span(), "`" + name + "` takes " + String.join(" or ",
              accepts.stream().map(ExprChecker::article).toList()) + ", not " + actual, null);
        }
      }
      return f.result();
    }

    /** Literal arguments of conversions can be checked now rather than fail every evaluation. */
    private void literalArguments(Expr.Call c, Builtins.Function f) {
      for (int i = 0; i < c.args().size(); i++) {
        if (c.args().get(i) instanceof Expr.StrLit s) {
          String problem = f.literalProblem(i, s.value());
          if (problem != null) {
            ctx.report(DiagnosticCode.TYPE_INVALID_LITERAL, s.span(), problem);
          }
        }
      }
    }

    private void expect(Expr e, Type actual, Type.Tag wanted, String what) {
      if (strict && !actual.is(wanted)) {
        mismatch(e.span(), what + " needs " + article(wanted) + ", but this is " + actual, null);
      }
    }

    /** A type name with its article: "a String", "an Int", "an Employee". */
    private static String a(Type t) {
      String s = t.toString();
      return ("AEIOUaeiou".indexOf(s.charAt(0)) >= 0 ? "an " : "a ") + s;
    }

    private static String article(Type.Tag t) {
      return switch (t) {
        case BOOL -> "a Bool";
        case INT -> "an Int";
        case STRING -> "a String";
        case TIME -> "a Time";
        case DURATION -> "a Duration";
        case DECIMAL -> "a Decimal";
        case IPADDR -> "an IpAddr";
        default -> "a " + t.name().toLowerCase();
      };
    }

    private void mismatch(Span span, String message, String hint) {
      ctx.report(DiagnosticCode.TYPE_MISMATCH, span, message, hint);
    }
  }
}

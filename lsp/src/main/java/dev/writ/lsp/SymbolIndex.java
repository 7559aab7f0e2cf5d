package dev.writ.lsp;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.EntityLiteral;
import dev.writ.language.ast.Expr;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.Name;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.Printer;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.ast.Selector;
import dev.writ.language.ast.Str;
import dev.writ.language.ast.TypeExpr;
import dev.writ.language.check.Resolution;
import dev.writ.language.format.Formatter;
import dev.writ.language.source.Span;
import dev.writ.language.vocab.Schema;
import dev.writ.language.vocab.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Where each symbol of a bundle is declared and where it is used, built from the syntax trees
 * and what the checker resolved ({@link Resolution}): an attribute read is tied to the entity
 * types the checker gave its target, an intent parameter to the rule's intents. Names the
 * checker could not resolve (an unknown type) have no definition and are simply not found.
 */
final class SymbolIndex {
  /** A span that names a symbol; {@code declaration} when it is where the symbol is declared. */
  record Occurrence(Symbol symbol, Span span, boolean declaration) {}

  /**
   * The first declaration of a symbol: its name's span and the declaration. Its hover text is
   * made when asked for: formatting every declaration on each keystroke would be wasted.
   */
  record Definition(Symbol symbol, Span name, Declaration declaration, Supplier<String> hover) {
    String markdown() {
      return hover.get();
    }
  }

  static final SymbolIndex EMPTY = build(List.of(), Resolution.EMPTY);

  private final Map<Symbol, Definition> definitions = new LinkedHashMap<>();
  private final Map<Symbol, List<Occurrence>> uses = new HashMap<>();
  private final Map<String, List<Occurrence>> byFile = new HashMap<>();
  private final Map<String, PolicyFile> trees = new LinkedHashMap<>();
  private final Map<String, TreeSet<String>> contextKeys = new HashMap<>();
  private final Resolution resolution;

  private SymbolIndex(Resolution resolution) {
    this.resolution = resolution;
  }

  static SymbolIndex build(List<PolicyFile> files, Resolution resolution) {
    SymbolIndex index = new SymbolIndex(resolution);
    for (PolicyFile f : files) {
      index.declarations(f);
    }
    for (PolicyFile f : files) {
      index.references(f);
    }
    index.byFile.values().forEach(l -> l.sort(Comparator.comparingInt((Occurrence o) -> o.span().start())
        .thenComparingInt(o -> o.span().end() - o.span().start())));
    return index;
  }

  Resolution resolution() {
    return resolution;
  }

  Schema schema() {
    return resolution.schema();
  }

  /** The trees indexed, by display path. */
  Map<String, PolicyFile> trees() {
    return trees;
  }

  /** The innermost symbol occurrence at an offset of a file (its end included, where a cursor after a name is). */
  Optional<Occurrence> at(String path, int offset) {
    Occurrence best = null;
    for (Occurrence o : byFile.getOrDefault(path, List.of())) {
      if (o.span().start() > offset) {
        break;
      }
      if (offset <= o.span().end()
          && (best == null || o.span().end() - o.span().start() < best.span().end() - best.span().start())) {
        best = o;
      }
    }
    return Optional.ofNullable(best);
  }

  Optional<Definition> definition(Symbol s) {
    return Optional.ofNullable(definitions.get(s));
  }

  /** Every occurrence of a symbol, its declaration included, in bundle order. */
  List<Occurrence> occurrences(Symbol s) {
    return uses.getOrDefault(s, List.of());
  }

  List<Definition> definitions(Symbol.Kind kind) {
    return definitions.values().stream().filter(d -> d.symbol().kind() == kind).toList();
  }

  /** The keys read from {@code context} anywhere in the bundle, for completion: context has no schema. */
  SortedSet<String> contextKeys() {
    TreeSet<String> all = new TreeSet<>();
    contextKeys.values().forEach(all::addAll);
    return all;
  }

  // ---- declarations ------------------------------------------------------------------

  private void declarations(PolicyFile file) {
    String path = file.span().source().path();
    trees.put(path, file);
    for (Declaration d : file.declarations()) {
      switch (d.kind()) {
        case ENTITY_TYPE -> {
          Declaration.EntityType e = (Declaration.EntityType) d;
          declare(new Symbol(Symbol.Kind.ENTITY_TYPE, e.name().value()), e.name().span(), d, () -> code(d));
          for (Declaration.AttributeDecl a : e.attributes()) {
            declare(new Symbol(Symbol.Kind.ATTRIBUTE, e.name().value() + "." + a.name().value()), a.name().span(), d,
                () -> attributeHover(e, a));
          }
        }
        case ACTIONS -> {
          for (Str a : ((Declaration.Actions) d).actions()) {
            declare(new Symbol(Symbol.Kind.ACTION, a.value()), a.span(), d, () -> code(d));
          }
        }
        case ACTION_GROUP -> {
          Declaration.ActionGroup g = (Declaration.ActionGroup) d;
          declare(new Symbol(Symbol.Kind.ACTION_GROUP, g.name().value()), g.name().span(), d, () -> groupHover(g));
        }
        case INTENT -> {
          IntentDecl i = (IntentDecl) d;
          declare(new Symbol(Symbol.Kind.INTENT, i.name().value()), i.name().span(), d,
              () -> i.description().map(s -> s + "\n\n").orElse("") + code(d));
          for (IntentDecl.Param p : i.params()) {
            declare(new Symbol(Symbol.Kind.PARAMETER, i.name().value() + "." + p.name().value()), p.name().span(), d,
                () -> paramHover(i, p));
          }
        }
        case RULE -> {
          RuleDecl r = (RuleDecl) d;
          String full = Resolution.ruleName(file, r);
          declare(new Symbol(Symbol.Kind.RULE, full), r.name().span(), d, () -> ruleHover(full, r));
        }
      }
    }
  }

  private static String attributeHover(Declaration.EntityType e, Declaration.AttributeDecl a) {
    return code(e.name().value() + "." + a.name().value() + (a.optional() ? "?" : "") + ": " + Printer.print(a.type()))
        + "attribute of " + e.entityKind().keyword() + " type `" + e.name().value() + "`"
        + (a.optional() ? "; may be absent (guard it with `has`)" : "");
  }

  private String groupHover(Declaration.ActionGroup g) {
    SortedSet<String> expanded = resolution.schema().groups().get(g.name().value());
    return code(g) + (expanded == null ? ""
        : "expands to " + String.join(", ", expanded.stream().map(a -> "`" + a + "`").toList()));
  }

  private static String paramHover(IntentDecl i, IntentDecl.Param p) {
    return code("param " + p.name().value() + (p.optional() ? "?" : "") + ": " + Printer.print(p.type())
        + p.pattern().map(s -> " matches " + Printer.quote(s.value())).orElse(""))
        + "parameter of intent `" + i.name().value() + "`";
  }

  private static String ruleHover(String full, RuleDecl r) {
    String about = r.meta(RuleDecl.ClauseKind.DESCRIPTION).or(() -> r.meta(RuleDecl.ClauseKind.REASON))
        .map(s -> s + "\n\n").orElse("");
    return "**" + r.effect().keyword() + "** `" + full + "`\n\n" + about + code(r);
  }

  private void declare(Symbol s, Span name, Declaration d, Supplier<String> markdown) {
    definitions.putIfAbsent(s, new Definition(s, name, d, markdown));
    add(new Occurrence(s, name, true));
  }

  /** A declaration as {@code writ fmt} prints it, without comments, in a code block. */
  private static String code(Declaration d) {
    return code(Formatter.format(new PolicyFile(Optional.empty(), List.of(d), List.of(), Span.NONE)).strip());
  }

  private static String code(String text) {
    return "```writ\n" + text + "\n```\n";
  }

  // ---- references --------------------------------------------------------------------

  private void references(PolicyFile file) {
    for (Declaration d : file.declarations()) {
      switch (d.kind()) {
        case ENTITY_TYPE -> {
          Declaration.EntityType e = (Declaration.EntityType) d;
          e.memberOf().forEach(this::type);
          e.attributes().forEach(a -> type(a.type()));
        }
        case ACTIONS -> ((Declaration.Actions) d).resourceTypes().forEach(this::type);
        case ACTION_GROUP -> ((Declaration.ActionGroup) d).members().forEach(this::action);
        case INTENT -> {
          IntentDecl i = (IntentDecl) d;
          for (IntentDecl.Clause c : i.clauses()) {
            if (c instanceof IntentDecl.Param p) {
              type(p.type());
            } else if (c instanceof IntentDecl.Allow a) {
              a.actions().forEach(this::action);
              a.on().ifPresent(this::selector);
              a.when().ifPresent(w -> expr(w, List.of(i), file));
            }
          }
        }
        case RULE -> rule(file, (RuleDecl) d);
      }
    }
  }

  private void rule(PolicyFile file, RuleDecl r) {
    List<IntentDecl> intents = new ArrayList<>();
    for (RuleDecl.IntentClause c : r.clauses(RuleDecl.IntentClause.class)) {
      for (Name n : c.intents()) {
        use(new Symbol(Symbol.Kind.INTENT, n.value()), n.span());
        definition(new Symbol(Symbol.Kind.INTENT, n.value()))
            .ifPresent(def -> intents.add((IntentDecl) def.declaration()));
      }
    }
    for (RuleDecl.Clause c : r.clauses()) {
      if (c instanceof RuleDecl.PrincipalClause p) {
        selector(p.selector());
      } else if (c instanceof RuleDecl.ActionClause a) {
        a.actions().forEach(this::action);
      } else if (c instanceof RuleDecl.ResourceClause rc) {
        selector(rc.selector());
        rc.when().ifPresent(w -> expr(w, intents, file));
      } else if (c instanceof RuleDecl.Condition cond) {
        expr(cond.expr(), intents, file);
      } else if (c instanceof RuleDecl.ApprovalClause a) {
        entity(a.from());
        a.where().ifPresent(w -> expr(w, intents, file));
      }
    }
  }

  private void selector(Selector s) {
    for (Selector.Alt alt : s.alternatives()) {
      if (alt.target() instanceof Selector.TypeTarget t) {
        type(t.type());
      } else if (alt.target() instanceof Selector.EntityTarget e) {
        entity(e.entity());
      }
      alt.in().ifPresent(this::entity);
    }
  }

  private void entity(EntityLiteral e) {
    type(e.type());
  }

  private void type(TypeExpr t) {
    if (t instanceof TypeExpr.Named n) {
      type(n.name());
    } else if (t instanceof TypeExpr.SetOf s) {
      type(s.element());
    }
  }

  private void type(Name n) {
    use(new Symbol(Symbol.Kind.ENTITY_TYPE, n.value()), n.span());
  }

  /** An action item names a group when one is declared by that name, otherwise an action. */
  private void action(Str s) {
    Symbol group = new Symbol(Symbol.Kind.ACTION_GROUP, s.value());
    use(definitions.containsKey(group) ? group : new Symbol(Symbol.Kind.ACTION, s.value()), s.span());
  }

  /** Walks an expression; {@code intents} are those whose parameters {@code intent.x} may read. */
  private void expr(Expr root, List<IntentDecl> intents, PolicyFile file) {
    List<Expr> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      Expr e = todo.remove(todo.size() - 1);
      switch (e.kind()) {
        case ENTITY -> entity(((Expr.EntityLit) e).entity());
        case ATTR -> {
          Expr.Attr a = (Expr.Attr) e;
          attribute(a, intents, file);
          todo.add(a.target());
        }
        case INDEX -> todo.add(((Expr.Index) e).target());
        case HAS -> todo.add(((Expr.Has) e).target());
        case BINARY -> {
          todo.add(((Expr.Binary) e).left());
          todo.add(((Expr.Binary) e).right());
        }
        case AND -> todo.addAll(((Expr.And) e).operands());
        case OR -> todo.addAll(((Expr.Or) e).operands());
        case NOT -> todo.add(((Expr.Not) e).operand());
        case NEG -> todo.add(((Expr.Neg) e).operand());
        case LIKE -> todo.add(((Expr.Like) e).operand());
        case MATCHES -> todo.add(((Expr.Matches) e).operand());
        case METHOD -> {
          todo.add(((Expr.MethodCall) e).target());
          todo.addAll(((Expr.MethodCall) e).args());
        }
        case CALL -> todo.addAll(((Expr.Call) e).args());
        case SET -> todo.addAll(((Expr.SetLit) e).elements());
        default -> { }
      }
    }
  }

  private void attribute(Expr.Attr a, List<IntentDecl> intents, PolicyFile file) {
    String attr = a.attr().value();
    if (a.target() instanceof Expr.Var v && v.variable() == Expr.Variable.CONTEXT) {
      contextKeys.computeIfAbsent(file.span().source().path(), k -> new TreeSet<>()).add(attr);
      return;
    }
    Type target = resolution.typeOf(a.target());
    if (target.tag() == Type.Tag.INTENT) {
      for (IntentDecl i : intents) {
        Symbol p = new Symbol(Symbol.Kind.PARAMETER, i.name().value() + "." + attr);
        if (definitions.containsKey(p)) {
          use(p, a.attr().span());
        }
      }
    } else if (target.tag() == Type.Tag.ENTITY && target.entityTypes() != null) {
      for (String t : target.entityTypes()) {
        Symbol s = new Symbol(Symbol.Kind.ATTRIBUTE, t + "." + attr);
        if (definitions.containsKey(s)) {
          use(s, a.attr().span());
        }
      }
    }
  }

  private void use(Symbol s, Span span) {
    if (span.isKnown()) {
      add(new Occurrence(s, span, false));
    }
  }

  private void add(Occurrence o) {
    uses.computeIfAbsent(o.symbol(), k -> new ArrayList<>()).add(o);
    byFile.computeIfAbsent(o.span().source().path(), k -> new ArrayList<>()).add(o);
  }
}

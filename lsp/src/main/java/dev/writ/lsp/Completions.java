package dev.writ.lsp;

import dev.writ.language.ast.Declaration;
import dev.writ.language.ast.IntentDecl;
import dev.writ.language.ast.KindName;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.ast.RuleDecl;
import dev.writ.language.check.Resolution;
import dev.writ.language.parse.antlr.WritLexer;
import dev.writ.language.vocab.Builtins;
import dev.writ.language.vocab.EntityKind;
import dev.writ.language.vocab.Schema;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;

/**
 * What may be typed at a position. The text before the cursor is split into tokens by the
 * language's own lexer (the text being typed rarely parses), and the last tokens say where the
 * cursor is: after {@code principal.}, after a clause keyword, inside a string of an action
 * list, or where a clause or a declaration may start. Names come from the last analysis of the
 * bundle: the schema, the intents and what the checker resolved for the enclosing rule.
 */
final class Completions {
  private Completions() {}

  static final List<String> DECLARATION_KEYWORDS = List.of("package", "human", "machine", "agent", "resource",
      "group", "action", "intent", "grant", "forbid");
  static final List<String> INTENT_CLAUSES = List.of("description", "param", "allow", "max", "on drift");
  private static final List<String> PRIMITIVES = List.of("String", "Int", "Bool", "Duration", "Time", "Set");

  /** Where the cursor is, as far as completion cares. */
  private enum Block { TOP, RULE, INTENT, ENTITY }

  static List<CompletionItem> at(String text, int offset, String path, SymbolIndex index) {
    List<Token> tokens = tokens(text.substring(0, Math.max(0, Math.min(offset, text.length()))));
    Map<String, CompletionItem> out = new LinkedHashMap<>();
    Token lastAny = tokens.isEmpty() ? null : tokens.get(tokens.size() - 1);
    boolean touching = lastAny != null && lastAny.getStopIndex() + 1 >= offsetInCodePoints(text, offset);
    if (lastAny != null && touching && (lastAny.getType() == WritLexer.LINE_COMMENT
        || lastAny.getType() == WritLexer.UNTERMINATED_COMMENT)) {
      return List.of(); // in a comment
    }
    boolean inString = lastAny != null && touching && lastAny.getType() == WritLexer.UNTERMINATED_STRING;
    List<Token> code = new ArrayList<>();
    for (Token t : tokens) {
      if (t.getChannel() == Token.DEFAULT_CHANNEL) {
        code.add(t);
      }
    }
    // The word being typed is not context: drop it.
    if (!code.isEmpty() && touching && code.get(code.size() - 1) == lastAny && isWord(lastAny)) {
      code.remove(code.size() - 1);
    }
    if (inString && !code.isEmpty()) {
      code.remove(code.size() - 1);
    }

    // The enclosing block, and the tokens of the current clause or declaration in it.
    Block block = Block.TOP;
    String blockName = null;
    boolean forbid = false;
    int depth = 0;
    int clauseStart = 0;
    for (int i = 0; i < code.size(); i++) {
      Token t = code.get(i);
      if (t.getType() == WritLexer.LBRACE) {
        depth++;
        if (depth == 1) {
          block = blockOf(code, clauseStart);
          blockName = nameOf(code, clauseStart);
          forbid = clauseStart < code.size() && code.get(clauseStart).getType() == WritLexer.FORBID;
          clauseStart = i + 1;
        }
      } else if (t.getType() == WritLexer.RBRACE) {
        depth = Math.max(0, depth - 1);
        if (depth == 0) {
          block = Block.TOP;
          blockName = null;
          clauseStart = i + 1;
        }
      } else if (depth == 0 && isDeclarationStart(code, i)) {
        clauseStart = i;
      } else if (depth == 1 && block == Block.RULE && isRuleClause(code, i)) {
        clauseStart = i;
      } else if (depth == 1 && block == Block.INTENT && isIntentClause(t)) {
        clauseStart = i;
      }
    }
    List<Token> clause = code.subList(Math.min(clauseStart, code.size()), code.size());
    Token last = code.isEmpty() ? null : code.get(code.size() - 1);
    Token beforeLast = code.size() < 2 ? null : code.get(code.size() - 2);
    int first = clause.isEmpty() ? -1 : clause.get(0).getType();

    Enclosing enclosing = Enclosing.find(index, path, blockName, block);

    if (inString) {
      if ((block == Block.RULE && first == WritLexer.ACTION) || (block == Block.INTENT && first == WritLexer.ALLOW
          && !contains(clause, WritLexer.ON)) || (block == Block.TOP && first == WritLexer.ACTION)) {
        actions(index, out, false);
      }
      return List.copyOf(out.values());
    }
    if (last != null && last.getType() == WritLexer.DOT && beforeLast != null) {
      if (block == Block.TOP) {
        return List.of(); // `package acme.`: a name is being written
      }
      members(beforeLast.getType(), enclosing, index, out);
      return List.copyOf(out.values());
    }
    if (depth > 1) {
      return List.of(); // inside an entity's attribute block of a malformed text: nothing sensible
    }
    switch (block) {
      case TOP -> top(clause, last, index, out);
      case ENTITY -> {
        if (last != null && (last.getType() == WritLexer.COLON || last.getType() == WritLexer.LT)) {
          types(index, out, EnumSet.allOf(EntityKind.class));
          PRIMITIVES.forEach(p -> add(out, p, CompletionItemKind.TypeParameter, "type"));
        }
      }
      case INTENT -> intent(clause, last, index, out);
      case RULE -> rule(clause, last, index, enclosing, forbid, out);
    }
    return List.copyOf(out.values());
  }

  private static void top(List<Token> clause, Token last, SymbolIndex index, Map<String, CompletionItem> out) {
    int first = clause.isEmpty() ? -1 : clause.get(0).getType();
    int lt = last == null ? -1 : last.getType();
    boolean actionList = first == WritLexer.ACTION && !contains(clause, WritLexer.ASSIGN);
    if (actionList && lt == WritLexer.STRING && !contains(clause, WritLexer.ON)) {
      add(out, "on", CompletionItemKind.Keyword, "the resource types it applies to");
    }
    if (last == null || clause.isEmpty() || endsDeclaration(clause)) {
      DECLARATION_KEYWORDS.forEach(k -> add(out, k, CompletionItemKind.Keyword, "declaration"));
      return;
    }
    if (first == WritLexer.ACTION && (lt == WritLexer.ON || (lt == WritLexer.COMMA && contains(clause, WritLexer.ON)))) {
      types(index, out, EnumSet.of(EntityKind.RESOURCE));
    } else if (first == WritLexer.ACTION && (lt == WritLexer.ACTION || lt == WritLexer.COMMA
        || lt == WritLexer.LBRACKET)) {
      if (lt == WritLexer.ACTION) {
        add(out, "group", CompletionItemKind.Keyword, "action group");
      }
      actions(index, out, true);
    } else if (lt == WritLexer.LBRACKET || (lt == WritLexer.COMMA && contains(clause, WritLexer.LBRACKET))) {
      types(index, out, EnumSet.allOf(EntityKind.class)); // `in [Team, ...]`
    }
  }

  private static void intent(List<Token> clause, Token last, SymbolIndex index, Map<String, CompletionItem> out) {
    int first = clause.isEmpty() ? -1 : clause.get(0).getType();
    int lt = last == null ? -1 : last.getType();
    if (first == WritLexer.PARAM && lt == WritLexer.COLON || lt == WritLexer.LT && first == WritLexer.PARAM) {
      types(index, out, EnumSet.allOf(EntityKind.class));
      PRIMITIVES.forEach(p -> add(out, p, CompletionItemKind.TypeParameter, "type"));
      return;
    }
    if (first == WritLexer.ALLOW && (lt == WritLexer.ALLOW || lt == WritLexer.COMMA && !contains(clause, WritLexer.ON))) {
      actions(index, out, true);
      return;
    }
    if (first == WritLexer.ALLOW && lt == WritLexer.ON) {
      types(index, out, EnumSet.of(EntityKind.RESOURCE));
      add(out, "any", CompletionItemKind.Keyword, "any resource");
      return;
    }
    if (first == WritLexer.ON && lt == WritLexer.DRIFT) {
      add(out, "deny", CompletionItemKind.Keyword, "deny the action, keep the grant");
      add(out, "revoke", CompletionItemKind.Keyword, "revoke the grant and its delegations");
      return;
    }
    if (first == WritLexer.ALLOW && contains(clause, WritLexer.WHEN)) {
      expression(index, out);
    }
    if (clause.isEmpty() || !expectsMore(lt)) {
      INTENT_CLAUSES.forEach(k -> add(out, k, CompletionItemKind.Keyword, "intent clause"));
    }
  }

  private static void rule(List<Token> clause, Token last, SymbolIndex index, Enclosing enclosing, boolean forbid,
                           Map<String, CompletionItem> out) {
    int first = clause.isEmpty() ? -1 : clause.get(0).getType();
    int lt = last == null ? -1 : last.getType();
    boolean selectorPosition = lt == WritLexer.COMMA || lt == first;
    if (first == WritLexer.PRINCIPAL && (selectorPosition || lt == WritLexer.IN)) {
      types(index, out, lt == WritLexer.IN ? EnumSet.allOf(EntityKind.class)
          : EnumSet.of(EntityKind.HUMAN, EntityKind.MACHINE, EntityKind.AGENT));
      if (lt != WritLexer.IN) {
        for (KindName k : KindName.values()) {
          add(out, k.keyword(), CompletionItemKind.Keyword, "principal kind");
        }
      }
      return;
    }
    if (first == WritLexer.RESOURCE && !contains(clause, WritLexer.WHEN) && (selectorPosition || lt == WritLexer.IN)) {
      types(index, out, lt == WritLexer.IN ? EnumSet.allOf(EntityKind.class) : EnumSet.of(EntityKind.RESOURCE));
      if (lt != WritLexer.IN) {
        add(out, "any", CompletionItemKind.Keyword, "any resource");
      }
      return;
    }
    if (first == WritLexer.ACTION && selectorPosition) {
      actions(index, out, true);
      return;
    }
    if (first == WritLexer.INTENT && selectorPosition) {
      for (SymbolIndex.Definition d : index.definitions(Symbol.Kind.INTENT)) {
        IntentDecl i = (IntentDecl) d.declaration();
        add(out, i.name().value(), CompletionItemKind.Interface, i.description().orElse("intent"));
      }
      return;
    }
    if (first == WritLexer.DELEGATE && selectorPosition) {
      for (KindName k : KindName.values()) {
        add(out, k.keyword(), CompletionItemKind.Keyword, "principal kind");
      }
      return;
    }
    if (first == WritLexer.APPROVAL && (lt == WritLexer.APPROVAL || lt == WritLexer.OF)) {
      types(index, out, EnumSet.allOf(EntityKind.class));
      return;
    }
    boolean expression = first == WritLexer.WHEN || first == WritLexer.UNLESS
        || (first == WritLexer.RESOURCE && contains(clause, WritLexer.WHEN))
        || (first == WritLexer.APPROVAL && contains(clause, WritLexer.WHERE));
    if (expression) {
      expression(index, out);
    }
    if (clause.isEmpty() || !expectsMore(lt)) {
      for (RuleDecl.ClauseKind k : RuleDecl.ClauseKind.values()) {
        if (!forbid || !k.grantOnly()) {
          add(out, k.keyword(), CompletionItemKind.Keyword, "rule clause");
        }
      }
    }
  }

  /** After {@code principal.}, {@code resource.}, {@code context.}, {@code intent.} and the other variables. */
  private static void members(int variable, Enclosing enclosing, SymbolIndex index, Map<String, CompletionItem> out) {
    Schema schema = index.schema();
    switch (variable) {
      case WritLexer.PRINCIPAL, WritLexer.RESOURCE -> {
        boolean principal = variable == WritLexer.PRINCIPAL;
        SortedSet<String> types = enclosing.types(index.resolution(), principal);
        if (types.isEmpty()) {
          types = schema.typesOfKind(principal ? EnumSet.of(EntityKind.HUMAN, EntityKind.MACHINE, EntityKind.AGENT)
              : EnumSet.of(EntityKind.RESOURCE));
        }
        for (String t : types) {
          Schema.EntityTypeDef def = schema.entityTypes().get(t);
          if (def != null) {
            def.attributes().forEach((name, a) -> add(out, name, CompletionItemKind.Field,
                t + "." + name + (a.optional() ? "?" : "") + ": " + a.type()));
          }
        }
      }
      case WritLexer.CONTEXT -> index.contextKeys().forEach(k -> add(out, k, CompletionItemKind.Field, "context key"));
      case WritLexer.INTENT -> {
        add(out, "name", CompletionItemKind.Field, "the intent's name");
        for (IntentDecl i : enclosing.intents(index)) {
          for (IntentDecl.Param p : i.params()) {
            add(out, p.name().value(), CompletionItemKind.Field, "parameter of intent `" + i.name().value() + "`: "
                + dev.writ.language.ast.Printer.print(p.type()));
          }
        }
      }
      case WritLexer.DELEGATION -> {
        add(out, "depth", CompletionItemKind.Field, "Int");
        add(out, "root", CompletionItemKind.Field, "the entity that started the chain");
        add(out, "chain", CompletionItemKind.Field, "Set of the chain's entities");
      }
      case WritLexer.REQUEST -> {
        add(out, "duration", CompletionItemKind.Field, "Duration");
        add(out, "time", CompletionItemKind.Field, "Time");
      }
      default -> Builtins.methodNames().forEach(m -> add(out, m, CompletionItemKind.Method, "method"));
    }
  }

  private static void expression(SymbolIndex index, Map<String, CompletionItem> out) {
    for (String v : List.of("principal", "resource", "action", "context", "intent", "delegation", "request")) {
      add(out, v, CompletionItemKind.Variable, "request variable");
    }
    Builtins.functionNames().forEach(f -> add(out, f, CompletionItemKind.Function, "function"));
    add(out, "true", CompletionItemKind.Keyword, "Bool");
    add(out, "false", CompletionItemKind.Keyword, "Bool");
    types(index, out, EnumSet.allOf(EntityKind.class)); // for `Type::"id"`
  }

  private static void types(SymbolIndex index, Map<String, CompletionItem> out, Set<EntityKind> kinds) {
    for (Schema.EntityTypeDef t : index.schema().entityTypes().values()) {
      if (kinds.contains(t.kind())) {
        add(out, t.name(), CompletionItemKind.Class, t.kind().keyword() + " type");
      }
    }
  }

  /** Declared actions and groups; {@code quoted}: inserted with their quotes (outside a string). */
  private static void actions(SymbolIndex index, Map<String, CompletionItem> out, boolean quoted) {
    Schema schema = index.schema();
    schema.actions().values().forEach(a -> {
      CompletionItem item = add(out, a.name(), CompletionItemKind.Constant,
          a.resourceTypes().isEmpty() ? "action" : "action on " + String.join(", ", a.resourceTypes()));
      item.setInsertText(quoted ? "\"" + a.name() + "\"" : a.name());
    });
    schema.groups().forEach((g, members) -> {
      CompletionItem item = add(out, g, CompletionItemKind.Enum, "action group: " + String.join(", ", members));
      item.setInsertText(quoted ? "\"" + g + "\"" : g);
    });
  }

  private static CompletionItem add(Map<String, CompletionItem> out, String label, CompletionItemKind kind,
                                    String detail) {
    return out.computeIfAbsent(label, l -> {
      CompletionItem item = new CompletionItem(l);
      item.setKind(kind);
      item.setDetail(detail);
      return item;
    });
  }

  // ---- the enclosing rule or intent, from the last analysis --------------------------

  /** The rule or intent the cursor is in, found by name in the file's last tree. */
  private static final class Enclosing {
    final RuleDecl rule;
    final IntentDecl intent;

    private Enclosing(RuleDecl rule, IntentDecl intent) {
      this.rule = rule;
      this.intent = intent;
    }

    static Enclosing find(SymbolIndex index, String path, String name, Block block) {
      PolicyFile file = index.trees().get(path);
      if (file == null || name == null) {
        return new Enclosing(null, null);
      }
      for (Declaration d : file.declarations()) {
        if (block == Block.RULE && d instanceof RuleDecl r && r.name().value().equals(name)) {
          return new Enclosing(r, null);
        }
        if (block == Block.INTENT && d instanceof IntentDecl i && i.name().value().equals(name)) {
          return new Enclosing(null, i);
        }
      }
      return new Enclosing(null, null);
    }

    SortedSet<String> types(Resolution resolution, boolean principal) {
      if (rule != null) {
        return principal ? resolution.principalTypes(rule) : resolution.resourceTypes(rule);
      }
      if (intent != null) {
        SortedSet<String> out = new TreeSet<>();
        intent.allows().forEach(a -> out.addAll(principal ? resolution.principalTypes(a) : resolution.resourceTypes(a)));
        return out;
      }
      return new TreeSet<>();
    }

    List<IntentDecl> intents(SymbolIndex index) {
      if (intent != null) {
        return List.of(intent);
      }
      if (rule == null) {
        return List.of();
      }
      List<IntentDecl> out = new ArrayList<>();
      rule.clauses(RuleDecl.IntentClause.class).forEach(c -> c.intents().forEach(n ->
          index.definition(new Symbol(Symbol.Kind.INTENT, n.value()))
              .ifPresent(d -> out.add((IntentDecl) d.declaration()))));
      return out;
    }
  }

  // ---- tokens ------------------------------------------------------------------------

  private static List<Token> tokens(String text) {
    WritLexer lexer = new WritLexer(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    List<Token> out = new ArrayList<>();
    for (Token t : lexer.getAllTokens()) {
      out.add(t);
    }
    return out;
  }

  /** ANTLR indexes by code point. */
  private static int offsetInCodePoints(String text, int offset) {
    int o = Math.max(0, Math.min(offset, text.length()));
    return text.codePointCount(0, o);
  }

  private static boolean isWord(Token t) {
    String s = t.getText();
    return !s.isEmpty() && (Character.isLetter(s.charAt(0)) || s.charAt(0) == '_');
  }

  private static boolean contains(List<Token> tokens, int type) {
    return tokens.stream().anyMatch(t -> t.getType() == type);
  }

  private static Block blockOf(List<Token> code, int start) {
    if (start >= code.size()) {
      return Block.ENTITY;
    }
    return switch (code.get(start).getType()) {
      case WritLexer.GRANT, WritLexer.FORBID -> Block.RULE;
      case WritLexer.INTENT -> Block.INTENT;
      default -> Block.ENTITY;
    };
  }

  private static String nameOf(List<Token> code, int start) {
    return start + 1 < code.size() ? code.get(start + 1).getText() : null;
  }

  /** A declaration keyword at depth 0 (not {@code group} after {@code action}, not {@code resource} in a `when`). */
  private static boolean isDeclarationStart(List<Token> code, int i) {
    int t = code.get(i).getType();
    int prev = i == 0 ? -1 : code.get(i - 1).getType();
    return switch (t) {
      case WritLexer.PACKAGE, WritLexer.ACTION, WritLexer.INTENT, WritLexer.GRANT, WritLexer.FORBID,
           WritLexer.HUMAN, WritLexer.MACHINE, WritLexer.AGENT, WritLexer.RESOURCE -> true;
      case WritLexer.GROUP -> prev != WritLexer.ACTION;
      default -> false;
    };
  }

  /** A clause keyword in a rule: {@code resource} and {@code intent} only when not read as variables. */
  private static boolean isRuleClause(List<Token> code, int i) {
    int t = code.get(i).getType();
    boolean followedByDot = i + 1 < code.size() && code.get(i + 1).getType() == WritLexer.DOT;
    int prev = i == 0 ? -1 : code.get(i - 1).getType();
    return switch (t) {
      case WritLexer.PRINCIPAL, WritLexer.RESOURCE, WritLexer.INTENT, WritLexer.ACTION -> !followedByDot
          && !expectsMore(prev);
      case WritLexer.WHEN -> prev != -1 && !isResourceSelectorTail(code, i);
      case WritLexer.UNLESS, WritLexer.TTL, WritLexer.APPROVAL, WritLexer.DELEGATE, WritLexer.OBLIGATION,
           WritLexer.DESCRIPTION, WritLexer.OWNER, WritLexer.CONTROLS, WritLexer.REASON -> true;
      default -> false;
    };
  }

  /** {@code resource Database when ...}: that `when` belongs to the resource clause. */
  private static boolean isResourceSelectorTail(List<Token> code, int whenIndex) {
    for (int j = whenIndex - 1; j >= 0; j--) {
      int t = code.get(j).getType();
      if (t == WritLexer.RESOURCE) {
        return j + 1 >= code.size() || code.get(j + 1).getType() != WritLexer.DOT;
      }
      if (t == WritLexer.IDENT || t == WritLexer.COMMA || t == WritLexer.IN || t == WritLexer.COLONCOLON
          || t == WritLexer.STRING || t == WritLexer.ANY) {
        continue;
      }
      return false;
    }
    return false;
  }

  private static boolean isIntentClause(Token t) {
    return switch (t.getType()) {
      case WritLexer.DESCRIPTION, WritLexer.PARAM, WritLexer.ALLOW, WritLexer.MAX -> true;
      default -> false;
    };
  }

  /** Whether a declaration at depth 0 looks finished, so that a new one may start. */
  private static boolean endsDeclaration(List<Token> clause) {
    int first = clause.get(0).getType();
    int last = clause.get(clause.size() - 1).getType();
    boolean block = first == WritLexer.INTENT || first == WritLexer.GRANT || first == WritLexer.FORBID;
    return last == WritLexer.RBRACE || last == WritLexer.SEMI || last == WritLexer.RBRACKET
        || (last == WritLexer.STRING && first == WritLexer.ACTION)
        // `human Employee`, `group Team`, `package acme.prod`, `action "a" on Database`
        || (last == WritLexer.IDENT && clause.size() >= 2 && !block && clause.get(clause.size() - 2).getType()
            != WritLexer.COMMA && clause.get(clause.size() - 2).getType() != WritLexer.IN);
  }

  /** A token after which the clause cannot be complete: an operator, a keyword that takes an operand. */
  private static boolean expectsMore(int t) {
    return switch (t) {
      case WritLexer.EQ, WritLexer.NE, WritLexer.LT, WritLexer.LE, WritLexer.GT, WritLexer.GE, WritLexer.IN,
           WritLexer.AND, WritLexer.OR, WritLexer.NOT, WritLexer.PLUS, WritLexer.MINUS, WritLexer.LPAREN,
           WritLexer.LBRACKET, WritLexer.COMMA, WritLexer.DOT, WritLexer.COLON, WritLexer.COLONCOLON,
           WritLexer.WHEN, WritLexer.UNLESS, WritLexer.WHERE, WritLexer.LIKE, WritLexer.MATCHES, WritLexer.HAS,
           WritLexer.PRINCIPAL, WritLexer.ACTION, WritLexer.RESOURCE, WritLexer.INTENT, WritLexer.TTL,
           WritLexer.APPROVAL, WritLexer.DELEGATE, WritLexer.DEPTH, WritLexer.OBLIGATION, WritLexer.DESCRIPTION,
           WritLexer.OWNER, WritLexer.CONTROLS, WritLexer.REASON, WritLexer.PARAM, WritLexer.ALLOW, WritLexer.MAX,
           WritLexer.ON, WritLexer.DRIFT, WritLexer.OF -> true;
      default -> false;
    };
  }
}

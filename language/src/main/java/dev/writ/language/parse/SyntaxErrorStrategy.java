package dev.writ.language.parse;

import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.parse.antlr.WritParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * ANTLR's recovery (single-token insertion and deletion, then resynchronisation) with our own
 * messages: one line, the offending token in backticks, and what was expected in words rather
 * than a list of token names. Each problem becomes a {@link Diagnostic} directly.
 */
final class SyntaxErrorStrategy extends DefaultErrorStrategy {
  /** Thrown to stop parsing a file once it has too many errors. */
  static final class TooManyErrors extends RuntimeException {
    TooManyErrors() {
      super(null, null, false, false);
    }
  }

  private static final Set<Integer> EXPRESSION_RULES = Set.of(
      WritParser.RULE_expr, WritParser.RULE_orExpr, WritParser.RULE_andExpr, WritParser.RULE_notExpr,
      WritParser.RULE_relExpr, WritParser.RULE_addExpr, WritParser.RULE_unaryExpr, WritParser.RULE_postfixExpr,
      WritParser.RULE_postfixOp, WritParser.RULE_primary, WritParser.RULE_exprList);

  private static final Set<Integer> RELATIONAL = Set.of(
      WritParser.EQ, WritParser.NE, WritParser.LT, WritParser.LE, WritParser.GT, WritParser.GE, WritParser.IN,
      WritParser.LIKE, WritParser.MATCHES, WritParser.HAS);

  /** Keywords that can start a declaration. */
  private static final Set<Integer> DECLARATION_STARTS = Set.of(WritParser.GRANT, WritParser.FORBID,
      WritParser.INTENT, WritParser.ACTION, WritParser.HUMAN, WritParser.MACHINE, WritParser.AGENT,
      WritParser.RESOURCE, WritParser.GROUP, WritParser.PACKAGE);

  /** Kinds, which start entity declarations outside a body but only selectors inside one. */
  private static final Set<Integer> KINDS = Set.of(WritParser.HUMAN, WritParser.MACHINE, WritParser.AGENT,
      WritParser.GROUP);

  /** Keywords that are also variables in expressions ({@code resource.env}). */
  private static final Set<Integer> VARIABLES = Set.of(WritParser.PRINCIPAL, WritParser.RESOURCE,
      WritParser.ACTION, WritParser.INTENT, WritParser.CONTEXT, WritParser.DELEGATION, WritParser.REQUEST);

  private final SourceFile source;
  private final OffsetMap offsets;
  private final int maxErrors;
  private final int lexerErrors;
  private final Set<Integer> quiet;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  /** Offending tokens already reported: recovery can meet the same token twice. */
  private final Set<Integer> reported = new HashSet<>();

  /**
   * {@code lexerErrors}: errors already found in the file, which count towards {@code maxErrors};
   * {@code quiet}: indexes of tokens where an error would only repeat one the lexer reported (the
   * token after a stray character, an unterminated string), so it is not reported.
   */
  SyntaxErrorStrategy(SourceFile source, OffsetMap offsets, int maxErrors, int lexerErrors, Set<Integer> quiet) {
    this.source = source;
    this.offsets = offsets;
    this.maxErrors = maxErrors;
    this.lexerErrors = lexerErrors;
    this.quiet = quiet;
  }

  List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  @Override
  protected void reportNoViableAlternative(Parser recognizer, NoViableAltException e) {
    // `resource SEL when EXPR` and a separate `when EXPR` clause start alike, so the parser
    // looks through the whole expression to choose. An error inside that expression is
    // reported when the same tokens are parsed again as a `when` clause, with a better message.
    if (recognizer.getContext() instanceof WritParser.ResourceClauseContext
        && e.getStartToken().getType() == WritParser.WHEN && e.getOffendingToken() != e.getStartToken()) {
      return;
    }
    reportUnexpected(recognizer, e.getOffendingToken());
  }

  /**
   * Loops over declarations and over the clauses of a rule or intent. ANTLR's default gives up
   * on the rest of the enclosing rule when the first iteration starts with an unexpected token
   * (at the top of a file: the whole file); here the parser skips to a token the loop can go on
   * with, as ANTLR does between iterations. Inside a rule or intent body it skips only to the
   * next clause keyword or `}` (or a declaration at the start of a line), not to a keyword such
   * as `agent` that could start a declaration but is more likely part of a mistyped clause.
   */
  @Override
  public void sync(Parser recognizer) throws RecognitionException {
    ATNState s = recognizer.getInterpreter().atn.states.get(recognizer.getState());
    boolean loop = s.getStateType() == ATNState.STAR_LOOP_ENTRY || s.getStateType() == ATNState.STAR_LOOP_BACK;
    if (!loop || inErrorRecoveryMode(recognizer)) {
      super.sync(recognizer);
      return;
    }
    IntervalSet next = recognizer.getATN().nextTokens(s);
    int la = recognizer.getInputStream().LA(1);
    if (next.contains(la) || next.contains(Token.EPSILON)) {
      super.sync(recognizer);
      return;
    }
    if (singleTokenDeletion(recognizer) != null) {
      return;
    }
    reportUnwantedToken(recognizer);
    ParserRuleContext ctx = recognizer.getContext();
    if (ctx instanceof WritParser.PolicyFileContext) {
      skipToDeclaration(recognizer, 0);
      return;
    }
    IntervalSet stop = recognizer.getExpectedTokens().or(getErrorRecoverySet(recognizer));
    if (inBody(ctx)) {
      skipInBody(recognizer, stop);
    } else {
      consumeUntil(recognizer, stop);
    }
  }

  private static boolean startsDeclarationLine(Token t) {
    return DECLARATION_STARTS.contains(t.getType()) && t.getCharPositionInLine() == 0;
  }

  /**
   * A reserved word as the name of a rule or intent ({@code grant delegate {}): say so, and read
   * it as the name to go on.
   */
  @Override
  public Token recoverInline(Parser recognizer) throws RecognitionException {
    Token t = recognizer.getCurrentToken();
    int before = previous(recognizer, t);
    if (!inErrorRecoveryMode(recognizer) && isKeyword(recognizer, t)
        && (before == WritParser.GRANT || before == WritParser.FORBID || before == WritParser.INTENT)
        && (recognizer.getContext() instanceof WritParser.RuleDeclContext
            || recognizer.getContext() instanceof WritParser.IntentDeclContext)) {
      add(DiagnosticCode.SYNTAX_UNEXPECTED_TOKEN, t, "`" + t.getText() + "` is a reserved word and cannot be used as a name",
          "choose another name, such as `" + t.getText() + (before == WritParser.INTENT ? "_task`" : "_rule`"));
      recognizer.consume();
      return t;
    }
    return super.recoverInline(recognizer);
  }

  private static boolean isKeyword(Parser recognizer, Token t) {
    String literal = recognizer.getVocabulary().getLiteralName(t.getType());
    return literal != null && literal.matches("'[A-Za-z]+'");
  }

  /**
   * After an error in a declaration with a body ({@code grant x { ... }}), skip to the next
   * declaration: one that starts outside any braces, or at the start of a line. ANTLR's default
   * would stop at the first keyword that can start a declaration, such as {@code agent} in
   * {@code principal agent} or {@code action} inside the body, and report everything after it.
   */
  @Override
  public void recover(Parser recognizer, RecognitionException e) {
    ParserRuleContext ctx = recognizer.getContext();
    boolean blockDeclaration = ctx instanceof WritParser.RuleDeclContext
        || ctx instanceof WritParser.IntentDeclContext || ctx instanceof WritParser.EntityDeclContext;
    if (!blockDeclaration && !inBody(ctx)) {
      super.recover(recognizer, e);
      return;
    }
    if (lastErrorIndex == recognizer.getInputStream().index() && lastErrorStates != null
        && lastErrorStates.contains(recognizer.getState())) {
      recognizer.consume(); // no progress since the last error here: move on, as ANTLR does
    }
    lastErrorIndex = recognizer.getInputStream().index();
    if (lastErrorStates == null) {
      lastErrorStates = new IntervalSet();
    }
    lastErrorStates.add(recognizer.getState());
    if (blockDeclaration) {
      boolean opened = ctx.getChildCount() > 0 && ctx.children.stream().anyMatch(c ->
          c instanceof TerminalNode n && n.getSymbol().getType() == WritParser.LBRACE);
      int depth = opened ? 1 : 0;
      if (!opened) {
        // An error in the header (`grant prod-db-read {`): its `{` is most likely on this line.
        int line = recognizer.getCurrentToken().getLine();
        while (recognizer.getCurrentToken().getType() != Token.EOF && recognizer.getCurrentToken().getLine() == line
            && recognizer.getCurrentToken().getType() != WritParser.LBRACE) {
          recognizer.consume();
        }
        if (recognizer.getCurrentToken().getType() == WritParser.LBRACE) {
          recognizer.consume();
          depth = 1;
        }
      }
      skipToDeclaration(recognizer, depth);
    } else {
      skipInBody(recognizer, getErrorRecoverySet(recognizer));
    }
  }

  /** Whether {@code ctx} is inside the body of a rule or intent. */
  private static boolean inBody(ParserRuleContext ctx) {
    for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
      if (c instanceof WritParser.RuleDeclContext || c instanceof WritParser.IntentDeclContext) {
        return true;
      }
    }
    return false;
  }

  /**
   * Skips to a token of {@code stop} inside a rule or intent body, except where that token is
   * more likely part of the broken clause than the start of the next one: a kind such as
   * {@code agent} (it starts an entity declaration only outside a body) and a keyword read as
   * a variable ({@code resource.env}).
   */
  private static void skipInBody(Parser recognizer, IntervalSet stop) {
    while (true) {
      Token t = recognizer.getCurrentToken();
      int type = t.getType();
      if (type == Token.EOF || startsDeclarationLine(t)) {
        return;
      }
      int after = recognizer.getInputStream().LA(2);
      boolean readAsVariable = VARIABLES.contains(type) && (after == WritParser.DOT || after == WritParser.LBRACKET);
      if (stop.contains(type) && !KINDS.contains(type) && !readAsVariable) {
        return;
      }
      recognizer.consume();
    }
  }

  /** Skips to a declaration keyword outside braces ({@code depth}: braces open now) or at a line start. */
  private static void skipToDeclaration(Parser recognizer, int depth) {
    while (true) {
      Token t = recognizer.getCurrentToken();
      int type = t.getType();
      if (type == Token.EOF || (DECLARATION_STARTS.contains(type) && depth <= 0) || startsDeclarationLine(t)) {
        return;
      }
      if (type == WritParser.LBRACE) {
        depth++;
      } else if (type == WritParser.RBRACE) {
        depth--;
      }
      recognizer.consume();
    }
  }

  @Override
  protected void reportInputMismatch(Parser recognizer, InputMismatchException e) {
    reportUnexpected(recognizer, e.getOffendingToken());
  }

  @Override
  protected void reportFailedPredicate(Parser recognizer, org.antlr.v4.runtime.FailedPredicateException e) {
    reportUnexpected(recognizer, e.getOffendingToken());
  }

  @Override
  protected void reportUnwantedToken(Parser recognizer) {
    if (inErrorRecoveryMode(recognizer)) {
      return;
    }
    beginErrorCondition(recognizer);
    reportUnexpected(recognizer, recognizer.getCurrentToken());
  }

  @Override
  protected void reportMissingToken(Parser recognizer) {
    if (inErrorRecoveryMode(recognizer)) {
      return;
    }
    beginErrorCondition(recognizer);
    Token t = recognizer.getCurrentToken();
    String expected = describeExpected(recognizer, getExpectedTokens(recognizer));
    // Point where the token belongs: right after the previous one, often at the end of a line.
    Token prev = recognizer.getInputStream().LT(-1);
    Span at = span(t);
    if (prev != null && prev.getType() != Token.EOF) {
      int end = offsets.toChar(prev.getStopIndex() + 1);
      at = new Span(source, end, end);
    }
    add(DiagnosticCode.SYNTAX_MISSING_TOKEN, t, at, "missing " + expected + " before " + describe(t), null);
  }

  private void reportUnexpected(Parser recognizer, Token t) {
    if (RELATIONAL.contains(t.getType()) && followsComparison(recognizer, t)) {
      add(DiagnosticCode.SYNTAX_NON_ASSOCIATIVE, t,
          "`" + t.getText() + "` cannot follow another comparison without parentheses",
          "comparisons do not chain: write `a == b && b == c`, or add parentheses");
      return;
    }
    String expected = describeExpected(recognizer, recognizer.getExpectedTokens());
    String hint = null;
    if (t.getType() == WritParser.INT && expected.contains("duration")) {
      hint = "durations need a unit: `" + t.getText() + "s`, `" + t.getText() + "m`, `" + t.getText() + "h` or `"
          + t.getText() + "d`";
    } else if (t.getType() == WritParser.IDENT && expected.contains("string")
        && recognizer.getContext() instanceof WritParser.StringListContext
        && !(recognizer.getContext().getParent() instanceof WritParser.ControlsClauseContext)) {
      hint = "action names are strings: `\"" + wordAt(t) + "\"`";
    } else if ((t.getType() == WritParser.IDENT || t.getType() == WritParser.INT || t.getType() == WritParser.DURATION)
        && expected.contains("string") && previous(recognizer, t) == WritParser.COLONCOLON) {
      // `Team::platform`: data files take ids bare, policies quote them.
      String id = wordAt(t).replaceAll("[^A-Za-z0-9_.:@-].*$", "");
      String type = t.getTokenIndex() < 2 ? "Type" : recognizer.getInputStream().get(t.getTokenIndex() - 2).getText();
      hint = "entity ids in policies are quoted strings: `" + type + "::\"" + id + "\"`";
    } else if (t.getType() == WritParser.STRING && previous(recognizer, t) == WritParser.STRING) {
      hint = "is a `,` missing between the two strings?";
    } else if (recognizer.getContext() instanceof WritParser.EntityDeclContext && t.getType() == WritParser.IDENT
        && expected.equals("`}`")) {
      hint = "is a `,` missing? attributes are separated by commas";
    } else if (t.getType() == WritParser.MINUS && previous(recognizer, t) == WritParser.IDENT
        && (recognizer.getContext() instanceof WritParser.RuleDeclContext
            || recognizer.getContext() instanceof WritParser.IntentDeclContext)) {
      String word = wordAt(recognizer.getInputStream().get(t.getTokenIndex() - 1));
      hint = "names are letters, digits and `_`: `" + word.replace('-', '_').replace("{", "") + "`";
    } else if (t.getType() == WritParser.ASSIGN) {
      hint = "did you mean `==`?";
    } else if (recognizer.getExpectedTokens().contains(WritParser.RBRACE) && (t.getType() == Token.EOF
        || t.getType() == WritParser.GRANT || t.getType() == WritParser.FORBID || t.getType() == WritParser.INTENT)) {
      hint = t.getType() == Token.EOF ? "the file ends before the `}` that closes the block"
          : "is the `}` that closes the previous block missing?";
    } else if (isKeyword(recognizer, t) && expected.equals("a name")) {
      hint = "`" + t.getText() + "` is a reserved word and cannot be used as a name";
    }
    if (hint == null && t.getType() == WritParser.IDENT) {
      // A mistyped keyword: `acton`, `alow`, `gran`.
      List<String> keywords = new ArrayList<>();
      for (int type : recognizer.getExpectedTokens().toList()) {
        String literal = recognizer.getVocabulary().getLiteralName(type);
        if (literal != null && literal.matches("'[a-z]+'")) {
          keywords.add(literal.substring(1, literal.length() - 1));
        }
      }
      hint = dev.writ.language.vocab.Suggestions.hint(t.getText(), keywords).orElse(null);
    }
    add(DiagnosticCode.SYNTAX_UNEXPECTED_TOKEN, t, "unexpected " + describe(t) + ", expected " + expected, hint);
  }

  /** The type of the token before {@code t}, or EOF at the start. */
  private static int previous(Parser recognizer, Token t) {
    int i = t.getTokenIndex() - 1;
    return i < 0 ? Token.EOF : recognizer.getInputStream().get(i).getType();
  }

  /** The run of non-blank characters that starts at a token, e.g. `db:read` for the token `db`. */
  private String wordAt(Token t) {
    String text = source.text();
    int start = offsets.toChar(t.getStartIndex());
    int end = start;
    while (end < text.length() && text.charAt(end) > ' ' && text.charAt(end) < 0x7f && text.charAt(end) != ',') {
      end++;
    }
    return text.substring(start, end);
  }

  /**
   * Whether a comparison ({@code == < in like matches has ...}) ends right before {@code t}:
   * the rightmost branch of the tree built so far ends in one, so {@code t} would chain it.
   */
  private static boolean followsComparison(Parser recognizer, Token t) {
    int before = t.getTokenIndex() - 1;
    ParseTree node = recognizer.getContext();
    while (node instanceof ParserRuleContext ctx && ctx.getChildCount() > 0) {
      if (ctx instanceof WritParser.RelExprContext && ctx.getChildCount() > 1 && ctx.getStop() != null
          && ctx.getStop().getTokenIndex() == before) {
        return true;
      }
      node = ctx.getChild(ctx.getChildCount() - 1);
    }
    return false;
  }

  private static boolean inExpression(ParserRuleContext ctx) {
    for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
      if (EXPRESSION_RULES.contains(c.getRuleIndex())) {
        return true;
      }
    }
    return false;
  }

  private void add(DiagnosticCode code, Token t, String message, String hint) {
    add(code, t, span(t), message, hint);
  }

  private void add(DiagnosticCode code, Token t, Span at, String message, String hint) {
    if (!reported.add(t.getTokenIndex()) || quiet.contains(t.getTokenIndex())) {
      return;
    }
    if (lexerErrors + diagnostics.size() >= maxErrors) {
      diagnostics.add(Diagnostic.of(DiagnosticCode.LIMIT_TOO_MANY_ERRORS, at,
          "too many syntax errors in this file; stopped after " + maxErrors));
      throw new TooManyErrors();
    }
    diagnostics.add(Diagnostic.of(code, at, message, hint));
  }

  private Span span(Token t) {
    if (t.getType() == Token.EOF) {
      // Just after the last text, rather than on the empty line after a final newline.
      String text = source.text();
      int end = text.length();
      while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
        end--;
      }
      return new Span(source, end, end);
    }
    return new Span(source, offsets.toChar(t.getStartIndex()), offsets.toChar(t.getStopIndex() + 1));
  }

  static String describe(Token t) {
    return switch (t.getType()) {
      case Token.EOF -> "end of file";
      case WritParser.STRING -> "string " + t.getText();
      default -> "`" + t.getText() + "`";
    };
  }

  /** What was expected, in words; a long list of tokens is named by the rule that wanted it. */
  private static String describeExpected(Parser recognizer, IntervalSet expected) {
    ParserRuleContext ctx = recognizer.getContext();
    int rule = ctx == null ? -1 : ctx.getRuleIndex();
    List<Integer> types = expected.toList();
    if (types.size() > 5) {
      String byRule = switch (rule) {
        case WritParser.RULE_policyFile, WritParser.RULE_declaration ->
            "a declaration (`grant`, `forbid`, `intent`, `action`, or an entity type such as `human`)";
        case WritParser.RULE_ruleDecl, WritParser.RULE_ruleClause ->
            "a rule clause (`principal`, `action`, `resource`, `intent`, `when`, `unless`, `ttl`, `approval`, "
                + "`delegate`, `obligation`, ...) or `}`";
        case WritParser.RULE_intentDecl, WritParser.RULE_intentClause ->
            "an intent clause (`description`, `param`, `allow`, `max`, `on drift`) or `}`";
        case WritParser.RULE_name -> "a name";
        case WritParser.RULE_typeExpr -> "a type (`String`, `Int`, `Bool`, `Duration`, `Time`, `Set<T>` or an entity type)";
        case WritParser.RULE_selector, WritParser.RULE_selectorAlt, WritParser.RULE_selectorTarget ->
            "a kind (`human`, `machine`, `agent`, `any`), a type or an entity";
        default -> inExpression(ctx) ? "an expression" : null;
      };
      if (byRule != null) {
        return byRule;
      }
    }
    List<String> words = new ArrayList<>();
    for (int type : types) {
      words.add(tokenWords(recognizer, type));
    }
    if (words.isEmpty()) {
      return "something else";
    }
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }

  private static String tokenWords(Parser recognizer, int type) {
    return switch (type) {
      case Token.EOF -> "end of file";
      case WritParser.IDENT -> "a name";
      case WritParser.STRING -> "a string";
      case WritParser.INT -> "an integer";
      case WritParser.DURATION -> "a duration (such as `30m` or `2h`)";
      default -> {
        String literal = recognizer.getVocabulary().getLiteralName(type);
        yield literal == null ? recognizer.getVocabulary().getDisplayName(type) : "`" + literal.replace("'", "") + "`";
      }
    };
  }
}

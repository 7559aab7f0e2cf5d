package dev.writ.language.parse;

import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.parse.antlr.WritParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

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

  private final SourceFile source;
  private final OffsetMap offsets;
  private final int maxErrors;
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  SyntaxErrorStrategy(SourceFile source, OffsetMap offsets, int maxErrors) {
    this.source = source;
    this.offsets = offsets;
    this.maxErrors = maxErrors;
  }

  List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  @Override
  protected void reportNoViableAlternative(Parser recognizer, NoViableAltException e) {
    reportUnexpected(recognizer, e.getOffendingToken());
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
    add(DiagnosticCode.SYNTAX_MISSING_TOKEN, t, "missing " + expected + " before " + describe(t), null);
  }

  private void reportUnexpected(Parser recognizer, Token t) {
    if (RELATIONAL.contains(t.getType()) && (t.getType() != WritParser.IN || inExpression(recognizer.getContext()))) {
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
        && recognizer.getContext() instanceof WritParser.StringListContext) {
      hint = "action names are strings: `\"" + wordAt(t) + "\"`";
    }
    add(DiagnosticCode.SYNTAX_UNEXPECTED_TOKEN, t, "unexpected " + describe(t) + ", expected " + expected, hint);
  }

  /** The run of non-blank characters that starts at a token, e.g. `db:read` for the token `db`. */
  private String wordAt(Token t) {
    String text = source.text();
    int start = offsets.toChar(t.getStartIndex());
    int end = start;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != ',') {
      end++;
    }
    return text.substring(start, end);
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
    if (diagnostics.size() >= maxErrors) {
      diagnostics.add(Diagnostic.of(DiagnosticCode.LIMIT_TOO_MANY_ERRORS, span(t),
          "too many syntax errors in this file; stopped after " + maxErrors));
      throw new TooManyErrors();
    }
    diagnostics.add(Diagnostic.of(code, span(t), message, hint));
  }

  private Span span(Token t) {
    if (t.getType() == Token.EOF) {
      int end = source.text().length();
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

package dev.writ.language.parse;

import dev.writ.language.ast.Comment;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.diag.Diagnostics;
import dev.writ.language.parse.antlr.WritLexer;
import dev.writ.language.parse.antlr.WritParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.source.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Parses one {@code .policy} file into a {@link PolicyFile}, collecting every problem as a
 * diagnostic. Never throws on bad input.
 *
 * <p>Hardening, in order: a file-size limit; lexical problems (stray characters, unterminated
 * strings and comments) reported and removed before parsing so they do not cascade; a nesting
 * limit checked on the tokens before the recursive-descent parser can overflow the stack; SLL
 * prediction first (fast), full LL with error recovery only when that fails.
 */
public final class PolicyParser {
  private PolicyParser() {}

  public static ParseResult parse(SourceFile source) {
    return parse(source, ParseLimits.DEFAULT);
  }

  public static ParseResult parse(SourceFile source, ParseLimits limits) {
    String text = source.text();
    if (text.length() > limits.maxFileChars()) {
      return failed(Diagnostic.of(DiagnosticCode.LIMIT_FILE_SIZE, new Span(source, 0, 0),
          "file has " + text.length() + " characters; the limit is " + limits.maxFileChars(),
          "split the policies into several files"));
    }
    OffsetMap offsets = new OffsetMap(text);
    WritLexer lexer = new WritLexer(CharStreams.fromString(text, source.path()));
    lexer.removeErrorListeners();
    List<Diagnostic> diagnostics = new ArrayList<>();
    List<Comment> comments = new ArrayList<>();
    List<Token> tokens = new ArrayList<>();
    // Tokens right after a stray character, and unterminated strings: a parser error there is a
    // consequence of a problem already reported (`Team::'sre'`, `a & b`), so it is not reported.
    Set<Integer> quiet = new HashSet<>();
    int strayEnd = -1;
    for (Token t : lexer.getAllTokens()) {
      Span span = new Span(source, offsets.toChar(t.getStartIndex()), offsets.toChar(t.getStopIndex() + 1));
      switch (t.getType()) {
        case WritLexer.LINE_COMMENT, WritLexer.BLOCK_COMMENT -> comments.add(new Comment(t.getText(), span));
        case WritLexer.ERROR_CHAR -> {
          diagnostics.add(Diagnostic.of(DiagnosticCode.SYNTAX_UNEXPECTED_CHARACTER, span,
              "unexpected character `" + printable(t.getText()) + "`", hintForCharacter(t.getText())));
          strayEnd = span.end();
        }
        case WritLexer.UNTERMINATED_STRING -> {
          diagnostics.add(Diagnostic.of(DiagnosticCode.SYNTAX_UNTERMINATED_STRING, span,
              "string has no closing quote", "strings end on the line they start on"));
          CommonToken fixed = new CommonToken(t);
          fixed.setType(WritLexer.STRING);
          quiet.add(tokens.size()); // a parser error on it would repeat this one
          tokens.add(fixed);
        }
        case WritLexer.UNTERMINATED_COMMENT -> diagnostics.add(Diagnostic.of(
            DiagnosticCode.SYNTAX_UNTERMINATED_COMMENT, new Span(source, span.start(), span.start() + 2),
            "block comment is not closed", "close it with `*/`"));
        default -> {
          if (strayEnd >= 0 && text.substring(strayEnd, span.start()).isBlank()) {
            quiet.add(tokens.size());
          }
          strayEnd = -1;
          tokens.add(t);
        }
      }
      if (diagnostics.size() > limits.maxErrors()) {
        diagnostics.remove(diagnostics.size() - 1); // report the limit in its place, as the parser does
        diagnostics.add(Diagnostic.of(DiagnosticCode.LIMIT_TOO_MANY_ERRORS, span,
            "too many errors in this file; stopped after " + limits.maxErrors()));
        return new ParseResult(Optional.empty(), new Diagnostics(diagnostics));
      }
    }
    Optional<Diagnostic> tooDeep = checkNesting(tokens, source, offsets, limits.maxNesting());
    if (tooDeep.isPresent()) {
      diagnostics.add(tooDeep.get());
      return new ParseResult(Optional.empty(), new Diagnostics(diagnostics));
    }

    WritParser.PolicyFileContext tree;
    CommonTokenStream stream = new CommonTokenStream(new ListTokenSource(tokens));
    WritParser parser = new WritParser(stream);
    parser.removeErrorListeners();
    parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
    parser.setErrorHandler(new BailErrorStrategy());
    try {
      tree = parser.policyFile();
    } catch (ParseCancellationException e) {
      stream.seek(0);
      parser.reset();
      parser.getInterpreter().setPredictionMode(PredictionMode.LL);
      SyntaxErrorStrategy strategy = new SyntaxErrorStrategy(source, offsets, limits.maxErrors(), diagnostics.size(),
          quiet);
      parser.setErrorHandler(strategy);
      try {
        tree = parser.policyFile();
      } catch (SyntaxErrorStrategy.TooManyErrors tooMany) {
        tree = null;
      }
      diagnostics.addAll(strategy.diagnostics());
    }
    if (tree == null || hasErrors(diagnostics)) {
      return new ParseResult(Optional.empty(), new Diagnostics(diagnostics));
    }
    AstBuilder builder = new AstBuilder(source, offsets, limits.maxNesting() * 4);
    PolicyFile file = builder.file(tree, comments);
    diagnostics.addAll(builder.diagnostics());
    if (hasErrors(diagnostics)) {
      return new ParseResult(Optional.empty(), new Diagnostics(diagnostics));
    }
    return new ParseResult(Optional.of(file), new Diagnostics(diagnostics));
  }

  private static boolean hasErrors(List<Diagnostic> diagnostics) {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  private static ParseResult failed(Diagnostic d) {
    return new ParseResult(Optional.empty(), new Diagnostics(List.of(d)));
  }

  /** Brackets and runs of prefix operators drive the parser's recursion: bound them first. */
  private static Optional<Diagnostic> checkNesting(List<Token> tokens, SourceFile source, OffsetMap offsets, int max) {
    int depth = 0;
    int prefixRun = 0;
    int setRun = 0; // `Set<Set<...`: types nest without brackets
    int previous = Token.INVALID_TYPE;
    // An `if` nests what follows it up to the end of its `else` branch, which ends at the closing
    // bracket, comma or clause of the level the `if` is on: open `if`s are counted per level.
    int[] ifs = new int[max + 2];
    int openIfs = 0;
    for (Token t : tokens) {
      switch (t.getType()) {
        case WritLexer.LPAREN, WritLexer.LBRACKET, WritLexer.LBRACE -> depth++;
        case WritLexer.RPAREN, WritLexer.RBRACKET, WritLexer.RBRACE -> {
          openIfs -= ifs[depth];
          ifs[depth] = 0;
          depth = Math.max(0, depth - 1);
        }
        case WritLexer.IF -> {
          ifs[depth]++;
          openIfs++;
        }
        case WritLexer.COMMA -> {
          openIfs -= ifs[depth];
          ifs[depth] = 0;
        }
        // A clause keyword ends the expressions before it, unless it is a name (`context has when`).
        case WritLexer.WHEN, WritLexer.UNLESS, WritLexer.WHERE, WritLexer.TTL, WritLexer.APPROVAL,
             WritLexer.DELEGATE, WritLexer.OBLIGATION, WritLexer.DESCRIPTION, WritLexer.OWNER, WritLexer.CONTROLS,
             WritLexer.REASON, WritLexer.STANDING -> {
          if (previous != WritLexer.DOT && previous != WritLexer.HAS) {
            openIfs -= ifs[depth];
            ifs[depth] = 0;
          }
        }
        default -> { }
      }
      prefixRun = (t.getType() == WritLexer.NOT || t.getType() == WritLexer.MINUS) ? prefixRun + 1 : 0;
      setRun = t.getType() == WritLexer.SET_TYPE ? setRun + 1
          : t.getType() == WritLexer.LT && previous == WritLexer.SET_TYPE ? setRun : 0;
      previous = t.getType();
      if (depth + prefixRun + setRun + openIfs > max) {
        Span span = new Span(source, offsets.toChar(t.getStartIndex()), offsets.toChar(t.getStopIndex() + 1));
        return Optional.of(Diagnostic.of(DiagnosticCode.LIMIT_NESTING, span,
            "nesting is deeper than " + max + " levels", "split the expression into several `when` clauses"));
      }
    }
    return Optional.empty();
  }

  private static String printable(String s) {
    int cp = s.codePointAt(0);
    if (cp < 0x20 || cp == 0x7f || Character.isWhitespace(cp)) {
      return String.format("U+%04X", cp);
    }
    return s;
  }

  private static String hintForCharacter(String s) {
    return switch (s) {
      case "'" -> "strings use double quotes";
      case "&" -> "did you mean `&&`?";
      case "|" -> "did you mean `||`?";
      case "#" -> "comments start with `//`";
      case "\u201c", "\u201d", "\u2018", "\u2019" -> "this is a typographic quote; strings use straight double quotes `\"`";
      default -> null;
    };
  }
}

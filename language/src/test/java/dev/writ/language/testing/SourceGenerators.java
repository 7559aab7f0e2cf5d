package dev.writ.language.testing;

import static dev.writ.language.testing.Draw.w;

import dev.writ.language.format.Formatter;
import dev.writ.language.parse.antlr.WritLexer;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of policy source text: arbitrary strings, soups of the language's tokens, random
 * mutations of valid files, and valid files re-spaced with random whitespace and comments.
 *
 * <p>Reusable from other modules through the language test-jar.
 */
public final class SourceGenerators {
  private SourceGenerators() {}

  private static final List<String> PUNCTUATION = List.of(
      "::", ":", ";", ",", ".", "?", "(", ")", "[", "]", "{", "}", "==", "!=", "<=", ">=", "<", ">", "=", "&&",
      "||", "!", "+", "-");
  private static final List<String> LITERALS = List.of(
      "0", "1", "42", "007", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
      "99999999999999999999999", "30s", "1h30m", "7d", "0s", "30m1h", "1h1h", "01h", "5x", "1d2h3m4s",
      "\"db:read\"", "\"\"", "\"a\\\"b\"", "\"\\u00e9\"", "\"\\uZZ\"", "\"\\q\"", "\"\\*\"", "\"tab\\t\"",
      "\"unterminated", "\"", "Team::\"sre\"", "Employee", "x", "_", "a_1", "hour", "contains",
      "// line comment\n", "/* block */", "/* unterminated", "*/", "/*/", "//", "'", "#", "&", "|", "*", "@",
      "$", "\\", "`", "~", "%", "^", "é", "\ud83d\ude00", "\u0000", "\t", "\r", "\n", "\u00a0", "\ufeff");
  private static final List<String> KEYWORDS = AstGenerators.KEYWORDS.stream().sorted().toList();

  /** Characters that matter to the lexer, for random text that is not just noise. */
  private static final String LANGUAGE_CHARS =
      "abcxyzAZ_019 \t\n\r\"\\:;,.?()[]{}<>=!&|+-*/'#@$%^`~éß中\u0000\u007f";

  // ---- arbitrary text -----------------------------------------------------------------------

  /**
   * Arbitrary strings: characters the lexer cares about, any UTF-16 unit (lone surrogates
   * included) and any code point.
   */
  public static Gen<String> arbitraryText() {
    return Draw.gen(d -> {
      int n = d.between(0, 200);
      StringBuilder b = new StringBuilder(n);
      int mode = d.between(0, 2);
      for (int i = 0; i < n; i++) {
        switch (mode) {
          case 0 -> b.append(d.pick(LANGUAGE_CHARS));
          case 1 -> b.append((char) d.between(0, 0xFFFF));
          default -> b.appendCodePoint(d.chance(80) ? d.between(0, 0x7F) : d.between(0x80, Character.MAX_CODE_POINT));
        }
      }
      return b.toString();
    });
  }

  /** Keywords, punctuation, literals and junk characters, with or without spaces between them. */
  public static Gen<String> tokenSoup() {
    return Draw.gen(d -> {
      int n = d.between(0, 60);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append(d.weighted(
            w(4, () -> d.pick(KEYWORDS)),
            w(3, () -> d.pick(PUNCTUATION)),
            w(3, () -> d.pick(LITERALS))));
        b.append(d.weighted(w(6, () -> " "), w(2, () -> ""), w(1, () -> "\n"), w(1, () -> "\t")));
      }
      return b.toString();
    });
  }

  // ---- mutations of valid text --------------------------------------------------------------

  /** {@code base} (a generator of valid files) with 1 to 4 random edits. */
  public static Gen<String> mutations(Gen<String> base) {
    return Draw.gen(d -> {
      String text = d.from(base);
      int edits = d.between(1, 4);
      for (int i = 0; i < edits; i++) {
        text = mutate(d, text);
      }
      return text;
    });
  }

  static String mutate(Draw d, String text) {
    int len = text.length();
    int at = d.between(0, len);
    return d.weighted(
        w(3, () -> {
          // delete a short range
          int end = Math.min(len, at + d.between(1, 8));
          return text.substring(0, at) + text.substring(end);
        }),
        w(3, () -> {
          // insert a character, a token or a keyword
          String ins = d.weighted(w(2, () -> String.valueOf(d.pick(LANGUAGE_CHARS))), w(1, () -> d.pick(PUNCTUATION)),
              w(1, () -> d.pick(LITERALS)), w(1, () -> " " + d.pick(KEYWORDS) + " "));
          return text.substring(0, at) + ins + text.substring(at);
        }),
        w(2, () -> {
          // swap two characters
          if (len < 2) {
            return text;
          }
          int i = d.between(0, len - 1);
          int j = d.between(0, len - 1);
          char[] c = text.toCharArray();
          char t = c[i];
          c[i] = c[j];
          c[j] = t;
          return new String(c);
        }),
        w(1, () -> {
          // duplicate a range somewhere else
          int end = Math.min(len, at + d.between(1, 40));
          int to = d.between(0, len);
          return text.substring(0, to) + text.substring(at, end) + text.substring(to);
        }),
        w(1, () -> text.substring(0, at))); // truncate
  }

  // ---- valid text with random layout --------------------------------------------------------

  /** Valid files: the spec bundle's (with comments) and, mostly, formatted random syntax trees. */
  public static Gen<String> validFiles() {
    return Generate.pick(SpecBundle.texts()).mix(formattedTrees(), 50);
  }

  /** Formatted random syntax trees: valid policy text without comments. */
  public static Gen<String> formattedTrees() {
    return AstGenerators.policyFiles().map(Formatter::format);
  }

  /**
   * {@code base} (a generator of valid files) with the layout between its tokens replaced by
   * random whitespace and comments of both kinds. The tokens and existing comments are kept, so
   * the result parses to the same declarations.
   */
  public static Gen<String> respaced(Gen<String> base) {
    return Draw.gen(d -> respace(d, d.from(base)));
  }

  static String respace(Draw d, String text) {
    WritLexer lexer = new WritLexer(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    StringBuilder out = new StringBuilder();
    out.append(separator(d, false));
    for (Token t : lexer.getAllTokens()) {
      out.append(t.getText());
      out.append(separator(d, t.getType() == WritLexer.LINE_COMMENT));
    }
    return out.toString();
  }

  /** Whitespace and comments; after a line comment, it starts with a line break. */
  static String separator(Draw d, boolean afterLineComment) {
    StringBuilder b = new StringBuilder();
    if (afterLineComment) {
      b.append(d.pick("\n", "\r\n"));
    }
    int parts = d.weighted(w(6, () -> 1), w(3, () -> 2), w(1, () -> 4));
    for (int i = 0; i < parts; i++) {
      b.append(d.weighted(
          w(6, () -> " "),
          w(3, () -> "\n"),
          w(1, () -> "\n\n"),
          w(1, () -> "\t"),
          w(1, () -> "\r\n"),
          w(1, () -> "  \n   "),
          w(1, () -> d.pick("\r", "\f", "\r\r\n")),
          w(2, () -> "/*" + commentText(d, true) + "*/"),
          w(2, () -> "//" + commentText(d, false) + d.pick("\n", "\r\n"))));
    }
    return b.toString();
  }

  static String commentText(Draw d, boolean block) {
    List<String> chars = block ? BLOCK_COMMENT_CHARS : LINE_COMMENT_CHARS;
    StringBuilder b = new StringBuilder();
    int n = d.between(0, 12);
    for (int i = 0; i < n; i++) {
      b.append(d.pick(chars));
    }
    // a block comment ends at the first `*/`
    return block ? b.toString().replace("*/", "* /") : b.toString();
  }

  private static final List<String> LINE_COMMENT_CHARS =
      List.of("a", "b", " ", "*", "/", "é", "x", "{", "}", "\"", "\\", "\ud83d\ude00", "\t", "grant", "when");
  private static final List<String> BLOCK_COMMENT_CHARS =
      List.of("a", "b", " ", "*", "/", "é", "x", "{", "}", "\"", "\\", "\ud83d\ude00", "\n", "\r\n", "\t", "//", "/*");
}

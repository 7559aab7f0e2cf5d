package dev.writ.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.language.ast.Comment;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.check.Checker;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.ParseLimits;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.testing.Draw;
import dev.writ.language.testing.SourceGenerators;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The parser never throws, whatever the text: it returns a result, a missing tree always comes
 * with an error, and every diagnostic points inside the text. Text that does parse also checks
 * and formats without throwing, and formats back to the same tree.
 *
 * <p>Examples per property: {@code -Dwrit.examples=N} (default {@value #EXAMPLES}). A failure
 * reports QuickTheories' seed; {@code -DQT_SEED=<seed>} replays it.
 */
class ParserRobustnessProperties {
  static final int EXAMPLES = Integer.getInteger("writ.examples", 2_000);

  /** Parses {@code text} and checks everything the parser promises about the result. */
  static ParseResult parseChecked(String text, ParseLimits limits) {
    SourceFile src = new SourceFile("fuzz.policy", text);
    ParseResult r;
    try {
      r = PolicyParser.parse(src, limits);
    } catch (Throwable e) {
      throw new AssertionError("parser threw on " + show(text), e);
    }
    assertNotNull(r, "no result");
    if (r.file().isEmpty()) {
      assertTrue(r.diagnostics().hasErrors(), () -> "no tree and no error for " + show(text));
    } else {
      assertFalse(r.diagnostics().hasErrors(), () -> "a tree and errors for " + show(text));
    }
    for (Diagnostic d : r.diagnostics().items()) {
      assertSame(src, d.span().source(), () -> "diagnostic of another source: " + d.headline());
      assertTrue(0 <= d.span().start() && d.span().start() <= d.span().end() && d.span().end() <= text.length(),
          () -> "span " + d.span().start() + ".." + d.span().end() + " outside text of length " + text.length()
              + ": " + d.headline() + " in " + show(text));
      assertFalse(d.message().isBlank(), d::headline);
    }
    try {
      DiagnosticRenderer.render(r.diagnostics());
    } catch (Throwable e) {
      throw new AssertionError("rendering diagnostics threw for " + show(text), e);
    }
    return r;
  }

  static String show(String text) {
    String s = text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    return "text <<<" + s.replace("\r", "\\r") + ">>>";
  }

  /** Whatever parses also checks and formats without throwing, and formats to the same tree. */
  static void checkAndFormat(ParseResult r, String text) {
    if (r.file().isEmpty()) {
      return;
    }
    PolicyFile f = r.file().get();
    try {
      var checked = Checker.check(List.of(f));
      assertEquals(checked.bundle().isPresent(), !checked.diagnostics().hasErrors());
      for (Diagnostic d : checked.diagnostics().items()) {
        assertSame(f.span().source(), d.span().source(), () -> "checker diagnostic without its file: " + d.headline());
        assertTrue(d.span().end() <= text.length(), () -> "checker span outside the text: " + d.headline());
      }
      DiagnosticRenderer.render(checked.diagnostics());
    } catch (Throwable e) {
      throw new AssertionError("checker threw on " + show(text), e);
    }
    String formatted = Formatter.format(f);
    ParseResult again = PolicyParser.parse(new SourceFile("formatted.policy", formatted));
    assertTrue(again.ok() && again.diagnostics().isEmpty(), () -> "formatted text does not parse: "
        + again.diagnostics().items().stream().map(Diagnostic::headline).collect(Collectors.joining("; "))
        + "\n" + show(formatted) + "\nformatted from " + show(text));
    PolicyFile g = again.file().get();
    assertEquals(f.packageName(), g.packageName());
    assertEquals(f.declarations(), g.declarations(), () -> "tree changed by formatting " + show(text));
    assertEquals(strippedComments(f), strippedComments(g));
  }

  static List<String> strippedComments(PolicyFile f) {
    return f.comments().stream().map(Comment::text).map(String::stripTrailing).toList();
  }

  @Test
  void arbitraryText() {
    qt().withExamples(EXAMPLES).forAll(SourceGenerators.arbitraryText()).checkAssert(text ->
        checkAndFormat(parseChecked(text, ParseLimits.DEFAULT), text));
  }

  @Test
  void tokenSoup() {
    qt().withExamples(EXAMPLES).forAll(SourceGenerators.tokenSoup()).checkAssert(text ->
        checkAndFormat(parseChecked(text, ParseLimits.DEFAULT), text));
  }

  @Test
  void mutatedValidFiles() {
    qt().withExamples(EXAMPLES).forAll(SourceGenerators.mutations(SourceGenerators.validFiles())).checkAssert(text ->
        checkAndFormat(parseChecked(text, ParseLimits.DEFAULT), text));
  }

  @Test
  void tinyLimitsAreRespected() {
    ParseLimits tiny = new ParseLimits(300, 3, 2);
    Gen<String> texts = SourceGenerators.tokenSoup().mix(SourceGenerators.mutations(SourceGenerators.validFiles()));
    qt().withExamples(EXAMPLES).forAll(texts).checkAssert(text -> {
      ParseResult r = parseChecked(text, tiny);
      if (text.length() > 300) {
        assertEquals(List.of("limit.file-size"), r.diagnostics().items().stream().map(d -> d.code().code()).toList());
      }
      assertTrue(r.diagnostics().errorCount() <= 2 + 2 + 1,
          () -> r.diagnostics().errorCount() + " errors with maxErrors 2");
    });
  }

  @Test
  void validFilesStayValid() {
    qt().withExamples(EXAMPLES / 2).forAll(SourceGenerators.validFiles()).checkAssert(text -> {
      ParseResult r = parseChecked(text, ParseLimits.DEFAULT);
      if (!r.ok()) {
        fail("valid file does not parse: " + show(text));
      }
      checkAndFormat(r, text);
    });
  }

  @Test
  void lexicalErrorsAreReportedPrecisely() {
    // a few hand-picked texts whose diagnostics must point at the right place
    for (String text : List.of("\"abc", "/* open", "grant g { when context.a == 'x' }", "\ud800", "\udfff grant",
        "grant g { ttl 9223372036854775807d }", "grant g { when context.a == 99999999999999999999 }",
        "\ud83d\ude00 grant g {", "grant g { approval 99999999999999999999 of T::\"x\" }")) {
      ParseResult r = parseChecked(text, ParseLimits.DEFAULT);
      assertFalse(r.ok(), text);
    }
  }

  @Test
  void drawHelpersStayInRange() {
    qt().withExamples(500).forAll(Draw.gen(d -> new int[] {d.between(3, 7), d.chance(50) ? 1 : 0}))
        .checkAssert(v -> assertTrue(v[0] >= 3 && v[0] <= 7));
  }
}

package dev.writ.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.language.ast.Comment;
import dev.writ.language.ast.PolicyFile;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.format.Formatter;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import dev.writ.language.testing.SourceGenerators;
import dev.writ.language.testing.SpecBundle;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Formatting real files: the spec bundle and random valid files, re-spaced with random
 * whitespace and comments between their tokens. Formatting keeps the tree and every comment,
 * and is idempotent.
 *
 * <p>Examples per property: {@code -Dwrit.examples=N} (default {@value #EXAMPLES}). A failure
 * reports QuickTheories' seed; {@code -DQT_SEED=<seed>} replays it.
 */
class FormatSourceProperties {
  static final int EXAMPLES = Integer.getInteger("writ.examples", 1_500);

  static PolicyFile parse(String text, String what) {
    ParseResult r = PolicyParser.parse(new SourceFile(what + ".policy", text));
    if (!r.ok() || !r.diagnostics().isEmpty()) {
      fail(what + " does not parse cleanly: "
          + r.diagnostics().items().stream().map(Diagnostic::headline).collect(Collectors.joining("; "))
          + "\n<<<" + text + ">>>");
    }
    return r.file().get();
  }

  static void formatKeepsTreeAndComments(String src) {
    PolicyFile parsed = parse(src, "source");
    String formatted = Formatter.format(parsed);
    PolicyFile again = parse(formatted, "formatted");
    String context = "\nsource <<<" + src + ">>>\nformatted <<<" + formatted + ">>>";
    assertEquals(parsed.packageName(), again.packageName(), () -> "package changed" + context);
    assertEquals(parsed.declarations(), again.declarations(), () -> "tree changed" + context);
    // the formatter strips trailing blanks from line comments, and nothing else
    List<String> comments = parsed.comments().stream().map(Comment::text).map(String::stripTrailing).toList();
    assertEquals(comments, again.comments().stream().map(Comment::text).toList(),
        () -> "comments changed" + context);
    for (String c : comments) {
      assertTrue(formatted.contains(c), () -> "comment " + c + " lost" + context);
    }
    String twice = Formatter.format(again);
    assertEquals(formatted, twice, () -> "not idempotent" + context);
  }

  static Gen<String> specFiles() {
    return Generate.pick(SpecBundle.texts());
  }

  @Test
  void specFilesFormatWell() {
    SpecBundle.sources().forEach(s -> formatKeepsTreeAndComments(s.text()));
  }

  @Test
  void blankLinesInsideABlockCommentAreNotBlankLinesBetweenDeclarations() {
    // found by respacedSpecFiles: the comment moves out of the declaration on the first
    // formatting, and its inner blank line used to add a blank line on the second
    String src = "group A /* one\n\ntwo */ in [A]\ngroup B\n";
    String formatted = Formatter.format(parse(src, "source"));
    assertEquals("group A in [A]\n/* one\n\ntwo */\ngroup B\n", formatted);
    assertEquals(formatted, Formatter.format(parse(formatted, "formatted")));
    // a blank line outside the comment is kept
    String blank = "group A\n\n/* one\n\ntwo */\ngroup B\n";
    assertEquals(blank, Formatter.format(parse(blank, "source")));
    formatKeepsTreeAndComments(src);
  }

  @Test
  void respacedSpecFiles() {
    qt().withExamples(EXAMPLES).forAll(SourceGenerators.respaced(specFiles()))
        .checkAssert(FormatSourceProperties::formatKeepsTreeAndComments);
  }

  @Test
  void respacedRandomFiles() {
    qt().withExamples(EXAMPLES).forAll(SourceGenerators.respaced(SourceGenerators.formattedTrees()))
        .checkAssert(FormatSourceProperties::formatKeepsTreeAndComments);
  }

  @Test
  void respacingTwice() {
    // a file that already has comments in odd places, re-spaced again
    qt().withExamples(EXAMPLES * 2 / 3)
        .forAll(SourceGenerators.respaced(SourceGenerators.respaced(specFiles().mix(SourceGenerators.formattedTrees()))))
        .checkAssert(FormatSourceProperties::formatKeepsTreeAndComments);
  }
}

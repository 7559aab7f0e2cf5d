package dev.writ.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.language.Frontend;
import dev.writ.language.diag.Diagnostic;
import dev.writ.language.source.SourceFile;
import java.util.List;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Spans become LSP positions in UTF-16 code units (the protocol's default), lines split at
 * {@code \n}, {@code \r\n} and {@code \r}, and a position maps back to the offset it came from.
 */
class PositionsProperties {
  static final int EXAMPLES = Integer.getInteger("writ.examples", 2_000);

  /** Text of ASCII, accented letters, an emoji (a surrogate pair) and every kind of line end. */
  private static final String[] PIECES = {"a", "grant", " ", "é", "ß", "\uD83D\uDE00", "\n", "\r\n", "\r", "\t", "中"};

  private static Gen<String> texts() {
    return SourceDSL.lists().of(SourceDSL.integers().between(0, PIECES.length - 1)).ofSizeBetween(0, 60)
        .map(l -> String.join("", l.stream().map(i -> PIECES[i]).toList()));
  }

  @Test
  void aPositionMapsBackToItsOffsetAndCountsUtf16UnitsFromTheLineStart() {
    qt().withExamples(EXAMPLES).forAll(texts()).checkAssert(text -> {
      LineMap lines = new LineMap(text);
      int line = 0;
      int lineStart = 0;
      for (int o = 0; o <= text.length(); o++) {
        if (o > 0) {
          char prev = text.charAt(o - 1);
          boolean midCrLf = prev == '\r' && o < text.length() && text.charAt(o) == '\n';
          if (prev == '\n' || (prev == '\r' && !midCrLf)) {
            line++;
            lineStart = o;
          }
          if (midCrLf) {
            continue; // between \r and \n is no position of its own
          }
        }
        Position p = lines.position(o);
        assertEquals(new Position(line, o - lineStart), p, "offset " + o);
        assertEquals(o, lines.offset(p), "offset " + o);
      }
    });
  }

  @Test
  void positionsPastALineEndClampToIt() {
    LineMap lines = new LineMap("ab\r\ncd\n");
    assertEquals(2, lines.offset(new Position(0, 99)));
    assertEquals(7, lines.offset(new Position(9, 0)));
    assertEquals(new Range(new Position(0, 0), new Position(2, 0)), lines.whole());
  }

  @Test
  void diagnosticRangesOfNonAsciiMultiLineTextAreInUtf16Units() {
    String text = "// Ünïcödé \uD83D\uDE00 comment\n"
        + "human Employee\n"
        + "grant r { description \"café \uD83D\uDE00\uD83D\uDE00\" principal Employe\n"
        + "  action \"db:select\" ttl 1h }\n";
    SourceFile f = new SourceFile("u.policy", text);
    List<Diagnostic> ds = Frontend.checkSources(List.of(f)).diagnostics().items();
    Diagnostic unknown = ds.stream().filter(d -> d.code().code().equals("name.unknown-type")).findFirst().orElseThrow();
    String line = text.lines().toList().get(2);
    int character = line.indexOf("Employe ") >= 0 ? line.indexOf("Employe ") : line.lastIndexOf("Employe");
    Range expected = new Range(new Position(2, character), new Position(2, character + "Employe".length()));
    assertEquals(expected, PolicyDocuments.range(unknown.span()));
    // The emoji count two units each: a count in code points would be two less.
    assertEquals(line.codePointCount(0, character) + 2, character);
  }
}

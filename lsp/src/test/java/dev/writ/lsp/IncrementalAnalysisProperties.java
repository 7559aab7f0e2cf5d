package dev.writ.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import dev.writ.language.Frontend;
import dev.writ.language.diag.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * The workspace reuses the syntax tree of every file whose text did not change. Whatever the
 * sequence of edits (to open documents, some saved, some not), what it reports is exactly what
 * `writ check` reports for a fresh directory holding the same texts: the same codes, messages,
 * files and positions.
 */
class IncrementalAnalysisProperties {
  static final int EXAMPLES = Integer.getInteger("writ.examples", 150);

  /** Pieces that make and unmake errors: type names right and wrong, braces, clause keywords. */
  private static final String[] INSERTS = {"Employee", "Employe", "{", "}", " ttl 0s ", " when ", "\"db:read\"",
      " principal ", "Database", "grant x { }", "\n", " && ", "intent investigate", "forbid f { principal any }"};

  record Edit(int file, int position, int delete, int insert) {}

  private static Gen<List<Edit>> edits() {
    Gen<Edit> edit = SourceDSL.integers().between(0, 1).zip(SourceDSL.integers().between(0, 10_000),
        SourceDSL.integers().between(0, 12), SourceDSL.integers().between(0, INSERTS.length - 1), Edit::new);
    return SourceDSL.lists().of(edit).ofSizeBetween(1, 8);
  }

  @Test
  void anyEditSequenceReportsWhatAFreshWritCheckReports() {
    qt().withExamples(EXAMPLES).forAll(edits()).checkAssert(steps -> {
      Path dir = temp();
      try {
        List<Path> files = List.of(write(dir.resolve("schema.policy"), LanguageServerTest.SCHEMA),
            write(dir.resolve("rules.policy"), LanguageServerTest.RULES));
        List<String> texts = new ArrayList<>(List.of(LanguageServerTest.SCHEMA, LanguageServerTest.RULES));
        Workspace ws = new Workspace(dir, Optional.empty());
        assertSame(ws.analyze(), dir, texts);
        int step = 0;
        for (Edit e : steps) {
          String t = texts.get(e.file());
          int at = Math.min(e.position() % (t.length() + 1), t.length());
          String next = t.substring(0, at) + INSERTS[e.insert()] + t.substring(Math.min(t.length(), at + e.delete()));
          texts.set(e.file(), next);
          ws.open(files.get(e.file()).toUri().toString(), next, step++);
          if (step % 3 == 0) {
            write(files.get(e.file()), next); // saved
          }
          assertSame(ws.analyze(), dir, texts);
        }
      } finally {
        delete(dir);
      }
    });
  }

  private static void assertSame(Workspace.Analysis got, Path dir, List<String> texts) {
    Path fresh = temp();
    try {
      write(fresh.resolve("schema.policy"), texts.get(0));
      write(fresh.resolve("rules.policy"), texts.get(1));
      List<String> expected = Frontend.checkDirectory(fresh).diagnostics().items().stream()
          .map(d -> Path.of(d.path()).getFileName() + " " + show(d)).toList();
      TreeMap<String, List<String>> byFile = new TreeMap<>();
      got.diagnostics().forEach((p, ds) -> byFile.put(p.getFileName().toString(),
          ds.stream().map(d -> p.getFileName() + " " + show(d)).toList()));
      List<String> actual = new ArrayList<>();
      byFile.values().forEach(actual::addAll);
      assertEquals(expected, actual, "texts: " + texts);
    } finally {
      delete(fresh);
    }
  }

  private static String show(Diagnostic d) {
    return d.code().code() + " " + d.message() + " " + d.span().line() + ":" + d.span().column();
  }

  private static Path temp() {
    try {
      return Files.createTempDirectory("writ-lsp-prop");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path p, String text) {
    try {
      return Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

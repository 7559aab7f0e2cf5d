package dev.writ.language.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.language.diag.Diagnostic;
import dev.writ.language.parse.ParseResult;
import dev.writ.language.parse.PolicyParser;
import dev.writ.language.source.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every policy shown in the documentation (a fenced block tagged {@code writ} in any Markdown file
 * of the repository) parses without problems and is canonically formatted: a user who copies an
 * example and runs {@code writ fmt --check} must not be told it is not formatted.
 */
class DocsExamplesFormattedTest {
  /** The repository: tests run in the language module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern BLOCK = Pattern.compile("^```writ\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);

  record Example(Path file, int line, String text) {}

  static List<Example> examples() throws IOException {
    List<Path> docs;
    try (Stream<Path> walk = Files.walk(ROOT)) {
      docs = walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
          .filter(p -> {
            for (Path part : ROOT.relativize(p)) {
              if (part.toString().equals("target") || part.toString().startsWith(".")) {
                return false;
              }
            }
            return true;
          }).sorted().toList();
    }
    List<Example> out = new ArrayList<>();
    for (Path doc : docs) {
      String text = Files.readString(doc);
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
        out.add(new Example(doc, line, m.group(1)));
      }
    }
    return out;
  }

  @Test
  void theDocumentationShowsPolicies() throws IOException {
    List<Example> all = examples();
    assertTrue(all.stream().anyMatch(e -> e.file().endsWith("README.md") && e.file().getParent().equals(ROOT)),
        "README.md's policy is checked");
    assertTrue(all.stream().filter(e -> e.file().endsWith(Path.of("docs", "language.md"))).count() >= 4,
        "docs/language.md's policies are checked");
  }

  @TestFactory
  List<DynamicTest> everyPolicyInTheDocsIsCanonicallyFormatted() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Example e : examples()) {
      String where = ROOT.relativize(e.file()) + ":" + e.line();
      tests.add(DynamicTest.dynamicTest(where, () -> {
        ParseResult r = PolicyParser.parse(new SourceFile(where, e.text()));
        assertTrue(r.ok() && r.diagnostics().isEmpty(), () -> where + " does not parse: "
            + r.diagnostics().items().stream().map(Diagnostic::headline).collect(Collectors.joining("; ")));
        assertEquals(Formatter.format(r.file().get()), e.text(), where + " is not as `writ fmt` writes it");
      }));
    }
    return tests;
  }
}

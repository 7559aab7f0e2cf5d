package dev.writ.language.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.writ.language.Frontend;
import dev.writ.language.diag.DiagnosticCode;
import dev.writ.language.diag.DiagnosticRenderer;
import dev.writ.language.parse.ParseLimits;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden-file tests of the front end's diagnostics: for each case, the rendered output of
 * {@link Frontend#checkDirectory} must equal the case's checked-in {@code expected.txt}.
 *
 * <ul>
 *   <li>{@code src/test/resources/golden/diagnostics/<case>/}: a bundle directory with one or
 *       more {@code .policy} files (at any depth) and {@code expected.txt}.</li>
 *   <li>{@code src/test/resources/golden/generated/<case>/expected.txt}: the expected output of
 *       a bundle that this class writes to a temporary directory, for inputs that git cannot hold
 *       or that are too big to commit (an empty directory, a missing path, binary content, a file
 *       over the size limit).</li>
 * </ul>
 *
 * <p>Paths in the output are made relative to the directory that holds the case, so an expected
 * file reads {@code typo-entity-type/rules.policy:2:13: error ...} on every machine.
 *
 * <p>To regenerate every expected file after an intended change of messages, run
 * {@code mvn -B -ntp test -pl language -Dgolden.update=true} and review {@code git diff} (see
 * {@link GoldenFiles}). A new case needs only its {@code .policy} files: the update run writes its
 * {@code expected.txt}.
 *
 * <p>{@link #everyDiagnosticCodeHasAGoldenCase} fails when a {@link DiagnosticCode} appears in no
 * expected file, so each new code comes with at least one example, and
 * {@link #everyDiagnosticCodeIsDocumented} when it has no section in {@code docs/diagnostics.md}.
 */
class DiagnosticsGoldenTest {
  private static final String EXPECTED = "expected.txt";

  /** Inputs written by the test. Each key names a directory under {@code golden/generated}. */
  private static final Map<String, Generator> GENERATED = new LinkedHashMap<>();

  static {
    // A path that does not exist, e.g. a typo on the command line.
    GENERATED.put("io-unreadable", caseDir -> caseDir.resolve("polices"));
    // An empty directory (git keeps no empty directories).
    GENERATED.put("io-no-policies", caseDir -> caseDir);
    // Saved in Latin-1 by an old editor: the `é` is not valid UTF-8.
    GENERATED.put("io-not-text-latin1", caseDir -> {
      write(caseDir.resolve("cafe.policy"), """
          grant cafe_menu {
            description "Café staff may edit the menu"
            principal human
            action "menu:edit"
            ttl 8h
          }
          """.getBytes(StandardCharsets.ISO_8859_1));
      return caseDir;
    });
    // Saved as UTF-16 (without a byte-order mark): every other byte is NUL. The other file of
    // the bundle is still checked.
    GENERATED.put("io-not-text-binary", caseDir -> {
      write(caseDir.resolve("exported.policy"), """
          grant exported {
            principal human
            action "wiki:read"
            ttl 1h
          }
          """.getBytes(StandardCharsets.UTF_16LE));
      write(caseDir.resolve("rules.policy"), """
          grant wiki_read {
            principal human
            action "wiki:read"
          }
          """.getBytes(StandardCharsets.UTF_8));
      return caseDir;
    });
    // One character more than the limit.
    GENERATED.put("limit-file-size", caseDir -> {
      int limit = ParseLimits.DEFAULT.maxFileChars();
      StringBuilder text = new StringBuilder(limit + 100);
      text.append("// generated: a policy file one character over the size limit\n");
      String line = "// " + "x".repeat(76) + "\n";
      while (text.length() + line.length() <= limit) {
        text.append(line);
      }
      text.append("/".repeat(limit + 1 - text.length()));
      write(caseDir.resolve("huge.policy"), text.toString().getBytes(StandardCharsets.UTF_8));
      return caseDir;
    });
  }

  /** Creates a generated case under {@code caseDir} and returns the path to check. */
  @FunctionalInterface
  interface Generator {
    Path create(Path caseDir) throws IOException;
  }

  @TestFactory
  Stream<DynamicTest> checkedInCases() {
    List<Path> cases = caseDirectories(GoldenFiles.testResources("golden/diagnostics"));
    assertTrue(cases.size() >= 45, "expected at least 45 golden cases, found " + cases.size());
    return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), dir.toUri(), () -> {
      assertTrue(hasPolicyFile(dir), "golden case " + dir + " has no .policy file");
      GoldenFiles.assertMatches(dir.resolve(EXPECTED), check(dir, dir.getParent()));
    }));
  }

  @TestFactory
  Stream<DynamicTest> generatedCases() {
    Path root = GoldenFiles.testResources("golden/generated");
    return GENERATED.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      Path tmp = Files.createTempDirectory("writ-golden-");
      try {
        Path caseDir = Files.createDirectories(tmp.resolve(e.getKey()));
        Path input = e.getValue().create(caseDir);
        GoldenFiles.assertMatches(root.resolve(e.getKey()).resolve(EXPECTED), check(input, tmp));
      } finally {
        deleteTree(tmp);
      }
    }));
  }

  /** A directory under golden/generated without a generator would never be checked. */
  @Test
  void everyGeneratedExpectationHasAGenerator() {
    Set<String> dirs = new TreeSet<>();
    caseDirectories(GoldenFiles.testResources("golden/generated")).forEach(d -> dirs.add(d.getFileName().toString()));
    if (!GoldenFiles.updating()) {
      assertEquals(new TreeSet<>(GENERATED.keySet()), dirs, "golden/generated and the generators differ");
    }
  }

  /** Each diagnostic code is shown by at least one case, with the severity the code declares. */
  @Test
  void everyDiagnosticCodeHasAGoldenCase() throws IOException {
    Pattern headline = Pattern.compile("^\\S.*?:\\d+:\\d+: (error|warning) ([a-z][a-z0-9.-]*): ", Pattern.MULTILINE);
    Map<String, String> seen = new TreeMap<>();
    List<Path> expectedFiles;
    try (Stream<Path> walk = Files.walk(GoldenFiles.testResources("golden"))) {
      expectedFiles = walk.filter(p -> p.getFileName().toString().equals(EXPECTED)).sorted().toList();
    }
    for (Path file : expectedFiles) {
      Matcher m = headline.matcher(Files.readString(file, StandardCharsets.UTF_8));
      while (m.find()) {
        seen.put(m.group(2), m.group(1));
      }
    }
    List<String> problems = new ArrayList<>();
    Map<String, DiagnosticCode> known = new TreeMap<>();
    for (DiagnosticCode code : DiagnosticCode.values()) {
      known.put(code.code(), code);
      String severity = seen.get(code.code());
      if (severity == null) {
        problems.add(code.code() + " appears in no golden expected file");
      } else if (!severity.equals(code.severity().label())) {
        problems.add(code.code() + " is shown as " + severity + " but declared " + code.severity().label());
      }
    }
    for (String code : seen.keySet()) {
      if (!known.containsKey(code)) {
        problems.add(code + " appears in a golden file but is not a DiagnosticCode");
      }
    }
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  /** docs/diagnostics.md has a section for each code (skipped when the docs are not checked out). */
  @Test
  void everyDiagnosticCodeIsDocumented() throws IOException {
    Path doc = Stream.of("../docs/diagnostics.md", "docs/diagnostics.md").map(Path::of)
        .filter(Files::isRegularFile).findFirst().orElse(null);
    Assumptions.assumeTrue(doc != null, "docs/diagnostics.md not found from " + Path.of("").toAbsolutePath());
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    for (DiagnosticCode code : DiagnosticCode.values()) {
      if (!text.contains("### `" + code.code() + "`")) {
        missing.add(code.code());
      }
    }
    assertTrue(missing.isEmpty(), "codes without a section in " + doc + ": " + missing);
  }

  /**
   * Runs the front end on {@code input} and renders its diagnostics with paths relative to
   * {@code base}. Also checks that a bundle is produced exactly when there is no error.
   */
  private static String check(Path input, Path base) {
    Frontend.Result result = Frontend.checkDirectory(input);
    assertEquals(!result.diagnostics().hasErrors(), result.ok(),
        "a bundle must be produced exactly when there are no errors");
    String prefix = base.toString().endsWith(File.separator) ? base.toString() : base + File.separator;
    return DiagnosticRenderer.render(result.diagnostics()).replace(prefix, "");
  }

  private static List<Path> caseDirectories(Path root) {
    try (Stream<Path> list = Files.list(root)) {
      return list.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasPolicyFile(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.anyMatch(p -> p.getFileName().toString().endsWith(".policy"));
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

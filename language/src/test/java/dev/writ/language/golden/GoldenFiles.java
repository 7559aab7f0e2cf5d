package dev.writ.language.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden-file comparison: the actual text of a test is compared with a checked-in expected file.
 *
 * <p>Run the tests with the system property {@code golden.update=true} to rewrite the expected
 * files from the actual output instead of failing:
 *
 * <pre>
 * mvn -B -ntp test -pl language -Dgolden.update=true
 * git diff language/src/test/resources/golden    # review every change before committing it
 * </pre>
 *
 * <p>The property reaches the forked test JVM through surefire's {@code systemPropertyVariables}
 * in {@code language/pom.xml}. Expected files are read from and written to
 * {@code src/test/resources} (not {@code target/test-classes}), so that an update changes the
 * checked-in files.
 */
public final class GoldenFiles {
  /** The system property that switches from comparing to rewriting. */
  public static final String UPDATE_PROPERTY = "golden.update";

  private GoldenFiles() {}

  /** Whether this run rewrites expected files ({@code -Dgolden.update=true}). */
  public static boolean updating() {
    return Boolean.parseBoolean(System.getProperty(UPDATE_PROPERTY, "false").trim());
  }

  /**
   * The checked-in test resource directory {@code src/test/resources/<relative>} of this module.
   * Tests normally run with the module directory as working directory; running from the
   * repository root (some IDEs do) is handled too.
   */
  public static Path testResources(String relative) {
    for (String base : new String[] {"src/test/resources/golden", "language/src/test/resources/golden"}) {
      Path p = Path.of(base).toAbsolutePath().normalize();
      if (Files.isDirectory(p)) {
        return p.getParent().resolve(relative);
      }
    }
    throw new IllegalStateException("cannot find src/test/resources/golden from "
        + Path.of("").toAbsolutePath() + "; run the tests from the module or repository directory");
  }

  /**
   * Compares {@code actual} with the content of {@code expectedFile}, or (when updating) writes
   * {@code actual} to it if it differs. Line endings are normalised to {@code \n} on both sides.
   */
  public static void assertMatches(Path expectedFile, String actual) {
    String normalized = normalize(actual);
    try {
      if (updating()) {
        if (!Files.exists(expectedFile) || !normalize(read(expectedFile)).equals(normalized)) {
          Files.createDirectories(expectedFile.getParent());
          Files.writeString(expectedFile, normalized, StandardCharsets.UTF_8);
        }
        return;
      }
      if (!Files.exists(expectedFile)) {
        fail("missing expected file " + expectedFile + "; create it with -D" + UPDATE_PROPERTY
            + "=true and review it. The actual output is:\n" + normalized);
      }
      assertEquals(normalize(read(expectedFile)), normalized, () -> "output differs from " + expectedFile
          + "; if the change is intended, rerun with -D" + UPDATE_PROPERTY + "=true and review the diff");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  static String normalize(String text) {
    return text.replace("\r\n", "\n");
  }
}

package dev.writ.engine.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.writ.engine.eval.Authorizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The text report, as {@code writ impact} prints it, against golden files in
 * {@code src/test/resources/impact/golden/}. After an intended change of the format, run with
 * {@code -Dgolden.update=true} (the files are rewritten) and review {@code git diff}.
 */
class ImpactTextGoldenTest {
  static final boolean UPDATE = Boolean.getBoolean("golden.update");
  static final Path SOURCE = Path.of("src/test/resources/impact");
  static final Instant T0 = Instant.parse("2026-06-15T10:00:00Z");

  static void golden(String name, String actual) throws IOException {
    Path file = SOURCE.resolve("golden").resolve(name);
    if (UPDATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden file " + file
        + " (run with -Dgolden.update=true after an intended change)");
  }

  static ImpactAnalyzer analyzer(String before, String after) {
    return new ImpactAnalyzer(new Authorizer(ImpactFixtures.plan(before)), new Authorizer(ImpactFixtures.plan(after)));
  }

  @Test
  void requestFile() throws IOException {
    // A relative path, so that the report names the file as a user running in the module would see it.
    List<Replay> replays = Replays.requests(SOURCE.resolve("requests.jsonl"), ImpactAnalyzerTest.OLD,
        ImpactAnalyzerTest.NEW, ImpactFixtures.entities(ImpactAnalyzerTest.OLD),
        ImpactFixtures.entities(ImpactAnalyzerTest.NEW), T0);
    golden("requests.txt", ImpactText.render(analyzer("old", "new").analyze(replays, List.of(), Map.of())));
  }

  @Test
  void suites() throws IOException {
    List<Replay> replays = Replays.suites(SOURCE.resolve("suites"), SOURCE.resolve("old"), ImpactAnalyzerTest.OLD,
        ImpactAnalyzerTest.NEW, T0);
    golden("suites.txt", ImpactText.render(analyzer("old", "new").analyze(replays, List.of(), Map.of())));
  }

  @Test
  void noChange() throws IOException {
    List<Replay> replays = Replays.suites(SOURCE.resolve("suites"), SOURCE.resolve("old"), ImpactAnalyzerTest.OLD,
        ImpactAnalyzerTest.OLD, T0);
    golden("unchanged.txt", ImpactText.render(analyzer("old", "old").analyze(replays, List.of(), Map.of())));
  }
}

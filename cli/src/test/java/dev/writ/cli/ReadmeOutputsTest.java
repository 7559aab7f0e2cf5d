package dev.writ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.AuditEvent;
import dev.writ.engine.audit.FileAuditTrail;
import dev.writ.engine.value.EntityUid;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README shows what the commands print: the same words, counts and hash lengths. Times, ids
 * and digests differ from run to run, so those are compared by shape; everything else exactly.
 */
class ReadmeOutputsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String HEX64 = "[0-9a-f]{64}";

  @TempDir
  Path dir;

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

  /** The README's line that starts with {@code prefix}. */
  private static String line(String readme, String prefix) {
    for (String l : readme.split("\n")) {
      if (l.startsWith(prefix)) {
        return l;
      }
    }
    throw new AssertionError("README.md has no line starting with " + prefix);
  }

  private static String writ(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Writ.run(args, new PrintWriter(out), new PrintWriter(err));
    assertTrue(code == 0 || code == 1, "writ " + String.join(" ", args) + " exited " + code + ": " + err);
    return out.toString();
  }

  @Test
  void theSignedBundleOfTheLibraryIsAsShown() throws Exception {
    String shown = line(readme(), "wrote target/tour/policies.wbundle: ");
    writ("keygen", "--private", dir.resolve("k.pem").toString(), "--public", dir.resolve("k.pub").toString());
    Path bundle = dir.resolve("policies.wbundle");
    // From the repository root, as the tour runs it: the bundle records its sources' paths as given.
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Writ.class.getName(), "bundle", "policies/src/main/policy", "-o",
        bundle.toString(), "--sign", dir.resolve("k.pem").toString(), "--revision", "2026.06.15-1")
        .directory(ROOT.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String printed = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, printed);
    Matcher digest = Pattern.compile("sha256 (" + HEX64 + ")$").matcher(printed);
    assertTrue(digest.find(), printed);
    assertTrue(shown.matches(".*, sha256 " + HEX64), "the README shows a whole digest: " + shown);
    // The rule count and size are the library's; the digest changes with the creation time.
    assertEquals(shown.replaceAll(HEX64 + "$", digest.group(1)),
        printed.replace(bundle.toString(), "target/tour/policies.wbundle"),
        "README.md's `writ bundle` line (update it when the library changes)");
  }

  @Test
  void theServiceStartLineIsAsShown() throws IOException {
    // ServeCommandTest checks the printed line's exact form; here the README must show that form.
    String shown = line(readme(), "writ: serving revision ");
    assertEquals("writ: serving revision 2026.06.15-1 on http://127.0.0.1:8181 (data in target/tour/writ-data)", shown,
        "the line `writ serve --port 8181 --data target/tour/writ-data` prints for the tour's bundle");
  }

  @Test
  void trailVerificationIsAsShown() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    try (FileAuditTrail t = FileAuditTrail.open(file)) {
      for (int i = 1; i <= 14; i++) {
        AuditEvent.Header h = new AuditEvent.Header(Instant.parse("2026-06-15T10:00:00Z").plusSeconds(i),
            "g-00000" + i, null, null, Map.of(), EntityUid.parse("Employee::alice"), List.of(), List.of(),
            List.of("gov.incident_read"), "rev-1");
        t.append(List.of(new AuditEvent.Revoked(h, "manual")));
      }
    }
    String readme = readme();
    String intact = writ("audit", "verify", file.toString()).strip();
    assertEquals(shape(line(readme, "target/tour/writ-data/audit.jsonl: intact, ")), shape(intact.replace(file.toString(),
        "target/tour/writ-data/audit.jsonl")));
    List<String> lines = Files.readAllLines(file);
    lines.set(12, lines.get(12).replace("\"reason\":\"manual\"", "\"reason\":\"drift\""));
    Path tampered = dir.resolve("tampered.jsonl");
    Files.write(tampered, lines);
    String[] refused = writ("audit", "verify", tampered.toString()).replace(tampered.toString(),
        "target/tour/tampered.jsonl").strip().split("\\R");
    assertEquals(List.of(line(readme, "target/tour/tampered.jsonl: NOT intact"),
        shape(line(readme, "target/tour/tampered.jsonl: the 12 records"))),
        List.of(refused[0], shape(refused[1])));
  }

  /** A line with its 64-digit hashes replaced, so that lines from different trails compare. */
  private static String shape(String line) {
    assertTrue(Pattern.compile(HEX64).matcher(line).find(), "a whole hash in: " + line);
    return line.replaceAll(HEX64, "<sha256>");
  }
}

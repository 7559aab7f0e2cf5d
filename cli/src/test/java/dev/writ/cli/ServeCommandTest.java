package dev.writ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.TrailVerifier;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code writ serve}: option errors, and a real process stopped with SIGTERM. */
class ServeCommandTest {
  private static final String POLICY = """
      human Employee in [Team] { mfa: Bool }
      group Team
      resource Dashboard { service: String }
      action "logs:read" on Dashboard

      grant sre_logs {
        principal Employee in Team::"sre"
        action "logs:read"
        resource Dashboard
        ttl 1h
      }
      """;
  private static final String ENTITIES = """
      - { uid: Employee::alice, attrs: { mfa: true }, parents: [Team::sre] }
      - { uid: Dashboard::grafana, attrs: { service: orders } }
      """;
  private static final String REQUEST =
      "{\"principal\":\"Employee::alice\",\"actions\":[\"logs:read\"],\"resource\":\"Dashboard::grafana\"}";

  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private static Run writ(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Writ.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private Path policies() throws Exception {
    Path p = dir.resolve("policies");
    Files.createDirectories(p);
    Files.writeString(p.resolve("logs.policy"), POLICY);
    Files.writeString(dir.resolve("entities.yaml"), ENTITIES);
    return p;
  }

  @Test
  void optionMistakesAreUsageErrors() throws Exception {
    Path p = policies();
    Run both = writ("serve", "--policies", p.toString(), "--bundle", "x.wbundle");
    assertEquals(2, both.code());
    Run none = writ("serve");
    assertEquals(2, none.code());
    Run trust = writ("serve", "--policies", p.toString(), "--trust", "key.pem", "--data", dir.resolve("d").toString());
    assertEquals(2, trust.code());
    assertTrue(trust.err().contains("--trust"), trust.err());
    Run port = writ("serve", "--policies", p.toString(), "--port", "70000");
    assertEquals(2, port.code());
    Run interval = writ("serve", "--policies", p.toString(), "--watch", "--watch-interval", "soon");
    assertEquals(2, interval.code());
    assertTrue(interval.err().contains("--watch-interval"), interval.err());
  }

  @Test
  void policiesWithErrorsAreRefusedWithDiagnostics() throws Exception {
    Path p = policies();
    Files.writeString(p.resolve("broken.policy"), "grant broken { principal ?? }\n");
    Run r = writ("serve", "--policies", p.toString(), "--port", "0", "--data", dir.resolve("d").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("broken.policy:1"), r.err());
    assertTrue(r.err().contains("have 1 error"), r.err());
    assertTrue(Files.notExists(dir.resolve("d")), "no data directory is created for a service that never started");
  }

  @Test
  void bundlesThatCannotBeServedAreRefused() throws Exception {
    Path p = policies();
    Run missing = writ("serve", "--bundle", dir.resolve("x.wbundle").toString(), "--data", dir.resolve("d").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("x.wbundle"), missing.err());
    assertEquals(0, writ("keygen", "--private", dir.resolve("k").toString(), "--public", dir.resolve("k.pub").toString())
        .code());
    Path unsigned = dir.resolve("unsigned.wbundle");
    assertEquals(0, writ("bundle", p.toString(), "-o", unsigned.toString()).code());
    Run notSigned = writ("serve", "--bundle", unsigned.toString(), "--trust", dir.resolve("k.pub").toString(),
        "--data", dir.resolve("d").toString());
    assertEquals(2, notSigned.code());
    assertTrue(notSigned.err().contains("not signed"), notSigned.err());
    Run badKey = writ("serve", "--bundle", unsigned.toString(), "--trust", dir.resolve("nope.pub").toString(),
        "--data", dir.resolve("d").toString());
    assertEquals(2, badKey.code());
    assertTrue(badKey.err().contains("--trust"), badKey.err());
    assertTrue(Files.notExists(dir.resolve("d")));
  }

  @Test
  void servesUntilSigtermThenStopsGracefully() throws Exception {
    Path p = policies();
    Path data = dir.resolve("data");
    Path bundle = dir.resolve("logs.wbundle");
    assertEquals(0, writ("keygen", "--private", dir.resolve("k").toString(), "--public", dir.resolve("k.pub").toString())
        .code());
    Run built = writ("bundle", p.toString(), "-o", bundle.toString(), "--sign", dir.resolve("k").toString(),
        "--revision", "7.1.0");
    assertEquals(0, built.code(), built.err());
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Writ.class.getName(), "serve", "--bundle", bundle.toString(),
        "--trust", dir.resolve("k.pub").toString(), "--entities", dir.resolve("entities.yaml").toString(),
        "--port", "0", "--data", data.toString());
    Process process = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      Matcher m = Pattern.compile("on (http://\\S+) ").matcher(line == null ? "" : line);
      assertTrue(m.find(), "first line: " + line + "; stderr: " + Files.readString(dir.resolve("stderr.txt")));
      URI base = URI.create(m.group(1));
      // The form the README shows.
      assertEquals("writ: serving revision 7.1.0 on " + base + " (data in " + data + ")", line);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      assertTrue(health.body().contains("\"revision\":\"7.1.0\""), health.body());
      HttpResponse<String> grant = http.send(HttpRequest.newBuilder(base.resolve("/v1/grants"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, grant.statusCode(), grant.body());
      assertTrue(grant.body().contains("\"decision\":\"permit\""), grant.body());

      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stopped within 30s");
      String stderr = Files.readString(dir.resolve("stderr.txt"));
      assertTrue(stderr.contains("stopped; the audit trail is closed"), stderr);
      TrailVerifier.Result v = TrailVerifier.verify(data.resolve("audit.jsonl"));
      assertTrue(v.ok(), v.problem());
      assertEquals(3, v.records(), "requested, decided, granted");
    } finally {
      process.destroyForcibly();
    }
  }
}

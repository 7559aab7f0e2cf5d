package dev.writ.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real {@code writ serve} process (the cli's shaded jar, {@code java -jar writ.jar serve}) on
 * a free loopback port, open (no {@code --auth}), with the test policies and {@code --store}; its
 * output in a log file; and an HTTP client for it.
 */
final class Replica implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SERVING = Pattern.compile("serving revision \\S+ on (http://\\S+) ");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String name;
  final Path log;
  private final Process process;
  private URI uri;

  private Replica(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("writ.jar", "../cli/target/writ.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no " + jar.toAbsolutePath() + ": build the cli first (mvn package)");
    }
    return jar;
  }

  static Path resources() {
    try {
      return Path.of(Replica.class.getResource("/replicas").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts {@code writ serve --store url} and returns once it answers /health (at most 90 s). */
  static Replica start(String name, String storeUrl, Path dir) {
    Replica r = launch(name, dir, List.of("serve", "--policies", resources().resolve("policies").toString(),
        "--entities", resources().resolve("entities.yaml").toString(), "--port", "0", "--store", storeUrl,
        "--data", dir.resolve(name + "-unused-data").toString()));
    r.awaitServing(Duration.ofSeconds(90));
    return r;
  }

  /** Starts {@code writ serve --data data} (the file store) and returns once it answers /health (at most 90 s). */
  static Replica startFile(String name, Path data, Path dir) {
    Replica r = launch(name, dir, List.of("serve", "--policies", resources().resolve("policies").toString(),
        "--entities", resources().resolve("entities.yaml").toString(), "--port", "0", "--data", data.toString()));
    r.awaitServing(Duration.ofSeconds(90));
    return r;
  }

  /** Runs {@code writ ARGS...} as a process (not waited for). */
  static Replica launch(String name, Path dir, List<String> args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Xshare:auto", "-jar", jar().toString()));
    cmd.addAll(args);
    Path log = dir.resolve(name + ".log");
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      return new Replica(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /** Waits for the process to end (at most {@code within}); its exit code. */
  int await(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not finish within " + within + "; its output:\n" + output());
    }
    return process.exitValue();
  }

  private void awaitServing(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (uri == null) {
      Matcher m = SERVING.matcher(output());
      if (m.find()) {
        uri = URI.create(m.group(1));
        break;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before serving:\n" + output());
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new AssertionError(name + " did not start within " + within + ":\n" + output());
      }
      pause(50);
    }
  }

  String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  URI uri() {
    return uri;
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no graceful stop, whatever it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL");
    }
  }

  /** SIGTERM, and wait for the graceful stop. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- HTTP --------------------------------------------------------------------------

  /** One exchange: the status and the body (parsed when it is JSON). */
  record Res(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }
  }

  Res post(String path, String json) {
    return send(HttpRequest.newBuilder(uri.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Res get(String path) {
    return send(HttpRequest.newBuilder(uri.resolve(path)).GET());
  }

  Res delete(String path) {
    return send(HttpRequest.newBuilder(uri.resolve(path)).DELETE());
  }

  private Res send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Res(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- the test policies' calls ------------------------------------------------------

  /** {@code principal} asks to read {@code db} during incident {@code ticket}, with MFA. */
  static String incidentRead(String principal, String db, String ticket) {
    return "{\"principal\": \"" + principal + "\", \"actions\": [\"db:select\", \"db:describe\"], \"resource\": \"" + db
        + "\", \"intent\": {\"name\": \"investigate_incident\", \"ticket\": \"" + ticket + "\"}, "
        + "\"context\": {\"mfa\": true}}";
  }

  static String select(String grant, String db) {
    return "{\"grant\": \"" + grant + "\", \"action\": \"db:select\", \"resource\": \"" + db + "\"}";
  }

  /** Issues a grant (expects a permit); its id. */
  String issue(String principal, String db, String ticket) {
    Res r = post("/v1/grants", incidentRead(principal, db, ticket));
    if (r.status() != 200 || !r.json().path("decision").path("decision").asText().equals("permit")) {
      throw new AssertionError(name + ": expected a permit, got " + r.status() + " " + r.body());
    }
    return r.json().path("id").asText();
  }

  /** The answer to an action check ({@code allow}, {@code deny}), or the status when not 200. */
  String act(String grant, String db) {
    Res r = post("/v1/actions", select(grant, db));
    return r.status() == 200 ? r.json().path("answer").asText() : "status " + r.status() + ": " + r.body();
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

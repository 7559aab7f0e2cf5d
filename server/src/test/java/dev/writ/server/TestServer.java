package dev.writ.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.writ.engine.json.DataDocument;
import dev.writ.engine.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real server on a free loopback port, with its own copy of the test policies and entities
 * (so a test may edit them), a data directory, a clock the test moves, and a real HTTP client.
 */
final class TestServer implements AutoCloseable {
  static final Instant START = Instant.parse("2026-06-15T10:00:00Z");

  final Path root;
  final Path policies;
  final Path entities;
  final Path data;
  final MutableClock clock;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  ServerConfig config;
  PolicySource source;
  WritServer server;

  /** A record of one exchange: status, headers, body (parsed when it is JSON). */
  record Res(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return DataDocument.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    String at() {
      return json().path("at").asText(null);
    }

    String error() {
      return json().path("error").asText(null);
    }
  }

  TestServer(Path root) {
    this(root, c -> c);
  }

  TestServer(Path root, java.util.function.UnaryOperator<ServerConfig> tweak) {
    this(root, tweak, s -> PolicySource.policies(s.policies));
  }

  /** @param source what to serve, made once the test's copy of the policies and entities exists */
  TestServer(Path root, java.util.function.UnaryOperator<ServerConfig> tweak,
             java.util.function.Function<TestServer, PolicySource> source) {
    this.root = root;
    this.policies = root.resolve("policies");
    this.entities = root.resolve("entities.yaml");
    this.data = root.resolve("data");
    this.clock = new MutableClock(START);
    copyResources();
    // Client time allowed: these tests replay timelines at set times (as --allow-client-time does);
    // the security tests turn it off.
    config = tweak.apply(ServerConfig.defaults().withPort(0).withDataDir(data).withEntityFiles(List.of(entities))
        .withClock(clock).withSweepInterval(Duration.ofMillis(50)).withStopTimeout(Duration.ofSeconds(5))
        .withAllowClientTime(true));
    this.source = source.apply(this);
    start();
  }

  void start() {
    server = WritServer.start(config, source);
  }

  void restart() {
    server.close();
    start();
  }

  URI uri(String path) {
    return server.uri().resolve(path);
  }

  Res get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  Res post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Res postBytes(String path, byte[] body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  Res delete(String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    b = json == null ? b.DELETE() : b.header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString(json));
    return send(b.build());
  }

  Res method(String method, String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build());
  }

  Res send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Res(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Number of records in the audit trail, read through the API. */
  long auditLength() {
    long n = 0;
    String after = "0";
    while (true) {
      Res r = get("/v1/audit?limit=10000&after=" + after);
      n += r.body().lines().filter(l -> !l.isBlank()).count();
      String next = r.raw().headers().firstValue("Writ-Next-After").orElseThrow();
      if (next.equals(after)) {
        return n;
      }
      after = next;
    }
  }

  /** Number of records in the trail file. */
  long auditLengthFromFile() {
    try (Stream<String> lines = Files.lines(trail())) {
      return lines.filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path trail() {
    return data.resolve("audit.jsonl");
  }

  private void copyResources() {
    try {
      Path src = Path.of(TestServer.class.getResource("/policies").toURI());
      Files.createDirectories(policies);
      try (Stream<Path> files = Files.list(src)) {
        for (Path f : files.toList()) {
          Files.copy(f, policies.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.copy(Path.of(TestServer.class.getResource("/entities.yaml").toURI()), entities,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }

  // ---- requests used across tests ------------------------------------------------------

  /** alice asks to read prod metrics for an incident: permitted at once (internal data, no approval). */
  static final String ALICE_METRICS = """
      {"principal":"Employee::alice","actions":["db:select"],"resource":"Database::metrics",
       "intent":{"name":"investigate_incident","ticket":"INC-4711"},"context":{"mfa":true}}""";

  /** alice asks to read prod orders (restricted): pending until a db owner approves. */
  static final String ALICE_ORDERS = """
      {"principal":"Employee::alice","actions":["db:select"],"resource":"Database::orders",
       "intent":{"name":"investigate_incident","ticket":"INC-4711"},"context":{"mfa":true}}""";

  /** dave is in no team: denied. */
  static final String DAVE_METRICS = """
      {"principal":"Employee::dave","actions":["db:select"],"resource":"Database::metrics",
       "intent":{"name":"investigate_incident","ticket":"INC-4711"},"context":{"mfa":true}}""";
}

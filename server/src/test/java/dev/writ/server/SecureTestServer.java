package dev.writ.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link TestServer} run as in production: {@code --auth} with a real issuer ({@link Tokens}),
 * no client time, and calls made with bearer tokens.
 */
final class SecureTestServer implements AutoCloseable {
  final Tokens tokens;
  final TestServer s;

  SecureTestServer(Path dir) {
    this(dir, c -> c);
  }

  SecureTestServer(Path dir, UnaryOperator<ServerConfig> tweak) {
    tokens = new Tokens(dir.resolve("auth"), null);
    s = new TestServer(dir.resolve("server"), c -> tweak.apply(c.withAuthFile(Optional.of(tokens.auth))
        .withAllowClientTime(false).withWatch(false, Duration.ofMillis(20))));
    tokens.clock = s.clock;
  }

  /** A call with a bearer token (none when {@code token} is null) and a JSON body (none when null). */
  TestServer.Res call(String method, String path, String body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return s.send(b.build());
  }

  TestServer.Res post(String path, String body, String token) {
    return call("POST", path, body, token);
  }

  TestServer.Res get(String path, String token) {
    return call("GET", path, null, token);
  }

  /** A token for {@code Employee::sub} with these roles, valid now. */
  String token(String sub, String... roles) {
    return tokens.as(sub, roles).sign();
  }

  /** How many calls were refused for this reason, from the service's own metrics. */
  double authFailures(String reason) {
    String line = s.server.service().metrics().scrape().lines()
        .filter(l -> l.startsWith("writ_auth_failures_total{") && l.contains("reason=\"" + reason + "\""))
        .findFirst().orElse(null);
    return line == null ? 0 : Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** The trail file's bytes (a refused call must leave them as they were). */
  String trail() {
    try {
      return Files.exists(s.trail()) ? Files.readString(s.trail()) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites a word in the test's copy of the policies and restarts (e.g. MFA from the credential). */
  void editPolicies(String from, String to) {
    try {
      Path f = s.policies.resolve("incident.policy");
      String text = Files.readString(f);
      if (!text.contains(from)) {
        throw new AssertionError("incident.policy has no `" + from + "`");
      }
      Files.writeString(f, text.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.restart();
  }

  void addEntities(String yamlLines) {
    try {
      Files.writeString(s.entities, Files.readString(s.entities) + yamlLines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.restart();
  }

  @Override
  public void close() {
    s.close();
  }
}

package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow-client attack: a few hundred connections that send headers and then their body a
 * trickle at a time (or not at all). While they are open, {@code /health} and decisions are
 * answered; connections slower than the minimum data rate, or idle, are cut off.
 */
class SlowClientsTest {
  /**
   * A liveness bound, not a performance measurement: a call that has not been answered in this
   * time is stuck behind the slow clients (unprotected, it waits for them for tens of seconds).
   */
  static final Duration LIVENESS = Duration.ofSeconds(2);

  /**
   * A minimum rate of 256 B/s: the legal uploads below send 16 times that and the too-slow ones a
   * 25th of it, so that a busy machine (the attack runs from one thread, beside the server) cannot
   * push a legal upload under the minimum and make the test flaky. An idle timeout of 8 s: the
   * attack opens its 350 connections one by one before any body byte is sent, which takes seconds
   * on a loaded machine, and the first ones must not idle out meanwhile.
   */
  static final ServerConfig.Limits LIMITS = new ServerConfig.Limits(Duration.ofSeconds(8), 256, 1000);

  @TempDir
  Path dir;

  @Test
  void slowUploadsNeitherStarveTheServiceNorStayForever() throws Exception {
    try (TestServer s = new TestServer(dir, c -> c.withLimits(LIMITS))) {
      // Warm up (client, server, JIT) first, so that the bound below is spent on the attack alone.
      assertEquals(200, s.get("/health").status());
      assertEquals(200, s.post("/v1/decisions", TestServer.ALICE_METRICS).status());
      // Sixteen times the minimum rate (4 KB/s): within the rules, these may take their time.
      SlowClients.Group legal = new SlowClients.Group("legal", 200, 400, 200_000);
      // 10 B/s: far below the minimum rate.
      SlowClients.Group tooSlow = new SlowClients.Group("too-slow", 100, 1, 10_000);
      // Headers, then nothing: idle.
      SlowClients.Group idle = new SlowClients.Group("idle", 50, 0, 500);
      try (SlowClients attack = new SlowClients(s.server.uri(), Duration.ofSeconds(60), legal, tooSlow, idle)) {
        awaitTrue(() -> attack.ticks() >= 5, Duration.ofSeconds(10), () -> "the attack is under way");
        List<Long> health = new ArrayList<>();
        List<Long> decisions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          health.add(timed(() -> assertEquals(200, s.send(get(s, "/health")).status())));
          decisions.add(timed(() -> {
            TestServer.Res r = s.send(post(s, "/v1/decisions", TestServer.ALICE_METRICS));
            assertEquals(200, r.status(), r.body());
            assertEquals("permit", r.json().path("decision").asText(), r.body());
          }));
        }
        System.out.printf("slow clients: /health answered in %s ms (median %d), decisions in %s ms (median %d)%n",
            health, median(health), decisions, median(decisions));
        for (long ms : health) {
          assertTrue(ms < LIVENESS.toMillis(), "/health answered in " + ms + " ms under the attack");
        }
        for (long ms : decisions) {
          assertTrue(ms < LIVENESS.toMillis(), "a decision answered in " + ms + " ms under the attack");
        }
        // The calls above were answered while the legal slow uploads were still open.
        long legalOpen = attack.group("legal").stream().filter(c -> !c.closedByServer).count();
        assertEquals(legal.connections(), legalOpen, "uploads above the minimum rate are left alone");

        // Too slow and idle connections are cut off (the minimum rate; the idle timeout), with a 408.
        awaitTrue(() -> attack.group("too-slow").stream().allMatch(c -> c.closedByServer)
                && attack.group("idle").stream().allMatch(c -> c.closedByServer),
            Duration.ofSeconds(30), () -> "too slow and idle connections are closed by the server; "
                + state(attack, "too-slow") + "; " + state(attack, "idle"));
        for (SlowClients.Connection c : attack.group("too-slow")) {
          assertTrue(c.answer().startsWith("HTTP/1.1 408 "), c.group.name() + ": " + c.answer());
        }
        for (SlowClients.Connection c : attack.group("idle")) {
          assertTrue(c.answer().startsWith("HTTP/1.1 408 "), c.group.name() + ": " + c.answer());
        }
      }
    }
  }

  @Test
  void aBodyThatArrivesInPiecesFastEnoughIsDecided() throws Exception {
    try (TestServer s = new TestServer(dir, c -> c.withLimits(LIMITS));
         Socket socket = new Socket("127.0.0.1", s.server.port())) {
      socket.setSoTimeout(10_000);
      byte[] body = TestServer.ALICE_METRICS.getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/decisions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Four pieces, 10 ms apart: tens of kB/s, well above the minimum rate, but each its own read.
      int piece = body.length / 4 + 1;
      for (int at = 0; at < body.length; at += piece) {
        out.write(body, at, Math.min(piece, body.length - at));
        out.flush();
        Thread.sleep(10);
      }
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      assertTrue(answer.contains("\"decision\":\"permit\""), answer);
    }
  }

  private static HttpRequest get(TestServer s, String path) {
    return HttpRequest.newBuilder(s.uri(path)).timeout(Duration.ofSeconds(60)).GET().build();
  }

  private static HttpRequest post(TestServer s, String path, String json) {
    return HttpRequest.newBuilder(s.uri(path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }

  /** Milliseconds the call took (recorded, so that the report can say; asserted only against the liveness bound). */
  private static long timed(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static String state(SlowClients attack, String group) {
    List<SlowClients.Connection> all = attack.group(group);
    long closed = all.stream().filter(c -> c.closedByServer).count();
    String open = all.stream().filter(c -> !c.closedByServer).findFirst()
        .map(c -> ", one still open has answered `" + c.answer() + "` after " + c.sent + " bytes").orElse("");
    return group + ": " + closed + " of " + all.size() + " closed" + open;
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, Duration within, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what.get());
      }
      Thread.sleep(20);
    }
  }
}

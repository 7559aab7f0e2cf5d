package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.TrailVerifier;
import dev.writ.engine.testing.MutableClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping (what SIGTERM does): calls being handled finish and are answered, then the store is
 * closed; new connections are refused. The call in flight is held inside the service by a clock
 * that blocks the request thread until the test lets it go, so the stop always begins while the
 * call is being handled, however fast or slow the machine is.
 */
class GracefulStopTest {
  @TempDir
  Path dir;

  /**
   * The test's clock, which can be armed to stop the next request thread that reads it (the
   * service's own background jobs pass freely: only its request threads, {@code writ-http-...}, stop).
   */
  static final class GateClock extends Clock {
    final MutableClock time = new MutableClock(TestServer.START);
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean armed;

    @Override
    public Instant instant() {
      if (armed && Thread.currentThread().getName().startsWith("writ-http")) {
        armed = false;
        entered.countDown();
        try {
          if (!release.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the call");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return time.instant();
    }

    @Override
    public ZoneId getZone() {
      return time.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void callsInFlightFinishBeforeTheStoreCloses() throws Exception {
    GateClock clock = new GateClock();
    TestServer s = new TestServer(dir, c -> c.withClock(clock).withStopTimeout(java.time.Duration.ofSeconds(60)));
    assertEquals("permit", s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("decision").path("decision")
        .asText());
    URI health = s.uri("/health");
    long perGrant = TrailVerifier.verify(s.trail()).records();

    clock.armed = true;
    CompletableFuture<TestServer.Res> inFlight =
        CompletableFuture.supplyAsync(() -> s.post("/v1/grants", TestServer.ALICE_METRICS));
    assertTrue(clock.entered.await(30, TimeUnit.SECONDS), "the call reached the service");
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(s::close);
    // The stop has begun once new connections are refused; the held call is still unanswered.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (accepts(health)) {
      assertTrue(System.nanoTime() < deadline, "the server kept accepting connections after close()");
      Thread.onSpinWait();
    }
    assertFalse(inFlight.isDone(), "the held call cannot have been answered");
    assertFalse(stopping.isDone(), "the stop waits for the call in flight");

    clock.release.countDown();
    TestServer.Res r = inFlight.get(30, TimeUnit.SECONDS);
    assertEquals(200, r.status(), r.body());
    assertEquals("permit", r.json().path("decision").path("decision").asText());
    stopping.get(30, TimeUnit.SECONDS);

    // Both grants and their events are in the trail, which verifies: the store closed after the call.
    TrailVerifier.Result v = TrailVerifier.verify(s.trail());
    assertTrue(v.ok(), v.problem());
    assertEquals(2 * perGrant, v.records());
  }

  /** A fresh connection each time (a kept-alive one could outlive the listener). */
  private static boolean accepts(URI health) throws InterruptedException {
    java.net.http.HttpClient fresh = java.net.http.HttpClient.newBuilder()
        .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    try {
      fresh.send(java.net.http.HttpRequest.newBuilder(health).timeout(java.time.Duration.ofSeconds(5)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (java.io.IOException refused) {
      return false;
    }
  }
}

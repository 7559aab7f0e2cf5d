package dev.writ.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.writ.engine.audit.TrailVerifier;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping (what SIGTERM does): calls being handled finish and are answered, then the store is
 * closed; new connections are refused.
 */
class GracefulStopTest {
  static final int BATCH = 5_000;

  @TempDir
  Path dir;

  @Test
  void callsInFlightFinishBeforeTheStoreCloses() throws Exception {
    TestServer s = new TestServer(dir, c -> c.withMaxBatch(BATCH).withMaxBodyBytes(64L * 1024 * 1024)
        .withStopTimeout(java.time.Duration.ofSeconds(60)));
    assertEquals("permit", s.post("/v1/grants", TestServer.ALICE_METRICS).json().path("decision").path("decision")
        .asText());
    URI health = s.uri("/health");
    // A batch large enough to take a while to decide.
    String batch = "{\"requests\":[" + (TestServer.ALICE_METRICS + ",").repeat(BATCH - 1) + TestServer.ALICE_METRICS
        + "]}";
    CompletableFuture<TestServer.Res> inFlight = CompletableFuture.supplyAsync(() -> s.post("/v1/decisions", batch));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (s.server.requestsInFlight() == 0 && !inFlight.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertFalse(inFlight.isDone(), "the batch was still being decided when the stop began");
    s.close();
    // The answer was written in full before the connections were closed.
    TestServer.Res r = inFlight.get(30, TimeUnit.SECONDS);
    assertEquals(200, r.status(), r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
    assertEquals(BATCH, r.json().path("decisions").size());

    assertThrows(UncheckedIOException.class, () -> s.send(java.net.http.HttpRequest.newBuilder(health).build()),
        "no longer accepting");
    TrailVerifier.Result v = TrailVerifier.verify(s.trail());
    assertTrue(v.ok(), v.problem());
    assertEquals(3, v.records());
  }
}

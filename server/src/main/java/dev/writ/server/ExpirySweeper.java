package dev.writ.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the expiry of grants while the service runs: every interval, each active grant whose
 * time is up gets its {@code expired} audit event (once; LANGUAGE.md §8). Action checks and
 * delegations see expiry at once anyway; the sweep makes the trail say when.
 */
final class ExpirySweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);

  private final ScheduledExecutorService timer;

  ExpirySweeper(WritService service, Duration interval) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "writ-expiry-sweeper");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(10, interval.toMillis());
    timer.scheduleWithFixedDelay(() -> {
      try {
        List<String> expired = service.sweepExpired();
        if (!expired.isEmpty()) {
          LOG.info("expired: {}", String.join(", ", expired));
        }
      } catch (RuntimeException | Error e) {
        LOG.error("the expiry sweep failed; it runs again in {} ms", ms, e);
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Stops sweeping, waiting for a sweep in progress to finish (its events are then on disk). */
  @Override
  public void close() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      timer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

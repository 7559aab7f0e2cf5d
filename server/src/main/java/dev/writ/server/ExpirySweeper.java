package dev.writ.server;

import java.time.Duration;
import dev.writ.engine.grant.StoreUnavailableException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the expiry of grants while the service runs: every interval, each active grant whose
 * time is up gets its {@code expired} audit event (once; docs/language.md §8). Action checks and
 * delegations see expiry at once anyway; the sweep makes the trail say when.
 */
final class ExpirySweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);

  private final PeriodicTask task;

  ExpirySweeper(WritService service, Duration interval) {
    task = new PeriodicTask("writ-expiry-sweeper", interval, () -> {
      List<String> expired;
      try {
        expired = service.sweepExpired();
      } catch (StoreUnavailableException e) {
        return; // the store logs its outages; the next sweep records what is due
      }
      if (!expired.isEmpty()) {
        LOG.info("expired: {}", String.join(", ", expired));
      }
    });
  }

  /** Stops sweeping, waiting for a sweep in progress to finish (its events are then on disk). */
  @Override
  public void close() {
    task.close();
  }
}

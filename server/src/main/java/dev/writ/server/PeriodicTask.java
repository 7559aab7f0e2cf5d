package dev.writ.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background job of the service on its own daemon thread, run with a fixed delay; a failure is
 * logged and the job runs again. Closing waits for a run in progress (whose work is then done and
 * recorded) before returning.
 */
final class PeriodicTask implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicTask.class);

  private final ScheduledExecutorService timer;

  PeriodicTask(String name, Duration interval, Runnable job) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(10, interval.toMillis());
    timer.scheduleWithFixedDelay(() -> {
      try {
        job.run();
      } catch (RuntimeException | Error e) {
        LOG.error("{} failed; it runs again in {} ms", name, ms, e);
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

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

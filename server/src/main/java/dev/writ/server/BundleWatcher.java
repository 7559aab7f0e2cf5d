package dev.writ.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --watch}: polls the bundle (and entity files) for changes and has the service
 * load them. Polling, not file-system events: it sees a bundle renamed into place, written in
 * place, or replaced on a network file system alike. A change is loaded once; a bundle that is
 * refused is not retried until its files change again (the log says why it was refused).
 */
final class BundleWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BundleWatcher.class);

  private final ScheduledExecutorService timer;

  BundleWatcher(WritService service, Duration interval) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "writ-bundle-watcher");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(10, interval.toMillis());
    timer.scheduleWithFixedDelay(() -> {
      try {
        service.reloadIfChanged();
      } catch (RuntimeException | Error e) {
        LOG.error("the bundle watcher failed; it keeps watching", e);
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

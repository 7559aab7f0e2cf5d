package dev.writ.server;

import java.time.Duration;

/**
 * With {@code --watch}: polls the bundle (and entity files) for changes and has the service
 * load them. Polling, not file-system events: it sees a bundle renamed into place, written in
 * place, or replaced on a network file system alike. A change is loaded once; a bundle that is
 * refused is not retried until its files change again (the log says why it was refused).
 */
final class BundleWatcher implements AutoCloseable {
  private final PeriodicTask task;

  BundleWatcher(WritService service, Duration interval) {
    task = new PeriodicTask("writ-bundle-watcher", interval, service::reloadIfChanged);
  }

  @Override
  public void close() {
    task.close();
  }
}

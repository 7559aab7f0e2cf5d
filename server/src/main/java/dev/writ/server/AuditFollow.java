package dev.writ.server;

/**
 * What {@code GET /v1/audit?follow=true} streams wait on between polls of the store: woken early
 * when the service stops, so that every stream ends cleanly (its last chunk written) before the
 * server waits for requests in flight.
 */
final class AuditFollow {
  private boolean ended;

  /** Waits up to {@code millis}; returns whether the streams are to end. */
  synchronized boolean await(long millis) throws InterruptedException {
    if (!ended && millis > 0) {
      wait(millis);
    }
    return ended;
  }

  synchronized boolean ended() {
    return ended;
  }

  /** Ends every stream (the service is stopping). */
  synchronized void end() {
    ended = true;
    notifyAll();
  }
}

package dev.writ.engine.grant;

/**
 * The grant store cannot be reached or cannot commit now (a shared database stopped, unreachable,
 * or timing out). Nothing was acknowledged: the change either did not happen or, when the
 * connection broke during the commit itself, may have landed without anyone being told, which
 * the trail then shows. Callers fail closed (the service answers 503 at {@code store}); the store
 * recovers by itself once the database is back.
 */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message) {
    super(message, null, false, false);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
